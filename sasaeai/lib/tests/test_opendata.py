"""CSV as Excel reads it: UTF-8 with a BOM, and text that starts like a formula kept as text."""

from __future__ import annotations

import csv
import io

import pytest

from sasaeai.lib import opendata


@pytest.mark.parametrize(("value", "written"), [
    ("=1+2", "'=1+2"), ("+81-90-1234", "'+81-90-1234"), ("-高齢化", "'-高齢化"),
    ("@SUM(1)", "'@SUM(1)"), ("\t=1+2", "'\t=1+2"),
    # safe_text folds CR into LF; the cell is still marked, since the CR was a formula start.
    ("\r=1+2", "'\n=1+2"),
    ("地域の支え合い", "地域の支え合い"), (-3, "'-3"), (None, ""),
])
def test_a_cell_that_starts_like_a_formula_gets_an_apostrophe(value, written):
    assert opendata.cell(value) == written


def test_a_table_is_utf8_with_a_bom_and_crlf_and_every_cell_escaped():
    data = opendata.table_bytes([["調査", "区分"], ["=1+2市民意識調査", "@東地区"]])
    text = data.decode("utf-8")
    assert text.startswith("\ufeff調査,区分\r\n")
    assert list(csv.reader(io.StringIO(text[1:]))) == [["調査", "区分"],
                                                       ["'=1+2市民意識調査", "'@東地区"]]


def test_open_data_names_its_source_and_licence_on_every_row():
    text = opendata.csv_bytes(["指標名"], [["=相談件数"]], source="ささえ市").decode("utf-8")
    assert list(csv.reader(io.StringIO(text[1:]))) == [
        ["指標名", "出典", "ライセンス"], ["'=相談件数", "ささえ市", opendata.LICENCE]]


def test_a_private_download_is_not_cached():
    response = opendata.attachment(b"\xef\xbb\xbfa\r\n", "令和5年度 調査_集計.csv", private=True)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    assert "Cache-Control" not in opendata.csv_response("a b.csv", ["x"], [], source="s")
