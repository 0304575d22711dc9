"""Indicator tables as plans print them, read into rows before anything is saved.

A table comes pasted from a PDF or Word (tab-separated), or as CSV / xlsx. Its columns are
recognised by their Japanese headers and the usual synonyms (指標 / 目標項目, 基準値 / 前回, 現状値 /
今回 / 実績, 目標値 / 目標の方向, 単位, 出典 / 備考, 設定理由, 基本目標); a year in a header applies to
the cells under it unless a cell names its own. Every cell goes through `lib.values`, so the value,
unit, year (and whether it was 年 or 年度), status, target kind, footnote marks and the verbatim
text are all kept. Nothing here touches the database: `plan_changes` (in actions.py) compares the
rows with what a plan already holds.

Rules taken from the plans themselves:
- with 現状値 and 目標値 but no baseline column, 現状値 is the baseline;
- a table without a name column (小美玉市 heads its names 「目標数値」) takes as names the column
  whose cells are text rather than figures;
- merged cells in the first (基本目標) column come out empty: the last value above applies;
- a row with a name and no figures is a heading, read past and reported;
- polarity is inferred (lower is better when the target is below the baseline or is ↘, 以下) and
  marked as inferred for review.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field

from sasaeai.lib.spreadsheets import decode_text, fold, is_blank, read_csv, read_xlsx
from sasaeai.lib.values import CellValue, Status, TargetKind, parse_cell
from sasaeai.lib.wareki import (
    WarekiError,
    Year,
    _fold,
    _search,
    era_of,
    find_year,
    format_year,
)

NAME, ELEMENT, BASELINE, ACTUAL, TARGET = "name", "element", "baseline", "actual", "target"
UNIT, SOURCE, RATIONALE = "unit", "source", "rationale"
ROLE_LABELS = {NAME: "指標名", ELEMENT: "基本目標など", BASELINE: "基準値", ACTUAL: "現状値・実績値",
               TARGET: "目標値", UNIT: "単位", SOURCE: "出典", RATIONALE: "設定理由"}
SYNONYMS: dict[str, tuple[str, ...]] = {
    NAME: ("指標", "指標名", "目標項目", "指標項目", "成果指標", "評価指標", "数値目標の項目"),
    ELEMENT: ("基本目標", "基本施策", "施策", "施策の方向", "重点目標", "分野", "柱"),
    BASELINE: ("基準値", "基準数値", "初期値", "策定時", "計画策定時", "前回", "基準年"),
    ACTUAL: ("現状値", "今回", "実績", "実績値", "現状", "現在値", "直近値"),
    TARGET: ("目標値", "目標数値", "目標", "目標の方向", "目標水準"),
    UNIT: ("単位",),
    SOURCE: ("出典", "現状値の出典", "備考", "データ出典", "出所", "データの出典", "把握方法"),
    RATIONALE: ("設定理由", "目標設定の考え方", "設定の考え方", "目標値の考え方"),
}
VALUE_ROLES = (BASELINE, ACTUAL, TARGET)
STATUS_LABELS = {Status.MEASURED: "実測", Status.ESTIMATED: "推計", Status.SURVEYING: "調査中",
                 Status.NOT_SURVEYED: "値なし", Status.PLACEHOLDER: "未記入（〇〇）"}
TARGET_LABELS = {TargetKind.VALUE: "数値", TargetKind.AT_LEAST: "以上", TargetKind.AT_MOST: "以下",
                 TargetKind.UP: "↗（増加）", TargetKind.DOWN: "↘（減少）", TargetKind.MAINTAIN: "維持",
                 TargetKind.NOT_SET: "設定しない", TargetKind.PENDING: "検討中"}
SURVEY_WORDS = ("アンケート", "調査", "意識", "市民意識")


MAX_TABLE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 40


class TableError(ValueError):
    """A table that cannot be read at all; the message is Japanese and meant for the user."""


def rows_from_file(data: bytes, filename: str) -> list[list[str]]:
    """An uploaded table: xlsx, CSV, or tab-separated text (.txt / .tsv), read safely.
    Raises SpreadsheetError or TableError with a Japanese message."""
    name = filename.lower()
    if name.endswith(".xlsx") or data.startswith(b"PK\x03\x04"):
        return read_xlsx(data, max_bytes=MAX_TABLE_BYTES, max_ratio=100, max_rows=MAX_ROWS,
                         max_cols=MAX_COLUMNS)
    if name.endswith((".txt", ".tsv")):
        if len(data) > MAX_TABLE_BYTES:
            raise TableError("ファイルが大きすぎます。2MBまでのファイルにしてください。")
        rows = rows_from_text(decode_text(data))
        if len(rows) > MAX_ROWS:
            raise TableError(f"行が多すぎます。{MAX_ROWS:,}行までにしてください。")
        return rows
    return read_csv(data, max_bytes=MAX_TABLE_BYTES, max_rows=MAX_ROWS, max_cols=MAX_COLUMNS)


@dataclass
class Column:
    index: int
    header: str
    role: str | None
    year: Year | None = None

    @property
    def label(self) -> str:
        return ROLE_LABELS[self.role] if self.role else "（読み取らない列）"


@dataclass
class Figure:
    """One value cell as understood, with the header it sat under."""

    role: str
    header: str
    cell: CellValue

    @property
    def year_label(self) -> str:
        return format_year(self.cell.year) if self.cell.year else "年の記載なし"

    @property
    def kind_label(self) -> str:
        """What the figure is: 実測 / 推計 / 調査中 …, or for a target 数値 / 以上 / ↗ …"""
        if self.role == TARGET:
            return TARGET_LABELS.get(self.cell.target_kind or TargetKind.VALUE, "")
        return STATUS_LABELS.get(self.cell.status, "")

    def as_dict(self) -> dict[str, object]:
        c = self.cell
        return {
            "verbatim": c.verbatim, "value": str(c.value) if c.value is not None else None,
            "unit": c.unit, "year": c.year.start if c.year else None,
            "year_end": c.year.end if c.year else None,
            "year_kind": str(c.year.kind) if c.year else None,
            "status": str(c.status) if self.role != TARGET else None,
            "target_kind": str(c.target_kind) if self.role == TARGET and c.target_kind else None,
            "footnotes": list(c.footnotes), "note": c.note, "header": self.header,
        }


@dataclass
class Row:
    line: int  # the row in the table as given (the header is 1)
    name: str
    element: str = ""
    unit: str = ""
    source: str = ""
    rationale: str = ""
    baseline: Figure | None = None
    actuals: list[Figure] = field(default_factory=list)
    targets: list[Figure] = field(default_factory=list)
    polarity: str = "higher"
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def source_kind(self) -> str:
        if not self.source:
            return ""
        return "survey" if any(w in self.source for w in SURVEY_WORDS) else "records"

    def figures(self) -> list[Figure]:
        return [f for f in (self.baseline, *self.actuals, *self.targets) if f is not None]

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line, "name": self.name, "element": self.element, "unit": self.unit,
            "baseline": self.baseline.as_dict() if self.baseline else None,
            "current": self.actuals[-1].as_dict() if self.actuals else None,
            "target": self.targets[-1].as_dict() if self.targets else None,
            "actuals": [f.as_dict() for f in self.actuals],
            "targets": [f.as_dict() for f in self.targets],
            "source": self.source, "source_kind": self.source_kind, "rationale": self.rationale,
            "polarity": self.polarity, "polarity_inferred": True,
            "problems": list(self.problems), "notes": list(self.notes),
        }


@dataclass
class Table:
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the table as a whole
    notes: list[str] = field(default_factory=list)
    era: str = ""

    @property
    def has_problems(self) -> bool:
        return bool(self.errors) or any(r.problems for r in self.rows)

    def digest(self) -> str:
        text = repr([r.as_dict() for r in self.rows]) + repr(self.errors)
        return hashlib.sha256(text.encode()).hexdigest()


def rows_from_text(text: str) -> list[list[str]]:
    """A table pasted from a PDF or Word: tab-separated lines (Excel quotes cells with breaks)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\t" not in text and text.strip():
        raise TableError("貼り付けた内容に列の区切り（タブ）がありません。PDFやWordの表を選んでコピーし、"
                         "そのまま貼り付けてください（Excelの表でもかまいません）。")
    return [row for row in csv.reader(io.StringIO(text), delimiter="\t")]


