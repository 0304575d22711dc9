"""The 事務局 edits a plan's 取組 in the browser (issue #15).

久留米市の事務局の佐藤 opens the 取組 of the 次期計画 (jiki, owned by 久留米市 and its 社協 together):
each 取組 under its home element with its 担当組織 and 【再掲】. She renames 「(1) つながりの構築」,
adds 子育て支援課-like departments as 担当組織 (audited as its own event with both lists), puts the
取組 again under another element (【再掲】, shown on the public element page) and takes it away;
a save from a page opened before a colleague's change is refused (409) with both versions shown.
小美玉市's 第2次計画 (策定済, not published) gets a new 取組 which she deletes and brings back; one
that something refers to is refused with the list; a 取組 of a published plan is archived instead
and disappears from the public pages. 担当・委員・閲覧, other municipalities and anonymous visitors
change nothing.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.undo import fingerprint
from sasaeai.plans.editing import INITIATIVE_FIELDS
from sasaeai.plans.models import Actor, Initiative, Placement, Plan, PlanElement
from sasaeai.tenancy.models import Organization

pytestmark = pytest.mark.django_db
KURUME, JIKI = "402036", "jiki"
OMITAMA, DRAFT = "082368", "dai2ji"


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def tsunagari() -> Initiative:
    """「(1) つながりの構築」 of 久留米市's 次期計画 (found by its number, whatever its title now)."""
    return Initiative.objects.select_related("plan__municipality", "element").get(
        plan__municipality__code=KURUME, plan__slug=JIKI, number_label="(1)",
        element__title="関係を豊かにする")


def form_of(initiative: Initiative, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "element": initiative.element_id, "number_label": initiative.number_label,
        "title": initiative.title, "description": initiative.description,
        "responsible": [o.pk for o in initiative.responsible.all()],
        "seen": fingerprint(initiative, INITIATIVE_FIELDS),
    }
    if initiative.is_priority:
        data["is_priority"] = "on"
    data.update(changes)
    return data


def edit_url(initiative: Initiative) -> str:
    return reverse("plans:initiative_edit", args=[KURUME, JIKI, initiative.pk])


def test_the_list_shows_each_initiative_under_its_element_with_its_organisations():
    client = client_of("kurume-jimukyoku")
    response = client.get(reverse("plans:initiatives_edit", args=[KURUME, JIKI]))
    assert response.status_code == 200
    assert "つながりの構築" in response.text
    assert "久留米市社会福祉協議会" in response.text  # a responsible organisation
    assert "関係を豊かにする" in response.text  # the home element's path
    assert "取組を追加" in response.text


def test_the_list_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    client = client_of("kurume-jimukyoku")
    with django_assert_max_num_queries(25):
        response = client.get(reverse("plans:initiatives_edit", args=[KURUME, JIKI]))
    assert response.status_code == 200


def test_sato_renames_an_initiative_and_undoes_it():
    initiative = tsunagari()
    client = client_of("kurume-jimukyoku")
    response = client.post(edit_url(initiative), form_of(initiative, title="つながりづくり"),
                           follow=True)
    assert response.status_code == 200
    assert "を保存しました。" in response.text and "元に戻す" in response.text
    assert tsunagari().title == "つながりづくり"
    event = AuditEvent.objects.filter(action="plans.initiative.edit").latest("pk")
    assert (event.before or {})["title"] == "つながりの構築" and (event.after or {})["title"] == "つながりづくり"
    client.post(reverse("plans:undo", args=[KURUME, JIKI, event.pk]))
    assert tsunagari().title == "つながりの構築"


def test_responsible_organisations_are_changed_and_audited_with_both_lists():
    initiative = tsunagari()
    department = Organization.objects.create(municipality=initiative.plan.municipality,
                                             name="地域福祉課", kind=Organization.Kind.DEPARTMENT)
    client = client_of("kurume-jimukyoku")
    wanted = [o.pk for o in initiative.responsible.all()] + [department.pk]
    client.post(edit_url(initiative), form_of(initiative, responsible=wanted))
    assert set(tsunagari().responsible.values_list("name", flat=True)) == {
        "久留米市", "久留米市社会福祉協議会", "地域福祉課"}
    event = AuditEvent.objects.filter(action="plans.initiative.responsible").latest("pk")
    assert "地域福祉課" not in (event.before or {})["responsible"]
    assert "地域福祉課" in (event.after or {})["responsible"]


def test_a_stale_save_is_refused_with_both_versions_and_the_input_kept():
    initiative = tsunagari()
    opened = form_of(initiative, title="私の入力した名称")
    Initiative.objects.filter(pk=initiative.pk).update(title="同僚が直した名称")
    response = client_of("kurume-jimukyoku").post(edit_url(initiative), opened)
    assert response.status_code == 409
    assert "あなたが開いた後に他の人が変更しました" in response.text
    assert "同僚が直した名称" in response.text and "私の入力した名称" in response.text
    assert tsunagari().title == "同僚が直した名称"


