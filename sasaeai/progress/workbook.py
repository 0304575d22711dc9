"""The Excel round trip (照会): one organization's entries out as a workbook, and back in.

Many departments still answer the secretariat's 照会 by spreadsheet. `build_workbook` writes the
organization's entries of a cycle, one row each, with the key columns locked and a signed key
cell naming the cycle and organization; `parse_workbook` reads the filled file (or the same
columns saved as CSV) into a `Preview`: per row, the entry, the changes it would make and the
errors in Japanese. Nothing is written here; `actions.apply_workbook` applies a preview without
errors, all or nothing.

A row is compared with the version it was downloaded at (the 版 column): a row the user did not
touch is left alone even if someone changed the entry since, and a row the user did change
conflicts if someone else changed the entry in between.
"""

from __future__ import annotations

import hashlib
import io
import json
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import xlsxwriter
from django.core import signing

from sasaeai.lib.spreadsheets import (
    SpreadsheetError,
    TextCells,
    read_csv,
    read_xlsx,
    safe_text,
)
from sasaeai.progress.access import OPEN_FOR_INPUT
from sasaeai.progress.models import Cycle, Entry, EntryVersion, RatingLevel
from sasaeai.tenancy.models import Organization

SHEET = "報告"
GUIDE = "記入方法"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_RATIO = 100  # an .xlsx of text compresses 3–10×; a zip bomb, thousands of times
FONT = "BIZ UDPゴシック"
KEY_PREFIX = "sasaeai-shokai:"
KEY_SALT = "sasaeai.progress.workbook"
EDITABLE_STATUSES = {Entry.Status.NOT_STARTED, Entry.Status.DRAFT, Entry.Status.RETURNED}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str  # "id", "number", "title", "status", "version", or an Entry field
    title: str
    width: float
    editable: bool = False


COLUMNS = (
    Column("id", "報告ID", 8),
    Column("number", "取組番号", 9),
    Column("title", "取組名", 28),
    Column("status", "状態", 9),
    Column("version", "版", 5),
    Column("results", "実績", 36, True),
    Column("results_value", "実績（数値）", 12, True),
    Column("results_unit", "単位", 8, True),
    Column("progress", "進捗状況", 42, True),
    Column("issues", "課題", 36, True),
    Column("direction", "今後の方向性", 13, True),
    Column("direction_text", "今後の方向性（内容）", 32, True),
    Column("self_rating", "自己評価", 9, True),
)
EDITABLE = [c for c in COLUMNS if c.editable]
TEXT_FIELDS = ("results", "results_unit", "progress", "issues", "direction_text")
LABELS = {c.key: c.title for c in COLUMNS}
DIRECTIONS = [(d.value, d.label) for d in Entry.Direction if d.value]
MAX_LENGTHS = {"results_unit": 20}


def _fold(text: str) -> str:
    """The matching key of a header or a choice: width and spaces do not matter."""
    return "".join(unicodedata.normalize("NFKC", text).split())


HEADER_KEYS = {_fold(c.title): c.key for c in COLUMNS}


# The key cell ------------------------------------------------------------------------------

def workbook_key(cycle: Cycle, organization: Organization) -> str:
    """Names the cycle and organization a workbook was made for; signed, so a hand-made or
    edited key is recognised as such."""
    signed = signing.Signer(salt=KEY_SALT).sign(f"{cycle.pk}:{organization.pk}")
    return KEY_PREFIX + signed


def _read_key(text: str) -> tuple[int, int] | None:
    try:
        value = signing.Signer(salt=KEY_SALT).unsign(text[len(KEY_PREFIX):].strip())
        cycle_pk, org_pk = value.split(":")
        return int(cycle_pk), int(org_pk)
    except (signing.BadSignature, ValueError):
        return None


# Writing -----------------------------------------------------------------------------------

