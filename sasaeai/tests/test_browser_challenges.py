"""久留米市's 事務局 (佐藤) links the eight 課題 of the next plan to its 取組 in the 課題 × 取組
matrix, in a real browser: each cell is a toggle that htmx swaps in place (the page does not
reload), its state announced with aria-pressed. A resident who is not signed in then reads the
filled matrix. At a laptop's width (1366 px) and a phone's (390 px) the matrix scrolls inside its
own box and the page itself never gets wider than the screen. Screenshots go to
/tmp/wp-challenges/.
"""

import tempfile
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from sasaeai.demo.loader import DEMO_PASSWORD, load_all
from sasaeai.plans.models import Challenge, Plan
from sasaeai.tests.browser import log_in
from sasaeai.tests.test_accessibility import OPTIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(tempfile.gettempdir()) / "challenges-editor"  # looked at by whoever changes the page
MATRIX = "/402036/jiki/challenges/"
ANSWERS = {
    "課題①": ["(1)", "(13)"], "課題②": ["(3)"], "課題③": ["(4)", "(7)"], "課題④": ["(4)", "(7)"],
    "課題⑤": ["(5)"], "課題⑥": ["(9)", "(12)"], "課題⑦": ["(10)", "(11)"], "課題⑧": ["(2)"],
}


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_sato_links_the_eight_challenges_in_the_matrix_and_a_resident_reads_it(
        live_server, browser):
    load_all(["kurume"])
    plan = Plan.objects.get(municipality__code="402036", slug="jiki")
    titles = {i.number_label: i.title for i in plan.initiatives.all()}
    SHOTS.mkdir(exist_ok=True)
    base = live_server.url
    context = browser.new_context(locale="ja-JP", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    log_in(page, base, "kurume-jimukyoku", DEMO_PASSWORD)
    page.goto(base + MATRIX)
    loads = []
    page.on("framenavigated", lambda frame: loads.append(frame.url)
            if frame == page.main_frame else None)
    for number, initiatives in ANSWERS.items():
        for init_number in initiatives:
            cell = page.get_by_role("button", name=f"{number}と取組{init_number} "
                                                   f"{titles[init_number]}を結ぶ")
            expect(cell).to_have_attribute("aria-pressed", "false")
            cell.click()
            expect(cell).to_have_attribute("aria-pressed", "true")
    assert loads == []  # every toggle was swapped in place
    # One toggled off from the keyboard, and on again: focus stays on the cell.
    cell = page.get_by_role("button", name=f"課題⑧と取組(2) {titles['(2)']}を結ぶ")
    cell.focus()
    page.keyboard.press("Enter")
    expect(cell).to_have_attribute("aria-pressed", "false")
    expect(cell).to_be_focused()
    page.keyboard.press("Enter")
    expect(cell).to_have_attribute("aria-pressed", "true")
    axe = Axe()
    result = axe.run(page, options=OPTIONS)
    assert result.violations_count == 0, result.generate_report()
    page.screenshot(path=SHOTS / "editor-1366.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + MATRIX)
    assert overflow(page) <= 0
    page.screenshot(path=SHOTS / "editor-390.png", full_page=True)
    linked = {c.number_label: sorted(c.initiatives.values_list("number_label", flat=True))
              for c in Challenge.objects.filter(plan=plan)}
    assert linked == {k: sorted(v) for k, v in ANSWERS.items()}
    context.close()

    for width in (1366, 390):
        context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
        reader = context.new_page()
        reader.goto(base + MATRIX)
        table = reader.get_by_role("table", name="課題と、それに対応する取組（●が対応）")
        expect(table).to_be_visible()
        expect(table.locator("td.mark", has_text="●")).to_have_count(13)
        expect(reader.locator(".cell-toggle")).to_have_count(0)
        expect(reader.get_by_text("対応する取組：").first).to_be_visible()
        assert overflow(reader) <= 0
        reader.screenshot(path=SHOTS / f"public-{width}.png", full_page=True)
        # The indicator table's counts by judgement scroll inside their box, labels and all.
        reader.goto(base + "/402036/jiki/indicators/")
        assert overflow(reader) <= 0
        context.close()
