"""An item's history page and 「この版に戻す」 (issue #15): 小美玉市の事務局の佐藤 renames
基本目標1 twice and marks it 重点; its history lists the three changes newest first with each
field before and after, and she gives the goal back its first name. The return is itself a
change (undone from the message); a page opened before someone else's change refuses it; a
version equal to the present changes nothing; a position is never moved back; the history of an
indicator is there too; nobody but the 事務局 of the plan's municipality sees or uses it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.audit.actions import record, snapshot
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.undo import fingerprint
from sasaeai.indicators.models import Indicator
from sasaeai.plans.editing import ELEMENT_FIELDS
from sasaeai.plans.models import Plan, PlanElement

pytestmark = pytest.mark.django_db
CODE, SLUG = "082368", "dai3ji"
FIRST, SECOND = "地域で支えあう心づくり（案）", "地域でともに支えあう心づくり"


def sato() -> User:
    return User.objects.get(username="omitama-jimukyoku")


def plan() -> Plan:
    return Plan.objects.select_related("municipality").get(municipality__code=CODE, slug=SLUG)


def goal1() -> PlanElement:
    return PlanElement.objects.get(plan=plan(), parent=None, number_label="1")


def changed(element: PlanElement, **fields: object) -> AuditEvent:
    """As the 体系 editor's action records an edit."""
    before = snapshot(element)
    for name, value in fields.items():
        setattr(element, name, value)
    element.save(update_fields=list(fields))
    return record(by=sato(), action="plans.element.edit", obj=element, before=before,
                  after=snapshot(element), municipality_code=CODE)


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def history_url(kind: str, pk: int) -> str:
    return reverse("plans:history", args=[CODE, SLUG, kind, pk])


def revert_url(event: AuditEvent) -> str:
    return reverse("plans:revert", args=[CODE, SLUG, event.pk])


@pytest.fixture
def three_changes() -> tuple[PlanElement, str, list[AuditEvent]]:
    element = goal1()
    original = element.title
    events = [changed(element, title=FIRST), changed(element, title=SECOND),
              changed(element, is_priority=not element.is_priority)]
    return element, original, events


def test_the_history_lists_each_change_newest_first_with_its_fields_before_and_after(
        three_changes, django_assert_max_num_queries):
    element, original, _events = three_changes
    client = client_of("omitama-jimukyoku")
    with django_assert_max_num_queries(25):
        response = client.get(history_url("element", element.pk))
    assert response.status_code == 200
    assert f"変更の履歴：{element}" in response.text
    text = response.text.split('id="versions-h"', 1)[1]
    blocks = text.split('<li class="history-version')[1:]
    assert len(blocks) == 3  # newest first: the flag, then the second name, then the first
    assert "重点" in blocks[0] and "あり" in blocks[0]
    assert blocks[1].index(FIRST) < blocks[1].index(SECOND)  # 変更前 | 変更後
    assert blocks[2].index(original) < blocks[2].index(FIRST)
    assert all("佐藤" in block for block in blocks)
    assert text.count("この版に戻す</button>") == 2  # the newest is the present: not offered
    assert "いまの内容</span>" in text


def test_sato_gives_the_goal_its_first_name_back_and_undoes_that_from_the_message(three_changes):
    element, _original, events = three_changes
    client = client_of("omitama-jimukyoku")
    seen = fingerprint(element, ELEMENT_FIELDS)
    response = client.post(revert_url(events[0]), {"seen": seen}, follow=True)
    assert "の版に戻しました。" in response.text
    element.refresh_from_db()
    assert element.title == FIRST
    made = AuditEvent.objects.filter(action="audit.revert").get()
    before, after, first = made.before or {}, made.after or {}, events[0].after or {}
    assert before["title"] == SECOND and after["title"] == FIRST
    # the version also carries the flag as it was then
    assert after["is_priority"] == first["is_priority"]
    assert "元に戻す</button>" in response.text
    client.post(reverse("plans:undo", args=[CODE, SLUG, made.pk]))
    assert goal1().title == SECOND