def _entries(cycle: Cycle, organization: Organization) -> list[Entry]:
    entries = list(
        Entry.objects.for_cycle(cycle).of_organization(organization)
        .select_related("initiative__element", "element", "organization").in_plan_order()
    )
    for entry in entries:
        entry.cycle = cycle
    return entries


def _levels(cycle: Cycle) -> list[RatingLevel]:
    return list(cycle.rating_scale.levels.all()) if cycle.rating_scale else []


def _date(value: Any) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "（定めなし）"


def is_open(cycle: Cycle, entry: Entry) -> bool:
    return cycle.status in OPEN_FOR_INPUT and entry.status in EDITABLE_STATUSES


def build_workbook(cycle: Cycle, organization: Organization) -> bytes:
    """The 照会 workbook of one organization's entries in a cycle, as .xlsx bytes."""
    plan = cycle.plan
    entries = _entries(cycle, organization)
    levels = _levels(cycle)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {
        "in_memory": True,
        # write() must never turn a text into a formula, a number or a link.
        "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
        "default_format_properties": {"font_name": FONT, "font_size": 10},
    })
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
    sheet.data_validation(first, direction, last, direction, {
        "validate": "list", "source": [label for _, label in DIRECTIONS],
        "input_title": "今後の方向性", "input_message": "一覧から選んでください。",
        "error_title": "今後の方向性", "error_type": "stop",
        "error_message": "拡充・継続・見直し・縮小・廃止・完了のいずれかを選んでください。",
    })
    if levels:
        rating = next(i for i, c in enumerate(COLUMNS) if c.key == "self_rating")
        codes = [lv.code for lv in levels]
        sheet.data_validation(first, rating, last, rating, {
            "validate": "list", "source": codes,
            "input_title": "自己評価", "input_message": "評価の記号を一覧から選んでください。",
            "error_title": "自己評価", "error_type": "stop",
            "error_message": f"評価の記号（{'・'.join(codes)}）から選んでください。"[:255],
        })


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
        "取り込んだ報告は「下書き」になります。提出は画面から行ってください。"
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


# Values as the sheet shows them, and as they compare --------------------------------------

def display_values(content: dict[str, Any]) -> dict[str, str]:
    """The editable columns of an entry (or of one of its versions) as the sheet shows them."""
    direction = content.get("direction") or ""
    value = content.get("results_value") or ""
    labels = dict(DIRECTIONS)
    return {
        **{name: safe_text(content.get(name) or "") for name in TEXT_FIELDS},
        "results_value": safe_text(Decimal(value)) if value else "",
        "direction": labels.get(direction, direction),
        "self_rating": content.get("self_rating_verbatim") or content.get("self_rating") or "",
    }


def _comparable(content: dict[str, Any]) -> dict[str, Any]:
    value = content.get("results_value") or ""
    return {
        **{name: safe_text(content.get(name) or "") for name in TEXT_FIELDS},
        "results_value": Decimal(value) if value else None,
        "direction": content.get("direction") or "",
        "self_rating": (content.get("self_rating_verbatim") or content.get("self_rating")
                        or "").strip(),
    }


# Reading -----------------------------------------------------------------------------------

@dataclass
class FieldChange:
    field: str
    label: str
    before: str
    after: str


@dataclass
class RowResult:
    """One row of the upload as it was understood."""

    line: int  # the row number Excel shows
    entry_id: int | None = None
    entry: Entry | None = None
    subject: str = ""
    version: int | None = None  # the 版 the row was downloaded at
    expected_version: int | None = None  # the version the change applies to
    changes: list[FieldChange] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # as save_entry takes it
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Preview:
    """What an upload would do. Built fresh from the bytes each time; never stored."""

    cycle: Cycle
    organization: Organization
    filename: str = ""
    kind: str = ""  # "xlsx" | "csv"
    rows: list[RowResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the whole file
    notes: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(row.errors for row in self.rows)

    @property
    def changed_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.changes and not row.errors]

    @property
    def error_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.errors]

    @property
    def change_count(self) -> int:
        return sum(len(row.changes) for row in self.rows)

    @property
    def can_apply(self) -> bool:
        return not self.has_errors and bool(self.changed_rows)

    def digest(self) -> str:
        """Fingerprint of the changes shown, so the confirmation applies exactly those."""
        shown = [[row.entry_id, row.expected_version, sorted(row.data.items())]
                 for row in self.rows if row.changes]
        return hashlib.sha256(json.dumps(shown, default=str, ensure_ascii=False)
                              .encode()).hexdigest()


