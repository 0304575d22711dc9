"""The figures a cycle asked for, in the read API: 小美玉市's 防災管理課 hands in the year's figure of
地域の自主防災組織, the 事務局 accepts it; 市民協働課 only drafted its figure. Once the cycle is
published, anyone reads the accepted figure (as a number too), that the other was not handed in,
and neither the return reason nor the draft's words."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.indicators.models import Indicator
from sasaeai.plans.models import Plan
from sasaeai.progress import actions, actions_figures, actions_states
from sasaeai.progress.models import Cycle, Entry, FigureRequest
from sasaeai.tenancy.models import Organization

pytestmark = pytest.mark.django_db
S = Cycle.Status
CODE, SLUG = "082368", "dai3ji"
BOUSAI = "地域の自主防災組織"  # asked of 防災管理課 (its source)
KYODO = "学区コミュニティ組織数"  # 市民協働課: drafted, never handed in
RETURN_REASON = "差戻しの理由：令和5年度の値が入っています"
DRAFT_NOTE = "下書き：まだ課内で確認中"


def jimukyoku() -> User:
    return User.objects.get(username="omitama-jimukyoku")


def figures_url(cycle: Cycle) -> str:
    return reverse("api:cycle_figures", args=[CODE, SLUG, cycle.pk])


def anonymous_get(path: str) -> tuple[int, str]:
    response = Client().get(path)
    return response.status_code, response.content.decode()


def cycle_with_figures() -> Cycle:
    """令和6年度, 入力中: 防災管理課's figure handed in and accepted (a return reason planted on
    it), 市民協働課's still a draft."""
    sato, plan = jimukyoku(), Plan.objects.get(municipality__code=CODE, slug=SLUG)
    cycle = actions.create_cycle(by=sato, plan=plan, fiscal_year=2024)
    cycle = actions.move_cycle(by=sato, cycle=cycle, to=S.COLLECTING, expected_version=cycle.version)
    bousai = FigureRequest.objects.get(cycle=cycle, indicator__name=BOUSAI)
    bousai.cycle = cycle
    bousai = actions_figures.save_figure(by=sato, figure=bousai, submit=True,
                                         data={"verbatim": "82.5%", "year": 2024},
                                         expected_version=bousai.version)
    actions_figures.accept_figure(by=sato, figure=bousai, expected_version=bousai.version)
    FigureRequest.objects.filter(pk=bousai.pk).update(return_comment=RETURN_REASON)
    FigureRequest.objects.update_or_create(
        cycle=cycle, indicator=Indicator.objects.get(plan=plan, name=KYODO), defaults={
            "organization": Organization.objects.get(municipality__code=CODE, name="市民協働課"),
            "status": FigureRequest.Status.DRAFT, "verbatim": "15", "value": 15, "year": 2024,
            "note": DRAFT_NOTE})
    return cycle


WAIVER = "市民協働課の集計が委員会に間に合わないため。"


def published(cycle: Cycle) -> Cycle:
    """Published, 市民協働課's draft recorded as 「未提出のまま進める」 (else it would block)."""
    Entry.objects.filter(cycle=cycle).update(status=Entry.Status.ACCEPTED)
    kyodo = FigureRequest.objects.get(cycle=cycle, indicator__name=KYODO)
    actions_states.waive_figures(by=jimukyoku(), cycle=cycle, figure_ids=[kyodo.pk],
                                 reason=WAIVER)
    for step in (S.COMPILING, S.REVIEWING, S.CONFIRMED, S.PUBLISHED):
        cycle = actions.move_cycle(by=jimukyoku(), cycle=cycle, to=step,
                                   expected_version=cycle.version)
    return cycle


def test_the_public_reads_the_figures_of_a_published_cycle_without_what_was_not_handed_in():
    cycle = published(cycle_with_figures())
    status, text = anonymous_get(figures_url(cycle))
    assert status == 200
    rows = {row["indicator_name"]: row for row in json.loads(text)["items"]}
    assert {BOUSAI, KYODO} <= set(rows)
    bousai = rows[BOUSAI]
    assert (bousai["organization"], bousai["year"], bousai["verbatim"], bousai["value"]) == (
        "防災管理課", 2024, "82.5%", 82.5)
    assert (bousai["status"], bousai["figure_status"]) == ("accepted", "measured")
    assert rows[KYODO]["waiver_reason"] == WAIVER  # why the cycle went on without it
    assert bousai["landing"] in {"registered", "same", "conflict"}  # landed at 確定
    assert bousai["indicator"] == Indicator.objects.get(plan=cycle.plan, name=BOUSAI).pk
    kyodo = rows[KYODO]
    assert (kyodo["status"], kyodo["verbatim"], kyodo["value"], kyodo["note"]) == (
        "draft", "", None, "")
    assert RETURN_REASON not in text and "差戻しの理由" not in text
    assert DRAFT_NOTE not in text


def test_an_unpublished_cycle_and_its_figures_are_not_found_for_the_public():
    cycle = cycle_with_figures()  # 入力中
    status, text = anonymous_get(figures_url(cycle))
    assert status == 404 and json.loads(text) == {"detail": "見つかりません。"}
    cycles = json.loads(anonymous_get(f"/api/plans/{CODE}/{SLUG}/cycles")[1])["items"]
    assert cycle.pk not in {c["id"] for c in cycles}
    assert anonymous_get(reverse("api:cycle_figures", args=[CODE, SLUG, 999999]))[0] == 404


def test_the_secretariat_with_a_key_reads_the_figures_while_they_are_being_gathered():
    from sasaeai.accounts.actions import create_api_token

    cycle = cycle_with_figures()
    _token, key = create_api_token(by=jimukyoku(), name="集計用")
    response = Client().get(figures_url(cycle), headers={"Authorization": f"Bearer {key}"})
    rows = {row["indicator_name"]: row for row in response.json()["items"]}
    assert response.status_code == 200
    assert (rows[KYODO]["verbatim"], rows[KYODO]["note"]) == ("15", DRAFT_NOTE)
    assert RETURN_REASON not in response.content.decode()  # the API never carries it