def test_a_repeat_is_added_shown_on_the_public_page_and_removed():
    initiative = tsunagari()
    other = PlanElement.objects.filter(plan=initiative.plan).exclude(
        pk=initiative.element_id).order_by("order", "pk").first()
    assert other is not None
    client = client_of("kurume-jimukyoku")
    url = reverse("plans:initiative_placement", args=[KURUME, JIKI, initiative.pk])
    response = client.post(url, {"element": other.pk, "do": "add"}, follow=True)
    assert "【再掲】しました" in response.text
    assert Placement.objects.filter(initiative=initiative, element=other).exists()
    public = Client().get(other.get_absolute_url())
    assert "つながりの構築" in public.text and "【再掲】" in public.text
    again = client.post(url, {"element": other.pk, "do": "add"}, follow=True)
    assert "既に再掲しています" in again.text
    home = client.post(url, {"element": initiative.element_id, "do": "add"}, follow=True)
    assert "掲載先と同じ項目には再掲できません" in home.text
    assert Placement.objects.filter(initiative=initiative).count() == 1
    client.post(url, {"element": other.pk, "do": "remove"})
    assert not Placement.objects.filter(initiative=initiative, element=other).exists()


def draft_plan() -> Plan:
    return Plan.objects.select_related("municipality").get(municipality__code=OMITAMA, slug=DRAFT)


def draft_goal() -> PlanElement:
    """第2次計画 has no 体系 in the seeds: its 事務局 has just begun it (as the 体系 editor would)."""
    return PlanElement.objects.create(plan=draft_plan(), level_label="基本目標", number_label="1",
                                      title="地域で支えあう心づくり")


def add_initiative(client: Client, element: PlanElement, **extra: str) -> Initiative:
    response = client.post(reverse("plans:initiative_add", args=[OMITAMA, DRAFT]), {
        "element": element.pk, "number_label": "新1", "title": "買い物支援の試行", **extra},
        follow=True)
    assert "取組「新1 買い物支援の試行」を追加しました。" in response.text
    return Initiative.objects.get(plan=element.plan, title="買い物支援の試行")


def test_an_initiative_is_added_deleted_and_brought_back_in_an_unpublished_plan():
    client = client_of("omitama-jimukyoku")
    added = add_initiative(client, draft_goal(), is_new="on")
    assert added.is_new
    added.responsible.set(added.plan.owners.all())  # the city and its 社協 report on it
    responsible = set(added.responsible.all())
    assert responsible
    delete_url = reverse("plans:initiative_delete", args=[OMITAMA, DRAFT, added.pk])
    assert "削除しますか" in client.get(delete_url).text
    response = client.post(delete_url, follow=True)
    assert "削除しました。" in response.text
    assert not Initiative.objects.filter(pk=added.pk).exists()
    event = AuditEvent.objects.get(action="plans.initiative.delete", object_id=str(added.pk))
    assert event.after is None
    client.post(reverse("plans:undo", args=[OMITAMA, DRAFT, event.pk]))
    assert Initiative.objects.get(pk=added.pk).title == "買い物支援の試行"
    assert set(Initiative.objects.get(pk=added.pk).responsible.all()) == responsible


def test_a_duplicate_number_is_refused_in_japanese():
    client = client_of("omitama-jimukyoku")
    goal = draft_goal()
    add_initiative(client, goal)
    response = client.post(reverse("plans:initiative_add", args=[OMITAMA, DRAFT]),
                           {"element": goal.pk, "number_label": "新1", "title": "重複"})
    assert response.status_code == 400
    assert "既にあります" in response.text
    assert not Initiative.objects.filter(plan=goal.plan, title="重複").exists()


def test_an_initiative_something_refers_to_is_not_deleted():
    client = client_of("omitama-jimukyoku")
    goal = draft_goal()
    added = add_initiative(client, goal)
    actor = Actor.objects.create(plan=goal.plan, kind=Actor.Kind.RESIDENTS,
                                 label="地域住民ができること", sphere=Actor.Sphere.SELF)
    client.post(reverse("plans:initiative_statements", args=[OMITAMA, DRAFT, added.pk]),
                {"actor": actor.pk, "text": "買い物のついでに声をかけます。"})
    url = reverse("plans:initiative_delete", args=[OMITAMA, DRAFT, added.pk])
    assert "主体ごとの取組 1件" in client.get(url).text
    response = client.post(url)
    assert response.status_code == 400 and "参照されているため削除できません" in response.text
    assert Initiative.objects.filter(pk=added.pk).exists()


def test_an_initiative_of_a_published_plan_is_archived_and_hidden_from_the_public():
    initiative = tsunagari()
    client = client_of("kurume-jimukyoku")
    response = client.post(reverse("plans:initiative_delete", args=[KURUME, JIKI, initiative.pk]),
                           follow=True)
    assert "廃止しました" in response.text
    assert tsunagari().archived_at is not None
    link = initiative.get_absolute_url()
    assert link not in Client().get(initiative.element.get_absolute_url()).text
    assert link not in Client().get(initiative.plan.get_absolute_url()).text


@pytest.mark.parametrize("username", ["kurume-tanto", "kurume-iin", "kurume-etsuran",
                                      "omitama-jimukyoku"])
def test_others_change_nothing(username: str):
    initiative = tsunagari()
    client = client_of(username)
    assert client.get(edit_url(initiative)).status_code in {403, 404}
    response = client.post(edit_url(initiative), form_of(initiative, title="乗っ取り"))
    assert response.status_code in {403, 404}
    response = client.post(reverse("plans:initiative_placement", args=[KURUME, JIKI, initiative.pk]),
                           {"element": initiative.element_id, "do": "remove"})
    assert response.status_code in {403, 404}
    assert tsunagari().title == "つながりの構築"


def test_anonymous_visitors_are_sent_to_log_in():
    initiative = tsunagari()
    response = Client().post(edit_url(initiative), form_of(initiative, title="乗っ取り"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert tsunagari().title == "つながりの構築"