def test_a_page_opened_before_another_change_or_a_version_equal_to_now_changes_nothing(
        three_changes):
    element, _original, events = three_changes
    client = client_of("omitama-jimukyoku")
    stale = fingerprint(element, ELEMENT_FIELDS)
    changed(goal1(), description="説明を書き足しました。")  # someone else, after the page opened
    response = client.post(revert_url(events[0]), {"seen": stale}, follow=True)
    assert "他の人がこの項目を変更しました。何も変更していません。" in response.text
    assert goal1().title != FIRST
    latest = AuditEvent.objects.filter(object_id=str(element.pk)).order_by("-id").first()
    assert latest is not None
    response = client.post(revert_url(latest),
                           {"seen": fingerprint(goal1(), ELEMENT_FIELDS)}, follow=True)
    assert "いまの内容はこの版と同じです。何も変更していません。" in response.text
    assert not AuditEvent.objects.filter(action="audit.revert").exists()


def test_a_version_never_moves_the_item_back(three_changes):
    element, _original, events = three_changes
    sibling = PlanElement.objects.get(plan=plan(), parent=None, number_label="2")
    changed(goal1(), parent_id=sibling.pk, order=99)
    moved = PlanElement.objects.get(pk=element.pk)
    client_of("omitama-jimukyoku").post(revert_url(events[0]),
                                        {"seen": fingerprint(moved, ELEMENT_FIELDS)})
    moved = PlanElement.objects.get(pk=element.pk)
    assert moved.title == FIRST
    assert moved.parent_id == sibling.pk and moved.order == 99


def test_an_indicator_has_a_history_page_too():
    indicator = Indicator.objects.filter(plan=plan()).order_by("pk").first()
    assert indicator is not None
    before = snapshot(indicator)
    indicator.name = indicator.name + "（改）"
    indicator.save(update_fields=["name"])
    record(by=sato(), action="indicators.indicator.edit", obj=indicator, before=before,
           after=snapshot(indicator), municipality_code=CODE)
    response = client_of("omitama-jimukyoku").get(history_url("indicator", indicator.pk))
    assert response.status_code == 200
    assert "（改）" in response.text and "この版に戻す</button>" not in response.text


@pytest.mark.parametrize("username, status", [
    ("omitama-tanto", 403), ("omitama-iin", 403), ("omitama-etsuran", 403),
    ("kurume-jimukyoku", 403),  # another city's 事務局: the plan is public, its editor is not
])
def test_nobody_but_the_secretariat_sees_or_uses_the_history(three_changes, username, status):
    element, _original, events = three_changes
    client = client_of(username)
    assert client.get(history_url("element", element.pk)).status_code == status
    assert client.post(revert_url(events[0]), {"seen": "x"}).status_code == status
    assert goal1().title == SECOND


@pytest.mark.parametrize("kind, pk", [("entry", 1), ("element", 10**9), ("Plan", 1)])
def test_an_unknown_kind_or_item_is_not_found(kind, pk):
    assert client_of("omitama-jimukyoku").get(history_url(kind, pk)).status_code == 404


def test_another_plans_item_is_not_found():
    other = PlanElement.objects.filter(plan__municipality__code="402036").first()
    assert other is not None
    assert client_of("omitama-jimukyoku").get(history_url("element", other.pk)).status_code == 404


def test_a_resident_reads_the_version_given_back_at_once_even_from_the_page_cache(
        three_changes, public_cache):
    element, _original, events = three_changes
    anonymous = Client()
    page = element.get_absolute_url()
    assert SECOND in anonymous.get(page).text
    assert anonymous.get(page).get("X-Sasaeai-Cache") == "hit"
    client_of("omitama-jimukyoku").post(revert_url(events[0]),
                                        {"seen": fingerprint(goal1(), ELEMENT_FIELDS)})
    after = anonymous.get(page)
    assert after.get("X-Sasaeai-Cache") != "hit"
    assert FIRST in after.text and SECOND not in after.text


def test_the_hub_links_each_recent_change_to_its_items_history(three_changes):
    element, _original, _events = three_changes
    response = client_of("omitama-jimukyoku").get(reverse("plans:edit", args=[CODE, SLUG]))
    assert response.text.count(f'href="{history_url("element", element.pk)}"') == 3
