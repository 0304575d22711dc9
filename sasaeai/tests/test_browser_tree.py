"""The 体系 editor in a real browser: 小美玉市's 事務局 (佐藤) moves 基本施策2 (with its three
施策の方向) above 基本施策1 from the keyboard (the ↑ button, reached with Tab and pressed with
Enter; the tree is swapped in place), takes it back with the 「元に戻す」 of the message, moves it
again and follows the message's link to renumber 基本目標1's 基本施策: the preview shows 2. → 1.
and 1. → 2. before anything changes, and applying it numbers them in their new order. The tree
fits a phone (390 px) as well as a laptop (1366 px); screenshots go to /tmp/tree-editor/.
"""

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from sasaeai.demo.loader import DEMO_PASSWORD, load_all
from sasaeai.plans.models import Plan, PlanElement
from sasaeai.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(tempfile.gettempdir()) / "tree-editor"  # looked at by whoever changes the page


def policies() -> list[str]:
    plan = Plan.objects.get(municipality__code="082368", slug="dai3ji")
    goal = PlanElement.objects.get(plan=plan, parent=None, number_label="1")
    return [f"{e.number_label} {e.title}" for e in goal.children.order_by("order", "pk")]


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_branch_is_moved_from_the_keyboard_undone_and_renumbered(live_server, browser):
    load_all(["omitama"])
    SHOTS.mkdir(exist_ok=True)
    base = live_server.url
    context = browser.new_context(locale="ja-JP", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, base, "omitama-jimukyoku", DEMO_PASSWORD)
    page.goto(base + "/082368/dai3ji/edit/tree/")
    expect(page.get_by_role("heading", name="体系の編集")).to_be_visible()
    original = policies()
    assert original[:2] == ["1. 支えあう心の育成", "2. 地域でのふれあい、交流の場づくり"]
    page.screenshot(path=str(SHOTS / "tree-1366.png"), full_page=False)

    # From the keyboard: focus 基本施策2's 「後に追加」, Tab to ↑, Enter.
    up = page.get_by_role("button", name="基本施策1-2を上へ")
    page.get_by_role("button", name="基本施策1-2の後に追加").focus()
    page.keyboard.press("Tab")
    expect(up).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile("移動しました。番号は入力どおりのままです"))).to_be_visible()
    assert policies()[:2] == ["2. 地域でのふれあい、交流の場づくり", "1. 支えあう心の育成"]
    branch = page.locator("#tree-editor > ol > li").first.locator(":scope > ol > li").first
    expect(branch).to_contain_text("地域でのふれあい、交流の場づくり")
    expect(branch.locator(":scope > ol > li")).to_have_count(3)  # its 施策の方向 came along
    page.screenshot(path=str(SHOTS / "moved-1366.png"))

    # 「元に戻す」 in the message puts it back.
    page.get_by_role("button", name="元に戻す").click()
    expect(page.get_by_text("元に戻しました。")).to_be_visible()
    assert policies() == original

    # Moved again, then renumbered from the message's link, with a preview first.
    page.get_by_role("button", name="基本施策1-2を上へ").click()
    expect(page.get_by_role("link", name="番号を振り直してください")).to_be_visible()
    page.get_by_role("link", name="番号を振り直してください").click()
    expect(page.get_by_role("heading", name=re.compile("番号の振り直し"))).to_be_visible()
    page.get_by_label("1段下の番号の形式").select_option("dot")
    page.get_by_role("button", name="確認する").click()
    table = page.get_by_role("table")
    expect(table).to_contain_text("振り直し後の番号")
    expect(table.locator("tbody tr").first).to_contain_text("地域でのふれあい、交流の場づくり")
    expect(table.locator("tbody tr").first).to_contain_text("1.")
    assert policies()[0] == "2. 地域でのふれあい、交流の場づくり"  # nothing applied yet
    page.get_by_role("button", name="この番号で振り直す").click()
    expect(page.get_by_text(re.compile("2件の番号を振り直しました"))).to_be_visible()
    assert policies()[:3] == ["1. 地域でのふれあい、交流の場づくり", "2. 支えあう心の育成",
                              "3. 地域福祉を支える人材の育成と活動の活性化"]
    page.screenshot(path=str(SHOTS / "renumbered-1366.png"))

    # On a phone the tree wraps its controls and stays within the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/082368/dai3ji/edit/tree/")
    fits(page, 390)
    page.screenshot(path=str(SHOTS / "tree-390.png"), full_page=True)
    page.goto(base + "/082368/dai3ji/edit/tree/" + str(PlanElement.objects.get(
        plan__slug="dai3ji", plan__municipality__code="082368", parent=None,
        number_label="1").pk) + "/renumber/?deep=1&style1=hyphen&style2=paren")
    fits(page, 390)
    page.screenshot(path=str(SHOTS / "renumber-390.png"))
    context.close()
    assert errors == []
