"""The demo in a real browser (Debian's Chromium through Playwright), as a newcomer uses it."""

import pytest
from playwright.sync_api import expect

from sasaeai.demo.loader import load_all
from sasaeai.tests.browser import second_factor

# A live server needs committed data, so these tests are transactional: pytest-django runs them
# after the other database tests and empties the database after each; each loads what it reads.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def omitama():
    """小美玉市 from the demo, committed for the live server (loaded again after a flush)."""
    load_all(["omitama"])


def test_it_lets_a_resident_find_omitama_and_read_its_indicators(live_server, omitama, page):
    page.goto(live_server.url)
    page.get_by_role("link", name="第3次小美玉市地域福祉計画").click()
    assert page.get_by_role("heading", level=1).inner_text() == "第3次小美玉市地域福祉計画"
    node = page.locator("li.node.depth-0").filter(
        has=page.get_by_role("link", name="1 地域で共に支えあう あたたかな心づくり")).first
    goal = node.locator("> details")
    assert goal.get_attribute("open") is not None
    goal.get_by_text("1 地域で共に支えあう あたたかな心づくりの下位の項目・取組").click()
    assert goal.get_attribute("open") is None
    page.get_by_role("link", name="成果指標").click()
    row = page.get_by_role("row").filter(has_text="地域の防災訓練に参加していると回答した割合")
    assert "9.0%" in row.inner_text() and "20.0%" in row.inner_text()
    assert "平成27年（2015年）" in row.inner_text()


def test_it_lets_a_secretariat_log_in_and_see_a_plan_the_public_cannot(live_server, omitama, page):
    # The previous plan is not published: the public gets the same answer as for nothing at all.
    assert page.request.get(live_server.url + "/082368/dai2ji/").status == 404
    page.goto(live_server.url)
    page.get_by_role("link", name="職員ログイン").click()
    page.get_by_label("ユーザー名").fill("omitama-jimukyoku")
    page.get_by_label("パスワード").fill("sasaeai-demo-2026")
    page.get_by_role("button", name="ログイン").click()
    # The 事務局 registers an authenticator app at the first sign-in (ADR 0010).
    expect(page.get_by_role("heading", name="二段階認証の設定")).to_be_visible()
    second_factor(page, "omitama-jimukyoku")
    expect(page.get_by_text("小美玉市 佐藤 さん")).to_be_visible()
    expect(page.get_by_text("小美玉市地域福祉計画（第2次計画）")).to_be_visible()
    page.goto(live_server.url + "/082368/dai2ji/")
    expect(page.get_by_text("この計画は「策定済」です")).to_be_visible()
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("link", name="職員ログイン")).to_be_visible()


def test_a_resident_reads_how_the_disaster_drill_indicator_is_doing_and_downloads_it(
        live_server, omitama, page, tmp_path):
    page.goto(live_server.url)
    page.get_by_role("link", name="第3次小美玉市地域福祉計画").click()
    page.get_by_role("link", name="成果指標").click()
    page.get_by_role("link", name="地域の防災訓練に参加していると回答した割合").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "地域の防災訓練に参加していると回答した割合")
    expect(page.locator(".judgement-line")).to_contain_text("横ばい")
    chart = page.get_by_role("img", name="地域の防災訓練に参加していると回答した割合")
    expect(chart).to_be_visible()
    expect(page.get_by_role("table").filter(has_text="基準値")).to_contain_text("9.0%")
    with page.expect_download() as info:
        page.get_by_role("link", name="この指標の値をCSVでダウンロード（オープンデータ）").click()
    path = tmp_path / "drill.csv"
    info.value.save_as(path)
    text = path.read_bytes().decode("utf-8-sig")
    assert "地域の防災訓練に参加していると回答した割合" in text and "9.0%" in text
    assert "CC BY 4.0" in text


def test_a_resident_using_only_the_keyboard_reaches_the_indicators_and_folds_the_tree(
        live_server, omitama, page):
    page.goto(live_server.url + "/082368/dai3ji/")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("本文へ移動")  # the skip link comes first

    def tab_to(name: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if (page.evaluate("document.activeElement.textContent") or "").strip() == name:
                return
        raise AssertionError(f"「{name}」にTabで届きません")

    toggle = "1 地域で共に支えあう あたたかな心づくりの下位の項目・取組（3件）"
    tab_to(toggle)
    details = page.locator("li.node.depth-0 > details").first
    assert details.get_attribute("open") is not None
    page.keyboard.press("Enter")
    assert details.get_attribute("open") is None
    page.keyboard.press("Enter")
    assert details.get_attribute("open") is not None
    page.goto(live_server.url + "/082368/dai3ji/")
    tab_to("成果指標")
    page.keyboard.press("Enter")
    page.wait_for_url("**/indicators/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("成果指標")
