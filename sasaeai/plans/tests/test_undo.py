"""「元に戻す」 for a change made in a plan's editors (audit.undo): 小美玉市's 事務局 (佐藤) renames
基本目標1 by mistake and undoes it from the message; the undo is itself a recorded change; an undo
after someone else changed the item again is refused, and so is a second undo; a deleted item
comes back; an added one goes again. Nobody but the 事務局 of the plan's municipality may."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.audit.actions import record, snapshot
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.undo import fingerprint
from sasaeai.demo.loader import load_all
from sasaeai.plans.editing import ELEMENT_FIELDS
from sasaeai.plans.models import Plan, PlanElement

pytestmark = pytest.mark.django_db
CODE, SLUG = "082368", "dai3ji"


def sato() -> User:
    return User.objects.get(username="omitama-jimukyoku")


def plan() -> Plan:
    return Plan.objects.select_related("municipality").get(municipality__code=CODE, slug=SLUG)


def goal1() -> PlanElement:
    return PlanElement.objects.get(plan=plan(), parent=None, number_label="1")


def renamed(element: PlanElement, title: str) -> AuditEvent:
    """As the 体系 editor's action records a rename."""
    before = snapshot(element)
    element.title = title
    element.save(update_fields=["title"])
    return record(by=sato(), action="plans.element.edit", obj=element, before=before,
                  after=snapshot(element), municipality_code=CODE)


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def undo_url(event: AuditEvent) -> str:
    return reverse("plans:undo", args=[CODE, SLUG, event.pk])


def test_a_rename_is_undone_from_the_message_and_the_undo_can_be_undone():
    element = goal1()
    original = element.title
    event = renamed(element, "地域で支えあう心づくり（誤）")
    client = client_of("omitama-jimukyoku")
    response = client.post(undo_url(event), {"next": f"/{CODE}/{SLUG}/"}, follow=True)
    assert "元に戻しました。" in response.text
    assert "元に戻す</button>" in response.text  # the undo is offered in turn
    assert goal1().title == original
    undone = AuditEvent.objects.get(undoes=event)
    assert undone.action == "audit.undo" and (undone.after or {}).get("title") == original
    client.post(reverse("plans:undo", args=[CODE, SLUG, undone.pk]))
    assert goal1().title == "地域で支えあう心づくり（誤）"


def test_an_undo_after_another_change_or_a_second_undo_is_refused_and_changes_nothing():
    element = goal1()
    first = renamed(element, "一度目の名前")
    renamed(goal1(), "二度目の名前")
    client = client_of("omitama-jimukyoku")
    response = client.post(undo_url(first), follow=True)
    assert "他の人が同じ項目を変更しています" in response.text
    assert goal1().title == "二度目の名前"
    latest = AuditEvent.objects.filter(object_id=str(element.pk)).order_by("-pk").first()
    assert latest is not None
    client.post(undo_url(latest))
    response = client.post(undo_url(latest), follow=True)
    assert "既に元に戻されています" in response.text
    assert goal1().title == "一度目の名前"


def test_a_deleted_element_comes_back_and_an_added_one_goes_again():
    parent = goal1()
    added = PlanElement.objects.create(plan=plan(), parent=parent, level_label="基本施策",
                                       number_label="9", title="追加した施策", order=99)
    creation = record(by=sato(), action="plans.element.add", obj=added, before=None,
                      after=snapshot(added), municipality_code=CODE)
    client = client_of("omitama-jimukyoku")
    client.post(undo_url(creation))
    assert not PlanElement.objects.filter(pk=added.pk).exists()
    gone = AuditEvent.objects.get(undoes=creation)
    client.post(undo_url(gone))  # undoing the undo brings it back, with its id
    back = PlanElement.objects.get(pk=added.pk)
    assert back.title == "追加した施策" and back.parent_id == parent.pk


