"""Writing the plan workbook: a `sasaeai-plan` document (or nothing, for the template) as .xlsx."""

from __future__ import annotations

import io
import json
from typing import Any

from sasaeai.exchange.workbook.codes import _code_key, _label, _unique
from sasaeai.exchange.workbook.columns import (
    ACTOR_KINDS,
    ACTORS,
    AGGREGATIONS,
    AREAS,
    CHALLENGES,
    COLUMNS,
    ELEMENTS,
    EVIDENCE_KINDS,
    GUIDE,
    INDICATOR_KINDS,
    INDICATORS,
    INITIATIVES,
    LAST_ROW,
    MARGIN_BASES,
    MARGIN_PRINTED,
    MARK,
    OBSERVATION_STATUSES,
    OBSERVATIONS,
    ORG_KINDS,
    ORGS,
    PLAN,
    PLAN_FIELDS,
    PLAN_KINDS,
    PLAN_STATUSES,
    POLARITIES,
    REPORTING,
    REPORTING_LEVEL,
    ROLES,
    SEPARATOR,
    SHEETS,
    SOURCE_KINDS,
    SPHERES,
    STATEMENTS,
    SUBJECTS,
    TARGET_KINDS,
    TARGETS,
    YEAR_KINDS,
    _listing,
)
from sasaeai.lib.spreadsheets import FONT, Column, TextCells, list_validation, text_workbook
from sasaeai.lib.wareki import WarekiError, format_fy


