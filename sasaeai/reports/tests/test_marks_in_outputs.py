"""States that cannot lie, in every output: a report the cycle went on without
(「未提出のまま進める」 with its reason) and a correction after 確定 (訂正, its day and reason) are
shown wherever the report is: the summary page, its CSV, xlsx and PDF, and the committee packet."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from sasaeai.accounts.models import User
from sasaeai.progress import actions
from sasaeai.progress.models import Entry
from sasaeai.progress.summaries import day_label
from sasaeai.reports.packet import render_packet
from sasaeai.reports.tests.reported import shimotsuke_reported
from sasaeai.reports.tests.test_whole_report import pdf_text, summary_url

pytestmark = pytest.mark.django_db

CORRECTION = "参加者数の集計に誤りがあったため訂正しました。"
WAIVER = "担当者の異動により期限までに提出できなかったため。"


@pytest.fixture
def marked():
    """しもつけ's published cycle: the first report corrected by the 事務局 after 確定, the
    second one (社協) never handed in and waived."""
    reported = shimotsuke_reported()
    sato = User.objects.get(username="shimotsuke-jimukyoku")
    entry = Entry.objects.select_related("cycle__plan").get(pk=reported.entry.pk)
    corrected = actions.correct_entry(by=sato, entry=entry, data={"results_value": "1250"},
                                      reason=CORRECTION, expected_version=entry.version)
    waived = (reported.cycle.entries.exclude(pk=entry.pk).select_related("initiative")
              .in_plan_order().first())
    assert waived is not None
    Entry.objects.filter(pk=waived.pk).update(status=Entry.Status.DRAFT, waiver_reason=WAIVER)
    return reported, corrected, waived


def test_the_summary_page_marks_the_correction_and_the_waiver(marked):
    reported, corrected, _waived = marked
    page = Client().get(summary_url(reported)).content.decode()
    day = day_label(corrected.corrections[0].at)
    assert "訂正" in page and day in page and CORRECTION in page
    assert "未提出のまま進める" in page and WAIVER in page


def test_the_csv_and_the_xlsx_carry_both_columns(marked):
    reported, corrected, waived = marked
    day = day_label(corrected.corrections[0].at)
    response = Client().get(summary_url(reported), {"export": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_org = {(r["取組"], r["主体"]): r for r in rows}
    first = by_org[("① ふれあい交流の促進", "下野市")]
    assert first["訂正"] == f"{day}：{CORRECTION}" and first["未提出のまま進める理由"] == ""
    second = next(r for r in rows if r["未提出のまま進める理由"])
    assert second["未提出のまま進める理由"] == WAIVER and second["状態"] == "下書き"
    book = load_workbook(io.BytesIO(Client().get(summary_url(reported),
                                                 {"export": "xlsx"}).content))
    cells = [str(c.value) for row in book.worksheets[0].iter_rows() for c in row if c.value]
    assert f"{day}：{CORRECTION}" in cells and WAIVER in cells
    assert waived.organization.label in cells


def test_the_pdf_and_the_packet_print_both(marked, tmp_path):
    reported, _corrected, _waived = marked
    pdf = Client().get(summary_url(reported) + "?export=pdf").content
    packet, _pages = render_packet(reported.cycle, version=1)
    for content in (pdf, packet):
        text = pdf_text(content, tmp_path)
        # The reason's start: a narrow column wraps it, and pdftotext may read the lines of the
        # neighbouring cells in between.
        assert "訂正" in text and CORRECTION[:12] in text
        assert "未提出のまま進める" in text and "".join(WAIVER.split()) in text
