"""An entry's 履歴 on a phone (390 px): 事務局の佐藤 reads who did what and why, row by row,
without the table squeezing each column to a few characters."""

import pytest

from sasaeai.progress import actions
from sasaeai.testing import PASSWORD, build_review, build_world
from sasaeai.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RETURN_REASON = "参加者の延べ人数を書き加えてください。"


def test_it_shows_an_entrys_history_readably_on_a_phone(live_server, page, tmp_path):
    review = build_review(build_world())
    w, entry = review.world, review.entry(review.watch, review.dept)
    entry = actions.save_entry(by=w.tanaka, entry=entry, expected_version=entry.version,
                               data={"progress": "見守り訪問を延べ120件行いました。"})
    for step in (
        lambda e: actions.submit_entry(by=w.tanaka, entry=e, expected_version=e.version),
        lambda e: actions.return_entry(by=w.sato, entry=e, comment=RETURN_REASON,
                                       expected_version=e.version),
        lambda e: actions.save_and_submit_entry(
            by=w.tanaka, entry=e, expected_version=e.version,
            data={"progress": "見守り訪問を延べ120件（参加者延べ340人）行いました。"}),
        lambda e: actions.accept_entry(by=w.sato, entry=e, expected_version=e.version),
    ):
        entry.cycle = review.cycle
        entry = step(entry)

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "sato", PASSWORD)
    page.goto(live_server.url + entry.get_absolute_url())
    history = page.locator("section[aria-labelledby=history-h]")
    history.scroll_into_view_if_needed()
    history.screenshot(path=str(tmp_path / "history-390.png"))
    # Nothing spills past the phone's edge, and no value is squeezed into a sliver: each row is
    # a card, every value on a line with its column's name (before: 実行者 one character wide).
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    lines = history.locator("td:not(:empty)").evaluate_all("""cells => cells.map(c => {
        const range = document.createRange();
        range.selectNodeContents(c);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        return [c.dataset.label, c.textContent, tops.size];
    })""")
    assert len(lines) == 7 * 4 + 1  # seven versions, and the reason of the return
    assert [cell for cell in lines if cell[2] != 1 and cell[0] != "理由"] == []
    card = history.get_by_role("row").filter(has_text="第4版")
    assert card.get_by_text(RETURN_REASON).is_visible()