def role_of(header: str) -> str | None:
    """The role whose longest synonym occurs in the header (現状値の出典 is a source)."""
    folded = fold(header)
    best: tuple[int, str] | None = None
    for role, words in SYNONYMS.items():
        for word in words:
            if word in folded and (best is None or len(word) > best[0]):
                best = (len(word), role)
    return best[1] if best else None


def _context_era(headers: list[str], given: str) -> str:
    """The era bare years (26年度) are read in: the one asked for, else the first a header
    names (平成27年 → 平成)."""
    if given:
        return given
    for header in headers:
        hit = _search(_fold(header), None)
        named = any(e in header for e in ("平成", "令和", "昭和", "H", "R", "Ｈ", "Ｒ"))
        if hit is not None and hit.error is None and hit.year is not None and named:
            return era_of(hit.year.start)[0]
    return ""


def _looks_like_names(cells: list[str]) -> bool:
    texts = [c for c in cells if c.strip()]
    if not texts:
        return False
    unread = [c for c in texts if parse_cell(c).value is None]
    return len(unread) * 2 > len(texts) and sum(len(c) for c in texts) / len(texts) > 6


def parse_table(rows: list[list[str]], *, era: str = "") -> Table:
    table = Table()
    rows = [r for r in rows if not is_blank(r)]
    if not rows:
        table.errors.append("表が空です。見出しの行と指標の行を貼り付けてください。")
        return table
    header = [c.strip() for c in rows[0]]
    body = rows[1:]
    table.era = _context_era(header, era)
    for index, text in enumerate(header):
        column = Column(index, text, role_of(text))
        if column.role in VALUE_ROLES:
            try:
                column.year = find_year(text, era=table.era or None)
            except WarekiError as exc:
                table.errors.append(f"見出し「{text}」の年を読み取れません（{exc.reason}）。"
                                    "元号を選んでから読み取ってください。")
        table.columns.append(column)
    _settle_roles(table, body)
    if table.errors:
        return table
    _read_rows(table, body)
    if not table.rows and not table.errors:
        table.errors.append("指標の行がありません（見出しの行だけです）。")
    return table


