"""Spreadsheets in and out: what is written stays text, and what is read is read safely."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

import openpyxl
import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st

from sasaeai.lib.spreadsheets import (
    SpreadsheetError,
    TextCells,
    cell_text,
    looks_like_formula,
    read_csv,
    read_xlsx,
    safe_text,
)

MB = 1024 * 1024


def xlsx(rows: Sequence[Sequence[object]], *, formula: str | None = None) -> bytes:
    """A workbook written the safe way, with an optional real formula in the next row."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    cells = TextCells(book)
    cells.add_format("plain", {})
    sheet = book.add_worksheet("報告")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                cells.write(sheet, r, c, value, "plain")
    if formula:
        sheet.write_formula(len(rows), 0, formula)
    book.close()
    return buffer.getvalue()


def read(data: bytes) -> list[list[str]]:
    return read_xlsx(data, max_bytes=2 * MB, max_ratio=100)


def test_it_writes_texts_that_look_like_formulas_as_text():
    risky = ["=1+1", "+81-90", "-3", "@SUM(A1)", "\tタブ", "=HYPERLINK(\"http://x\")"]
    data = xlsx([risky])
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = next(iter(book["報告"].iter_rows()))
    assert [c.data_type for c in cells] == ["s"] * len(risky)
    # The text is kept as it was typed (no apostrophe), and Excel keeps it text when edited.
    assert [c.value for c in cells] == [safe_text(v) for v in risky]
    assert all(c.quotePrefix for c in cells)
    assert read(data) == [[safe_text(v) for v in risky]]


def test_it_knows_what_a_spreadsheet_would_take_for_a_formula():
    assert all(looks_like_formula(t) for t in ["=A1", "+1", "-1", "@x", "\tx", "\rx"])
    assert not any(looks_like_formula(t) for t in ["見守り", "１＝１", "a=b", ""])


def test_it_makes_any_value_cell_text_without_losing_characters():
    assert safe_text(None) == ""
    assert safe_text("一行目\r\n二行目\r三行目") == "一行目\n二行目\n三行目"
    assert safe_text("ベル\x07と\x00ヌル") == "ベルとヌル"
    assert safe_text("①髙橋〜") == "①髙橋〜"


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40))
def test_it_reads_back_every_text_it_writes(text: str):
    data = xlsx([["見出し", text]])
    expected = safe_text(text)
    assert read(data) == [["見出し", expected] if expected.strip() else ["見出し"]]


def test_it_reads_numbers_and_dates_as_the_text_they_show():
    assert read(xlsx([[120.0, 0.1, 3, 1e-05]])) == [["120", "0.1", "3", "0.00001"]]
    import datetime
    assert cell_text(datetime.datetime(2025, 4, 1)) == "2025-04-01"  # noqa: DTZ001
    assert cell_text(True) == "TRUE"


def test_it_refuses_a_formula_in_an_upload_and_says_where():
    data = xlsx([["報告ID", "実績"]], formula="=1+1")
    with pytest.raises(SpreadsheetError, match="セル A2 に数式があります"):
        read(data)


def test_it_refuses_random_bytes_and_a_truncated_file_in_japanese():
    with pytest.raises(SpreadsheetError, match=r"Excelファイル（\.xlsx）として読み込めません"):
        read(bytes(range(256)) * 10)
    whole = xlsx([["報告ID"], ["1"]])
    with pytest.raises(SpreadsheetError, match=r"Excelファイル（\.xlsx）として読み込めません"):
        read(whole[: len(whole) // 2])


def test_it_refuses_an_old_xls_and_a_zip_that_is_not_a_workbook():
    with pytest.raises(SpreadsheetError, match=r"古い形式.*\.xls"):
        read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(SpreadsheetError, match="Excelのブック以外"):
        read(buffer.getvalue())


def test_it_refuses_a_file_that_is_too_large_before_opening_it():
    with pytest.raises(SpreadsheetError, match="ファイルが大きすぎます"):
        read_xlsx(xlsx([["x"]]), max_bytes=100, max_ratio=100)


def test_it_refuses_a_zip_bomb_by_its_compression_ratio():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (50 * MB) + b"/>")
    data = buffer.getvalue()
    assert len(data) < MB
    with pytest.raises(SpreadsheetError, match="圧縮率が異常に高い"):
        read(data)


def test_it_reads_a_cp932_csv_with_characters_shift_jis_rejects():
    text = "報告ID,実績\r\n1,\"①髙橋さんが\r\n見守り\"\r\n"
    assert read_csv(text.encode("cp932")) == [["報告ID", "実績"], ["1", "①髙橋さんが\n見守り"]]


def test_it_reads_a_utf8_csv_with_or_without_a_bom():
    text = "報告ID,実績\n1,見守り訪問を延べ120件行いました。\n"
    expected = [["報告ID", "実績"], ["1", "見守り訪問を延べ120件行いました。"]]
    assert read_csv(text.encode("utf-8-sig")) == expected
    assert read_csv(text.encode("utf-8")) == expected


def test_it_refuses_to_guess_between_two_readings_of_a_file():
    ambiguous = "ああ".encode()  # E3 81 82 E3 81 82 is also valid cp932
    assert ambiguous.decode("cp932") != "ああ"
    with pytest.raises(SpreadsheetError, match="文字コードを判別できません"):
        read_csv(ambiguous)
    # Plain ASCII reads the same both ways: nothing to guess.
    assert read_csv(b"a,b\n1,2\n") == [["a", "b"], ["1", "2"]]


def test_it_refuses_a_file_in_neither_encoding():
    with pytest.raises(SpreadsheetError, match="文字コードを読み取れません"):
        read_csv(b"\x82\xa0\xff\xfe,\x81")


def test_it_drops_trailing_empty_cells_and_rows():
    assert read_csv(b"a,b,,\n,,\n\n") == [["a", "b"]]


def test_it_stops_at_the_row_limit_and_ignores_columns_past_the_last_one_read():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_string(0, 0, "報告ID")
    sheet.write_string(0, 16000, "遠くの列")
    sheet.write_string(30_000, 0, "遠くの行")
    book.close()
    with pytest.raises(SpreadsheetError, match="行が多すぎます。10,000行まで"):
        read(buffer.getvalue())
    assert read_xlsx(buffer.getvalue(), max_bytes=2 * MB, max_ratio=100,
                     max_rows=40_000)[0] == ["報告ID"]
