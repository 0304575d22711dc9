"""The 進捗のまとめ as an Excel workbook and as a print-ready PDF (A4 landscape).

Both render exactly the rows the screen shows (progress.summaries.summary_groups).
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from django.template.loader import render_to_string

from sasaeai.lib.spreadsheets import safe_text
from sasaeai.progress.models import Cycle
from sasaeai.progress.summaries import SummaryGroup

FONT = "BIZ UDPゴシック"


def summary_xlsx(cycle: Cycle, groups: list[SummaryGroup], *, has_ratings: bool) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    base = {"font_name": FONT, "font_size": 10, "valign": "top", "text_wrap": True}
    title = book.add_format({**base, "bold": True, "font_size": 14, "text_wrap": False})
    head = book.add_format({**base, "bold": True, "bg_color": "#E3F2EE", "border": 1})
    goal = book.add_format({**base, "bold": True, "font_size": 11, "text_wrap": False})
    cell = book.add_format({**base, "border": 1})
    sheet = book.add_worksheet("進捗のまとめ")
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    widths = [30, 10, 60, 60] + ([10, 10] if has_ratings else [])
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.write_string(0, 0, f"{cycle.plan.title} {cycle.display_title}", title)
    if cycle.confirmation_note:
        sheet.write_string(1, 0, cycle.confirmation_note, book.add_format({**base,
                                                                            "text_wrap": False}))
    headers = ["取組", "主体", "進捗状況", "課題"] + (["自己評価", "委員会評価"] if has_ratings else [])
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
                values: list[Any] = [entry.organization.label, entry.progress, entry.issues]
                if has_ratings:
                    values += [entry.self_rating_verbatim or entry.self_rating,
                               entry.committee_rating_verbatim or entry.committee_rating]
                for col, value in enumerate(values, start=1):
                    sheet.write_string(row, col, safe_text(str(value)), cell)
                row += 1
            if row - first > 1:
                sheet.merge_range(first, 0, row - 1, 0, safe_text(subject), cell)
            else:
                sheet.write_string(first, 0, safe_text(subject), cell)
    book.close()
    return buffer.getvalue()


def summary_pdf(cycle: Cycle, groups: list[SummaryGroup], *, has_ratings: bool,
                opinions: list[Any]) -> bytes:
    from weasyprint import HTML  # imported here: it takes a moment and only PDFs need it

    html = render_to_string("reports/summary_print.html", {
        "cycle": cycle, "plan": cycle.plan, "groups": groups, "has_ratings": has_ratings,
        "opinions": opinions,
    })
    return HTML(string=html).write_pdf()


def summary_csv(cycle: Cycle, groups: list[SummaryGroup]) -> bytes:
    """The 進捗のまとめ as open data: one row per 取組 × organization, as on the screen."""
    from sasaeai.lib.opendata import csv_bytes

    rows = []
    for group in groups:
        goal = (f"{group.goal.level_label}{group.goal.number_label} {group.goal.title}"
                if group.goal is not None else "")
        for row in group.rows:
            for e in row.entries:
                rows.append([goal, f"{row.subject.number_label} {row.subject.title}".strip(),
                             e.organization.label, e.progress, e.issues,
                             e.get_direction_display() if e.direction else "", e.direction_text,
                             e.self_rating_verbatim or e.self_rating,
                             e.committee_rating_verbatim or e.committee_rating])
    header = ["基本目標", "取組", "主体", "進捗状況", "課題", "今後の方向性", "今後の方向性（内容）",
              "自己評価", "委員会評価"]
    plan = cycle.plan
    return csv_bytes(header, rows, source=f"{plan.municipality.name}「{plan.title}」"
                                          f"{cycle.display_title} 進捗のまとめ（ささえあい）")
