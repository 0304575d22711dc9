"""The 自己評価 on the entry form: a choice of the cycle's scale's grades, kept as it was typed,
and no field at all when the cycle has no scale — for the 担当 and for the 事務局 alike."""

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.plans.models import Plan
from sasaeai.progress import actions
from sasaeai.progress.models import Cycle, Entry

pytestmark = pytest.mark.django_db


def logged_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def url(entry: Entry, name: str = "progress:entry") -> str:
    plan = entry.cycle.plan
    return reverse(name, args=[plan.municipality.code, plan.slug, entry.cycle_id, entry.pk])


def omitama_entry() -> Entry:
    """防災管理課's report on 3-2-① 災害時における地域防災体制づくり, in a 令和6年度 cycle of
    第3次小美玉市地域福祉計画, which has no rating scale."""
    jimukyoku = User.objects.get(username="omitama-jimukyoku")
    plan = Plan.objects.get(municipality__code="082368", slug="dai3ji")
    cycle = actions.create_cycle(by=jimukyoku, plan=plan, fiscal_year=2024)
    cycle = actions.move_cycle(by=jimukyoku, cycle=cycle, to=Cycle.Status.COLLECTING,
                               expected_version=cycle.version)
    assert cycle.rating_scale is None
    return cycle.entries.get(organization__name="防災管理課",
                             element__title="災害時における地域防災体制づくり")


def kurume_returned_entry() -> Entry:
    """久留米市's demo cycle (A〜Dの4段階): the city's report on (2), written 「Ｂ」 and returned."""
    return Entry.objects.select_related("cycle__plan__municipality").get(
        cycle__plan__municipality__name="久留米市", cycle__status=Cycle.Status.COLLECTING,
        organization__kind="city", status=Entry.Status.RETURNED)


@pytest.mark.parametrize("who", ["omitama-tanto", "omitama-jimukyoku"])
def test_it_offers_no_self_rating_when_the_cycle_has_no_scale(who):
    entry = omitama_entry()
    client = logged_in(who)
    page = client.get(url(entry)).text
    assert "報告を書く" in page and 'name="progress"' in page
    assert 'name="self_rating"' not in page and "自己評価" not in page
    response = client.post(url(entry, "progress:entry_save"), {
        "version": entry.version, "progress": "自主防災組織の結成を2地区で支援しました。"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.progress, entry.self_rating, entry.self_rating_verbatim) == (
        "自主防災組織の結成を2地区で支援しました。", "", "")


@pytest.mark.parametrize("who", ["kurume-tanto", "kurume-jimukyoku"])
def test_it_offers_the_scales_grades_and_keeps_the_mark_as_typed(who):
    entry = kurume_returned_entry()
    assert (entry.self_rating, entry.self_rating_verbatim) == ("B", "Ｂ")
    client = logged_in(who)
    page = client.get(url(entry)).text
    assert '<select name="self_rating"' in page
    assert '<option value="B" selected>B（おおむね順調）</option>' in page
    assert '<option value="D">D（遅れ）</option>' in page
    form = {"version": entry.version, "progress": entry.progress, "direction": "continue"}
    # The same grade chosen again: 「Ｂ」 as it was typed stays.
    assert client.post(url(entry, "progress:entry_save"),
                       {**form, "self_rating": "B"}).status_code == 302
    entry.refresh_from_db()
    assert (entry.self_rating, entry.self_rating_verbatim) == ("B", "Ｂ")
    # Another grade is stored as chosen.
    assert client.post(url(entry, "progress:entry_save"),
                       {**form, "version": entry.version, "self_rating": "C"}).status_code == 302
    entry.refresh_from_db()
    assert (entry.self_rating, entry.self_rating_verbatim) == ("C", "C")


def test_it_explains_a_grade_the_scale_does_not_have_and_saves_nothing():
    entry = kurume_returned_entry()
    response = logged_in("kurume-tanto").post(url(entry, "progress:entry_save"), {
        "version": entry.version, "progress": "書き換え", "self_rating": "S"})
    assert response.status_code == 400
    assert "「S」は評価の尺度（A・B・C・D）にありません。" in response.text
    entry.refresh_from_db()
    assert entry.self_rating_verbatim == "Ｂ" and entry.progress != "書き換え"
