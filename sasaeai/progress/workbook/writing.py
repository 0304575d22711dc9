"""Writing the 照会 workbook: one organization's entries of a cycle, keys locked."""

from __future__ import annotations

import io
from typing import Any

from sasaeai.lib.spreadsheets import FONT, TextCells, list_validation, text_workbook
from sasaeai.progress.models import Cycle, Entry, RatingLevel
from sasaeai.progress.workbook.sheet import (
    COLUMNS,
    DIRECTIONS,
    GUIDE,
    SHEET,
    _levels,
    display_values,
    is_open,
    workbook_key,
)
from sasaeai.tenancy.models import Organization


def _entries(cycle: Cycle, organization: Organization) -> list[Entry]:
    entries = list(
        Entry.objects.for_cycle(cycle).of_organization(organization)
        .select_related("initiative__element", "element", "organization").in_plan_order()
    )
    for entry in entries:
        entry.cycle = cycle
    return entries


def _date(value: Any) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "（定めなし）"


def build_workbook(cycle: Cycle, organization: Organization) -> bytes:
    """The 照会 workbook of one organization's entries in a cycle, as .xlsx bytes."""
    plan = cycle.plan
    entries = _entries(cycle, organization)
    levels = _levels(cycle)
    buffer = io.BytesIO()
    book = text_workbook(buffer, font=FONT)
    book.set_properties({
        "title": f"{plan.title} {cycle.display_title} 照会（{organization.name}）",
        "author": "ささえあい", "company": plan.municipality.name,
        "comments": "ささえあいで作成した照会ファイルです。",
    })
    cells = TextCells(book)
    base = {"font_name": FONT, "font_size": 10, "valign": "top", "text_wrap": True}
    boxed = {**base, "border": 1, "border_color": "#8c8c8c"}
    cells.add_format("title", {**base, "bold": True, "font_size": 14, "text_wrap": False})
    cells.add_format("label", {**boxed, "bold": True, "bg_color": "#e7e6e6"})
    cells.add_format("value", boxed)
    cells.add_format("note", {**base, "font_color": "#595959"})
    cells.add_format("head", {**boxed, "bold": True, "bg_color": "#d9d9d9", "valign": "vcenter",
                              "align": "center"})
    cells.add_format("head_edit", {**boxed, "bold": True, "bg_color": "#fff2cc",
                                   "valign": "vcenter", "align": "center"})
    cells.add_format("lock", {**boxed, "bg_color": "#f2f2f2"})
    cells.add_format("edit", {**boxed, "locked": False})
    number_lock = book.add_format({**boxed, "bg_color": "#f2f2f2", "num_format": "General"})
    number_edit = book.add_format({**boxed, "locked": False, "num_format": "General"})

    sheet = book.add_worksheet(SHEET)
    sheet.hide_gridlines(2)
    for index, column in enumerate(COLUMNS):
        sheet.set_column(index, index, column.width)
    last = len(COLUMNS) - 1
    cells.write(sheet, 0, 0, f"{plan.title} {cycle.display_title} 進捗の照会", "title")
    header = [
        ("自治体", plan.municipality.name),
        ("計画", plan.title),
        ("評価サイクル", cycle.display_title),
        ("組織", organization.name),
        ("入力期限", _date(cycle.entries_due)),
    ]
    for offset, (label, value) in enumerate(header, start=1):
        cells.write(sheet, offset, 0, label, "label")
        sheet.merge_range(offset, 1, offset, 4, "", cells.format("value"))
        cells.write(sheet, offset, 1, value, "value")
    key_row = len(header) + 1
    cells.write(sheet, key_row, 0, "照合キー", "label")
    cells.write(sheet, key_row, 1, workbook_key(cycle, organization), "note")
    sheet.set_row(key_row, None, None, {"hidden": True})
    note_row = key_row + 1
    sheet.merge_range(note_row, 0, note_row, last, "", cells.format("note"))
    cells.write(sheet, note_row, 0,
                "白い欄に入力してください。灰色の欄は変更できません（提出済・確認済の報告は変更できません）。"
                "書き方は「記入方法」シートをご覧ください。", "note")
    sheet.set_row(note_row, 30)
    head_row = note_row + 1
    for index, column in enumerate(COLUMNS):
        cells.write(sheet, head_row, index, column.title,
                    "head_edit" if column.editable else "head")
    sheet.set_row(head_row, 30)

    first = head_row + 1
    for row, entry in enumerate(entries, start=first):
        open_ = is_open(cycle, entry)
        text_format = "edit" if open_ else "lock"
        subject = entry.subject
        values = display_values(entry.content())
        sheet.write_number(row, 0, entry.pk, number_lock)
        cells.write(sheet, row, 1, subject.number_label, "lock")
        cells.write(sheet, row, 2, subject.title, "lock")
        cells.write(sheet, row, 3, entry.get_status_display(), "lock")
        sheet.write_number(row, 4, entry.version, number_lock)
        for index, column in enumerate(COLUMNS):
            if not column.editable:
                continue
            if column.key == "results_value":
                if entry.results_value is None:
                    sheet.write_blank(row, index, None, number_edit if open_ else number_lock)
                else:
                    sheet.write_number(row, index, float(entry.results_value),
                                       number_edit if open_ else number_lock)
            else:
                cells.write(sheet, row, index, values[column.key], text_format)
    if entries:
        _validate(sheet, first, first + len(entries) - 1, levels)
    sheet.freeze_panes(first, 3)
    sheet.protect("", {"format_columns": True, "format_rows": True,
                       "select_locked_cells": True, "select_unlocked_cells": True})
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(head_row)
    sheet.set_header(f"&L{_header_text(organization.name)}&R&P / &N")
    sheet.activate()
    _guide(book, cells, cycle, organization, levels)
    book.close()
    return buffer.getvalue()