def _settle_roles(table: Table, body: list[list[str]]) -> None:
    columns = table.columns
    by_role = {role: [c for c in columns if c.role == role] for role in SYNONYMS}
    if not by_role[NAME]:
        # 小美玉市 heads its names 「目標数値」: take the text column as the names.
        for column in columns:
            cells = [r[column.index] if column.index < len(r) else "" for r in body]
            if column.role in (None, TARGET) and _looks_like_names(cells):
                table.notes.append(f"「{column.header}」の列を指標名として読みました"
                                   "（指標名の列が見当たらず、この列が文字で書かれているため）。")
                column.role, column.year = NAME, None
                break
        by_role = {role: [c for c in columns if c.role == role] for role in SYNONYMS}
    if not by_role[NAME]:
        table.errors.append("指標名の列が見つかりません。見出しを「指標」「指標名」「目標項目」などにしてください。"
                            f"（見出し：{'、'.join(c.header for c in columns)}）")
        return
    if len(by_role[NAME]) > 1:
        for extra in by_role[NAME][1:]:
            extra.role = None
            table.notes.append(f"「{extra.header}」の列は読み取りません（指標名の列が複数あるため、最初の列を使います）。")
    if not by_role[BASELINE] and by_role[ACTUAL] and by_role[TARGET]:
        first = by_role[ACTUAL][0]
        first.role = BASELINE
        table.notes.append(f"基準値の列がないため、「{first.header}」を基準値として読みました。")
    elif len(by_role[BASELINE]) > 1:
        for extra in by_role[BASELINE][1:]:
            extra.role = ACTUAL
            table.notes.append(f"「{extra.header}」は2つ目の基準値の列のため、実績値として読みました。")
    if not any(c.role in VALUE_ROLES for c in columns):
        table.errors.append("基準値・現状値・目標値の列が見つかりません。見出しを確かめてください。")
    for role in (UNIT, SOURCE, RATIONALE, ELEMENT):
        for extra in [c for c in columns if c.role == role][1:]:
            extra.role = None
            table.notes.append(f"「{extra.header}」の列は読み取りません（{ROLE_LABELS[role]}の列が複数あるため）。")


