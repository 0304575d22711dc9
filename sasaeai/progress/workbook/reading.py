"""Reading a filled 照会 workbook (or its CSV) into a `Preview`. Nothing is written here."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sasaeai.lib.spreadsheets import (
    SpreadsheetError,
    ascii_integer,
    fold,
    is_blank,
    match_header,
    read_csv,
    read_xlsx,
    safe_text,
)
from sasaeai.progress.models import Cycle, Entry, EntryVersion, RatingLevel
from sasaeai.progress.workbook.sheet import (
    COLUMNS,
    DIRECTIONS,
    EDITABLE,
    KEY_PREFIX,
    LABELS,
    MAX_LENGTHS,
    MAX_RATIO,
    MAX_UPLOAD_BYTES,
    SHEET,
    TEXT_FIELDS,
    _comparable,
    _levels,
    _read_key,
    display_values,
    is_open,
)
from sasaeai.tenancy.models import Organization


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

    @property
    def empty_after_import(self) -> bool:
        """Whether the entry would be handed in with neither 進捗状況 nor 実績 (refused)."""
        if self.entry is None:
            return False
        texts = [self.data.get(name, getattr(self.entry, name)) for name in ("progress", "results")]
        return not any(str(text or "").strip() for text in texts)


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
    def shown_rows(self) -> list[RowResult]:
        """The rows the preview lists, in the sheet's order: a change or an error."""
        return [row for row in self.rows if row.changes or row.errors]

    @property
    def unchanged_rows(self) -> list[RowResult]:
        """The rows that change nothing (collapsed into a count on the preview)."""
        return [row for row in self.rows if not (row.changes or row.errors)]

    @property
    def unsubmittable_rows(self) -> list[RowResult]:
        """Changed rows whose entry could be imported as a draft but not handed in."""
        return [row for row in self.changed_rows if row.empty_after_import]

    @property
    def can_submit(self) -> bool:
        return self.can_apply and not self.unsubmittable_rows

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
        header = match_header(row, COLUMNS)
        if header.has("id", "version"):
            return index, header.positions
    return None


def _cell(row: list[str], position: int | None) -> str:
    if position is None or position >= len(row):
        return ""
    return row[position]


def _integer(text: str) -> int | None:
    return ascii_integer(fold(text))


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
        if is_blank(row):
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
        if not cycle.is_open_for_input:
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
    folded = fold(text).replace(",", "")
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
    key = fold(text)
    if not key:
        return ""
    for value, label in DIRECTIONS:
        if key in {fold(label), value}:
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