def test_an_element_others_refer_to_is_not_removed_by_undoing_its_creation():
    parent = goal1()
    added = PlanElement.objects.create(plan=plan(), parent=parent, level_label="基本施策",
                                       number_label="9", title="追加した施策", order=99)
    creation = record(by=sato(), action="plans.element.add", obj=added, before=None,
                      after=snapshot(added), municipality_code=CODE)
    PlanElement.objects.create(plan=plan(), parent=added, level_label="施策の方向",
                               number_label="①", title="その下の方向", order=1)
    response = client_of("omitama-jimukyoku").post(undo_url(creation), follow=True)
    assert "その後に追加されたもの（施策の方向① その下の方向）" in response.text
    assert PlanElement.objects.filter(pk=added.pk).exists()
    assert PlanElement.objects.filter(parent=added).count() == 1


def test_nobody_but_the_secretariat_may_and_another_plans_change_is_not_found():
    event = renamed(goal1(), "誤った名前")
    for username in ("omitama-tanto", "omitama-shakyo", "omitama-iin", "omitama-etsuran"):
        assert client_of(username).post(undo_url(event)).status_code in {403, 404}
    assert goal1().title == "誤った名前"
    other = reverse("plans:undo", args=["402036", "jiki", event.pk])
    assert client_of("kurume-jimukyoku").post(other).status_code == 404


def test_a_fingerprint_tells_a_stale_form_from_a_fresh_one():
    element = goal1()
    seen = fingerprint(element, ELEMENT_FIELDS)
    renamed(element, "別の名前")
    assert fingerprint(goal1(), ELEMENT_FIELDS) != seen


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "goal",
                                    "/\\evil.example", "/x\r\nSet-Cookie: a=b"])
def test_after_an_undo_a_foreign_or_odd_next_goes_back_to_the_plan(target: str):
    event = renamed(goal1(), "地域で支えあう心づくり（誤）")
    response = client_of("omitama-jimukyoku").post(undo_url(event), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == plan().get_absolute_url()


def test_an_undo_the_rows_around_it_no_longer_allow_is_refused_in_japanese():
    """佐藤 renumbered 基本施策2. to 4., then someone made a new 基本施策2.: undoing the renumber
    would make two 2. under 基本目標1 — refused, nothing changed. A deleted 基本施策 whose
    基本目標 has gone since does not come back either."""
    policy = PlanElement.objects.get(plan=plan(), parent=goal1(), number_label="2.")
    before = snapshot(policy)
    policy.number_label = "4."
    policy.save(update_fields=["number_label"])
    event = record(by=sato(), action="plans.element.edit", obj=policy, before=before,
                   after=snapshot(policy), municipality_code=CODE)
    PlanElement.objects.create(plan=plan(), parent=goal1(), level_label=policy.level_label,
                               number_label="2.", title="新しい基本施策", order=9999)
    response = client_of("omitama-jimukyoku").post(undo_url(event), follow=True)
    assert response.status_code == 200 and "元に戻せません" in response.text
    policy.refresh_from_db()
    assert policy.number_label == "4."
    assert not AuditEvent.objects.filter(undoes=event).exists()

    orphan = PlanElement.objects.create(plan=plan(), parent=None, level_label="基本目標",
                                        number_label="9", title="一時的な目標")
    child = PlanElement.objects.create(plan=plan(), parent=orphan, level_label="基本施策",
                                       number_label="1.", title="一時的な施策")
    gone = record(by=sato(), action="plans.element.delete", obj=child, before=snapshot(child),
                  after=None, municipality_code=CODE)
    orphan.delete()  # the child goes with it (cascade), then the parent is gone
    response = client_of("omitama-jimukyoku").post(undo_url(gone), follow=True)
    assert "上位の項目が既にないため、元に戻せません。" in response.text
    assert not PlanElement.objects.filter(title="一時的な施策").exists()


@pytest.mark.django_db(transaction=True)
def test_an_undo_holds_its_locks_in_one_transaction_as_on_a_live_server():
    """The pages run in autocommit (as the live server does): the undo takes its row locks inside
    its own transaction, so on PostgreSQL it does not fail with a 500 (stop 21's CI)."""
    load_all(["omitama"])
    element = goal1()
    original = element.title
    event = renamed(element, "地域で支えあう心づくり（誤）")
    response = client_of("omitama-jimukyoku").post(undo_url(event), {"next": f"/{CODE}/{SLUG}/"},
                                                   follow=True)
    assert response.status_code == 200
    assert "元に戻しました。" in response.text
    assert goal1().title == original