def read_rows(data: bytes, filename: str = "") -> tuple[list[list[str]], str]:
    """The rows of an upload, .xlsx or CSV, told apart by content first, then by name."""
    name = filename.lower()
    if not data:
        raise SpreadsheetError("ファイルが空です。")
    if data.startswith(b"PK\x03\x04") or name.endswith((".xlsx", ".xlsm", ".xls")) or \
            data.startswith(b"\xd0\xcf\x11\xe0"):
        return read_xlsx(data, max_bytes=MAX_UPLOAD_BYTES, max_ratio=MAX_RATIO,
                         sheet=SHEET), "xlsx"
    try:
        return read_csv(data, max_bytes=MAX_UPLOAD_BYTES), "csv"
    except SpreadsheetError as exc:
        if name.endswith((".csv", ".txt")):
            raise
        raise SpreadsheetError(
            "Excelファイル（.xlsx）として読み込めません。CSVファイルとしても読み込めません。"
            f"（{exc}）"
        ) from exc


def _find_header(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:60]):
        found: dict[str, int] = {}
        for position, text in enumerate(row):
            key = HEADER_KEYS.get(_fold(text))
            if key and key not in found:
                found[key] = position
        if "id" in found and "version" in found:
            return index, found
    return None


def _cell(row: list[str], position: int | None) -> str:
    if position is None or position >= len(row):
        return ""
    return row[position]


def _integer(text: str) -> int | None:
    folded = _fold(text)
    # NFKC makes full-width digits ASCII; what is left that isdigit() but not ASCII (፩, ⑴) is
    # not a number int() reads, and more than 18 digits is no id or version of ours.
    if not (folded.isascii() and folded.isdigit() and len(folded) <= 18):
        return None
    return int(folded)


def parse_workbook(cycle: Cycle, organization: Organization, data: bytes, *,
                   filename: str = "") -> Preview:
    """Read an upload into a Preview (see the module docstring). Never writes."""
    preview = Preview(cycle=cycle, organization=organization, filename=filename)
    try:
        rows, preview.kind = read_rows(data, filename)
    except SpreadsheetError as exc:
        preview.errors.append(str(exc))
        return preview
    found = _find_header(rows)
    if found is None:
        preview.errors.append(
            "見出しの行（「報告ID」「版」など）が見つかりません。"
            "ダウンロードした照会ファイルの形のまま入力して、アップロードしてください。"
        )
        return preview
    head, positions = found
    if not any(c.key in positions for c in EDITABLE):
        preview.errors.append("入力する列（実績、進捗状況など）が見つかりません。")
        return preview
    if not _check_key(preview, rows[:head]):
        return preview
    entries = {
        e.pk: e for e in Entry.objects.filter(cycle=cycle)
        .select_related("initiative", "element", "organization")
    }
    for entry in entries.values():
        entry.cycle = cycle
    levels = _levels(cycle)
    seen: dict[int, int] = {}
    for index in range(head + 1, len(rows)):
        row = rows[index]
        if not any(text.strip() for text in row):
            continue
        result = RowResult(line=index + 1)
        preview.rows.append(result)
        _parse_row(preview, result, row, positions, entries, levels, seen)
    if not preview.rows:
        preview.errors.append("報告の行がありません。")
    return preview