def _read_rows(table: Table, body: list[list[str]]) -> None:
    columns = table.columns
    element = ""
    for line, raw in enumerate(body, start=2):
        cells = [c.strip() for c in raw] + [""] * max(0, len(columns) - len(raw))
        if len(raw) > len(columns) and any(c.strip() for c in raw[len(columns):]):
            table.rows.append(Row(line, cells[0][:300], problems=[
                f"見出しより多い{len(raw)}列の値があります（見出しは{len(columns)}列）。"
                "セルの中の改行やタブで列がずれていないか確かめてください。"]))
            continue
        values = {c.role: cells[c.index] for c in columns if c.role and c.role not in VALUE_ROLES}
        if values.get(ELEMENT):
            element = values[ELEMENT]
        name = values.get(NAME, "")
        figures = [(c, cells[c.index]) for c in columns if c.role in VALUE_ROLES]
        if not any(text for _c, text in figures):
            if name:
                table.notes.append(f"{line}行目「{name[:40]}」は値がないため見出し行として読み飛ばしました。")
            continue
        row = Row(line, name, element=element, unit=values.get(UNIT, ""),
                  source=values.get(SOURCE, ""), rationale=values.get(RATIONALE, ""))
        if not name:
            row.problems.append("指標名が空です（前の行の指標名が改行で分かれていないか確かめてください）。")
        elif len(name) > 300:
            row.problems.append("指標名が長すぎます（300文字まで）。")
        for column, text in figures:
            _figure(row, column, text, table.era)
        _infer(row)
        table.rows.append(row)
    names = [r.name for r in table.rows if r.name]
    for row in table.rows:
        if row.name and names.count(row.name) > 1:
            row.problems.append("同じ指標名の行がほかにもあります。1つの指標は1行にしてください。")


def _figure(row: Row, column: Column, text: str, era: str) -> None:
    assert column.role is not None  # noqa: S101
    cell = parse_cell(text, default_year=column.year, era=era or None,
                      as_target=column.role == TARGET)
    for problem in cell.problems:
        row.problems.append(f"「{column.header}」：{problem}")
    figure = Figure(column.role, column.header, cell)
    if column.role == BASELINE:
        row.baseline = figure
    elif column.role == ACTUAL:
        if text or cell.status != Status.NOT_SURVEYED:
            row.actuals.append(figure)
    elif cell.target_kind is None and cell.value is None:
        if text:
            row.notes.append(f"「{column.header}」の「{text}」は目標値なしとして読みました。")
    else:
        row.targets.append(figure)
    if column.role in (BASELINE, ACTUAL) and text and cell.target_kind is not None:
        row.problems.append(f"「{column.header}」：目標の書き方（{text}）が値の列にあります。")


def _infer(row: Row) -> None:
    units = list(dict.fromkeys(f.cell.unit for f in row.figures() if f.cell.unit))
    if row.unit:
        if any(fold(u) != fold(row.unit) for u in units):
            row.notes.append(f"単位の列（{row.unit}）とセルの単位（{'・'.join(units)}）が違います。単位の列を使います。")
    elif len(units) > 1:
        row.problems.append(f"セルごとに単位が違います（{'・'.join(units)}）。単位の列を加えるか、セルを直してください。")
    elif units:
        row.unit = units[0]
    lower = False
    for target in row.targets:
        kind = target.cell.target_kind
        if kind in (TargetKind.DOWN, TargetKind.AT_MOST):
            lower = True
        base = row.baseline.cell.value if row.baseline else None
        if kind == TargetKind.VALUE and target.cell.value is not None and base is not None:
            lower = lower or target.cell.value < base
    row.polarity = "lower" if lower else "higher"
    if lower:
        row.notes.append("目標値が基準値より低い（または↘・以下）ため、「低いほどよい」指標と推定しました（要確認）。")

