"""A resident browses all five demo plans without logging in; staff see their drafts too."""

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.plans.models import Plan

pytestmark = pytest.mark.django_db

SEED_PLANS = [
    ("082368", "dai3ji", "第3次小美玉市地域福祉計画"),
    ("352012", "chiiki-fukushi-keikaku", "下関市地域福祉計画"),
    ("282103", "dai4ki", "地域福祉推進計画"),
    ("092169", "dai2ki", "第2期"),
    ("402036", "jiki", "久留米市地域福祉計画"),
]


def pages(code: str, slug: str) -> list[str]:
    plan = Plan.objects.get(municipality__code=code, slug=slug)
    urls = [
        reverse("plans:plan", args=[code, slug]),
        reverse("plans:challenges", args=[code, slug]),
        reverse("indicators:table", args=[code, slug]),
        reverse("tenancy:municipality", args=[code]),
    ]
    urls += [reverse("plans:element", args=[code, slug, e.pk]) for e in plan.elements.all()]
    urls += [reverse("plans:initiative", args=[code, slug, i.pk])
             for i in plan.initiatives.all()]
    return urls


@pytest.mark.parametrize(("code", "slug", "title"), SEED_PLANS)
def test_it_lets_the_public_browse_every_seed_plan(code, slug, title):
    client = Client()
    home = client.get(reverse("home")).text
    assert title in home
    for url in pages(code, slug):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="ja">' in response.text


@pytest.mark.parametrize(("code", "slug", "title"), SEED_PLANS)
def test_it_serves_each_plan_page_in_a_bounded_number_of_queries(
    code, slug, title, django_assert_max_num_queries
):
    client = Client()
    for url in pages(code, slug):
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200


def test_it_shows_the_omitama_tree_with_numbering_and_new_flags():
    page = Client().get(reverse("plans:plan", args=["082368", "dai3ji"])).text
    assert "ぬくもりあふれるまちづくり" in page
    assert "地域で共に支えあう あたたかな心づくり" in page
    assert page.count('class="flag flag-new"') >= 3 + 1  # three measures and the legend
    assert "外国人への支援" in page


def test_it_shows_the_omitama_indicator_table_with_era_and_ad_years():
    page = Client().get(reverse("indicators:table", args=["082368", "dai3ji"])).text
    assert "地域の防災訓練に参加していると回答した割合" in page
    assert "平成27年（2015年）" in page
    assert "令和7年（2025年）" in page
    assert "防災管理課" in page and "アンケート調査" in page


def test_it_shows_the_kurume_previous_plan_figures_as_printed():
    previous = Plan.objects.get(municipality__code="402036", slug="dai2ki")
    page = Client().get(reverse("indicators:table", args=["402036", previous.slug])).text
    assert "35,000 件以上" in page
    assert "調査中" in page


def test_it_shows_kurume_challenges_with_evidence():
    page = Client().get(reverse("plans:challenges", args=["402036", "jiki"])).text
    assert "課題⑧" in page
    assert "情報が適切に入手できていないことへの対応が必要" in page
    assert "使える制度・サービスを知らない人がいる" in page


def test_it_shows_kakogawa_areas_marked_as_sample_names():
    page = Client().get(reverse("tenancy:municipality", args=["282103"])).text
    assert "全市" in page
    assert "仮の名称" in page


def test_it_hides_a_predecessor_that_is_not_published_from_the_public():
    previous = Plan.objects.get(municipality__code="082368", slug="dai2ji")
    assert previous.status != Plan.Status.PUBLISHED
    url = reverse("plans:plan", args=["082368", "dai2ji"])
    assert Client().get(url).status_code == 404
    staff = Client()
    staff.force_login(User.objects.get(username="omitama-jimukyoku"))
    assert staff.get(url).status_code == 200
    other = Client()
    other.force_login(User.objects.get(username="kurume-jimukyoku"))
    assert other.get(url).status_code == 404


def test_it_logs_in_a_demo_persona_with_the_printed_password():
    client = Client()
    response = client.post(reverse("accounts:login"),
                           {"username": "kurume-tanto", "password": "sasaeai-demo-2026"})
    assert response.status_code == 302
