"""「新しい計画をつくる」: 小美玉市の事務局の佐藤 starts 第4次小美玉市地域福祉計画 as an empty 素案, owned
by the city and its 社協, to build in the editors. A URL name already used, reserved or not in
half-width letters is refused in Japanese and nothing is made; nobody but the 事務局 of the
municipality may start one, and the 素案 stays out of the public's sight."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.plans.models import Plan
from sasaeai.tenancy.models import Organization

pytestmark = pytest.mark.django_db
CODE = "082368"
URL = reverse("plan_create", args=[CODE])


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def owners() -> list[Organization]:
    return list(Organization.objects.filter(municipality__code=CODE, kind__in=["city", "shakyo"]))


def test_sato_starts_an_empty_draft_owned_by_the_city_and_its_shakyo():
    client = client_of("omitama-jimukyoku")
    assert "新しい計画をつくる" in client.get(reverse("tenancy:municipality", args=[CODE])).text
    response = client.post(URL, {"title": "第4次小美玉市地域福祉計画", "slug": "dai4ji",
                                 "kind": "integrated", "generation": "第4次",
                                 "owners": [o.pk for o in owners()]}, follow=True)
    assert "を素案としてつくりました" in response.text
    plan = Plan.objects.get(municipality__code=CODE, slug="dai4ji")
    assert (plan.title, plan.status, plan.generation) == ("第4次小美玉市地域福祉計画", "draft", "第4次")
    assert set(plan.owners.all()) == set(owners())
    assert not plan.elements.exists()
    event = AuditEvent.objects.get(action="plans.plan.create", object_id=str(plan.pk))
    assert "佐藤" in event.actor_label
    assert Client().get(plan.get_absolute_url()).status_code == 404  # a 素案 is not public


@pytest.mark.parametrize(("slug", "message"), [
    ("dai3ji", "URL名「dai3ji」の計画がすでにあります"),
    ("new", "自治体のページ（新しい計画の作成）のURLに使われています"),
    ("第4次", "半角の英小文字・数字・ハイフン"),
    ("-x", "英数字から始めて"),
])
def test_a_url_name_taken_reserved_or_not_half_width_is_refused_and_nothing_is_made(slug, message):
    before = Plan.objects.count()
    response = client_of("omitama-jimukyoku").post(URL, {
        "title": "第4次小美玉市地域福祉計画", "slug": slug, "kind": "community",
        "owners": [owners()[0].pk]})
    assert response.status_code == 400 and message in response.text
    assert Plan.objects.count() == before


def test_a_plan_needs_an_owner_of_its_own_municipality():
    other = Organization.objects.exclude(municipality__code=CODE).first()
    assert other is not None
    for chosen in ([], [other.pk], ["x"], [str(10**30)], ["-1"]):
        response = client_of("omitama-jimukyoku").post(URL, {
            "title": "第4次", "slug": "dai4ji", "kind": "community", "owners": chosen})
        assert response.status_code == 400
        assert "策定主体" in response.text
    assert not Plan.objects.filter(slug="dai4ji").exists()


@pytest.mark.parametrize("username", ["omitama-tanto", "omitama-iin", "omitama-etsuran"])
def test_only_the_secretariat_starts_a_plan(username):
    client = client_of(username)
    assert client.get(URL).status_code == 403
    assert "新しい計画をつくる" not in client.get(reverse("tenancy:municipality", args=[CODE])).text
    assert client_of("kurume-jimukyoku").get(URL).status_code in (403, 404)
    assert Client().get(URL).status_code == 302  # to the sign-in page
