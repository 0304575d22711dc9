"""Figures follow the reports' honesty rule, and a difference found at 確定 is settled by the
事務局. 小美玉市's 令和6年度 cycle asks 防災管理課 (田中) for 地域の自主防災組織 and 市民協働課 for
学区コミュニティ組織数:

- a figure not handed in keeps the cycle from 取りまとめ and 委員会審議, as a report does, until
  it is handed in or the 事務局 (佐藤) records 「未提出のまま進める」 with a reason — in the same
  form as the reports — and the reason is shown with it;
- when 防災管理課 reports 91.0% for 2024 and 83.0% is already registered, 確定 keeps 83.0% and
  marks the conflict; 佐藤 sees both and chooses, with a reason: 「登録済の値を残す」 or
  「報告の値で置き換える」 (the observation takes the reported figure, the judgement follows, the
  old figure stays in the audit trail). Once."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.access import Standing
from sasaeai.audit.models import AuditEvent
from sasaeai.indicators import actions as indicator_actions
from sasaeai.indicators.models import Indicator, JudgementRule, Observation
from sasaeai.progress import actions, actions_figures, actions_states
from sasaeai.progress.models import Cycle, Entry, FigureRequest
from sasaeai.progress.tests.test_figures import (
    BOUSAI,
    KYODO,
    figure_of,
    logged_in,
    omitama,
    open_cycle,
    to_confirmed,
    url,
    user,
)

pytestmark = pytest.mark.django_db
S = Cycle.Status
L = FigureRequest.Landing
REASON = "市民協働課の集計が4月以降になるため"


def reports_accepted(cycle: Cycle) -> Cycle:
    """The reports are not what these tests are about: they are taken as accepted."""
    Entry.objects.filter(cycle=cycle).update(status=Entry.Status.ACCEPTED)
    return Cycle.objects.get(pk=cycle.pk)


def handed_in(cycle: Cycle, name: str, verbatim: str) -> FigureRequest:
    figure = figure_of(cycle, name)
    return actions_figures.save_figure(by=user("tanto"), figure=figure,
                                       data={"verbatim": verbatim, "year": "2024"},
                                       expected_version=figure.version, submit=True)


def move(cycle: Cycle, to: str) -> Cycle:
    cycle = Cycle.objects.get(pk=cycle.pk)
    return actions.move_cycle(by=user("jimukyoku"), cycle=cycle, to=to,
                              expected_version=cycle.version)


# 「未提出のまま進める」 for figures ---------------------------------------------------------------

def test_a_figure_not_handed_in_keeps_the_cycle_from_compiling_until_it_is_waived():
    cycle = reports_accepted(open_cycle())
    handed_in(cycle, BOUSAI, "84.5%")
    with pytest.raises(ValidationError) as refused:
        move(cycle, S.COMPILING)
    assert refused.value.messages == [
        "提出されていない指標の実績値（未着手・下書き・差戻し）が1件あります。"
        "提出を待つか、実績値ごとに「未提出のまま進める」理由を記録してから取りまとめてください。"]
    assert Cycle.objects.get(pk=cycle.pk).status == S.COLLECTING
    # 佐藤 records the reason on the cycle page's form, ticking 学区コミュニティ組織数.
    kyodo = figure_of(cycle, KYODO)
    sato = logged_in(user("jimukyoku"))
    response = sato.post(reverse("progress:cycle_waive", args=["082368", "dai3ji", cycle.pk]),
                         {"figures": [kyodo.pk], "reason": REASON})
    assert response.status_code == 302
    kyodo.refresh_from_db()
    assert kyodo.is_waived and kyodo.waived_reason == REASON and kyodo.waived_by == user(
        "jimukyoku")
    event = AuditEvent.objects.get(action="progress.figure.waive")
    assert event.before is not None and event.before["waiver_reason"] == ""
    assert event.note == REASON
    assert move(cycle, S.COMPILING).status == S.COMPILING
    reviewing = move(cycle, S.REVIEWING)
    confirm = sato.post(reverse("progress:cycle_move", args=["082368", "dai3ji", cycle.pk]),
                        {"to": S.CONFIRMED, "version": reviewing.version}).text
    assert "未提出のまま進めた指標の実績値が1件あります。" in confirm


def test_it_names_both_counts_when_reports_and_figures_wait():
    cycle = open_cycle()
    waiting = cycle.entries.blocking_review().count()
    assert waiting > 0
    with pytest.raises(ValidationError) as refused:
        move(cycle, S.COMPILING)
    assert refused.value.messages == [
        f"提出されていない報告が{waiting}件、提出されていない指標の実績値が2件あります"
        "（未着手・下書き・差戻し）。提出を待つか、報告・実績値ごとに「未提出のまま進める」"
        "理由を記録してから取りまとめてください。"]


def test_the_waive_form_lists_the_waiting_figures_and_one_tick_takes_reports_and_figures():
    cycle = open_cycle()
    entries = cycle.entries.blocking_review().count()
    sato = logged_in(user("jimukyoku"))
    page = sato.get(cycle.get_absolute_url()).text
    assert f"提出されていない報告（{entries}件）・指標の実績値（2件）" in page
    assert f"{BOUSAI}（防災管理課）（未着手）" in page
    assert f"提出されていない報告・実績値をすべて選ぶ（{entries + 2}件）" in page
    response = sato.post(reverse("progress:cycle_waive", args=["082368", "dai3ji", cycle.pk]),
                         {"every": "on", "reason": REASON}, follow=True)
    assert f"{entries}件の報告、2件の指標の実績値を「未提出のまま進める」と記録しました。" in response.text
    assert not cycle.figure_requests.blocking_review().exists()
    assert not cycle.entries.blocking_review().exists()
    assert AuditEvent.objects.filter(action="progress.figure.waive").count() == 2
    assert "未提出のまま進める指標の実績値" in sato.get(cycle.get_absolute_url()).text
    assert move(cycle, S.COMPILING).status == S.COMPILING


def test_it_refuses_to_waive_a_figure_handed_in_or_without_a_reason_or_by_the_department():
    cycle = open_cycle()
    bousai = handed_in(cycle, BOUSAI, "84.5%")
    kyodo = figure_of(cycle, KYODO)
    with pytest.raises(ValidationError, match="提出済の実績値が1件含まれています"):
        actions_states.waive_figures(by=user("jimukyoku"), cycle=cycle,
                                     figure_ids=[bousai.pk, kyodo.pk], reason=REASON)
    with pytest.raises(ValidationError, match="未提出のまま進める理由を入力してください"):
        actions_states.waive_figures(by=user("jimukyoku"), cycle=cycle, figure_ids=[kyodo.pk],
                                     reason="  ")
    with pytest.raises(PermissionDenied):
        actions_states.waive_figures(by=user("tanto"), cycle=cycle, figure_ids=[kyodo.pk],
                                     reason=REASON)
    assert not FigureRequest.objects.exclude(waiver_reason="").exists()
    assert not AuditEvent.objects.filter(action="progress.figure.waive").exists()


def test_the_public_reads_the_waiver_of_a_published_figure_and_not_the_draft_figure():
    cycle = open_cycle()
    kyodo = figure_of(cycle, KYODO)
    actions_figures.save_figure(by=user("jimukyoku"), figure=kyodo, data={"verbatim": "12団体"},
                                expected_version=kyodo.version)
    handed_in(cycle, BOUSAI, "84.5%")
    confirmed = to_confirmed(Cycle.objects.get(pk=cycle.pk))  # waives 学区コミュニティ組織数
    move(confirmed, S.PUBLISHED)
    public = Client().get(url(kyodo)).text
    assert "未提出のまま進める" in public and "市民協働課の集計が4月以降になるため" in public
    assert "12団体" not in public
    listed = Client().get(cycle.get_absolute_url()).text
    assert "市民協働課の集計が4月以降になるため" in listed
    assert "12団体" in logged_in(user("jimukyoku")).get(url(kyodo)).text


# Settling a difference from the registered 実績値 ------------------------------------------------

def conflicted() -> tuple[Cycle, FigureRequest, Observation]:
    """83.0% registered for 2024; 防災管理課 reports 91.0%, accepted; 確定 keeps 83.0%."""
    cycle = open_cycle()
    indicator = Indicator.objects.get(plan=omitama(), name=BOUSAI)
    registered = indicator_actions.add_actual_observation(
        by=user("jimukyoku"), indicator=indicator, year=2024, value=Decimal("83.0"),
        verbatim="83.0%", status="measured", note="速報値")
    figure = handed_in(cycle, BOUSAI, "91.0%")
    actions_figures.accept_figure(by=user("jimukyoku"), figure=figure,
                                  expected_version=figure.version)
    confirmed = to_confirmed(Cycle.objects.get(pk=cycle.pk))
    figure = figure_of(confirmed, BOUSAI)
    assert figure.is_conflict
    return confirmed, figure, registered


def judged(indicator_id: int) -> tuple[str, str]:
    indicator = Indicator.objects.with_figures().get(pk=indicator_id)
    latest = indicator.latest()
    category = indicator.judge(rule=JudgementRule.objects.rule_for(omitama())).category
    return (latest.verbatim if latest else "", category)


def test_the_secretariat_sees_both_figures_and_replaces_the_registered_one_with_a_reason():
    cycle, figure, registered = conflicted()
    sato = logged_in(user("jimukyoku"))
    page = sato.get(url(figure)).text
    assert "登録済の値との相違を決着する" in page
    assert "83.0%" in page and "速報値" in page and "91.0%" in page
    assert "登録済の値を残す" in page and "報告の値で置き換える" in page
    latest, category = judged(registered.indicator_id)
    assert latest == "83.0%" and category != "achieved"
    response = sato.post(url(figure, "figure_settle"), {
        "version": figure.version, "choice": "replace",
        "reason": "防災管理課の確定値（4月1日現在）のため"}, follow=True)
    assert "報告の値で置き換えました" in response.text
    registered.refresh_from_db()
    assert (registered.verbatim, registered.value, registered.note) == (
        "91.0%", Decimal("91.0"), "")
    figure.refresh_from_db()
    assert (figure.landing, figure.observation_id, figure.settlement_reason) == (
        L.REPLACED, registered.pk, "防災管理課の確定値（4月1日現在）のため")
    # The judgement is computed from the observations: 91.0% against the target of 90.0%.
    assert judged(registered.indicator_id) == ("91.0%", "achieved")
    replaced = AuditEvent.objects.get(action="indicators.figure.replace")
    assert replaced.before is not None and replaced.after is not None
    assert (replaced.before["verbatim"], replaced.after["verbatim"]) == ("83.0%", "91.0%")
    assert "防災管理課の確定値" in replaced.note
    settled = AuditEvent.objects.get(action="progress.figure.settle")
    assert settled.before is not None and settled.after is not None
    assert settled.before["landing"] == L.CONFLICT and settled.after["landing"] == L.REPLACED
    assert "報告の値で置き換え" in sato.get(cycle.get_absolute_url()).text


def test_keeping_the_registered_figure_records_the_decision_and_changes_no_observation():
    _, figure, registered = conflicted()
    actions_figures.settle_figure(by=user("jimukyoku"), figure=figure, choice="keep",
                                  reason="県への報告済の値に合わせるため",
                                  expected_version=figure.version)
    registered.refresh_from_db()
    assert (registered.verbatim, registered.value) == ("83.0%", Decimal("83.0"))
    figure.refresh_from_db()
    assert (figure.landing, figure.observation_id, figure.settled_by) == (
        L.KEPT, None, user("jimukyoku"))
    assert not AuditEvent.objects.filter(action="indicators.figure.replace").exists()
    event = AuditEvent.objects.get(action="progress.figure.settle")
    assert "登録済の「83.0%」を残しました" in event.note
    page = logged_in(user("jimukyoku")).get(url(figure)).text
    assert "登録済の値を採用" in page and "県への報告済の値に合わせるため" in page
    assert "登録済の値との相違を決着する" not in page


def test_it_refuses_a_second_settlement_and_a_figure_that_is_no_conflict():
    cycle, figure, registered = conflicted()
    sato = user("jimukyoku")
    actions_figures.settle_figure(by=sato, figure=figure, choice="keep", reason="県の値")
    # A page loaded before the first settlement: the locked row decides.
    with pytest.raises(ValidationError, match="既に決着しています（登録済の値を採用）"):
        actions_figures.settle_figure(by=sato, figure=figure, choice="replace", reason="やはり")
    registered.refresh_from_db()
    assert registered.verbatim == "83.0%"
    kyodo = figure_of(cycle, KYODO)  # waived, never landed
    with pytest.raises(ValidationError, match="相違していないため、決着するものがありません"):
        actions_figures.settle_figure(by=sato, figure=kyodo, choice="replace", reason="理由")
    assert AuditEvent.objects.filter(action="progress.figure.settle").count() == 1


def test_only_the_secretariat_settles_with_a_reason_once_the_cycle_is_confirmed():
    cycle, figure, registered = conflicted()
    tanaka = logged_in(user("tanto"))  # 防災管理課: reads its figure, does not settle it
    assert "登録済の値との相違を決着する" not in tanaka.get(url(figure)).text
    assert tanaka.post(url(figure, "figure_settle"), {
        "version": figure.version, "choice": "replace", "reason": "理由"}).status_code == 403
    with pytest.raises(PermissionDenied):
        indicator_actions.replace_actual_observation(
            by=user("tanto"), observation=registered, value=Decimal("1"), verbatim="1%",
            status="measured", reason="理由")
    response = logged_in(user("jimukyoku")).post(url(figure, "figure_settle"), {
        "version": figure.version, "choice": "replace", "reason": ""})
    assert response.status_code == 400
    assert "どちらの値を採るか、その理由を入力してください。" in response.text
    figure.refresh_from_db()
    registered.refresh_from_db()
    assert (figure.landing, registered.verbatim) == (L.CONFLICT, "83.0%")
    # Settled on the confirmed or published cycle only: not before, not once withdrawn.
    sato = Standing.of(user("jimukyoku"), cycle.plan)
    assert [sato.can_settle_figure(figure, Cycle(plan=cycle.plan, status=status))
            for status in (S.REVIEWING, S.CONFIRMED, S.PUBLISHED, S.WITHDRAWN)] == [
        False, True, True, False]
