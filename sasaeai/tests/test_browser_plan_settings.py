"""The plan's settings in a real browser, at a laptop's and a phone's width (issue #15).

小美玉市の事務局の佐藤 opens the 第2次 plan (策定済), goes from the plan page to 計画の編集 →
計画の設定, types its period as 「平成29年度」 to 「R3」 and saves; then she publishes it: the first
click shows what residents will see and where, the second publishes. Nothing is wider than the
screen, and axe finds nothing on the settings page or the confirmation.
"""

import os
import tempfile

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from sasaeai.demo.loader import DEMO_PASSWORD, load_all
from sasaeai.plans.models import Plan
from sasaeai.tests.browser import log_in
from sasaeai.tests.test_accessibility import OPTIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.path.join(tempfile.gettempdir(), "wp-settings")


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def no_violations(page) -> None:
    result = Axe().run(page, options=OPTIONS)
    assert result.violations_count == 0, result.generate_report()


@pytest.mark.parametrize("width", [1366, 390])
def test_sato_sets_the_period_in_wareki_and_publishes_after_confirming(live_server, browser,
                                                                       width):
    load_all(["omitama"])
    os.makedirs(SHOTS, exist_ok=True)
    base = live_server.url
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, base, "omitama-jimukyoku", DEMO_PASSWORD)

    page.goto(base + "/082368/dai2ji/")
    page.get_by_role("link", name="計画の編集").click()
    page.screenshot(path=f"{SHOTS}/hub-{width}.png", full_page=True)
    fits(page, width)
    page.locator("ul.editor-sections").get_by_role("link", name="計画の設定").click()
    page.get_by_label("計画期間（開始年度）").fill("平成29年度")
    page.get_by_label("計画期間（終了年度）").fill("R3")
    page.get_by_label("問い合わせ先（課・係）").fill("福祉部社会福祉課")
    no_violations(page)
    fits(page, width)
    page.get_by_role("button", name="設定を保存").click()
    expect(page.get_by_role("status")).to_contain_text("計画の設定を保存しました。")
    expect(page.get_by_role("button", name="元に戻す")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/settings-{width}.png", full_page=True)
    plan = Plan.objects.get(municipality__code="082368", slug="dai2ji")
    assert (plan.start_fy, plan.end_fy) == (2017, 2021)
    expect(page.get_by_label("計画期間（開始年度）")).to_have_value("平成29年度（2017年度）")

    page.get_by_role("button", name="公開する…").click()
    expect(page.get_by_role("heading", name="公開すると住民に見えるもの")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{base}/082368/dai2ji/")
    no_violations(page)
    fits(page, width)
    page.screenshot(path=f"{SHOTS}/confirm-{width}.png", full_page=True)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ADOPTED
    page.get_by_role("button", name="公開する", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("計画の状態を「公開」にしました。")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED
    page.screenshot(path=f"{SHOTS}/published-{width}.png", full_page=True)
    context.close()
