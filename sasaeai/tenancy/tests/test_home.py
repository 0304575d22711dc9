"""The home page stays the same size whether 5 municipalities publish plans or 1,741: it lists
them all while there are few, and otherwise offers the prefectures and a search."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sasaeai.tenancy import views
from sasaeai.testing import MunicipalityFactory, PlanFactory, World, lg_code

pytestmark = pytest.mark.django_db


def many(n: int) -> None:
    for i in range(n):
        muni = MunicipalityFactory.create(code=lg_code(10 + i), name=f"見本{i}町",
                                          kana=f"みほん{i}ちょう", prefecture="見本県")
        PlanFactory.create(municipality=muni, slug="dai1ji", title=f"見本{i}町地域福祉計画")


def test_with_few_municipalities_every_one_is_listed(world: World):
    page = Client().get("/").content.decode()
    assert "自治体の一覧" in page and "第3次ささえ市地域福祉計画" in page


def test_with_many_the_page_offers_prefectures_and_search_and_lists_none(world: World,
                                                                        monkeypatch):
    monkeypatch.setattr(views, "HOME_LIST_LIMIT", 5)
    many(8)
    page = Client().get("/").content.decode()
    assert "見本0町地域福祉計画" not in page
    assert "都道府県から探す" in page and "見本県<span class=\"muted\">（8）</span>" in page
    by_prefecture = Client().get("/", {"pref": "見本県"}).content.decode()
    assert "見本0町地域福祉計画" in by_prefecture and "第3次ささえ市" not in by_prefecture
    assert "最初の5件を表示しています" in by_prefecture
    found = Client().get("/", {"q": "ささえ"}).content.decode()
    assert "第3次ささえ市地域福祉計画" in found and "見本0町" not in found
    assert "見本3町" in Client().get("/", {"q": "みほん3"}).content.decode()
    assert "当てはまる自治体はありません" in Client().get("/", {"q": "存在しない"}).content.decode()


def test_staff_see_their_own_municipality_first_with_its_drafts(world: World, monkeypatch):
    monkeypatch.setattr(views, "HOME_LIST_LIMIT", 5)
    many(8)
    sato = Client()
    sato.force_login(world.sato)
    page = sato.get("/").content.decode()
    assert "所属している自治体" in page and "第4次ささえ市地域福祉計画（素案）" in page
    assert "第2次他市地域福祉計画（素案）" not in page


def test_the_number_of_queries_does_not_grow_with_the_municipalities(world: World, monkeypatch):
    monkeypatch.setattr(views, "HOME_LIST_LIMIT", 5)
    many(6)

    def queries(params: dict[str, str]) -> int:
        with CaptureQueriesContext(connection) as seen:
            assert Client().get("/", params).status_code == 200
        return len(seen)

    before = {p: queries(dict(params)) for p, params in
              (("home", {}), ("pref", {"pref": "見本県"}), ("q", {"q": "見本"}))}
    many_more = 12
    for i in range(many_more):
        muni = MunicipalityFactory.create(code=lg_code(40 + i), name=f"追加{i}村",
                                          prefecture="見本県")
        PlanFactory.create(municipality=muni, slug="dai1ji", title=f"追加{i}村計画")
    after = {p: queries(dict(params)) for p, params in
             (("home", {}), ("pref", {"pref": "見本県"}), ("q", {"q": "見本"}))}
    assert after == before
