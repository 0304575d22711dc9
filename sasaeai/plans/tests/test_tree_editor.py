"""The 体系 editor (issue #15): 小美玉市 (第3次小美玉市地域福祉計画, published) and its 事務局の佐藤.

佐藤 opens 体系の編集 and adds a 基本施策 under 基本目標1 (「4.」 地域の居場所づくり), renames it and
flags it 重点; moves it up, down, indents it under 基本施策3 and outdents it again; each move keeps
the numbers as typed and says how to renumber. She renumbers 基本施策1's 施策の方向 from ①② to
(1)(2) after a preview, and undoes a move from the 「元に戻す」 of the message. In a draft plan an
element that 取組, reports or 施策の方向 hang from cannot be deleted: the page lists them; in the
published plan it is archived (廃止) instead and disappears from the public 体系. A rename made
on a page someone else has changed since is refused with both versions. 担当の田中, 委員の高橋,
閲覧の伊藤 and an anonymous citizen are refused; 久留米市's 事務局 finds no 小美玉市 element under
its own plan. Hostile input gets a Japanese message and changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.undo import fingerprint
from sasaeai.plans.editing import ELEMENT_FIELDS
from sasaeai.plans.models import Plan, PlanElement

pytestmark = pytest.mark.django_db
CODE, SLUG = "082368", "dai3ji"


def plan() -> Plan:
    return Plan.objects.select_related("municipality").get(municipality__code=CODE, slug=SLUG)


def goal(number: str) -> PlanElement:
    return PlanElement.objects.get(plan=plan(), parent=None, number_label=number)


def policy(goal_number: str, number: str) -> PlanElement:
    return PlanElement.objects.get(plan=plan(), parent=goal(goal_number), number_label=number)


def children(element: PlanElement) -> list[PlanElement]:
    return list(element.children.order_by("order", "pk"))


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def url(name: str, *pk: int) -> str:
    return reverse(f"plans:{name}", args=[CODE, SLUG, *pk])


def move(client: Client, element: PlanElement, **data: object) -> Any:
    return client.post(url("element_move", element.pk), data, follow=True)


@pytest.fixture
def sato() -> Client:
    return client_of("omitama-jimukyoku")


def add_policy(sato: Client) -> PlanElement:
    response = sato.post(url("element_add"), {"parent": goal("1").pk, "level_label": "基本施策",
                                              "number_label": "4.", "title": "地域の居場所づくり"},
                         follow=True)
    assert "「基本施策4. 地域の居場所づくり」を追加しました。" in response.text
    return PlanElement.objects.get(plan=plan(), title="地域の居場所づくり")


def test_the_tree_shows_every_element_with_its_controls(sato: Client):
    response = sato.get(url("tree"))
    assert response.status_code == 200
    text = response.text
    assert "体系の編集" in text and "地域で共に支えあう あたたかな心づくり" in text
    assert 'aria-label="基本目標2を上へ"' in text and 'aria-label="基本施策1-1を字下げ' not in text
    assert 'aria-label="基本施策1-2を字下げ（前の項目の下へ）"' in text
    assert 'aria-label="施策の方向1-1-①を下へ"' in text
    assert "取組" in text and 'hx-post="' in text and "tree-editor.js" in text


def test_sato_adds_renames_and_flags_a_policy_under_goal_1(sato: Client):
    response = sato.post(url("element_add"), {"parent": goal("1").pk})
    assert response.status_code == 200 and 'value="基本施策"' in response.text  # the form
    added = add_policy(sato)
    assert added.parent == goal("1") and children(goal("1"))[-1] == added
    assert AuditEvent.objects.filter(action="plans.element.add", object_id=str(added.pk)).exists()
    form = sato.get(url("element_edit", added.pk))
    assert "地域の居場所づくり" in form.text
    seen = fingerprint(added, ELEMENT_FIELDS)
    response = sato.post(url("element_edit", added.pk), {
        "seen": seen, "title": "地域の居場所づくりの推進", "level_label": "基本施策",
        "number_label": "4.", "description": "", "is_priority": "1"}, follow=True)
    assert "を保存しました。" in response.text and "元に戻す" in response.text
    added.refresh_from_db()
    assert added.title == "地域の居場所づくりの推進" and added.is_priority and not added.is_new
    event = AuditEvent.objects.get(action="plans.element.edit", object_id=str(added.pk))
    assert event.before is not None and event.after is not None
    assert event.before["title"] == "地域の居場所づくり" and event.after["is_priority"] is True
    # 後に追加: a sibling right after 基本施策1.
    first = policy("1", "1.")
    sato.post(url("element_add"), {"after": first.pk, "level_label": "基本施策", "number_label": "",
                                   "title": "新しい施策"})
    assert [e.title for e in children(goal("1"))][:2] == ["支えあう心の育成", "新しい施策"]


def test_moves_up_down_indent_outdent_keep_numbers_and_one_is_undone(sato: Client):
    added = add_policy(sato)
    third = policy("1", "3.")
    response = move(sato, added, direction="up")
    assert "番号は入力どおりのままです" in response.text and "番号を振り直して" in response.text
    assert [e.number_label for e in children(goal("1"))] == ["1.", "2.", "4.", "3."]
    move(sato, added, direction="down")
    assert [e.number_label for e in children(goal("1"))] == ["1.", "2.", "3.", "4."]
    move(sato, added, direction="indent")
    added.refresh_from_db()
    assert added.parent == third and children(third)[-1] == added
    assert added.number_label == "4."
    move(sato, added, direction="outdent")
    added.refresh_from_db()
    assert added.parent == goal("1") and children(goal("1"))[-1] == added
    # A branch moves up with its 施策の方向; the move is undone from the message.
    second = policy("1", "2.")
    response = move(sato, second, direction="up")
    assert [e.number_label for e in children(goal("1"))][:2] == ["2.", "1."]
    assert children(second)[0].title == "世代間交流の推進"
    event = AuditEvent.objects.filter(action="plans.element.move",
                                      object_id=str(second.pk)).latest("pk")
    assert reverse("plans:undo", args=[CODE, SLUG, event.pk]) in response.text
    response = sato.post(reverse("plans:undo", args=[CODE, SLUG, event.pk]),
                         {"next": url("tree")}, follow=True)
    assert "元に戻しました。" in response.text
    assert [e.number_label for e in children(goal("1"))] == ["1.", "2.", "3.", "4."]
    assert [e.number_label for e in children(second)] == ["①", "②", "③"]
    # Drag and drop: 施策の方向② of 基本施策1 to the front of 基本施策2's; its number ② is
    # taken there, so it is blanked and the message says so.
    direction = PlanElement.objects.get(parent=policy("1", "1."), number_label="②")
    response = move(sato, direction, parent=second.pk, position=0)
    direction.refresh_from_db()
    assert direction.parent == second and children(second)[0] == direction
    assert direction.number_label == "" and "「②」を空欄にしました" in response.text
    refused = move(sato, goal("1"), parent=second.pk, position=0)
    assert "その項目自身の下には移動できません" in refused.text
    assert goal("1").parent is None


def test_htmx_gets_the_tree_partial_with_the_undo(sato: Client):
    second = policy("1", "2.")
    response = sato.post(url("element_move", second.pk), {"direction": "up"},
                         headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="tree-editor"')
    assert "元に戻す" in response.text and "<html" not in response.text


def test_a_branch_is_renumbered_after_a_preview(sato: Client):
    first = policy("1", "1.")
    preview = sato.get(url("element_renumber", first.pk), {"deep": "0", "style1": "paren"})
    assert preview.status_code == 200
    assert "振り直し後の番号" in preview.text and "(1)" in preview.text and "(2)" in preview.text
    assert [e.number_label for e in children(first)] == ["①", "②"]  # nothing yet
    key = preview.context["key"]
    response = sato.post(url("element_renumber", first.pk),
                         {"deep": "0", "style1": "paren", "key": key}, follow=True)
    assert "2件の番号を振り直しました" in response.text
    assert [e.number_label for e in children(first)] == ["(1)", "(2)"]
    assert AuditEvent.objects.filter(action="plans.element.renumber").count() == 2
    # The whole of 基本目標1: 基本施策 as 1-1, 施策の方向 as ア; a stale preview is refused.
    goal1 = goal("1")
    data = {"deep": "1", "style1": "hyphen", "style2": "katakana"}
    preview = sato.get(url("element_renumber", goal1.pk), data)
    assert "1-1" in preview.text and "ア" in preview.text
    stale = sato.post(url("element_renumber", goal1.pk), {**data, "key": "old"})
    assert stale.status_code == 409 and "もう一度確認してください" in stale.text
    sato.post(url("element_renumber", goal1.pk), {**data, "key": preview.context["key"]})
    assert [e.number_label for e in children(goal1)] == ["1-1", "1-2", "1-3"]
    assert [e.number_label for e in children(policy("1", "1-3"))] == ["ア", "イ", "ウ", "エ"]


def test_a_whole_renumbering_is_undone_at_once_from_the_message_and_redone(sato: Client):
    goal1 = goal("1")
    data = {"deep": "1", "style1": "hyphen", "style2": "katakana"}
    numbers = {e.pk: e.number_label for e in PlanElement.objects.filter(plan=plan())}
    preview = sato.get(url("element_renumber", goal1.pk), data)
    done = sato.post(url("element_renumber", goal1.pk), {**data, "key": preview.context["key"]},
                     follow=True)
    assert "件の番号を振り直しました。" in done.text and "元に戻す</button>" in done.text
    assert [e.number_label for e in children(goal1)] == ["1-1", "1-2", "1-3"]
    event = AuditEvent.objects.get(action="plans.tree.renumber")
    assert event.object_id == str(goal1.pk) and len((event.after or {})["numbers"]) > 3
    undone = sato.post(reverse("plans:undo", args=[CODE, SLUG, event.pk]), follow=True)
    assert "元に戻しました。" in undone.text
    assert {e.pk: e.number_label for e in PlanElement.objects.filter(plan=plan())} == numbers
    back = AuditEvent.objects.get(undoes=event)
    assert back.action == "plans.tree.renumber"
    sato.post(reverse("plans:undo", args=[CODE, SLUG, back.pk]))  # and again: renumbered
    assert [e.number_label for e in children(goal1)] == ["1-1", "1-2", "1-3"]
    # One number changed by hand since: the renumbering is no longer undone at once.
    again = AuditEvent.objects.get(undoes=back)
    first = children(goal1)[0]
    PlanElement.objects.filter(pk=first.pk).update(number_label="1-9")
    refused = sato.post(reverse("plans:undo", args=[CODE, SLUG, again.pk]), follow=True)
    assert "他の人が同じ項目を変更しています" in refused.text
    assert [e.number_label for e in children(goal1)] == ["1-9", "1-2", "1-3"]


def test_in_a_draft_an_element_with_reports_and_directions_is_not_deleted(sato: Client):
    Plan.objects.filter(pk=plan().pk).update(status=Plan.Status.DRAFT)
    first = policy("1", "1.")
    page = sato.get(url("element_delete", first.pk))
    assert "この項目に結び付いているもの" in page.text and "学校や地域における福祉教育の充実" in page.text
    response = sato.post(url("element_delete", first.pk))
    assert response.status_code == 400 and "削除できません" in response.text
    assert PlanElement.objects.filter(pk=first.pk).exists()
    # A leaf with nothing under it goes, and comes back with 元に戻す.
    added = add_policy(sato)
    response = sato.post(url("element_delete", added.pk), follow=True)
    assert "を削除しました。" in response.text
    assert not PlanElement.objects.filter(pk=added.pk).exists()
    event = AuditEvent.objects.get(action="plans.element.delete", object_id=str(added.pk))
    sato.post(reverse("plans:undo", args=[CODE, SLUG, event.pk]), {"next": url("tree")})
    assert PlanElement.objects.filter(pk=added.pk, title="地域の居場所づくり").exists()


def test_in_the_published_plan_an_element_is_archived_and_leaves_the_public_page(sato: Client):
    third = policy("1", "3.")
    public = Client().get(reverse("plans:plan", args=[CODE, SLUG]))
    assert "地域福祉を支える人材の育成と活動の活性化" in public.text
    response = sato.post(url("element_delete", third.pk), follow=True)
    assert "を廃止しました" in response.text and "廃止" in response.text
    third.refresh_from_db()
    assert third.archived_at is not None
    assert AuditEvent.objects.filter(action="plans.element.archive",
                                     object_id=str(third.pk)).exists()
    public = Client().get(reverse("plans:plan", args=[CODE, SLUG]))
    assert "地域福祉を支える人材の育成と活動の活性化" not in public.text
    assert "ボランティア団体等と担い手をつなぐ仕組み" not in public.text  # its 施策の方向 too
    assert "支えあう心の育成" in public.text
    # Nor do the search, the 概要版 or the API list it; its own page says it was taken out.
    anyone = Client()
    found = anyone.get(reverse("public:search", args=[CODE, SLUG]), {"q": "ボランティア団体等と担い手"})
    assert "ボランティア団体等と担い手をつなぐ仕組み" not in found.text
    digest = anyone.get(reverse("public:digest", args=[CODE, SLUG]))
    assert "地域福祉を支える人材の育成と活動の活性化" not in digest.text
    api = anyone.get(f"/api/plans/{CODE}/{SLUG}/elements?limit=200").json()
    assert third.pk not in [e["id"] for e in api["items"]]
    assert "この項目は計画から外されました（廃止：" in anyone.get(third.get_absolute_url()).text
    sato.post(url("element_delete", third.pk), {"restore": "1"})
    third.refresh_from_db()
    assert third.archived_at is None


def test_the_tree_nests_at_most_eight_levels(sato: Client):
    parent = goal("1")
    for depth in range(2, 9):
        sato.post(url("element_add"), {"parent": parent.pk, "level_label": f"第{depth}階層",
                                       "number_label": "1", "title": f"深さ{depth}"})
        parent = PlanElement.objects.get(plan=plan(), title=f"深さ{depth}")
    response = sato.post(url("element_add"), {"parent": parent.pk, "level_label": "第9階層",
                                              "number_label": "1", "title": "深さ9"}, follow=True)
    assert "体系は8階層までです" in response.text
    assert not PlanElement.objects.filter(plan=plan(), title="深さ9").exists()


def test_a_stale_rename_is_refused_with_both_versions(sato: Client):
    first = policy("1", "1.")
    seen = fingerprint(first, ELEMENT_FIELDS)
    PlanElement.objects.filter(pk=first.pk).update(title="支えあう心の育成（田中さんの修正）")
    response = sato.post(url("element_edit", first.pk), {
        "seen": seen, "title": "支えあう心を育てる", "level_label": "基本施策", "number_label": "1."})
    assert response.status_code == 409
    assert "あなたが開いた後に他の人が変更しました" in response.text
    assert "支えあう心の育成（田中さんの修正）" in response.text
    assert 'value="支えあう心を育てる"' in response.text
    first.refresh_from_db()
    assert first.title == "支えあう心の育成（田中さんの修正）"


@pytest.mark.parametrize("username", ["omitama-tanto", "omitama-iin", "omitama-etsuran"])
def test_members_who_are_not_the_secretariat_are_refused(username: str):
    client = client_of(username)
    first = policy("1", "1.")
    assert client.get(url("tree")).status_code == 403
    assert client.post(url("element_move", first.pk), {"direction": "down"}).status_code == 403
    assert client.post(url("element_delete", first.pk)).status_code == 403
    assert children(goal("1"))[0] == first


def test_anonymous_and_another_municipality_are_refused():
    first = policy("1", "1.")
    anonymous = Client().post(url("element_move", first.pk), {"direction": "down"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    kurume = client_of("kurume-jimukyoku")
    assert kurume.get(url("tree")).status_code == 403
    own = reverse("plans:element_edit", args=["402036", "jiki", first.pk])
    assert kurume.get(own).status_code == 404
    assert children(goal("1"))[0] == first


@pytest.mark.parametrize("data", [
    {"direction": "sideways"}, {"parent": "①", "position": "0"}, {"position": "-1"},
    {"parent": str(10**30), "position": "1"}, {},
])
def test_hostile_moves_get_a_japanese_message_and_change_nothing(sato: Client, data: dict):
    first = policy("1", "1.")
    before = [(e.pk, e.parent_id, e.order) for e in plan().elements.all()]
    response = move(sato, first, **data)
    assert response.status_code == 200
    assert any(word in response.text for word in ("選んでください", "見つかりません", "指定してください"))
    assert [(e.pk, e.parent_id, e.order) for e in plan().elements.all()] == before


def test_hostile_names_get_japanese_messages(sato: Client):
    response = sato.post(url("element_add"), {"parent": goal("1").pk, "title": "a\x00b",
                                              "level_label": "", "number_label": "x" * 31})
    assert response.status_code == 400
    assert "制御文字" in response.text and "階層名を入力してください" in response.text
    assert "30文字以内" in response.text
    duplicate = sato.post(url("element_add"), {"parent": goal("1").pk, "title": "重複",
                                               "level_label": "基本施策", "number_label": "1."})
    assert duplicate.status_code == 400 and "既にあります" in duplicate.text
    styles = sato.get(url("element_renumber", goal("1").pk), {"style1": "roman"})
    assert styles.status_code == 400 and "一覧から選んでください" in styles.text