class _Names:
    """What each key of a document is called in the workbook."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.org = {o["key"]: o.get("name", "") for o in doc.get("organizations", [])}
        areas = doc.get("areas", [])
        by_key = {a["key"]: a for a in areas}
        counts: dict[str, int] = {}
        for area in areas:
            key = _code_key(area.get("name", ""))
            counts[key] = counts.get(key, 0) + 1

        def path(area: dict[str, Any]) -> str:
            parent = by_key.get(area.get("parent") or "")
            name = area.get("name", "")
            return f"{path(parent)}{SEPARATOR}{name}" if parent else name

        self.area = {a["key"]: a.get("name", "") if counts[_code_key(a.get("name", ""))] == 1
                     else path(a) for a in areas}
        self.element: dict[str, str] = {}
        used: set[str] = set()
        for element in doc.get("elements", []):
            own = _label(element.get("number_label", ""), element.get("title", ""))
            parent = self.element.get(element.get("parent") or "")
            self.element[element["key"]] = _unique(
                f"{parent}{SEPARATOR}{own}" if parent else own, used)
        self.initiative: dict[str, str] = {}
        used = set()
        for initiative in doc.get("initiatives", []):
            own = _label(initiative.get("number_label", ""), initiative.get("title", ""))
            home = self.element.get(initiative.get("element") or "")
            self.initiative[initiative["key"]] = _unique(
                f"{home}{SEPARATOR}{own}" if home else own, used)
        self.actor = {a["key"]: a.get("label", "") for a in doc.get("actors", [])}
        self.statement = {s["key"]: str(i) for i, s in enumerate(doc.get("statements", []),
                                                                  start=1)}


def _flag(value: Any) -> str:
    return MARK if value else ""


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _plan_values(doc: dict[str, Any], names: _Names) -> dict[str, str]:
    plan = doc.get("plan") or {}
    if not plan:
        return {}

    def fiscal(value: Any) -> str:
        if value is None:
            return ""
        try:
            return format_fy(int(value), ad=False)
        except (WarekiError, ValueError):
            return str(value)

    def ref(link: Any, member: str) -> str:
        return _text(link.get(member)) if isinstance(link, dict) else ""

    return {
        "計画名": _text(plan.get("title")), "URL名": _text(plan.get("slug")),
        "計画の種類": PLAN_KINDS.get(plan.get("kind", ""), _text(plan.get("kind"))),
        "期・次": _text(plan.get("generation")),
        "計画期間（開始年度）": fiscal(plan.get("start_fy")),
        "計画期間（終了年度）": fiscal(plan.get("end_fy")),
        "基本理念": _text(plan.get("philosophy")),
        "基本理念の説明": _text(plan.get("philosophy_description")),
        "計画の概要": _text(plan.get("summary")),
        "状態": PLAN_STATUSES.get(plan.get("status", ""), _text(plan.get("status"))),
        "出典資料": _text(plan.get("source_document")),
        "策定主体": "、".join(names.org.get(k, k) for k in plan.get("owners", [])),
        "前計画": ref(plan.get("predecessor"), "slug"),
        "前計画の名称": ref(plan.get("predecessor"), "title"),
        "上位計画": ref(plan.get("parent"), "slug"),
        "上位計画の名称": ref(plan.get("parent"), "title"),
        "対象圏域": names.area.get(plan.get("area") or "", ""),
        REPORTING_LEVEL: _text(plan.get("reporting_level")),
    }


def _table_rows(doc: dict[str, Any], names: _Names) -> dict[str, list[list[str]]]:
    """The rows of every table sheet, in the order of the columns."""
    org, area, element, initiative = names.org, names.area, names.element, names.initiative
    rows: dict[str, list[list[str]]] = {}
    rows[ORGS] = [[o.get("name", ""), o.get("short_name", ""),
                   ORG_KINDS.get(o.get("kind", ""), o.get("kind", "")),
                   org.get(o.get("parent") or "", "")] for o in doc.get("organizations", [])]
    rows[AREAS] = [[a.get("name", ""), a.get("level_label", ""),
                    area.get(a.get("parent") or "", ""), a.get("description", ""),
                    _flag(a.get("is_sample_name"))]
                   for a in doc.get("areas", [])]
    rows[ELEMENTS] = [[element[e["key"]], element.get(e.get("parent") or "", ""),
                       e.get("level_label", ""), e.get("number_label", ""), e.get("title", ""),
                       e.get("description", ""), _flag(e.get("is_priority")),
                       _flag(e.get("is_new"))] for e in doc.get("elements", [])]
    rows[ACTORS] = [[a.get("label", ""), ACTOR_KINDS.get(a.get("kind", ""), a.get("kind", "")),
                     SPHERES.get(a.get("sphere", ""), a.get("sphere", "")),
                     a.get("sphere_label", "")] for a in doc.get("actors", [])]
    placements: dict[str, list[str]] = {}
    for p in doc.get("placements", []):
        code = element.get(p.get("element") or "", "")
        note = p.get("note", "")
        placements.setdefault(p.get("initiative", ""), []).append(f"{code}｜{note}" if note
                                                                  else code)
    rows[INITIATIVES] = [[initiative[i["key"]], element.get(i.get("element") or "", ""),
                          i.get("number_label", ""), i.get("title", ""), i.get("description", ""),
                          _flag(i.get("is_priority")), _flag(i.get("is_new")),
                          "、".join(org.get(k, k) for k in i.get("responsible", [])),
                          "\n".join(placements.get(i["key"], []))]
                         for i in doc.get("initiatives", [])]
    rows[STATEMENTS] = []
    for s in doc.get("statements", []):
        if s.get("initiative"):
            kind, target = SUBJECTS["initiative"], initiative.get(s["initiative"], "")
        elif s.get("element"):
            kind, target = SUBJECTS["element"], element.get(s["element"], "")
        else:
            kind, target = SUBJECTS["plan"], ""
        rows[STATEMENTS].append([
            names.statement[s["key"]], names.actor.get(s.get("actor", ""), ""), kind, target,
            s.get("text", ""), s.get("detail", ""), s.get("repeat_note", ""),
            names.statement.get(s.get("repeat_of") or "", "")])
    rows[CHALLENGES] = []
    for number, c in enumerate(doc.get("challenges", []), start=1):
        head = [f"C{number}", c.get("number_label", ""), c.get("title", ""),
                c.get("description", ""),
                "\n".join(element.get(k, "") for k in c.get("elements", [])),
                "\n".join(initiative.get(k, "") for k in c.get("initiatives", []))]
        evidence = c.get("evidence", []) or [None]
        for index, item in enumerate(evidence):
            tail = ["", ""] if item is None else [
                EVIDENCE_KINDS.get(item.get("kind", ""), item.get("kind", "")),
                item.get("text", "")]
            rows[CHALLENGES].append((head if index == 0 else [head[0], "", "", "", "", ""]) + tail)
    rows[INDICATORS], rows[TARGETS], rows[OBSERVATIONS] = [], [], []
    for i in doc.get("indicators", []):
        name = i.get("name", "")
        rows[INDICATORS].append([
            name, element.get(i.get("element") or "", ""),
            initiative.get(i.get("initiative") or "", ""), i.get("unit", ""),
            POLARITIES.get(i.get("polarity", ""), i.get("polarity", "")),
            _flag(i.get("polarity_inferred")),
            INDICATOR_KINDS.get(i.get("kind", ""), i.get("kind", "")),
            AGGREGATIONS.get(i.get("aggregation", ""), i.get("aggregation", "")),
            SOURCE_KINDS.get(i.get("source_kind", ""), i.get("source_kind", "")),
            i.get("source_text", ""), org.get(i.get("source_organization") or "", ""),
            org.get(i.get("reporting_organization") or "", ""),
            i.get("definition", ""), i.get("rationale", ""), i.get("note", "")])
        for t in i.get("targets", []):
            rows[TARGETS].append([
                name, _text(t.get("year")), YEAR_KINDS.get(t.get("year_kind", ""), ""),
                TARGET_KINDS.get(t.get("kind", ""), t.get("kind", "")), _text(t.get("value")),
                t.get("verbatim", "")])
        for o in i.get("observations", []):
            basis = o.get("margin_basis", "")
            breakdown = o.get("breakdown") or []
            rows[OBSERVATIONS].append([
                name, ROLES.get(o.get("role", ""), o.get("role", "")), _text(o.get("year")),
                _text(o.get("year_end")), YEAR_KINDS.get(o.get("year_kind", ""), ""),
                _text(o.get("as_of")), _text(o.get("value")), o.get("verbatim", ""),
                OBSERVATION_STATUSES.get(o.get("status", ""), o.get("status", "")),
                _text(o.get("sample_size")), _text(o.get("margin")),
                MARGIN_BASES.get(basis, basis) if basis else
                (MARGIN_PRINTED if o.get("margin") is not None else ""),
                _text(o.get("ci_low")), _text(o.get("ci_high")),
                area.get(o.get("area") or "", ""), o.get("breakdown_label", ""),
                json.dumps(breakdown, ensure_ascii=False) if breakdown else "",
                o.get("note", "")])
    rows[REPORTING] = [[element.get(a.get("element") or "", ""),
                        org.get(a.get("organization") or "", ""), _flag(a.get("is_sample"))]
                       for a in doc.get("reporting_assignments", [])]
    return rows


class _Writer:
    def __init__(self, book: Any) -> None:
        self.book = book
        self.cells = TextCells(book)
        base = {"font_name": FONT, "font_size": 10, "valign": "top", "num_format": "@"}
        self.cells.add_format("cell", base)
        self.cells.add_format("wrap", {**base, "text_wrap": True})
        head = {**base, "bold": True, "text_wrap": True, "valign": "vcenter",
                "border": 1, "border_color": "#8c8c8c"}
        self.cells.add_format("head", {**head, "bg_color": "#d9d9d9"})
        self.cells.add_format("head_required", {**head, "bg_color": "#fff2cc"})
        self.cells.add_format("label", {**base, "bold": True, "bg_color": "#f2f2f2",
                                        "border": 1, "border_color": "#bfbfbf"})
        self.cells.add_format("label_required", {**base, "bold": True, "bg_color": "#fff2cc",
                                                 "border": 1, "border_color": "#bfbfbf"})
        guide = {"font_name": FONT, "font_size": 10, "text_wrap": True, "valign": "top"}
        self.cells.add_format("guide", guide)
        self.cells.add_format("guide_bold", {**guide, "bold": True})
        self.cells.add_format("guide_head", {**guide, "bold": True, "font_size": 12,
                                             "bg_color": "#d9d9d9"})
        self.cells.add_format("title", {**guide, "bold": True, "font_size": 14,
                                        "text_wrap": False})

    def write(self, sheet: Any, row: int, col: int, value: Any, name: str) -> None:
        if value is None or value == "":
            return
        self.cells.write(sheet, row, col, value, name)

    def header(self, sheet: Any, columns: tuple[Column, ...]) -> None:
        for index, column in enumerate(columns):
            self.cells.write(sheet, 0, index, column.title,
                             "head_required" if column.required else "head")
            sheet.set_column(index, index, column.width,
                             self.cells.format("wrap" if column.wrap else "cell"))
        sheet.set_row(0, 30)
        sheet.freeze_panes(1, 1)

    def validate(self, sheet: Any, index: int, column: Column) -> None:
        if not (column.choices or column.source):
            return
        if column.choices:
            options = [c for c in column.choices if c]
            blank = "" in column.choices or not column.required
            message = f"{_listing(options)}から選んでください。" + ("空欄でもかまいません。"
                                                               if blank else "")
            sheet.data_validation(1, index, LAST_ROW - 1, index, list_validation(
                column.title, options, message=message, error=f"一覧にない値です。{message}"))
        else:
            sheet.data_validation(1, index, LAST_ROW - 1, index, list_validation(
                column.title, column.source, message=column.help, error_type="warning",
                error="ほかのシートにない値です。綴りを確かめてください。"))

    def table(self, name: str, rows: list[list[str]]) -> None:
        columns = COLUMNS[name]
        sheet = self.book.add_worksheet(name)
        self.header(sheet, columns)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                self.write(sheet, r, c, value, "wrap" if columns[c].wrap else "cell")
        for index, column in enumerate(columns):
            self.validate(sheet, index, column)

    def plan(self, values: dict[str, str]) -> None:
        sheet = self.book.add_worksheet(PLAN)
        self.header(sheet, COLUMNS[PLAN])
        for r, item in enumerate(PLAN_FIELDS, start=1):
            self.cells.write(sheet, r, 0, item.label,
                             "label_required" if item.required else "label")
            self.write(sheet, r, 1, values.get(item.label, ""), "wrap")
            if item.choices:
                options = [c for c in item.choices if c]
                message = f"{_listing(options)}から選んでください。"
                sheet.data_validation(r, 1, r, 1, list_validation(
                    item.label, options, message=message, error=f"一覧にない値です。{message}"))
            else:
                sheet.data_validation(r, 1, r, 1, {
                    "validate": "any", "input_title": item.label[:32],
                    "input_message": item.help[:255],
                })

    def guide(self, doc: dict[str, Any] | None) -> None:
        sheet = self.book.add_worksheet(GUIDE)
        sheet.hide_gridlines(2)
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, 1, 100)
        write = self.cells.write
        title = ((doc or {}).get("plan") or {}).get("title", "")
        write(sheet, 0, 0, f"計画ワークブックの記入方法{f'（{title}）' if title else ''}", "title")
        row = 2
        for heading, paragraphs in GUIDE_TEXT:
            write(sheet, row, 0, heading, "guide_head")
            write(sheet, row, 1, "", "guide_head")
            row += 1
            for text in paragraphs:
                write(sheet, row, 1, text, "guide")
                row += 1
            row += 1
        for name in SHEETS:
            write(sheet, row, 0, f"「{name}」シート", "guide_head")
            write(sheet, row, 1, SHEET_HELP[name], "guide_head")
            row += 1
            if name == PLAN:
                items = [(f.label, f.help) for f in PLAN_FIELDS]
            else:
                items = [(c.title, c.help) for c in COLUMNS[name]]
            for label, text in items:
                write(sheet, row, 0, label, "guide_bold")
                write(sheet, row, 1, text, "guide")
                row += 1
            row += 1
        sheet.activate()


SHEET_HELP = {
    PLAN: "計画そのものの情報。1行に1項目で、「値」の列に書きます。",
    ORGS: "計画に出てくる組織（策定主体、担当組織、出典の組織、報告する組織）。1行に1組織。",
    AREAS: "計画に出てくる圏域（対象圏域、地区別の実績値）。1行に1圏域。",
    ELEMENTS: "計画の体系（基本目標・基本施策・施策の方向など）。1行に1項目。上位の項目を先に書きます。",
    ACTORS: "主体（「地域住民等ができること」などの見出しのまとまり）。1行に1主体。",
    INITIATIVES: "取組（事業）。1行に1取組。掲載先の項目ごとに、行の順が表示の順になります。",
    STATEMENTS: "主体ごとの役割（「〇〇ができること」の内容）。1行に1つ。",
    CHALLENGES: "課題とその根拠。1行に1つの根拠。根拠のない課題は根拠の列を空欄にして1行。",
    INDICATORS: "指標。1行に1指標。",
    TARGETS: "指標の目標値。1行に1つ（指標名で指標を指します）。",
    OBSERVATIONS: "指標の基準値と実績値。1行に1つ（指標名で指標を指します）。",
    REPORTING: "体系の階層ごとに報告する計画で、どの項目をどの組織が報告するか。1行に1つの項目と組織。",
}

GUIDE_TEXT: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("このファイルについて", (
        "計画の全体（計画の情報、組織、圏域、体系、取組、主体と役割、課題、指標・目標値・実績値）を"
        "1つのExcelブックにまとめたものです。書き出したファイルを直して、または空のひな形に入力して、"
        "新しい計画として取り込めます。",
        "評価サイクル（進捗の報告と委員会の評価）、判定の修正、判定の基準、評価の尺度はこのファイルに"
        "含まれません。それぞれの画面で扱います。",
    )),
    ("共通のきまり", (
        "シート名と、各シートの1行目の見出しは変えないでください。2行目から、1行に1件ずつ書きます。"
        "見出しが黄色の列は必須です。空の行は読み飛ばします。",
        "行の順番が、そのまま表示の順番になります（体系は同じ上位の項目の中で、取組は同じ項目の中で）。",
        "数式は使えません。数式が1つでもあるファイルは取り込めません。ほかのファイルから写すときは"
        "「値の貼り付け」をしてください。セルの値はすべて文字列として読みます。",
        "選択肢のある列は、セルを選ぶと出る一覧から選んでください。",
        f"「重点」「新規」などの列は、該当するときに「{MARK}」を書き、しないときは空欄にします。",
        "1つのセルに複数を書く列は、セル内で改行して（Alt キーを押しながら Enter）1行に1つずつ書きます"
        "（策定主体と担当組織は「、」で区切ります）。",
        "数値（目標値・値・誤差など）は半角の数字と小数点だけで書き、単位は書きません。計画書の表記"
        "（「35,000 件以上」など）は「表記どおり」の列に書きます。年は西暦の数字で書きます。",
    )),
    ("行どうしの結びつき（コードと名前）", (
        "ほかのシートの行は、行の位置ではなくコードや名前で指します。",
        "項目コード：体系の項目を指すコードです。上位の項目から順に番号（番号がなければ名称）を"
        "「 > 」でつないで作ります（例：1 > (1) > ①）。他の項目と重ならなければ自由に決めてかまいません。"
        "空欄にすると、上位の項目コードと番号から作ります。",
        "取組コード：取組を指すコードです。掲載先の項目コードに「 > 」と取組の番号（番号がなければ名称）を"
        "つないで作ります（例：1 > (1) > ① > 1）。",
        "組織は組織名、主体は主体の見出し、指標は指標名で指します。圏域は圏域名で指し、同じ名前の圏域が"
        "複数あるときは「上位の圏域名 > 圏域名」と書きます。",
        "役割番号（「役割」シート）と課題番号（「課題」シート）は、このファイルの中だけの番号です。",
        "コードや名前を変えるときは、それを指しているほかのシートのセルも同じように直してください。",
    )),
    ("取り込み", (
        "エラーが1つでもあると、何も取り込まれません。エラーは「シート名・行・列」で示されるので、"
        "直してからもう一度アップロードしてください。",
        "組織と圏域は、名前で自治体の組織・圏域と照合し、ないものは新しく作られます。",
        "前計画・上位計画は、同じ自治体の計画とURL名で照合します。",
    )),
)


def build_plan_workbook(doc: dict[str, Any] | None) -> bytes:
    """The plan workbook of a `sasaeai-plan` document, as .xlsx bytes; None gives the empty
    template (headers, guide and data validation, no rows)."""
    names = _Names(doc or {})
    buffer = io.BytesIO()
    book = text_workbook(buffer, font=FONT)
    plan = (doc or {}).get("plan") or {}
    municipality = (doc or {}).get("municipality") or {}
    book.set_properties({
        "title": f"{plan.get('title', '')} 計画ワークブック".strip(),
        "author": "ささえあい", "company": municipality.get("name", ""),
        "comments": "ささえあいで作成した計画ワークブックです（sasaeai-plan 1.1）。",
    })
    writer = _Writer(book)
    writer.guide(doc)
    writer.plan(_plan_values(doc or {}, names))
    rows = _table_rows(doc or {}, names)
    for name in SHEETS[1:]:
        writer.table(name, rows[name])
    book.close()
    return buffer.getvalue()