def _check_key(preview: Preview, block: list[list[str]]) -> bool:
    texts = [text.strip() for row in block for text in row if text.strip().startswith(KEY_PREFIX)]
    if not texts:
        preview.notes.append("照会ファイルの照合キーがないため、各行の報告IDで照合しました。")
        return True
    key = _read_key(texts[0])
    if key is None:
        preview.errors.append("照会ファイルの照合キーが正しくありません。"
                              "ダウンロードし直したファイルに入力してください。")
        return False
    cycle_pk, org_pk = key
    if cycle_pk != preview.cycle.pk:
        preview.errors.append(
            f"このファイルは別の評価サイクルの照会ファイルです。"
            f"「{preview.cycle.display_title}」の照会ファイルをダウンロードして入力してください。"
        )
        return False
    if org_pk != preview.organization.pk:
        preview.errors.append(
            f"このファイルは別の組織の照会ファイルです。"
            f"{preview.organization.name}の照会ファイルをダウンロードして入力してください。"
        )
        return False
    return True


def _parse_row(preview: Preview, result: RowResult, row: list[str], positions: dict[str, int],
               entries: dict[int, Entry], levels: list[RatingLevel], seen: dict[int, int]) -> None:
    cycle, organization = preview.cycle, preview.organization
    typed_id = _cell(row, positions["id"]).strip()
    result.subject = " ".join(
        t for t in (_cell(row, positions.get("number")).strip(),
                    _cell(row, positions.get("title")).strip()) if t
    )
    if not typed_id:
        result.errors.append("報告IDがありません。行を追加せず、ダウンロードしたファイルの行に入力してください。")
        return
    entry_id = _integer(typed_id)
    if entry_id is None:
        result.errors.append(f"報告ID「{typed_id}」が読み取れません。")
        return
    result.entry_id = entry_id
    entry = entries.get(entry_id)
    if entry is None:
        result.errors.append(f"報告ID {entry_id} はこの評価サイクルにありません。")
        return
    if entry.organization_id != organization.pk:
        result.errors.append(
            f"報告ID {entry_id} は{organization.name}の報告ではありません。"
            f"{organization.name}の照会ファイルでは、{organization.name}の報告だけを取り込めます。"
        )
        return
    if entry_id in seen:
        result.errors.append(f"報告ID {entry_id} の行が2つあります（{seen[entry_id]}行目と{result.line}行目）。")
        return
    seen[entry_id] = result.line
    result.entry = entry
    subject = entry.subject
    result.subject = f"{subject.number_label} {subject.title}".strip()
    typed_version = _cell(row, positions["version"]).strip()
    version = _integer(typed_version)
    if version is None or version < 1:
        result.errors.append(f"版「{typed_version}」が読み取れません。版の欄は変更しないでください。")
        return
    result.version = version
    if version > entry.version:
        result.errors.append(
            f"版（第{version}版）が今の版（第{entry.version}版）より新しくなっています。"
            "版の欄は変更しないでください。"
        )
        return

    typed, proposed = _read_values(result, row, positions, cycle, levels)
    if result.errors:
        return
    current = _comparable(entry.content())
    changed = [name for name in proposed if proposed[name] != current[name]]
    if not changed:
        return
    if version < entry.version:
        base = EntryVersion.objects.filter(entry=entry, number=version).first()
        base_values = _comparable(base.content) if base is not None else None
        if base_values is not None and all(proposed[n] == base_values[n] for n in proposed):
            result.notes.append(
                f"ダウンロードの後に他の人がこの報告を更新しました（今は第{entry.version}版）。"
                "この行は入力されていないため、今の内容のままにします。"
            )
            return
        result.errors.append(
            f"ダウンロードの後に他の人がこの報告を更新しました（ファイルは第{version}版、"
            f"今は第{entry.version}版）。上書きしないよう、この行は取り込めません。"
            "最新の照会ファイルをダウンロードして入力し直すか、画面で直接入力してください。"
        )
        return
    if not is_open(cycle, entry):
        if cycle.status not in OPEN_FOR_INPUT:
            result.errors.append(
                f"評価サイクルが「{cycle.get_status_display()}」のため、報告は変更できません。"
            )
        else:
            result.errors.append(
                f"この報告は「{entry.get_status_display()}」のため変更できません"
                "（変更できるのは未着手・下書き・差戻しの報告です）。"
            )
        return
    before = display_values(entry.content())
    for name in changed:
        result.changes.append(FieldChange(name, LABELS[name], before[name], typed[name]))
        result.data[name] = proposed[name]
    if "results_value" in result.data and result.data["results_value"] is not None:
        result.data["results_value"] = str(result.data["results_value"])
    result.expected_version = entry.version


