"""Indicator figures in the cycle: 小美玉市's departments are asked for the year's figure of the
indicators whose source names them (防災管理課: 地域の自主防災組織, 市民協働課: 学区コミュニティ組織数),
write it on a small form, the 事務局 checks it, and at 確定 it becomes the indicator's 実績値 —
unless a different figure is already registered for that year, which is kept and shown."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.indicators import actions as indicator_actions
from sasaeai.indicators.models import Indicator, JudgementRule, Observation
from sasaeai.indicators.sources import department_named_in
from sasaeai.plans.models import Plan
from sasaeai.progress import actions, actions_figures, actions_states
from sasaeai.progress.models import Cycle, Entry, FigureRequest
from sasaeai.surveys.models import SurveyMeasure
from sasaeai.tenancy.models import Organization

pytestmark = pytest.mark.django_db
S = Cycle.Status
CODE = "082368"
BOUSAI = "地域の自主防災組織"  # source 「防災管理課」, 79.2% → 81.9%, target 90.0%
KYODO = "学区コミュニティ組織数"  # source 「市民協働課」


def omitama() -> Plan:
    return Plan.objects.get(municipality__code=CODE, slug="dai3ji")


def user(suffix: str) -> User:
    return User.objects.get(username=f"omitama-{suffix}")


def logged_in(who: User) -> Client:
    client = Client()
    client.force_login(who)
    return client


def open_cycle() -> Cycle:
    """令和6年度 cycle of 第3次小美玉市地域福祉計画, 入力中."""
    cycle = actions.create_cycle(by=user("jimukyoku"), plan=omitama(), fiscal_year=2024)
    return actions.move_cycle(by=user("jimukyoku"), cycle=cycle, to=S.COLLECTING,
                              expected_version=cycle.version)


def figure_of(cycle: Cycle, name: str) -> FigureRequest:
    figure = FigureRequest.objects.select_related("indicator", "organization").get(
        cycle=cycle, indicator__name=name)
    figure.cycle = cycle
    return figure


def url(figure: FigureRequest, name: str = "figure") -> str:
    return reverse(f"progress:{name}", args=[CODE, "dai3ji", figure.cycle_id, figure.pk])


def to_confirmed(cycle: Cycle) -> Cycle:
    # The reports are not what these tests are about: they are taken as accepted, and the
    # figures still awaited (市民協働課's 学区コミュニティ組織数) are gone on without.
    Entry.objects.filter(cycle=cycle).update(status=Entry.Status.ACCEPTED)
    waiting = list(cycle.figure_requests.awaiting().values_list("pk", flat=True))
    if waiting:
        actions_states.waive_figures(by=user("jimukyoku"), cycle=cycle, figure_ids=waiting,
                                     reason="市民協働課の集計が4月以降になるため")
    for step in (S.COMPILING, S.REVIEWING, S.CONFIRMED):
        cycle = actions.move_cycle(by=user("jimukyoku"), cycle=cycle, to=step,
                                   expected_version=cycle.version)
    return cycle


def test_it_reads_the_reporting_department_from_the_source_text():
    organizations = list(Organization.objects.filter(municipality__code=CODE))
    named = [department_named_in(text, organizations) for text in ("防災管理課調べ",
                                                                    "市民協働課（各年4月1日）")]
    assert [o.name if o else None for o in named] == ["防災管理課", "市民協働課"]
    assert department_named_in("アンケート調査", organizations) is None
    assert department_named_in("", organizations) is None


def test_it_asks_the_departments_named_in_the_sources_and_not_the_surveys():
    survey_computed = Indicator.objects.get(plan=omitama(), name=KYODO)
    SurveyMeasure.objects.create(indicator=survey_computed, column="問5", option_codes=[1],
                                 options_label="はい")
    cycle = actions.create_cycle(by=user("jimukyoku"), plan=omitama(), fiscal_year=2024)
    asked = {(f.indicator.name, f.organization.name, f.year, f.status)
             for f in cycle.figure_requests.select_related("indicator", "organization")}
    assert asked == {(BOUSAI, "防災管理課", 2024, FigureRequest.Status.NOT_STARTED)}
    reporter = Indicator.objects.get(plan=omitama(), name=BOUSAI).reporting_organization
    assert reporter is not None and reporter.name == "防災管理課"
    page = logged_in(user("jimukyoku")).get(cycle.get_absolute_url()).text
    assert "アンケート調査から計算する指標（組織には照会しません）" in page and KYODO in page


def test_it_shows_the_department_its_figures_on_the_task_page_with_last_year_and_the_target():
    cycle = open_cycle()
    tanaka = logged_in(user("tanto"))  # 防災管理課の田中
    tasks = tanaka.get(reverse("tasks:mine")).text
    # Its own figure to write; 市民協働課's only as an indicator of the goal, for reference.
    assert f'id="card-f{figure_of(cycle, BOUSAI).pk}"' in tasks
    assert f'id="card-f{figure_of(cycle, KYODO).pk}"' not in tasks
    page = tanaka.get(url(figure_of(cycle, BOUSAI))).text
    assert "81.9%" in page and "90.0%" in page and "保存して提出" in page


def test_it_lets_the_department_write_and_hand_in_its_figure_as_written():
    cycle = open_cycle()
    figure = figure_of(cycle, BOUSAI)
    response = logged_in(user("tanto")).post(url(figure, "figure_save"), {
        "version": figure.version, "verbatim": "84.5%", "year": "2024", "note": "4月1日現在",
        "submit": "1"})
    assert response.status_code == 302
    figure.refresh_from_db()
    assert (figure.status, figure.verbatim, figure.value, figure.figure_status, figure.year) == (
        FigureRequest.Status.SUBMITTED, "84.5%", Decimal("84.5"), "measured", 2024)
    assert AuditEvent.objects.filter(action="progress.figure.submit").exists()


def test_it_refuses_another_organizations_staff():
    cycle = open_cycle()
    figure = figure_of(cycle, BOUSAI)
    suzuki = user("shakyo")  # 社協の鈴木: reports for the 社協, not for 防災管理課
    # Another organisation's figure is not theirs to see while it is being written: 404.
    response = logged_in(suzuki).post(url(figure, "figure_save"), {
        "version": figure.version, "verbatim": "1%"})
    assert response.status_code == 404
    assert logged_in(suzuki).get(url(figure)).status_code == 404
    with pytest.raises(PermissionDenied):
        actions_figures.save_figure(by=suzuki, figure=figure, data={"verbatim": "1%"},
                                    expected_version=figure.version)
    figure.refresh_from_db()
    assert (figure.verbatim, figure.version) == ("", 1)


def test_it_explains_in_japanese_what_it_cannot_read_and_changes_nothing():
    cycle = open_cycle()
    figure = figure_of(cycle, BOUSAI)
    response = logged_in(user("tanto")).post(url(figure, "figure_save"), {
        "version": figure.version, "verbatim": "たくさん", "submit": "1"})
    assert response.status_code == 400
    assert "『たくさん』から数値を読み取れません" in response.text
    figure.refresh_from_db()
    assert (figure.status, figure.verbatim, figure.version) == (
        FigureRequest.Status.NOT_STARTED, "", 1)


def test_it_lands_an_accepted_figure_as_an_observation_and_the_judgement_follows():
    cycle = open_cycle()
    sato = user("jimukyoku")
    figure = actions_figures.save_figure(
        by=user("tanto"), figure=figure_of(cycle, BOUSAI), data={"verbatim": "91.0%"},
        expected_version=1, submit=True)
    actions_figures.accept_figure(by=sato, figure=figure, expected_version=figure.version)
    to_confirmed(Cycle.objects.get(pk=cycle.pk))
    landed = Observation.objects.get(indicator__plan=omitama(), indicator__name=BOUSAI,
                                     role="actual", year=2024)
    assert (landed.verbatim, landed.value, landed.status) == ("91.0%", Decimal("91.0"),
                                                              "measured")
    indicator = Indicator.objects.with_figures().get(pk=landed.indicator_id)
    judgement = indicator.judge(rule=JudgementRule.objects.rule_for(omitama()))
    assert judgement.category == "achieved"  # 91.0% against the target of 90.0%
    assert figure_of(cycle, BOUSAI).landing == FigureRequest.Landing.REGISTERED
    assert AuditEvent.objects.filter(action="indicators.figure.add").exists()


def test_it_keeps_a_different_figure_already_registered_and_shows_the_conflict():
    cycle = open_cycle()
    sato = user("jimukyoku")
    indicator = Indicator.objects.get(plan=omitama(), name=BOUSAI)
    indicator_actions.add_actual_observation(by=sato, indicator=indicator, year=2024,
                                             value=Decimal("83.0"), verbatim="83.0%",
                                             status="measured")
    figure = actions_figures.save_figure(
        by=user("tanto"), figure=figure_of(cycle, BOUSAI), data={"verbatim": "84.5%"},
        expected_version=1, submit=True)
    actions_figures.accept_figure(by=sato, figure=figure, expected_version=figure.version)
    confirmed = to_confirmed(Cycle.objects.get(pk=cycle.pk))
    assert confirmed.status == S.CONFIRMED
    kept = Observation.objects.filter(indicator=indicator, role="actual", year=2024)
    assert [o.verbatim for o in kept] == ["83.0%"]
    assert figure_of(cycle, BOUSAI).is_conflict
    page = logged_in(sato).get(confirmed.get_absolute_url()).text
    assert "登録済の値と相違（上書きしていません）" in page


def test_it_needs_a_reason_to_return_a_figure_and_shows_it_to_the_department():
    cycle = open_cycle()
    sato = user("jimukyoku")
    figure = actions_figures.save_figure(
        by=user("tanto"), figure=figure_of(cycle, BOUSAI), data={"verbatim": "84.5%"},
        expected_version=1, submit=True)
    response = logged_in(sato).post(url(figure, "figure_return"), {
        "version": figure.version, "comment": ""})
    assert response.status_code == 400
    logged_in(sato).post(url(figure, "figure_return"), {
        "version": figure.version, "comment": "調査日を確認してください"})
    figure.refresh_from_db()
    assert figure.status == FigureRequest.Status.RETURNED
    page = logged_in(user("tanto")).get(url(figure)).text
    assert "調査日を確認してください" in page


def test_it_lets_the_secretariat_name_who_reports_an_indicator():
    indicator = Indicator.objects.get(plan=omitama(), name=KYODO)
    kyodo = Organization.objects.get(municipality__code=CODE, name="市民協働課")
    bousai = Organization.objects.get(municipality__code=CODE, name="防災管理課")
    path = reverse("indicators:reporter", args=[CODE, "dai3ji", indicator.pk])
    assert logged_in(user("tanto")).post(path, {"organization": bousai.pk}).status_code == 403
    logged_in(user("jimukyoku")).post(path, {"organization": kyodo.pk})
    indicator.refresh_from_db()
    assert indicator.reporting_organization == kyodo
    page = logged_in(user("jimukyoku")).get(
        reverse("indicators:detail", args=[CODE, "dai3ji", indicator.pk])).text
    assert "実績を報告する組織" in page


def test_it_refuses_a_save_from_a_stale_page_and_a_save_after_the_hand_in():
    cycle = open_cycle()
    tanaka = user("tanto")
    figure = figure_of(cycle, BOUSAI)
    actions_figures.save_figure(by=tanaka, figure=figure, data={"verbatim": "84.5%"},
                                expected_version=1)
    with pytest.raises(actions_figures.FigureConflict):
        actions_figures.save_figure(by=tanaka, figure=figure, data={"verbatim": "10%"},
                                    expected_version=1)
    actions_figures.save_figure(by=tanaka, figure=figure, data={"verbatim": "84.5%"},
                                expected_version=2, submit=True)
    # The form was loaded before the hand-in: the locked row decides, not the loaded one.
    with pytest.raises(PermissionDenied):
        actions_figures.save_figure(by=tanaka, figure=figure, data={"verbatim": "10%"},
                                    expected_version=3)
    figure.refresh_from_db()
    assert (figure.status, figure.verbatim, figure.version) == (
        FigureRequest.Status.SUBMITTED, "84.5%", 3)


def test_it_refuses_a_figure_too_large_for_the_column_in_japanese():
    """PostgreSQL refuses 10**30 in the column (SQLite took it): refused before, in Japanese."""
    cycle = open_cycle()
    figure = figure_of(cycle, BOUSAI)
    response = logged_in(user("tanto")).post(url(figure, "figure_save"), {
        "version": figure.version, "verbatim": str(10**30), "submit": "1"})
    assert response.status_code == 400
    assert "数値が大きすぎます" in response.text
    figure.refresh_from_db()
    assert (figure.status, figure.verbatim, figure.version) == (
        FigureRequest.Status.NOT_STARTED, "", 1)
