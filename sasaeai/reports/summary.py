"""The 進捗のまとめ as an Excel workbook and as a print-ready PDF (A4 landscape).

All render exactly the rows the screen shows (progress.summaries.summary_groups), with every
field of each report and the indicators of its unit.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.template.loader import render_to_string

from sasaeai.lib.spreadsheets import safe_text
from sasaeai.progress.models import Opinion
from sasaeai.progress.summaries import (
    FIGURE_COLUMNS,
    REPORT_COLUMNS,
    Figure,
    Summary,
    figure_cells,
    report_cells,
)

FONT = "BIZ UDPゴシック"


def summary_xlsx(summary: Summary) -> bytes:
    """Every report as one row under its 基本目標 and unit (merged down its organizations); the
    indicator figures the cycle asked for, and the committee's opinions with the responses, on
    sheets of their own."""
    cycle, groups = summary.cycle, summary.groups
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    base = {"font_name": FONT, "font_size": 10, "valign": "top", "text_wrap": True}
    title = book.add_format({**base, "bold": True, "font_size": 14, "text_wrap": False})
    head = book.add_format({**base, "bold": True, "bg_color": "#E3F2EE", "border": 1})
    goal = book.add_format({**base, "bold": True, "font_size": 11, "text_wrap": False})
    cell = book.add_format({**base, "border": 1})
    number = book.add_format({**base, "border": 1, "num_format": "#,##0.####"})
    sheet = book.add_worksheet("進捗のまとめ")
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    headers = ["取組", "主体", *REPORT_COLUMNS]
    widths = {"取組": 28, "主体": 10, "状態": 8, "実績（数値）": 10, "実績の単位": 6,
              "自己評価": 8, "委員会評価": 8, "今後の方向性": 10}
    for col, name in enumerate(headers):
        sheet.set_column(col, col, widths.get(name, 40))
    sheet.write_string(0, 0, f"{cycle.plan.title} {cycle.display_title}", title)
    if cycle.confirmation_note:
        sheet.write_string(1, 0, cycle.confirmation_note, book.add_format({**base,
                                                                            "text_wrap": False}))
    row = 3
    sheet.repeat_rows(3)
    for col, text in enumerate(headers):
        sheet.write_string(row, col, text, head)
    row += 1
    for group in groups:
        if group.goal is not None:
            sheet.write_string(row, 0, f"{group.goal.level_label} {group.goal.number_label} "
                                       f"{group.goal.title}", goal)
            row += 1
        for summary_row in group.rows:
            subject = f"{summary_row.subject.number_label} {summary_row.subject.title}".strip()
            first = row
            for entry in summary_row.entries:
                values = [entry.organization.label, *report_cells(entry, summary_row, group)]
                for col, value in enumerate(values, start=1):
                    if isinstance(value, Decimal):
                        sheet.write_number(row, col, float(value), number)
                    else:
                        sheet.write_string(row, col, safe_text(value or ""), cell)
                row += 1
            if row - first > 1:
                sheet.merge_range(first, 0, row - 1, 0, safe_text(subject), cell)
            else:
                sheet.write_string(first, 0, safe_text(subject), cell)
    if summary.asked_figures:
        _figures_sheet(book, summary.asked_figures, head=head, cell=cell, number=number)
    _opinions_sheet(book, summary.opinions, head=head, cell=cell)
    book.close()
    return buffer.getvalue()


def _figures_sheet(book: Any, figures: list[Figure], *, head: Any, cell: Any, number: Any
                   ) -> None:
    sheet = book.add_worksheet("成果指標の実績値")
    widths = {"指標": 36, "単位": 6, "報告する組織": 14, "状態": 8, "年度": 18, "実績値": 10,
              "値の状態": 8, "実績値の登録": 14, "判定": 10}
    for col, text in enumerate(FIGURE_COLUMNS):
        sheet.set_column(col, col, widths.get(text, 24))
        sheet.write_string(0, col, text, head)
    for n, figure in enumerate(figures, start=1):
        for col, value in enumerate(figure_cells(figure)):
            if isinstance(value, Decimal):
                sheet.write_number(n, col, float(value), number)
            else:
                sheet.write_string(n, col, safe_text(value or ""), cell)


def _opinions_sheet(book: Any, opinions: list[Opinion], *, head: Any, cell: Any) -> None:
    sheet = book.add_worksheet("委員会の意見")
    for col, (text, width) in enumerate([("対象", 36), ("意見", 60), ("市の考え方", 60)]):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, text, head)
    for n, opinion in enumerate(opinions, start=1):
        entry = opinion.entry
        target = (f"{entry.subject.number_label} {entry.subject.title}（"
                  f"{entry.organization.label}）".strip() if entry is not None else "計画全体")
        for col, text in enumerate([target, opinion.text, opinion.response]):
            sheet.write_string(n, col, safe_text(text), cell)


def summary_pdf(summary: Summary) -> bytes:
    from weasyprint import HTML  # imported here: it takes a moment and only PDFs need it

    html = render_to_string("reports/summary_print.html", {
        "cycle": summary.cycle, "plan": summary.cycle.plan, "groups": summary.groups,
        "has_ratings": summary.has_ratings, "opinions": summary.opinions,
        "asked_figures": summary.asked_figures, "waiver_notes": summary.waiver_notes,
    })
    return HTML(string=html).write_pdf()


def summary_csv(summary: Summary) -> bytes:
    """The 進捗のまとめ as open data: one row per unit × organization, as on the screen (the
    unit's indicators, with the figure reported in the cycle, in the column 成果指標)."""
    from sasaeai.lib.opendata import csv_bytes

    cycle, groups = summary.cycle, summary.groups
    rows = []
    for group in groups:
        goal = (f"{group.goal.level_label}{group.goal.number_label} {group.goal.title}"
                if group.goal is not None else "")
        for row in group.rows:
            for e in row.entries:
                rows.append([goal, f"{row.subject.number_label} {row.subject.title}".strip(),
                             e.organization.label, *report_cells(e, row, group)])
    header = ["基本目標", "取組", "主体", *REPORT_COLUMNS]
    plan = cycle.plan
    return csv_bytes(header, rows, source=f"{plan.municipality.name}「{plan.title}」"
                                          f"{cycle.display_title} 進捗のまとめ（ささえあい）")