def _read_values(result: RowResult, row: list[str], positions: dict[str, int], cycle: Cycle,
                 levels: list[RatingLevel]) -> tuple[dict[str, str], dict[str, Any]]:
    """The editable columns present in the file: as typed (shown) and as they compare."""
    typed: dict[str, str] = {}
    proposed: dict[str, Any] = {}
    for column in EDITABLE:
        if column.key not in positions:
            continue
        text = safe_text(_cell(row, positions[column.key]))
        name = column.key
        if name in TEXT_FIELDS:
            limit = MAX_LENGTHS.get(name)
            if limit and len(text.strip()) > limit:
                result.errors.append(f"{column.title}は{limit}文字までです（「{text}」）。")
                continue
            value: Any = text.strip() if limit else text
            typed[name], proposed[name] = value, value
        elif name == "results_value":
            number = _number(text, result)
            typed[name] = "" if number is None else safe_text(number)
            proposed[name] = number
        elif name == "direction":
            code = _direction(text, result)
            typed[name] = Entry.Direction(code).label if code else ""
            proposed[name] = code
        elif name == "self_rating":
            typed[name], proposed[name] = _rating(text.strip(), cycle, levels, result)
    return typed, proposed


def _number(text: str, result: RowResult) -> Decimal | None:
    folded = _fold(text).replace(",", "")
    if not folded:
        return None
    try:
        number = Decimal(folded)
    except InvalidOperation:
        result.errors.append(
            f"実績（数値）「{text.strip()}」は数値ではありません。数値だけを入力し、"
            "単位は「単位」の欄に書いてください。"
        )
        return None
    if not number.is_finite():
        result.errors.append(f"実績（数値）「{text.strip()}」は数値ではありません。")
        return None
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        result.errors.append(f"実績（数値）「{text.strip()}」は小数点以下4桁までにしてください。")
        return None
    if abs(number) >= Decimal(10) ** 10:
        result.errors.append(f"実績（数値）「{text.strip()}」が大きすぎます。")
        return None
    return number.quantize(Decimal("0.0001"))


def _direction(text: str, result: RowResult) -> str:
    key = _fold(text)
    if not key:
        return ""
    for value, label in DIRECTIONS:
        if key in {_fold(label), value}:
            return value
    labels = "・".join(label for _, label in DIRECTIONS)
    result.errors.append(f"今後の方向性「{text.strip()}」は選択肢（{labels}）にありません。")
    return ""


def _rating(typed: str, cycle: Cycle, levels: list[RatingLevel],
            result: RowResult) -> tuple[str, str]:
    if not typed:
        return "", ""
    if cycle.rating_scale is None:
        result.errors.append(
            f"自己評価「{typed}」：この計画には評価の尺度が設定されていないため、自己評価は入力できません。"
        )
        return typed, typed
    if len(typed) > 20:
        result.errors.append(f"自己評価「{typed}」は20文字までです。")
        return typed, typed
    level = cycle.rating_scale.match(typed)
    if level is None:
        codes = "・".join(lv.code for lv in levels)
        result.errors.append(f"自己評価「{typed}」は評価の尺度（{codes}）にありません。")
        return typed, typed
    return (typed if typed == level.code else f"{typed}（{level.code}）"), typed
