"""The 照会 workbook in a real browser, on 下野市's real plan: the city's 担当 answers in Excel,
sees a short preview of the three rows she changed, and hands the three reports in with one
confirmation (issue #14: the preview was 11,669 px tall and every imported row then had to be
opened and submitted again)."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from sasaeai.accounts.models import User
from sasaeai.demo.loader import DEMO_PASSWORD, load_all
from sasaeai.plans.models import Plan
from sasaeai.progress import actions
from sasaeai.progress.models import Cycle, Entry
from sasaeai.progress.workbook import SHEET
from sasaeai.tenancy.models import Organization
from sasaeai.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHANGES: dict[int, dict[str, object]] = {  # the three rows she changes, by their place among 下野市's reports
    0: {"課題": "担い手の高齢化が進んでいます。"},
    1: {"実績": "ふれあいサロン 42か所", "実績（数値）": 42, "単位": "か所"},
    2: {"今後の方向性": "拡充", "今後の方向性（内容）": "地区ごとの交流の場を増やす。"},
}


def fill(data: bytes, changes: dict[int, dict[str, object]]) -> bytes:
    book = load_workbook(io.BytesIO(data))
    sheet = book[SHEET]
    rows = list(sheet.iter_rows())
    head = next(i for i, row in enumerate(rows) if row[0].value == "報告ID")
    columns = {cell.value: cell.column for cell in rows[head]}
    for row in rows[head + 1:]:
        for title, value in changes.get(int(row[0].value), {}).items():
            sheet.cell(row=row[0].row, column=columns[title], value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_shimotsukes_tanto_hands_in_three_rows_from_excel_after_one_short_preview(
        live_server, browser, tmp_path):
    load_all(["shimotsuke"])
    jimukyoku = User.objects.get(username="shimotsuke-jimukyoku")
    plan = Plan.objects.get(municipality__code="092169")
    cycle = actions.create_cycle(by=jimukyoku, plan=plan, fiscal_year=2025)
    cycle = actions.move_cycle(by=jimukyoku, cycle=cycle, to=Cycle.Status.COLLECTING,
                               expected_version=cycle.version)
    city = Organization.objects.get(municipality__code="092169", name="下野市")
    ours = list(cycle.entries.filter(organization=city).exclude(progress="").order_by("pk"))
    changes = {ours[place].pk: typed for place, typed in CHANGES.items()}

    context = browser.new_context(locale="ja-JP", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, live_server.url, "shimotsuke-tanto", DEMO_PASSWORD)
    page.goto(live_server.url + cycle.get_absolute_url())

    # She downloads 下野市's sheet, types into three rows in Excel, and uploads it.
    with page.expect_download() as download:
        page.get_by_role("link", name="下野市の照会ファイル（14件）をダウンロード").click()
    path = tmp_path / "下野市_照会.xlsx"
    path.write_bytes(fill(download.value.path().read_bytes(), changes))
    page.get_by_label("下野市の入力した照会ファイル（.xlsx または .csv）").set_input_files(path)
    page.get_by_role("button", name="アップロードして内容を確認する").click()

    # The preview: the three rows, only the fields that change; the eleven others folded away.
    expect(page.get_by_text("3件の報告で、6項目が変わります。")).to_be_visible()
    table = page.get_by_role("table")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).to_contain_text("担い手の高齢化が進んでいます。")
    expect(table).not_to_contain_text(ours[0].progress)  # its 課題 changes, not its 進捗状況
    unchanged = page.locator("details.unchanged-rows")
    expect(unchanged.locator("summary")).to_have_text("変更のない行：11件")
    expect(unchanged.locator("li").first).to_be_hidden()
    height = page.evaluate("document.documentElement.scrollHeight")
    page.screenshot(path=tmp_path / "workbook-preview-1366.png", full_page=True)
    assert height < 3000, height
    unchanged.locator("summary").click()
    expect(unchanged.locator("li")).to_have_count(11)
    expect(unchanged.locator("li").first).to_be_visible()
    # On a phone nothing spills past the edge: the table scrolls in its own region.
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.set_viewport_size({"width": 1366, "height": 900})

    # One confirmation imports the three and hands them in.
    expect(page.get_by_role("button", name="下書きとして取り込む（3件）")).to_be_visible()
    page.get_by_role("button", name="取り込んで提出する（3件）").click()
    expect(page.get_by_text("下野市の報告3件をExcelから取り込み、提出しました。")).to_be_visible()
    statuses = dict(Entry.objects.filter(organization=city, cycle=cycle)
                    .values_list("pk", "status"))
    assert [statuses[pk] for pk in changes] == [Entry.Status.SUBMITTED] * 3
    assert sorted(set(statuses.values())) == [Entry.Status.NOT_STARTED, Entry.Status.SUBMITTED]
    for entry in Entry.objects.filter(pk__in=changes).select_related("initiative"):
        row = page.get_by_role("row").filter(has_text=entry.subject.title).filter(
            has_text="下野市").first
        expect(row).to_contain_text("提出済")
    context.close()
    assert errors == [], errors
