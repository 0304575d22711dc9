"""The whole report in every output: what a 担当 wrote (実績 with its number, 進捗状況, 課題,
今後の方向性), what the committee made of it (自己評価, 委員会評価 and its reason, opinions and the
responses) and the unit's indicators with their latest figure and judgement reach the summary
page, its xlsx, PDF and CSV, in しもつけ's layout (基本目標 → ① → one row per 市 and 社協)."""

import csv
import io
import subprocess

import pytest
from django.test import Client
from openpyxl import load_workbook

from sasaeai.reports.tests.reported import (
    DIRECTION_TEXT,
    INDICATOR,
    ISSUES,
    OPINION,
    PROGRESS,
    REASON,
    RESPONSE,
    RESULTS,
    shimotsuke_reported,
)

pytestmark = pytest.mark.django_db

FIGURE = f"{INDICATOR}：令和5年度（2023年度）の12か所・順調"


def summary_url(reported) -> str:
    return f"{reported.cycle.get_absolute_url()}summary/"


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return "".join(text.split())


def test_it_shows_every_field_of_the_report_on_the_summary_page():
    page = Client().get(summary_url(shimotsuke_reported())).text
    for heading in ("実績", "進捗状況", "課題", "今後の方向性", "自己評価", "委員会評価"):
        assert f'<th scope="col">{heading}</th>' in page
    for text in (RESULTS, "実績値：1,240人", PROGRESS, ISSUES, "<strong>拡充</strong>",
                 DIRECTION_TEXT, f"理由：{REASON}", OPINION, RESPONSE, INDICATOR,
                 "令和5年度（2023年度）の12か所", "<strong>順調</strong>"):
        assert text in page
    first = page.index(RESULTS)
    assert page.index("基本目標 1") < page.index("ふれあい交流の促進") < first
    assert page.index("下野市", first - 200) < first < page.index("社協", first)


def test_it_exports_every_column_to_excel_with_the_number_as_a_number():
    reported = shimotsuke_reported()
    response = Client().get(summary_url(reported) + "?export=xlsx")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = [tuple(r) for r in book["進捗のまとめ"].iter_rows(values_only=True)]
    assert rows[3] == ("取組", "主体", "状態", "実績", "実績（数値）", "実績の単位", "進捗状況", "課題",
                       "今後の方向性", "今後の方向性（内容）", "自己評価", "委員会評価",
                       "委員会評価の理由", "委員会の意見と市の考え方", "成果指標（最新値・判定）",
                       "基本目標の成果指標（最新値・判定）", "未提出のまま進める理由", "訂正")
    assert rows[4][0].startswith("基本目標 1")
    row = next(r for r in rows if r[3] == RESULTS)
    assert row[:3] == ("① ふれあい交流の促進", "下野市", "確認済")
    assert row[4] == 1240 and row[5] == "人"
    assert row[6:13] == (PROGRESS, ISSUES, "拡充", DIRECTION_TEXT, "A", "B", REASON)
    assert row[13] == f"意見：{OPINION}\n市の考え方：{RESPONSE}"
    assert row[14] == FIGURE
    opinions = [tuple(r) for r in book["委員会の意見"].iter_rows(values_only=True)]
    assert opinions[1] == ("① ふれあい交流の促進（下野市）", OPINION, RESPONSE)


def test_it_exports_every_column_to_the_open_data_csv():
    response = Client().get(summary_url(shimotsuke_reported()), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    row = dict(zip(header, next(r for r in rows if RESULTS in r), strict=True))
    assert row["基本目標"].startswith("基本目標1") and row["取組"] == "① ふれあい交流の促進"
    assert (row["主体"], row["状態"], row["実績（数値）"], row["実績の単位"]) == (
        "下野市", "確認済", "1240", "人")
    assert (row["進捗状況"], row["課題"], row["今後の方向性"], row["今後の方向性（内容）"]) == (
        PROGRESS, ISSUES, "拡充", DIRECTION_TEXT)
    assert (row["自己評価"], row["委員会評価"], row["委員会評価の理由"]) == ("A", "B", REASON)
    assert RESPONSE in row["委員会の意見と市の考え方"]
    assert row["成果指標（最新値・判定）"] == FIGURE


def test_it_prints_every_column_in_the_pdf(tmp_path):
    response = Client().get(summary_url(shimotsuke_reported()) + "?export=pdf")
    text = pdf_text(response.content, tmp_path)
    for heading in ("実績", "進捗状況", "課題", "今後の方向性", "自己評価", "委員会評価"):
        assert heading in text
    for written in (RESULTS, "実績値：1,240人", PROGRESS, ISSUES, "拡充", DIRECTION_TEXT, REASON,
                    OPINION, RESPONSE, FIGURE):
        assert "".join(written.split()) in text


def test_an_emoji_prints_from_the_emoji_font_and_digits_stay_in_the_text_font(tmp_path):
    response = Client().get(summary_url(shimotsuke_reported(emoji=True)) + "?export=pdf")
    path = tmp_path / "summary.pdf"
    path.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout
    assert "Noto-Color-Emoji" in fonts
    assert "😊" in pdf_text(response.content, tmp_path)


def test_digits_never_print_from_the_emoji_font(tmp_path):
    """Noto Color Emoji also holds 0-9: unless limited to pictographs, it takes every digit
    (「２ ０ ２ ３」) once it is installed. Without an emoji, the font is not used at all."""
    response = Client().get(summary_url(shimotsuke_reported()) + "?export=pdf")
    path = tmp_path / "summary.pdf"
    path.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout
    assert "BIZ-UDPGothic" in fonts and "Emoji" not in fonts