def _header_text(text: str) -> str:
    return text.replace("&", "&&")[:100]


def _validate(sheet: Any, first: int, last: int, levels: list[RatingLevel]) -> None:
    """Choice lists on the whole column (the cells of closed rows are locked anyway)."""
    direction = next(i for i, c in enumerate(COLUMNS) if c.key == "direction")
    sheet.data_validation(first, direction, last, direction, list_validation(
        "今後の方向性", [label for _, label in DIRECTIONS], message="一覧から選んでください。",
        error="拡充・継続・見直し・縮小・廃止・完了のいずれかを選んでください。"))
    if levels:
        rating = next(i for i, c in enumerate(COLUMNS) if c.key == "self_rating")
        codes = [lv.code for lv in levels]
        sheet.data_validation(first, rating, last, rating, list_validation(
            "自己評価", codes, message="評価の記号を一覧から選んでください。",
            error=f"評価の記号（{'・'.join(codes)}）から選んでください。"))


def _guide(book: Any, cells: TextCells, cycle: Cycle, organization: Organization,
           levels: list[RatingLevel]) -> None:
    sheet = book.add_worksheet(GUIDE)
    sheet.hide_gridlines(2)
    sheet.set_column(0, 0, 4)
    sheet.set_column(1, 1, 100)
    cells.add_format("guide", {"font_name": FONT, "font_size": 11, "text_wrap": True,
                               "valign": "top"})
    cells.write(sheet, 0, 1, "照会ファイルの記入方法", "title")
    steps = [
        f"このファイルは「{cycle.display_title}」の{organization.name}の報告です。"
        f"入力期限は{_date(cycle.entries_due)}です。",
        "「報告」シートの白い欄（実績、実績（数値）、単位、進捗状況、課題、今後の方向性、"
        "今後の方向性（内容）、自己評価）に入力してください。灰色の欄（報告ID、取組番号、取組名、"
        "状態、版）は変更しないでください。行や列の追加・削除、シート名の変更もしないでください。",
        "1つの欄の中で改行するときは Alt キーを押しながら Enter キーを押します。",
        "実績（数値）には数値だけを入力してください（例：120）。「件」「人」などの単位は「単位」の欄に書きます。",
        "今後の方向性は、一覧から 拡充・継続・見直し・縮小・廃止・完了 のいずれかを選んでください。"
        "方向性の説明は「今後の方向性（内容）」の欄に書きます。",
        "数式は使えません。数式を含むファイルは取り込めません。"
        "他のファイルから写すときは「値の貼り付け」をしてください。",
        "入力が終わったら保存し、ささえあいの評価サイクルの画面の「Excelで照会する」からアップロードしてください。"
        "取り込む前に、変更される内容を確認する画面が表示されます。"
        "エラーのある行が1つでもあると、何も取り込まれません。",
        "取り込むときに「取り込んで提出する」を選ぶと、取り込んだ報告はそのまま提出されます。"
        "「下書きとして取り込む」を選ぶと下書きになり、提出は画面から行います。"
        "提出済・確認済の報告は、このファイルからは変更できません。",
        "ダウンロードした後に、他の人が画面で同じ報告を更新した場合、その報告の行に入力した内容は取り込めません"
        "（エラーになります）。もう一度ダウンロードして入力し直してください。入力していない行はそのまま残ります。",
        "CSV形式で保存したファイルも取り込めます（列の見出しはそのままにしてください）。",
    ]
    row = 2
    for number, text in enumerate(steps, start=1):
        cells.write(sheet, row, 0, f"{number}.", "guide")
        cells.write(sheet, row, 1, text, "guide")
        row += 1
    if levels:
        row += 1
        cells.write(sheet, row, 1, f"自己評価の記号（{cycle.rating_scale}）", "title")
        row += 1
        for level in levels:
            text = f"{level.code}：{level.label}" if level.label else level.code
            if level.definition:
                text += f"（{level.definition}）"
            cells.write(sheet, row, 1, text, "guide")
            row += 1
    else:
        row += 1
        cells.write(sheet, row, 1,
                    "この計画には評価の尺度が設定されていないため、自己評価は入力しないでください。", "guide")

