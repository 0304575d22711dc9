"""Every page of the plan editor (issue #15) in a real browser, at a laptop's and a phone's width.

小美玉市の事務局の佐藤 opens each editor page of 第3次 (the hub, the settings, the 体系 with an
element's form, its history, its deletion and renumbering previews, its statements, the plan-wide statements
and actors, the indicators' forms and the merge) and 久留米市の事務局 each page of 次期 that 小美玉
has no rows for (取組, 課題, the editable matrix): each answers 200, nothing is wider than the screen,
and axe finds no violation (WCAG 2.1 AA, as for the public pages). Then the 体系 is walked with the
keyboard alone: Tab reaches 基本目標1's 「編集」, Enter opens its form, the title is changed and
saved with Enter; back at the goal's row, the message's 「元に戻す」 is in view, reached with
Shift+Tab and pressed with Enter.
"""

import os
import tempfile

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from sasaeai.demo.loader import DEMO_PASSWORD, load_all
from sasaeai.indicators.models import Indicator
from sasaeai.plans.models import Challenge, Initiative, Plan, PlanElement
from sasaeai.tests.browser import log_in
from sasaeai.tests.test_accessibility import OPTIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.path.join(tempfile.gettempdir(), "wp-editor-pages")


def omitama_pages() -> dict[str, str]:
    plan = Plan.objects.get(municipality__code="082368", slug="dai3ji")
    base = plan.get_absolute_url()
    goal = PlanElement.objects.get(plan=plan, parent=None, number_label="1")
    leaf = PlanElement.objects.filter(plan=plan, children__isnull=True).order_by("pk").first()
    indicators = list(Indicator.objects.filter(plan=plan).order_by("pk")[:1])
    assert leaf is not None and indicators
    indicator = indicators[0]
    return {
        "新しい計画": "/082368/new/",
        "計画の編集": f"{base}edit/",
        "計画の設定": f"{base}edit/settings/",
        "体系": f"{base}edit/tree/",
        "項目の編集": f"{base}edit/tree/{goal.pk}/",
        "項目の変更の履歴": f"{base}edit/history/element/{goal.pk}/",
        "項目の削除": f"{base}edit/tree/{leaf.pk}/delete/",
        "番号の振り直し": f"{base}edit/tree/{goal.pk}/renumber/",
        "項目の役割": f"{base}edit/elements/{goal.pk}/statements/",
        "計画全体の役割と主体": f"{base}edit/statements/",
        "指標の追加": f"{base}indicators/add/",
        "指標の編集": f"{base}indicators/{indicator.pk}/edit/",
        "指標の統合": f"{base}indicators/{indicator.pk}/merge/",
    }


def kurume_pages() -> dict[str, str]:
    plan = Plan.objects.get(municipality__code="402036", slug="jiki")
    base = plan.get_absolute_url()
    initiative = Initiative.objects.filter(plan=plan).order_by("pk").first()
    challenge = Challenge.objects.filter(plan=plan).order_by("pk").first()
    assert initiative is not None and challenge is not None
    return {
        "取組の一覧": f"{base}edit/initiatives/",
        "取組の編集": f"{base}edit/initiatives/{initiative.pk}/",
        "取組の削除": f"{base}edit/initiatives/{initiative.pk}/delete/",
        "取組が応える課題": f"{base}edit/initiatives/{initiative.pk}/challenges/",
        "課題の一覧": f"{base}edit/challenges/",
        "課題の編集": f"{base}edit/challenges/{challenge.pk}/",
        "課題の削除": f"{base}edit/challenges/{challenge.pk}/delete/",
        "課題と取組（編集）": f"{base}challenges/",
    }


@pytest.mark.parametrize("width", [1366, 390])
def test_every_editor_page_reads_on_a_laptop_and_a_phone_with_no_axe_violation(
        live_server, browser, width):
    load_all(["omitama", "kurume"])
    os.makedirs(SHOTS, exist_ok=True)
    problems: dict[str, str] = {}
    for username, pages in (("omitama-jimukyoku", omitama_pages()),
                            ("kurume-jimukyoku", kurume_pages())):
        context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
        page = context.new_page()
        log_in(page, live_server.url, username, DEMO_PASSWORD)
        for name, url in pages.items():
            response = page.goto(live_server.url + url)
            assert response is not None and response.status == 200, (name, url)
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                problems[name] = f"{wide}px wide"
            result = Axe().run(page, options=OPTIONS)
            if result.violations_count:
                problems[name] = result.generate_report()
        context.close()
    assert problems == {}


def test_sato_renames_a_goal_and_undoes_it_with_the_keyboard_alone(live_server, browser):
    load_all(["omitama"])
    plan = Plan.objects.get(municipality__code="082368", slug="dai3ji")
    goal = PlanElement.objects.get(plan=plan, parent=None, number_label="1")
    original = goal.title
    context = browser.new_context(locale="ja-JP", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    log_in(page, live_server.url, "omitama-jimukyoku", DEMO_PASSWORD)
    page.goto(live_server.url + f"{plan.get_absolute_url()}edit/tree/")
    edit = page.locator(f'a[href$="/edit/tree/{goal.pk}/"]').first
    for _press in range(200):  # Tab from the top of the page until 基本目標1's 「編集」 has focus
        page.keyboard.press("Tab")
        if page.evaluate("el => el === document.activeElement", edit.element_handle()):
            break
    expect(edit).to_be_focused()
    page.keyboard.press("Enter")
    title = page.get_by_label("名称（必須）")
    expect(title).to_be_visible()
    title.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("地域で支えあう心づくり（仮）")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("保存しました")
    goal.refresh_from_db()
    assert goal.title == "地域で支えあう心づくり（仮）"
    page.screenshot(path=f"{SHOTS}/keyboard-saved.png")
    # Back on the 体系 at the goal's row: the message with 「元に戻す」 is above it.
    undo = page.get_by_role("button", name="元に戻す")
    expect(undo).to_be_in_viewport()
    result = Axe().run(page, options=OPTIONS)  # the toast too
    assert result.violations_count == 0, result.generate_report()
    for _press in range(40):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("el => el === document.activeElement", undo.element_handle()):
            break
    expect(undo).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("元に戻しました。")
    goal.refresh_from_db()
    assert goal.title == original
    context.close()
