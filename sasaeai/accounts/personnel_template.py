"""The 人事異動 workbook to fill in: the sheet 人事異動 with its headers, dropdowns for 区分, 役割
and the municipality's organizations, two example rows, and a 記入方法 sheet."""

from __future__ import annotations

import io

from sasaeai.accounts.personnel import COLUMNS, KINDS, ROLES, SHEET
from sasaeai.lib.spreadsheets import TextCells, list_validation, text_workbook
from sasaeai.tenancy.models import Municipality, Organization

LAST_ROW = 2000


def template_bytes(municipality: Municipality) -> bytes:
    names = list(Organization.objects.filter(municipality=municipality).order_by("order", "id")
                 .values_list("name", flat=True))
    buffer = io.BytesIO()
    book = text_workbook(buffer)
    cells = TextCells(book)
    cells.add_format("head", {"bold": True, "bg_color": "#E3F2EE", "border": 1, "text_wrap": True})
    cells.add_format("example", {"font_color": "#57606a", "border": 1})
    sheet = book.add_worksheet(SHEET)
    for col, column in enumerate(COLUMNS):
        cells.write(sheet, 0, col, column.title, "head")
        sheet.set_column(col, col, column.width)
    lists = book.add_worksheet("選択肢")
    for row, name in enumerate(names):
        cells.write(lists, row, 0, name)
    lists.hide()
    choices = {"区分": list(KINDS), "役割": list(ROLES)}
    for col, column in enumerate(COLUMNS):
        if column.title in choices:
            sheet.data_validation(1, col, LAST_ROW, col, list_validation(
                column.title, choices[column.title], message=column.help,
                error=f"{column.title}は一覧から選んでください。"))
        elif column.title == "組織" and names:
            sheet.data_validation(1, col, LAST_ROW, col, list_validation(
                "組織", f"='選択肢'!$A$1:$A${len(names)}", message=column.help,
                error="「職員と組織」にある組織を選んでください。", error_type="warning"))
    sheet.freeze_panes(1, 0)
    guide = book.add_worksheet("記入方法")
    guide.set_column(0, 0, 16)
    guide.set_column(1, 1, 90)
    lines = [("人事異動ファイル", f"{municipality.name}の職員の異動を、1人1行で書きます。"
              "「職員と組織」の「人事異動ファイルを取り込む」で読み込むと、反映の前にすべての行の内容を確認できます。"),
             ("反映のしかた", "すべての行を反映するか、1行も反映しないかのどちらかです。誤りのある行があると、何も反映しません。"
              "異動日が今日以前の行はすぐに、先の日付の行はその日に反映します。"),
             *[(c.title, ("（必須）" if c.required else "") + c.help) for c in COLUMNS],
             ("着任", "組織と役割が必要です。アカウントのある人はその組織に加え、ない人には招待メールを送ります。"),
             ("転出", "その組織の所属を外します。組織が空欄なら、この自治体のすべての所属を外します。"
              "ほかに所属がなくなった人のアカウントは停止します（過去の報告や記録には、当時の氏名と所属が残ります）。"),
             ("変更", "その組織での役割を変えます。"),
             ("事務局", "事務局が1人もいなくなるファイルは反映しません。")]
    for row, (name, text) in enumerate(lines):
        cells.write(guide, row, 0, name, "head")
        cells.write(guide, row, 1, text)
    # Examples here, not on the sheet that is read: a forgotten example would be a real move.
    start = len(lines) + 1
    cells.write(guide, start, 0, "記入例", "head")
    examples = [[c.title for c in COLUMNS],
                ["田中 一郎", "tanaka@city.example.lg.jp", names[0] if names else "", "担当",
                 "2027-04-01", "着任"],
                ["", "suzuki@city.example.lg.jp", "", "", "2027-03-31", "転出"]]
    for row, values in enumerate(examples, start=start + 1):
        for col, value in enumerate(values):
            cells.write(guide, row, col, value, "example")
    book.close()
    return buffer.getvalue()
