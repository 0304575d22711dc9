"""Every page answers each persona with the right status and reads in Japanese."""

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.plans.models import Plan
from sasaeai.testing import (
    ActorFactory,
    ActorStatementFactory,
    InitiativeFactory,
    PlanElementFactory,
    World,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def plan_urls(plan: Plan) -> list[str]:
    element = PlanElementFactory.create(plan=plan, number_label="1", title="地域で支えあう心づくり")
    initiative = InitiativeFactory.create(element=element, number_label="①", title="福祉教育の充実")
    code, slug = plan.municipality.code, plan.slug
    return [
        reverse("plans:plan", args=[code, slug]),
        reverse("plans:element", args=[code, slug, element.pk]),
        reverse("plans:initiative", args=[code, slug, initiative.pk]),
        reverse("plans:challenges", args=[code, slug]),
        reverse("indicators:table", args=[code, slug]),
    ]


@pytest.mark.parametrize("persona", ["事務局の佐藤", "担当課の田中", "社協の鈴木", "委員の高橋",
                                     "他市の職員", "匿名の市民"])
def test_it_serves_every_page_of_a_published_plan_to_everyone(world: World, persona):
    client = client_for(world.personas()[persona])
    for url in plan_urls(world.published):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "第3次ささえ市地域福祉計画" in response.text
        assert "非公開" not in response.text


@pytest.mark.parametrize(("persona", "status"), [
    ("事務局の佐藤", 200), ("担当課の田中", 200), ("社協の鈴木", 200), ("委員の高橋", 200),
    ("他市の職員", 404), ("匿名の市民", 404),
])
def test_it_serves_every_page_of_a_draft_only_to_its_municipality(world: World, persona, status):
    client = client_for(world.personas()[persona])
    for url in plan_urls(world.draft):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 200:
            assert "非公開" in response.text


def test_it_does_not_reach_an_element_through_another_plans_url(world: World):
    foreign = PlanElementFactory.create(plan=world.other_draft)
    url = reverse("plans:element", args=["479001", "dai3ji", foreign.pk])
    assert client_for(world.sato).get(url).status_code == 404


def test_it_lists_on_the_home_page_only_what_the_user_may_see(world: World):
    anonymous = Client().get(reverse("home")).text
    assert "第3次ささえ市地域福祉計画" in anonymous
    assert "第4次ささえ市地域福祉計画（素案）" not in anonymous
    assert "職員ログイン" in anonymous
    staff = client_for(world.sato).get(reverse("home")).text
    assert "第4次ささえ市地域福祉計画（素案）" in staff
    assert "第2次他市地域福祉計画（素案）" not in staff
    assert "事務局の佐藤 さん" in staff


def test_it_shows_organizations_areas_and_plans_on_the_municipality_page(world: World):
    response = client_for(world.tanaka).get(reverse("tenancy:municipality", args=["479001"]))
    assert response.status_code == 200
    assert "福祉課" in response.text and "担当課" in response.text
    assert "第4次ささえ市地域福祉計画（素案）" in response.text
    assert Client().get(reverse("tenancy:municipality", args=["479999"])).status_code == 404


def test_it_groups_statements_by_actor_and_marks_repeats(world: World):
    initiative = InitiativeFactory.create(element=PlanElementFactory.create(plan=world.published))
    residents = ActorFactory.create(plan=world.published, label="地域住民等ができること", sphere="self",
                             order=1)
    city = ActorFactory.create(plan=world.published, label="市が取り組むこと", kind="city",
                        sphere="public", order=2)
    original = ActorStatementFactory.create(actor=city, text="包括的支援体制構築事業を推進します。",
                                     initiative=initiative)
    other = InitiativeFactory.create(element=initiative.element, number_label="(9)")
    ActorStatementFactory.create(actor=residents, text="あいさつや声かけを行います。", initiative=other)
    ActorStatementFactory.create(actor=city, text="包括的支援体制構築事業を推進します。", initiative=other,
                          repeat_of=original, repeat_note="【再掲 p○参照】")
    page = Client().get(reverse("plans:initiative", args=["479001", "dai3ji", other.pk])).text
    assert page.index("地域住民等ができること") < page.index("市が取り組むこと")
    assert "自助" in page and "公助" in page
    assert "【再掲 p○参照】" in page
    assert f"/479001/dai3ji/initiatives/{initiative.pk}/" in page


def test_it_logs_in_with_a_japanese_error_for_a_wrong_password(world: World):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "tanaka", "password": "wrong"})
    assert response.status_code == 200
    assert "ユーザー名またはパスワードが正しくありません" in response.text
    response = client.post(reverse("accounts:login"),
                           {"username": "tanaka", "password": "correct horse battery"})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == world.tanaka


def test_it_logs_out_only_by_post(world: World):
    client = client_for(world.sato)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_it_marks_in_the_matrix_which_initiatives_answer_each_challenge(world: World):
    from sasaeai.plans.models import Challenge, Evidence

    goal = PlanElementFactory.create(plan=world.published, number_label="1", title="関係を豊かにする")
    bonds = InitiativeFactory.create(element=goal, number_label="(1)", title="つながりの構築")
    watch = InitiativeFactory.create(element=goal, number_label="(2)", title="見守り活動の推進")
    challenge = Challenge.objects.create(plan=world.published, number_label="課題①",
                                         title="支え合う意識やつながりの希薄化への対応が必要")
    Evidence.objects.create(challenge=challenge, kind="survey",
                            text="近所とほとんど面識がない人が1割程度存在している")
    challenge.initiatives.add(bonds)
    response = Client().get(reverse("plans:challenges", args=["479001", "dai3ji"]))
    matrix = response.context["rows"]
    assert matrix[0]["cells"] == [True, False]
    assert [c.title for c in response.context["columns"]] == [bonds.title, watch.title]
    assert "●" in response.text and "アンケート" in response.text
    assert "対応する取組" in response.text
