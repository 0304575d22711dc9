"""Reading back what people typed into a sheet: headers, choices and numbers, matched leniently
on width and spacing and strictly on what counts as a digit."""

from __future__ import annotations

import io

import openpyxl
import pytest

from sasaeai.lib.spreadsheets import (
    Column,
    ascii_integer,
    fold,
    is_blank,
    list_validation,
    match_header,
    text_workbook,
)

# Columns as the 照会 workbook and the plan workbook name them.
REPORT_COLUMNS = (
    Column("報告ID", 8, key="id"),
    Column("版", 5, key="version"),
    Column("実績（数値）", 12, key="results_value", editable=True),
)
PLAN_COLUMNS = (Column("組織名", 30, required=True), Column("種別", 16))


def test_it_folds_width_and_spaces_and_only_asked_for_case():
    assert fold("実績（数値）") == fold("実績(数値)") == "実績(数値)"
    assert fold(" 報告 ＩＤ\n") == "報告ID"
    assert fold("ｙｅｓ") == "yes"
    assert fold("ｙｅｓ", ignore_case=True) == "YES"


@pytest.mark.parametrize("typed, number", [
    ("12", 12), ("１２", 12), ("0", 0), ("007", 7),
    ("", None), ("-1", None), ("1.5", None), ("1,200", None), ("1 2", None),
    ("፩", None),  # Ethiopic one: str.isdigit() says yes, int() refuses it
    ("²", 2), ("①", 1),  # NFKC makes them ASCII digits, as it does full-width ones
    ("٣", None),  # Arabic-Indic three: int() would take it; a 報告ID is never written so
])
def test_it_reads_only_ascii_digits_as_an_integer(typed: str, number: int | None):
    assert ascii_integer(typed) == number


def test_it_refuses_an_integer_longer_than_asked_instead_of_raising():
    assert ascii_integer("9" * 18) == int("9" * 18)
    assert ascii_integer("9" * 19) is None
    assert ascii_integer("9" * 5000) is None  # int() itself raises past 4,300 digits
    assert ascii_integer("1234567890", max_digits=9) is None


def test_it_finds_columns_by_header_whatever_their_width_and_spacing():
    header = match_header(["報告 ID", "", "備考", "実績(数値)", "版"], REPORT_COLUMNS)
    assert header.positions == {"id": 0, "results_value": 3, "version": 4}
    assert header.has("id", "version")
    assert header.unknown == ["備考"]
    assert header.repeated == []


def test_it_keeps_the_first_of_a_repeated_column_and_says_so():
    header = match_header(["組織名", "種別", "組織名 "], PLAN_COLUMNS)
    assert header.positions == {"組織名": 0, "種別": 1}
    assert header.repeated == ["組織名"]
    assert not header.has("組織名", "略称")


def test_it_matches_latin_headers_without_case_only_when_asked():
    columns = (Column("URL", 10),)
    assert match_header(["url"], columns).positions == {}
    assert match_header(["url"], columns, ignore_case=True).positions == {"URL": 0}


def test_it_calls_a_row_of_spaces_blank():
    assert is_blank(["", " ", "\n"])
    assert is_blank([])
    assert not is_blank(["", "社協"])


def test_it_cuts_dropdown_texts_to_excels_limits():
    options = list_validation("今後の方向性（内容の選択肢が長い列の見出し）" * 2, ["拡充", "継続"],
                              message="一覧から選んでください。" * 30, error="選択肢にありません。")
    assert options["source"] == ["拡充", "継続"]
    assert len(options["input_title"]) == len(options["error_title"]) == 32
    assert len(options["input_message"]) == 255
    assert options["error_type"] == "stop"
    ranged = list_validation("上位の組織", "='組織'!$A$2:$A$10000", message="組織名。",
                             error="ほかのシートにない値です。", error_type="warning")
    assert ranged["source"] == "='組織'!$A$2:$A$10000"
    assert ranged["error_type"] == "warning"


def test_it_writes_a_book_that_never_turns_a_text_into_a_formula_a_number_or_a_link():
    buffer = io.BytesIO()
    book = text_workbook(buffer)
    sheet = book.add_worksheet("報告")
    sheet.write(0, 0, "=SUM(A2:A9)")
    sheet.write(0, 1, "0120")
    sheet.write(0, 2, "https://example.jp/")
    book.close()
    cells = next(iter(openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["報告"].iter_rows()))
    assert [(c.value, c.data_type) for c in cells] == [
        ("=SUM(A2:A9)", "s"), ("0120", "s"), ("https://example.jp/", "s")]
