"""The indicator merge in a real browser, on a laptop (1366 px) and a phone (390 px).

小美玉市の事務局の佐藤さんは、第3次計画の指標の表で「学区コミュニティ組織数」を
「学区コミュニティ組織の数」と直して取り込み直した。取り込みは名前で指標を探すので、直した行は
新しい指標になり、元の指標も残った。新しい方には後から令和5年度の実績値（11組織）も入った。
佐藤さんは元の指標のページから「編集」→「同じ指標をこの指標に統合する」と進み、新しい方を選んで
移る内容を確かめ、統合する。元の指標に両方の値がそろい、新しい方の住所は元の指標へ移る。
"""

import pytest
from playwright.sync_api import expect

from sasaeai.accounts.models import User
from sasaeai.demo.loader import DEMO_PASSWORD, load_all
from sasaeai.indicators import actions
from sasaeai.indicators.models import Indicator, Observation
from sasaeai.indicators.tables import parse_table, rows_from_text
from sasaeai.indicators.tests.test_tables import OMITAMA
from sasaeai.plans.models import Plan
from sasaeai.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def the_workbook_fix() -> tuple[Indicator, Indicator]:
    """The corrected table imported again: the renamed row became a second indicator."""
    load_all(["omitama"])
    plan = Plan.objects.get(municipality__code="082368", slug="dai3ji")
    sato = User.objects.get(username="omitama-jimukyoku")
    fixed = OMITAMA.replace("学区コミュニティ組織数", "学区コミュニティ組織の数")
    actions.import_indicator_table(by=sato, plan=plan, table=parse_table(rows_from_text(fixed)))
    copy = Indicator.objects.get(plan=plan, name="学区コミュニティ組織の数")
    Observation.objects.create(indicator=copy, role="actual", year=2023, value=11,
                               verbatim="11組織")
    return Indicator.objects.get(plan=plan, name="学区コミュニティ組織数"), copy


@pytest.mark.parametrize("width", [1366, 390])
def test_sato_merges_the_indicator_a_workbook_fix_duplicated(live_server, page, width, tmp_path):
    survivor, copy = the_workbook_fix()
    assert copy.observations.count() == 3
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server.url, "omitama-jimukyoku", DEMO_PASSWORD)
    page.goto(live_server.url + f"/082368/dai3ji/indicators/{survivor.pk}/")
    page.get_by_role("link", name="編集", exact=True).click()
    page.get_by_role("link", name="同じ指標をこの指標に統合する").click()
    page.get_by_label("この指標に統合する（削除する）指標").select_option(label="学区コミュニティ組織の数")
    page.get_by_role("button", name="移る内容を確認する").click()
    expect(page.get_by_text("実績値 令和5年度（2023年度）「11組織」")).to_be_visible()
    expect(page.get_by_text("両方にある同じ値")).to_be_visible()
    page.screenshot(path=str(tmp_path / f"merge-preview-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    page.get_by_label("を削除します").check()
    page.get_by_role("button", name="統合する", exact=True).click()
    expect(page.get_by_text("「学区コミュニティ組織の数」を「学区コミュニティ組織数」に統合しました。")
           ).to_be_visible()
    page.screenshot(path=str(tmp_path / f"merge-done-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    assert not Indicator.objects.filter(pk=copy.pk).exists()
    assert sorted((o.role, o.year, o.verbatim) for o in survivor.observations.all()) == [
        ("actual", 2020, "9組織"), ("actual", 2023, "11組織"), ("baseline", 2015, "8組織")]
    page.goto(live_server.url + f"/082368/dai3ji/indicators/{copy.pk}/")
    expect(page.get_by_role("heading", name="学区コミュニティ組織数", exact=True)).to_be_visible()

    page.goto(live_server.url + f"/082368/dai3ji/indicators/{survivor.pk}/edit/")
    page.screenshot(path=str(tmp_path / f"editor-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
