"""The plan's actors and what they do for the plan as a whole, edited by the 事務局 (issue #15).

小美玉市の事務局の佐藤 starts 第4次計画 as an empty draft (owned by 小美玉市 and
小美玉市社会福祉協議会). On the page 「計画全体の主体ごとの取組と主体」 she adds the actor
「市民一人ひとりができること」 (自助) and writes under it, as 第3次計画 does, 「普段からお互いに
あいさつや困っている人への声かけをする。」 and a second line, and reorders them. She renames the actor
while someone else already changed it (refused with both versions), reorders the actors, and
deletes one: an actor with statements is refused with their count, an empty one is deleted and
「元に戻す」 brings it back. The 社協's actor in a plan the 社協 owns too is the 社協's 事務局's (ADR
0017). 担当・委員・閲覧 and anonymous visitors change nothing; hostile ids change nothing either.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.undo import fingerprint
from sasaeai.plans.editing import ACTOR_FIELDS
from sasaeai.plans.models import Actor, ActorStatement, Plan
from sasaeai.tenancy.models import Municipality, Organization

pytestmark = pytest.mark.django_db
CODE, SLUG = "082368", "dai4ji"
AISATSU = "普段からお互いにあいさつや困っている人への声かけをする。"


@pytest.fixture
def draft() -> Plan:
    omitama = Municipality.objects.get(code=CODE)
    plan = Plan.objects.create(municipality=omitama, slug=SLUG, title="第4次小美玉市地域福祉計画（素案）",
                               kind=Plan.Kind.COMMUNITY, status=Plan.Status.DRAFT)
    plan.owners.set(Organization.objects.filter(
        municipality=omitama, name__in=["小美玉市", "小美玉市社会福祉協議会"]))
    return plan


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def url(name: str) -> str:
    return reverse(name, args=[CODE, SLUG])


def add_actor(client: Client, **fields: str) -> Any:
    data = {"kind": "residents", "label": "市民一人ひとりができること", "sphere": "self",
            "sphere_label": "", **fields}
    return client.post(url("plans:actor_add"), data)


def edit_data(actor: Actor, **changes: object) -> dict[str, object]:
    return {"actor": actor.pk, "kind": actor.kind, "label": actor.label, "sphere": actor.sphere,
            "sphere_label": actor.sphere_label, "seen": fingerprint(actor, ACTOR_FIELDS), **changes}


def test_sato_adds_an_actor_and_what_it_does_for_the_whole_plan(draft: Plan) -> None:
    sato = client_of("omitama-jimukyoku")
    assert add_actor(sato).status_code == 302
    actor = Actor.objects.get(plan=draft)
    assert (actor.label, actor.kind, actor.sphere_text) == ("市民一人ひとりができること", "residents", "自助")
    made = AuditEvent.objects.get(action="plans.actor.create", object_id=str(actor.pk))
    assert made.before is None and made.after is not None
    assert made.after["label"] == "市民一人ひとりができること"

    for text in (AISATSU, "地域の行事に参加する。"):
        assert sato.post(url("plans:plan_statements"),
                         {"actor": actor.pk, "text": text, "detail": ""}).status_code == 302
    lines = list(ActorStatement.objects.plan_wide().filter(plan=draft).order_by("order"))
    assert [s.text for s in lines] == [AISATSU, "地域の行事に参加する。"]

    second = lines[1]
    response = sato.post(reverse("plans:statement_move", args=[CODE, SLUG, second.pk]),
                         {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"].startswith(url("plans:plan_statements"))
    texts = [s.text for s in ActorStatement.objects.plan_wide().filter(plan=draft).order_by("order")]
    assert texts == ["地域の行事に参加する。", AISATSU]

    page = sato.get(url("plans:plan_statements"))
    body = page.content.decode()
    assert page.status_code == 200
    assert AISATSU in body and "主体ごとの取組 2件" in body and "市民一人ひとりができること" in body


def test_a_plan_wide_statement_is_under_neither_an_element_nor_an_initiative(draft: Plan) -> None:
    from sasaeai.plans import initiative_edits as edits

    sato = User.objects.get(username="omitama-jimukyoku")
    actor = Actor.objects.create(plan=draft, kind="residents", label="市民", order=1)
    element = draft.elements.create(title="見守り", order=1)
    initiative = draft.initiatives.create(element=element, title="声かけ", order=1)
    with pytest.raises(Exception, match="どちらか一つ"):
        edits.create_statement(by=sato, plan=draft, actor=actor, text="x", detail="",
                               element=element, initiative=initiative)
    edits.create_statement(by=sato, plan=draft, actor=actor, text=AISATSU, detail="")
    assert ActorStatement.objects.plan_wide().get(plan=draft).text == AISATSU


def test_a_stale_rename_is_refused_showing_both_versions(draft: Plan) -> None:
    sato = client_of("omitama-jimukyoku")
    add_actor(sato)
    actor = Actor.objects.get(plan=draft)
    opened = edit_data(actor, label="市民ができること")
    Actor.objects.filter(pk=actor.pk).update(label="地域住民等ができること")
    response = sato.post(url("plans:actor_edit"), opened)
    body = response.content.decode()
    assert response.status_code == 409
    assert "他の人が変更しました" in body and "地域住民等ができること" in body and "市民ができること" in body
    assert Actor.objects.get(pk=actor.pk).label == "地域住民等ができること"

    actor.refresh_from_db()
    response = sato.post(url("plans:actor_edit"), edit_data(actor, label="市民ができること",
                                                            sphere="mutual", sphere_label="互助・共助"))
    assert response.status_code == 302
    actor.refresh_from_db()
    assert (actor.label, actor.sphere_text) == ("市民ができること", "互助・共助")
    assert AuditEvent.objects.filter(action="plans.actor.edit", object_id=str(actor.pk)).exists()


def test_actors_are_reordered_and_a_duplicate_label_is_refused(draft: Plan) -> None:
    sato = client_of("omitama-jimukyoku")
    add_actor(sato)
    add_actor(sato, kind="community", label="地域ができること", sphere="mutual")
    response = add_actor(sato, label="地域ができること")
    assert response.status_code == 400 and "同じ見出しの主体が既にあります" in response.content.decode()
    assert Actor.objects.filter(plan=draft).count() == 2
    community = Actor.objects.get(plan=draft, label="地域ができること")
    assert sato.post(url("plans:actor_move"),
                     {"actor": community.pk, "direction": "up"}).status_code == 302
    assert [a.label for a in draft.actors.all()] == ["地域ができること", "市民一人ひとりができること"]
    assert AuditEvent.objects.filter(action="plans.actor.move").count() == 1


def test_an_actor_with_statements_is_not_deleted_an_empty_one_is_and_comes_back(draft: Plan) -> None:
    sato = client_of("omitama-jimukyoku")
    add_actor(sato)
    add_actor(sato, kind="everyone", label="みんなでできること", sphere="")
    busy = Actor.objects.get(plan=draft, label="市民一人ひとりができること")
    for text in (AISATSU, "地域の行事に参加する。"):
        sato.post(url("plans:plan_statements"), {"actor": busy.pk, "text": text, "detail": ""})
    response = sato.post(url("plans:actor_delete"), {"actor": busy.pk}, follow=True)
    assert "主体ごとの取組が2件あるため削除できません" in response.content.decode()
    assert Actor.objects.filter(pk=busy.pk).exists()

    empty = Actor.objects.get(plan=draft, label="みんなでできること")
    assert sato.post(url("plans:actor_delete"), {"actor": empty.pk}).status_code == 302
    assert not Actor.objects.filter(pk=empty.pk).exists()
    gone = AuditEvent.objects.get(action="plans.actor.delete", object_id=str(empty.pk))
    assert gone.after is None and gone.before is not None
    assert gone.before["label"] == "みんなでできること"
    undo = sato.post(reverse("plans:undo", args=[CODE, SLUG, gone.pk]))
    assert undo.status_code == 302
    assert Actor.objects.get(pk=empty.pk).label == "みんなでできること"


def test_the_shakyos_actor_in_a_plan_it_owns_is_its_own_secretariats(draft: Plan) -> None:
    sato = client_of("omitama-jimukyoku")
    response = add_actor(sato, kind="shakyo", label="社会福祉協議会の取組", sphere="mutual")
    assert response.status_code == 403
    assert not Actor.objects.filter(plan=draft).exists()


@pytest.mark.parametrize("username", ["omitama-tanto", "omitama-iin", "omitama-etsuran", None])
def test_only_the_secretariat_edits_actors(draft: Plan, username: str | None) -> None:
    actor = Actor.objects.create(plan=draft, kind="residents", label="市民", order=1)
    client = client_of(username) if username else Client()
    assert client.get(url("plans:plan_statements")).status_code in {302, 403}
    for name, data in (("plans:actor_add", {"kind": "residents", "label": "地域"}),
                       ("plans:actor_edit", edit_data(actor, label="別名")),
                       ("plans:actor_move", {"actor": actor.pk, "direction": "down"}),
                       ("plans:actor_delete", {"actor": actor.pk}),
                       ("plans:plan_statements", {"actor": actor.pk, "text": AISATSU})):
        assert client.post(url(name), data).status_code in {302, 403}
        if username is None:
            assert client.post(url(name), data)["Location"].startswith("/accounts/")
    assert list(draft.actors.values_list("label", flat=True)) == ["市民"]
    assert not ActorStatement.objects.filter(plan=draft).exists()
    assert not AuditEvent.objects.filter(action__startswith="plans.actor.").exists()


@pytest.mark.parametrize("hostile", ["١", "²", "-1", "99999999999999999999999", "", "1 OR 1=1"])
def test_hostile_ids_change_nothing(draft: Plan, hostile: str) -> None:
    sato = client_of("omitama-jimukyoku")
    other = Actor.objects.filter(plan__municipality__code=CODE).exclude(plan=draft).first()
    assert other is not None
    for name in ("plans:actor_edit", "plans:actor_move", "plans:actor_delete"):
        for value in (hostile, str(other.pk)):
            response = sato.post(url(name), {"actor": value, "direction": "up", "label": "x",
                                             "kind": "residents"}, follow=True)
            assert response.status_code == 200
            assert "主体が見つかりません" in response.content.decode()
    response = sato.post(url("plans:plan_statements"), {"actor": hostile, "text": AISATSU})
    assert response.status_code == 302
    response = add_actor(sato, kind=hostile or "x", sphere=hostile or "y")
    assert response.status_code == 400
    assert not draft.actors.exists() and not ActorStatement.objects.filter(plan=draft).exists()
    assert Actor.objects.get(pk=other.pk).label == other.label


def test_a_renamed_actor_links_to_its_history_where_the_first_name_is_given_back(
        draft: Plan) -> None:
    sato = client_of("omitama-jimukyoku")
    add_actor(sato)
    actor = Actor.objects.get(plan=draft)
    sato.post(url("plans:actor_edit"), edit_data(actor, label="市民ができること"))
    history = reverse("plans:history", args=[CODE, SLUG, "actor", actor.pk])
    assert f'href="{history}"' in sato.get(url("plans:plan_statements")).content.decode()

    page = sato.get(history).content.decode()
    assert "市民一人ひとりができること" in page and "市民ができること" in page
    added = AuditEvent.objects.get(action="plans.actor.create", object_id=str(actor.pk))
    response = sato.post(reverse("plans:revert", args=[CODE, SLUG, added.pk]),
                         {"seen": fingerprint(Actor.objects.get(pk=actor.pk), ACTOR_FIELDS)})
    assert response.status_code == 302
    assert Actor.objects.get(pk=actor.pk).label == "市民一人ひとりができること"
