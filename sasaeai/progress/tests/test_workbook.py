"""The Excel round trip (照会): a department downloads its entries, fills the sheet and uploads it.

Who may: 事務局の佐藤 for any organization of ささえ市; 担当課の田中 for 福祉課 only; 社協の鈴木 for
the 社協 only. 閲覧の伊藤 sees the cycle but exchanges nothing (403); 委員の高橋 and 他市の職員 do not
see a cycle that is open for input (404); 匿名の市民 is sent to log in.
An upload is applied all or nothing, and only after a preview.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sasaeai.audit.models import AuditEvent
from sasaeai.lib.spreadsheets import read_xlsx
from sasaeai.progress import actions
from sasaeai.progress.models import Cycle, Entry, EntryVersion
from sasaeai.progress.workbook import GUIDE, SHEET, build_workbook, parse_workbook
from sasaeai.tenancy.models import Organization
from sasaeai.testing import Review

pytestmark = pytest.mark.django_db
S = Cycle.Status


def logged_in(user: Any) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def url(review: Review, org: Organization, name: str = "workbook_download") -> str:
    return reverse(f"progress:{name}", args=["479001", review.cycle.plan.slug, review.cycle.pk,
                                             org.pk])


def download(client: Client, review: Review, org: Organization) -> bytes:
    response = client.get(url(review, org))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return response.content


def upload(client: Client, review: Review, org: Organization, data: bytes,
           name: str = "照会.xlsx") -> Any:
    return client.post(url(review, org, "workbook_upload"),
                       {"file": SimpleUploadedFile(name, data)})


def confirm(client: Client, review: Review, org: Organization, preview_page: Any) -> Any:
    return client.post(url(review, org, "workbook_apply"), {
        "token": preview_page.context["token"], "digest": preview_page.context["digest"]})


def fill(data: bytes, changes: dict[int, dict[str, Any]]) -> bytes:
    """What a department does in Excel: type into the cells of the rows of some entries."""
    book = openpyxl.load_workbook(io.BytesIO(data))
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


def fingerprint() -> tuple[int, int, list[tuple[int, int]]]:
    return (AuditEvent.objects.count(), EntryVersion.objects.count(),
            sorted(Entry.objects.values_list("pk", "version")))


def test_it_changes_nothing_when_the_downloaded_file_comes_back_unchanged(review: Review):
    w = review.world
    # Entries with something in every column, including what is easy to lose in a round trip.
    entry = review.entry(review.watch, review.dept)
    actions.save_entry(by=w.tanaka, entry=entry, expected_version=entry.version, data={
        "results": "見守り訪問\r\n延べ120件", "results_value": "120.5", "results_unit": "件",
        "progress": "=民生委員と連携", "issues": "-担い手の高齢化", "direction": "continue",
        "direction_text": "@地区ごとに", "self_rating": "Ｂ"})
    client = logged_in(w.tanaka)
    data = download(client, review, review.dept)
    before = fingerprint()
    page = upload(client, review, review.dept, data)
    assert page.status_code == 200
    assert "変更はありません" in page.text
    assert not page.context["preview"].can_apply and page.context["token"] == ""
    # Through the action too: nothing to apply, nothing recorded.
    preview = parse_workbook(review.cycle, review.dept, data, filename="照会.xlsx")
    assert not preview.has_errors and preview.changed_rows == []
    assert actions.apply_workbook(by=w.tanaka, cycle=review.cycle, organization=review.dept,
                                  preview=preview) == []
    assert fingerprint() == before


def test_it_previews_the_filled_cells_and_applies_them_all(review: Review):
    w = review.world
    client = logged_in(w.tanaka)
    watch, salon = review.entry(review.watch, review.dept), review.entry(review.salon, review.dept)
    filled = fill(download(client, review, review.dept), {
        watch.pk: {"進捗状況": "見守り訪問を延べ120件行いました。", "今後の方向性": "拡充",
                   "自己評価": "ｂ"},
        salon.pk: {"実績": "サロン 12か所", "実績（数値）": 12, "単位": "か所", "課題": "会場の確保"},
    })
    page = upload(client, review, review.dept, filled)
    assert page.status_code == 200
    preview = page.context["preview"]
    assert [len(r.changes) for r in preview.changed_rows] == [3, 4]
    assert "2件の報告で、7項目が変わります" in page.text
    assert "見守り訪問を延べ120件行いました。" in page.text and "ｂ（B）" in page.text
    assert "<caption>" in page.text and 'scope="col"' in page.text
    # The preview stored nothing but the file.
    assert Entry.objects.get(pk=watch.pk).version == 1

    done = confirm(client, review, review.dept, page)
    assert done.status_code == 302 and done["Location"] == review.cycle.get_absolute_url()
    watch.refresh_from_db()
    salon.refresh_from_db()
    assert (watch.progress, watch.direction, watch.self_rating, watch.self_rating_verbatim) == (
        "見守り訪問を延べ120件行いました。", "expand", "B", "ｂ")
    assert (salon.results, str(salon.results_value), salon.results_unit, salon.issues) == (
        "サロン 12か所", "12.0000", "か所", "会場の確保")
    assert watch.status == salon.status == Entry.Status.DRAFT
    last = watch.versions.first()
    assert last is not None and last.action == EntryVersion.Action.IMPORT and last.by == w.tanaka
    assert AuditEvent.objects.filter(action="progress.entry.import").count() == 2
    assert AuditEvent.objects.filter(action="progress.workbook.import").count() == 1
    follow = client.get(done["Location"])
    assert "福祉課の報告2件をExcelから取り込みました。" in follow.text

    # The same file again: everything it says is already there.
    before = fingerprint()
    again = upload(client, review, review.dept, filled)
    assert "変更はありません" in again.text
    assert fingerprint() == before


def test_it_refuses_the_whole_upload_for_one_unknown_rating_or_direction(review: Review):
    w = review.world
    client = logged_in(w.tanaka)
    watch, salon = review.entry(review.watch, review.dept), review.entry(review.salon, review.dept)
    data = download(client, review, review.dept)
    before = fingerprint()
    for bad, message in [
        ({"自己評価": "E"}, "自己評価「E」は評価の尺度（A・B・C・D）にありません。"),
        ({"今後の方向性": "強化"}, "今後の方向性「強化」は選択肢（拡充・継続・見直し・縮小・廃止・完了）にありません。"),
        ({"実績（数値）": "120件"}, "実績（数値）「120件」は数値ではありません。"),
    ]:
        filled = fill(data, {watch.pk: {"進捗状況": "正しい入力"}, salon.pk: bad})
        page = upload(client, review, review.dept, filled)
        assert page.status_code == 400
        assert message in page.text
        assert "エラーのある行が1行あるため、何も取り込めません。" in page.text
        assert page.context["token"] == "" and "この内容で取り込む" not in page.text
        preview = parse_workbook(review.cycle, review.dept, filled)
        with pytest.raises(ValidationError, match="何も取り込みませんでした"):
            actions.apply_workbook(by=w.tanaka, cycle=review.cycle, organization=review.dept,
                                   preview=preview)
    assert fingerprint() == before


def test_it_reads_ids_and_versions_in_ascii_or_full_width_digits_only(review: Review):
    """Digits of other scripts (Ethiopic ፩, which str.isdigit() accepts and int() refuses) are
    an unreadable cell, not a server error; full-width digits read as the ASCII ones."""
    watch, salon = review.entry(review.watch, review.dept), review.entry(review.salon, review.dept)
    data = build_workbook(review.cycle, review.dept)
    wide = str(watch.pk).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    filled = fill(data, {watch.pk: {"報告ID": wide, "進捗状況": "全角の報告ID"},
                         salon.pk: {"版": "፩", "進捗状況": "エチオピア文字の版"}})
    preview = parse_workbook(review.cycle, review.dept, filled)
    by_subject = {row.entry_id: row for row in preview.rows}
    assert by_subject[watch.pk].errors == []
    assert [c.after for c in by_subject[watch.pk].changes] == ["全角の報告ID"]
    assert by_subject[salon.pk].errors == ["版「፩」が読み取れません。版の欄は変更しないでください。"]
    filled = fill(data, {watch.pk: {"報告ID": "፩"}})
    preview = parse_workbook(review.cycle, review.dept, filled)
    assert [row.errors for row in preview.rows if row.errors] == [["報告ID「፩」が読み取れません。"]]


def test_it_refuses_a_workbook_of_another_organization(review: Review):
    w = review.world
    client = logged_in(w.sato)
    shakyo_file = fill(download(client, review, review.shakyo), {
        review.entry(review.watch, review.shakyo).pk: {"進捗状況": "社協の入力"}})
    before = fingerprint()
    page = upload(client, review, review.dept, shakyo_file)
    assert page.status_code == 400
    assert "このファイルは別の組織の照会ファイルです。福祉課の照会ファイルをダウンロードして入力してください。" \
        in page.text
    # A file without the key (a CSV typed by hand) is checked row by row instead.
    rows = [["報告ID", "版", "進捗状況"],
            [str(review.entry(review.watch, review.shakyo).pk), "1", "社協の入力"]]
    page = upload(client, review, review.dept, csv_bytes(rows, "utf-8-sig"), "手入力.csv")
    assert page.status_code == 400
    assert "は福祉課の報告ではありません" in page.text
    assert fingerprint() == before


def test_it_refuses_a_workbook_of_another_cycle(review: Review):
    w = review.world
    cycle = review.cycle
    other = actions.create_cycle(by=w.sato, plan=cycle.plan, fiscal_year=2025)
    other_file = build_workbook(other, review.dept)
    preview = parse_workbook(cycle, review.dept, other_file)
    assert preview.errors == [
        "このファイルは別の評価サイクルの照会ファイルです。"
        f"「{cycle.display_title}」の照会ファイルをダウンロードして入力してください。"]
    assert preview.rows == []


def test_it_explains_a_corrupted_file_in_japanese(review: Review):
    client = logged_in(review.world.tanaka)
    whole = download(client, review, review.dept)
    before = fingerprint()
    for data in [bytes(range(256)) * 40, whole[: len(whole) // 2], whole[:100]]:
        page = upload(client, review, review.dept, data, "照会.xlsx")
        assert page.status_code == 400
        assert "Excelファイル（.xlsx）として読み込めません。" in page.text
        assert "このファイルは取り込めません。" in page.text
    page = upload(client, review, review.dept, bytes(range(256)) * 40, "名前なし")
    assert "CSVファイルとしても読み込めません" in page.text
    page = upload(client, review, review.dept, b"", "empty.xlsx")
    assert page.status_code == 400 and "ファイルが空です" in page.text
    assert fingerprint() == before


def test_it_refuses_a_file_over_the_size_cap_before_reading_it(review: Review):
    client = logged_in(review.world.tanaka)
    page = upload(client, review, review.dept, b"PK\x03\x04" + b"0" * (2 * 1024 * 1024))
    assert page.status_code == 400
    assert "ファイルが大きすぎます。2MBまでのファイルにしてください。" in page.text
    assert page.context["preview"] is None


def test_it_writes_formula_like_text_as_text_and_refuses_a_formula(review: Review):
    w = review.world
    entry = review.entry(review.watch, review.dept)
    risky = {"results": "=1+1", "progress": "+81-90-1234", "issues": "-高齢化",
             "direction_text": "@所管課"}
    actions.save_entry(by=w.tanaka, entry=entry, data=risky, expected_version=entry.version)
    client = logged_in(w.tanaka)
    data = download(client, review, review.dept)
    sheet = openpyxl.load_workbook(io.BytesIO(data))[SHEET]
    texts = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value}
    for text in risky.values():
        assert texts[text].data_type == "s" and texts[text].quotePrefix, text
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)

    with_formula = fill(data, {entry.pk: {"実績": "=SUM(1,2)"}})
    before = fingerprint()
    page = upload(client, review, review.dept, with_formula)
    assert page.status_code == 400
    assert "に数式があります。数式は読み込みません。" in page.text
    assert fingerprint() == before


def csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def test_it_reads_a_cp932_csv_saved_from_the_workbook(review: Review):
    w = review.world
    client = logged_in(w.tanaka)
    entry = review.entry(review.watch, review.dept)
    # What Excel's 「CSV（コンマ区切り）」 writes: every row, the hidden key too, in cp932.
    rows = read_xlsx(download(client, review, review.dept), max_bytes=2 ** 21, max_ratio=100,
                     sheet=SHEET)
    head = next(i for i, row in enumerate(rows) if row and row[0] == "報告ID")
    progress = rows[head].index("進捗状況")
    for row in rows[head + 1:]:
        if row[0] == str(entry.pk):
            row.extend([""] * (progress + 1 - len(row)))
            row[progress] = "①髙橋さんと訪問しました"
    data = csv_bytes(rows, "cp932")
    page = upload(client, review, review.dept, data, "照会.csv")
    assert page.status_code == 200, page.context["preview"].errors
    assert "①髙橋さんと訪問しました" in page.text
    assert confirm(client, review, review.dept, page).status_code == 302
    entry.refresh_from_db()
    assert entry.progress == "①髙橋さんと訪問しました"


def test_it_lets_a_staff_member_handle_only_their_own_organization(review: Review):
    w = review.world
    data = download(logged_in(w.tanaka), review, review.dept)
    filled = fill(data, {review.entry(review.watch, review.dept).pk: {"進捗状況": "上書き"}})
    expected = {"事務局の佐藤": 200, "担当課の田中": 200, "社協の鈴木": 403, "委員の高橋": 404,
                "閲覧の伊藤": 403, "他市の職員": 404, "匿名の市民": "login"}
    before = fingerprint()
    for persona, status in expected.items():
        client = logged_in(w.personas()[persona])
        for response in [
            client.get(url(review, review.dept)),
            upload(client, review, review.dept, filled),
            client.post(url(review, review.dept, "workbook_apply"), {"token": "x", "digest": "x"}),
        ]:
            if status == "login":
                assert response.status_code == 302 and "/accounts/login/" in response["Location"]
            elif status == 200:
                assert response.status_code in {200, 302}, (persona, response.status_code)
            else:
                assert response.status_code == status, (persona, response.status_code)
    assert fingerprint() == before
    # 鈴木 handles the 社協's file, and the action refuses him 福祉課's rows whatever the view does.
    assert logged_in(w.suzuki).get(url(review, review.shakyo)).status_code == 200
    preview = parse_workbook(review.cycle, review.dept, filled)
    with pytest.raises(PermissionDenied):
        actions.apply_workbook(by=w.suzuki, cycle=review.cycle, organization=review.dept,
                               preview=preview)
    assert fingerprint() == before


def test_it_reports_a_conflict_for_a_row_changed_by_someone_else_after_the_download(
    review: Review,
):
    w = review.world
    client = logged_in(w.tanaka)
    watch, salon = review.entry(review.watch, review.dept), review.entry(review.salon, review.dept)
    data = download(client, review, review.dept)
    # While 田中 types in Excel, 佐藤 writes both entries on the screen.
    for entry in (watch, salon):
        actions.save_entry(by=w.sato, entry=entry, data={"progress": "佐藤が代理で入力"},
                           expected_version=entry.version)
    filled = fill(data, {watch.pk: {"進捗状況": "田中の入力"}})
    before = fingerprint()
    page = upload(client, review, review.dept, filled)
    assert page.status_code == 400
    assert "ダウンロードの後に他の人がこの報告を更新しました（ファイルは第1版、今は第2版）" in page.text
    # The row 田中 did not touch is left as 佐藤 wrote it, not reverted.
    untouched = next(r for r in page.context["preview"].rows if r.entry_id == salon.pk)
    assert untouched.errors == [] and untouched.changes == [] and untouched.notes
    assert fingerprint() == before
    watch.refresh_from_db()
    assert watch.progress == "佐藤が代理で入力"


def test_it_applies_nothing_if_an_entry_changes_between_preview_and_confirmation(review: Review):
    w = review.world
    client = logged_in(w.tanaka)
    watch, salon = review.entry(review.watch, review.dept), review.entry(review.salon, review.dept)
    filled = fill(download(client, review, review.dept), {
        watch.pk: {"進捗状況": "田中の入力"}, salon.pk: {"課題": "田中の課題"}})
    page = upload(client, review, review.dept, filled)
    assert page.context["preview"].can_apply
    actions.save_entry(by=w.sato, entry=watch, data={"progress": "佐藤の入力"},
                       expected_version=watch.version)
    before = fingerprint()
    done = confirm(client, review, review.dept, page)
    assert done.status_code == 409
    assert "ダウンロードの後に他の人がこの報告を更新しました" in done.text
    assert fingerprint() == before
    # The stored upload is gone: confirming again asks for a new upload.
    again = confirm(client, review, review.dept, page)
    assert again.status_code == 302 and again["Location"].endswith("/upload/")


def test_it_refuses_changes_to_a_submitted_entry_but_not_its_unchanged_row(review: Review):
    w = review.world
    client = logged_in(w.tanaka)
    watch, salon = review.entry(review.watch, review.dept), review.entry(review.salon, review.dept)
    saved = actions.save_entry(by=w.tanaka, entry=watch, data={"progress": "提出します"},
                               expected_version=watch.version)
    saved.cycle = review.cycle
    actions.submit_entry(by=w.tanaka, entry=saved, expected_version=saved.version)
    data = download(client, review, review.dept)
    sheet = openpyxl.load_workbook(io.BytesIO(data))[SHEET]
    row = next(r for r in sheet.iter_rows() if r[0].value == watch.pk)
    assert all(cell.protection.locked for cell in row)  # a submitted entry is grey and locked
    assert not upload(client, review, review.dept, fill(data, {salon.pk: {"課題": "会場"}})
                      ).context["preview"].has_errors
    page = upload(client, review, review.dept, fill(data, {watch.pk: {"課題": "追記"}}))
    assert page.status_code == 400
    assert "この報告は「提出済」のため変更できません" in page.text


def test_it_builds_a_protected_japanese_workbook_with_choice_lists(review: Review):
    data = download(logged_in(review.world.sato), review, review.dept)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == [SHEET, GUIDE]
    sheet = book[SHEET]
    assert sheet.protection.sheet
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = {row[0]: row[1] for row in values[1:6]}
    assert header == {"自治体": "ささえ市", "計画": "第3次ささえ市地域福祉計画",
                      "評価サイクル": review.cycle.display_title, "組織": "福祉課",
                      "入力期限": "（定めなし）"}
    key_row = next(i for i, row in enumerate(values, start=1) if row[0] == "照合キー")
    assert sheet.row_dimensions[key_row].hidden
    head = next(i for i, row in enumerate(sheet.iter_rows()) if row[0].value == "報告ID")
    titles = [c.value for c in list(sheet.iter_rows())[head]]
    assert titles == ["報告ID", "取組番号", "取組名", "状態", "版", "実績", "実績（数値）", "単位",
                      "進捗状況", "課題", "今後の方向性", "今後の方向性（内容）", "自己評価"]
    first = list(sheet.iter_rows())[head + 1]
    assert [c.protection.locked for c in first] == [True] * 5 + [False] * 8
    assert [first[1].value, first[2].value] == ["①", "見守り活動の推進"]
    lists = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert lists == {'"拡充,継続,見直し,縮小,廃止,完了"', '"A,B,C,D"'}
    assert first[0].font.name == "BIZ UDPゴシック" and first[8].alignment.wrap_text
    assert "自己評価の記号（A〜Dの4段階）" in [c.value for row in book[GUIDE].iter_rows()
                                              for c in row]


def test_it_offers_the_excel_section_on_the_cycle_page_to_who_may_use_it(review: Review):
    w = review.world
    cycle_url = review.cycle.get_absolute_url()
    page = logged_in(w.sato).get(cycle_url).text
    assert "Excelで照会する" in page
    assert url(review, review.dept) in page and url(review, review.shakyo) in page
    page = logged_in(w.tanaka).get(cycle_url).text
    assert url(review, review.dept) in page and url(review, review.shakyo) not in page
    assert url(review, review.dept, "workbook_upload") in page and 'type="file"' in page
    assert "Excelで照会する" not in logged_in(w.ito).get(cycle_url).text
