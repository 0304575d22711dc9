"""Spreadsheets in and out without the traps: formula injection, zip bombs, guessed encodings.

Writing: every value goes into a cell as text through XlsxWriter's `write_string`, so a text that
starts like a formula (=, +, -, @, a tab or a carriage return) is never written as one; such cells
also carry Excel's quote prefix (a cell attribute, not an apostrophe in the text), so Excel keeps
them as text when someone edits the cell later.

Reading: `read_xlsx` (one sheet) and `read_xlsx_book` (every sheet, in one open) check the size
and the compression ratio before openpyxl parses anything (a 1 MB zip bomb stalls openpyxl for a
minute), read in read-only mode and refuse any formula instead of evaluating it or trusting its
cached value. `read_csv` decodes UTF-8 (with or without a BOM), then cp932 (never shift_jis,
which rejects ① and 髙), and refuses to guess when a file reads as both and the two readings
differ.

Shared by the sheets people fill in and send back (the plan workbook, the 照会 workbook, pasted
indicator tables): `fold` (the key a header or a choice is matched by), `Column` and
`match_header` (finding the columns of a sheet by their headers), `list_validation` (a dropdown
within Excel's limits), `ascii_integer` (a typed number, with only 0-9 counting as digits) and
`text_workbook` (an XlsxWriter book that never turns a text into a formula).

Plain Python: no Django here, so the importers, commands and tests can all use it.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sasaeai.lib.values import ascii_int

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT = "BIZ UDPゴシック"  # the house font of every workbook written (a UD font, in Office)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Characters XML 1.0 cannot carry. XlsxWriter escapes them as _xHHHH_, which openpyxl does not
# turn back, so they are dropped before writing (a CR is folded into the LF Excel uses).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

NOT_XLSX = "Excelファイル（.xlsx）として読み込めません。"
OLD_XLS = ("古い形式のExcelファイル（.xls）です。Excelファイル（.xlsx）として読み込めません。"
           "Excelで「名前を付けて保存」から「Excel ブック（*.xlsx）」を選んで保存し直してください。")


class SpreadsheetError(ValueError):
    """A file that cannot be read safely. The message is Japanese and meant for the user."""


# Matching what people typed ----------------------------------------------------------------------

def fold(text: str, *, ignore_case: bool = False) -> str:
    """The matching key of a header or a choice: width and spaces do not matter (ＡＢ　Ｃ is ABC),
    nor, with `ignore_case`, the case of Latin letters."""
    folded = "".join(unicodedata.normalize("NFKC", text).split())
    return folded.upper() if ignore_case else folded


def ascii_integer(text: str, *, max_digits: int = 18) -> int | None:
    """The integer a cell holds when it is ASCII digits only (after NFKC, so full-width １２ is 12),
    else None. Not `str.isdigit()`: it takes other scripts' digits (Ethiopic ፩) that `int()` then
    refuses, and a few thousand digits make `int()` raise as well."""
    return ascii_int(unicodedata.normalize("NFKC", text), max_digits=max_digits)


@dataclass(frozen=True)
class Column:
    """A column of a sheet written for people to fill in, and read back by its header."""

    title: str  # the header, as written and as matched (see `fold`)
    width: float
    help: str = ""
    key: str = ""  # the reader's name for the column, when it is not the title
    required: bool = False  # a value is needed on every row
    editable: bool = False  # people may change it (the other cells are locked)
    choices: tuple[str, ...] = ()  # a dropdown of these
    source: str = ""  # or a dropdown of the cells of this range
    wrap: bool = False

    @property
    def name(self) -> str:
        return self.key or self.title


@dataclass
class Header:
    """Where a header row puts the columns asked for."""

    positions: dict[str, int] = field(default_factory=dict)  # name → index, the first one found
    unknown: list[str] = field(default_factory=list)  # other headers, as typed (stripped)
    repeated: list[str] = field(default_factory=list)  # names found a second time

    def has(self, *names: str) -> bool:
        return all(name in self.positions for name in names)


def match_header(cells: Sequence[str], columns: Iterable[Column], *,
                 ignore_case: bool = False) -> Header:
    """The columns of a header row, matched by `fold`ed title; empty cells are passed over."""
    names = {fold(c.title, ignore_case=ignore_case): c.name for c in columns}
    header = Header()
    for index, text in enumerate(cells):
        if not text.strip():
            continue
        name = names.get(fold(text, ignore_case=ignore_case))
        if name is None:
            header.unknown.append(text.strip())
        elif name in header.positions:
            header.repeated.append(name)
        else:
            header.positions[name] = index
    return header


def is_blank(row: Sequence[str]) -> bool:
    return not any(text.strip() for text in row)


# Writing ---------------------------------------------------------------------------------------

def text_workbook(buffer: io.BytesIO, *, font: str = FONT, size: int = 10) -> Any:
    """An XlsxWriter book in memory whose `write()` never turns a text into a formula, a number
    or a link (`TextCells` writes the cells; this guards any other write)."""
    import xlsxwriter  # imported late, as openpyxl is: only the download path pays for it

    return xlsxwriter.Workbook(buffer, {
        "in_memory": True,
        "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
        "default_format_properties": {"font_name": font, "font_size": size},
    })


def list_validation(title: str, source: Sequence[str] | str, *, message: str, error: str,
                    error_type: str = "stop") -> dict[str, Any]:
    """XlsxWriter's options for a dropdown: `source` is the choices, or a range (「='組織'!$A$2:…」).
    Texts are cut to Excel's limits (32 characters of title, 255 of message): past them Excel
    reports the file as damaged."""
    return {
        "validate": "list", "source": source if isinstance(source, str) else list(source),
        "ignore_blank": True,
        "input_title": title[:32], "input_message": message[:255],
        "error_title": title[:32], "error_type": error_type, "error_message": error[:255],
    }


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would take this text for a formula if it were typed in."""
    return text.startswith(FORMULA_STARTS)


def safe_text(value: Any) -> str:
    """The text of a value as it goes into a cell: never None, line breaks as LF, no characters
    XML cannot hold. The text itself is kept as it is (no apostrophe added): what makes a text
    that looks like a formula safe is how it is written (`write_text`)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value.is_finite() else str(value)
    else:
        text = str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub("", text)


class TextCells:
    """Writes text cells the safe way, with a quote-prefixed twin of every format.

    XlsxWriter formats cannot be copied once made, so formats are registered here by name:
    `add_format("edit", {...})`, then `write(sheet, row, col, value, "edit")`.
    """

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self._formats: dict[str, tuple[Any, Any]] = {}

    def add_format(self, name: str, properties: dict[str, Any]) -> Any:
        plain = self.workbook.add_format(properties)
        quoted = self.workbook.add_format({**properties, "quote_prefix": True})
        self._formats[name] = (plain, quoted)
        return plain

    def format(self, name: str) -> Any:
        return self._formats[name][0]

    def write(self, sheet: Any, row: int, col: int, value: Any, name: str | None = None) -> str:
        text = safe_text(value)
        plain, quoted = self._formats[name] if name else (None, None)
        if looks_like_formula(text):
            if quoted is None:
                quoted = self._quoted_default()
            sheet.write_string(row, col, text, quoted)
        else:
            sheet.write_string(row, col, text, plain)
        return text

    def _quoted_default(self) -> Any:
        if "" not in self._formats:
            self.add_format("", {})
        return self._formats[""][1]


# Reading ---------------------------------------------------------------------------------------

def _check_zip(data: bytes, *, max_bytes: int, max_ratio: float, max_members: int,
               max_unpacked: int) -> None:
    if len(data) > max_bytes:
        raise SpreadsheetError(
            f"ファイルが大きすぎます（{_size(len(data))}）。{_size(max_bytes)}までのファイルにしてください。"
        )
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise SpreadsheetError(OLD_XLS)
    if not data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(NOT_XLSX + "ファイルの形式を確認してください。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise SpreadsheetError(
            NOT_XLSX + "ファイルが壊れているか、途中までしか保存されていない可能性があります。"
        ) from exc
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise SpreadsheetError(NOT_XLSX + "Excelのブック以外のファイルのようです。")
    if len(members) > max_members:
        raise SpreadsheetError(NOT_XLSX + "ファイルの中身が多すぎます。")
    if any(m.flag_bits & 0x1 for m in members):
        raise SpreadsheetError(
            NOT_XLSX + "パスワード付きのファイルは読み込めません。パスワードを外して保存してください。"
        )
    # Python's zipfile never inflates past the declared size, so the declared sizes bound the
    # work openpyxl will do.
    unpacked = sum(m.file_size for m in members)
    if unpacked > len(data) * max_ratio or unpacked > max_unpacked:
        raise SpreadsheetError(
            "ファイルの圧縮率が異常に高いため、安全のため読み込みません"
            f"（展開すると{_size(unpacked)}になります）。Excelで保存し直したファイルをお使いください。"
        )


def cell_text(value: Any) -> str:
    """A cell's value as the text it shows: 120.0 → 「120」, a date → 「2025-04-01」."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _trim(rows: Iterable[list[str]]) -> list[list[str]]:
    """Rows without trailing empty cells, and without the empty rows at the end."""
    trimmed = []
    for row in rows:
        while row and not row[-1].strip():
            row.pop()
        trimmed.append(row)
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


def _open_book(data: bytes, *, max_bytes: int, max_ratio: float, max_members: int,
               max_unpacked: int) -> Any:
    _check_zip(data, max_bytes=max_bytes, max_ratio=max_ratio, max_members=max_members,
               max_unpacked=max_unpacked)
    import openpyxl  # imported late: only the upload path pays for it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False,
                                      keep_links=False)
    except Exception as exc:
        raise SpreadsheetError(
            NOT_XLSX + "ファイルが壊れているか、Excelのブックではない可能性があります。"
        ) from exc
    return book


@contextlib.contextmanager
def _opened(data: bytes, *, max_bytes: int, max_ratio: float, max_members: int,
            max_unpacked: int) -> Iterator[Any]:
    """A checked book, open for the `with` block; anything but our own refusal that goes wrong
    while reading it becomes the one Japanese message, and the book is closed either way."""
    book = _open_book(data, max_bytes=max_bytes, max_ratio=max_ratio, max_members=max_members,
                      max_unpacked=max_unpacked)
    try:
        yield book
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError(
            NOT_XLSX + "ファイルの中身を読み取れませんでした。Excelで開いて保存し直してください。"
        ) from exc
    finally:
        book.close()


def _sheet_rows(worksheet: Any, *, max_rows: int, max_cols: int,
                where: str = "") -> list[list[str]]:
    """The rows of one worksheet as strings (see `read_xlsx`). `where` names the sheet in the
    messages of a multi-sheet read (「「体系」シートの」), and is empty for a single sheet."""
    # The declared dimension may be wrong or huge (A1:XFD1048576): read what is there, within
    # bounds, instead of padding every row to it.
    worksheet.reset_dimensions()
    rows: list[list[str]] = []
    cells_by_row = worksheet.iter_rows(max_row=max_rows + 1, max_col=max_cols)
    for number, cells in enumerate(cells_by_row, start=1):
        if number > max_rows:
            raise SpreadsheetError(f"{where}行が多すぎます。{max_rows:,}行までにしてください。")
        row: list[str] = []
        for cell in cells:
            if getattr(cell, "data_type", None) == "f":
                coordinate = getattr(cell, "coordinate", f"{number}行目")
                raise SpreadsheetError(
                    f"{where}セル {coordinate} に数式があります。数式は読み込みません。"
                    "値だけを入力するか、コピーして「値の貼り付け」をしてから保存してください。"
                )
            # Excel writes a CR LF typed into a cell as "_x000D_" + LF; openpyxl keeps the
            # escape as it is.
            row.append(safe_text(cell_text(cell.value).replace("_x000D_\n", "\n")))
        rows.append(row)
    return _trim(rows)


def read_xlsx(
    data: bytes, *, max_bytes: int, max_ratio: float, sheet: str | None = None,
    max_rows: int = 10_000, max_cols: int = 100, max_members: int = 500,
    max_unpacked: int = 64 * 1024 * 1024,
) -> list[list[str]]:
    """The rows of one sheet (the named one if it exists, else the first) as strings; columns
    past `max_cols` are not read.

    Raises SpreadsheetError for anything that is not a plain, reasonably sized .xlsx, and for any
    formula: a formula's cached value may be stale or forged, and evaluating it is not our job.
    """
    with _opened(data, max_bytes=max_bytes, max_ratio=max_ratio, max_members=max_members,
                 max_unpacked=max_unpacked) as book:
        if not book.sheetnames:
            raise SpreadsheetError(NOT_XLSX + "シートがありません。")
        worksheet = book[sheet] if sheet and sheet in book.sheetnames else book.worksheets[0]
        return _sheet_rows(worksheet, max_rows=max_rows, max_cols=max_cols)


def read_xlsx_book(
    data: bytes, *, max_bytes: int, max_ratio: float, max_rows: int = 10_000,
    max_cols: int = 100, max_members: int = 500, max_unpacked: int = 64 * 1024 * 1024,
    max_sheets: int = 50,
) -> dict[str, list[list[str]]]:
    """Every worksheet of a book, by sheet name in the book's order, read in one open with the
    checks and limits of `read_xlsx` (`max_rows` and `max_cols` apply to each sheet). A formula
    in any sheet refuses the whole file, naming the sheet and the cell."""
    with _opened(data, max_bytes=max_bytes, max_ratio=max_ratio, max_members=max_members,
                 max_unpacked=max_unpacked) as book:
        worksheets = list(book.worksheets)
        if not worksheets:
            raise SpreadsheetError(NOT_XLSX + "シートがありません。")
        if len(worksheets) > max_sheets:
            raise SpreadsheetError(f"シートが多すぎます。{max_sheets}枚までにしてください。")
        return {
            worksheet.title: _sheet_rows(worksheet, max_rows=max_rows, max_cols=max_cols,
                                         where=f"「{worksheet.title}」シートの")
            for worksheet in worksheets
        }


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a BOM) or cp932, and never a silent guess between them."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SpreadsheetError(_undecodable()) from exc
    as_utf8: str | None
    as_cp932: str | None
    try:
        as_utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        as_utf8 = None
    try:
        as_cp932 = data.decode("cp932")
    except UnicodeDecodeError:
        as_cp932 = None
    if as_utf8 is not None and as_cp932 is not None and as_utf8 != as_cp932:
        raise SpreadsheetError(
            "文字コードを判別できません（UTF-8 としても Shift_JIS（cp932）としても読めて、"
            "内容が違います）。Excelで「CSV UTF-8（コンマ区切り）」を選んで保存し直してください。"
        )
    text = as_utf8 if as_utf8 is not None else as_cp932
    if text is None:
        raise SpreadsheetError(_undecodable())
    return text


def _undecodable() -> str:
    return ("文字コードを読み取れません。UTF-8 または Shift_JIS（cp932）のCSVファイルにしてください"
            "（Excelのブックなら .xlsx のままアップロードしてください）。")


def read_csv(data: bytes, *, max_bytes: int = 2 * 1024 * 1024,
             max_rows: int = 10_000, max_cols: int = 100) -> list[list[str]]:
    """The rows of a CSV file as strings (Excel's CSV is cp932; a UTF-8 BOM is honoured)."""
    if len(data) > max_bytes:
        raise SpreadsheetError(
            f"ファイルが大きすぎます（{_size(len(data))}）。{_size(max_bytes)}までのファイルにしてください。"
        )
    text = decode_text(data)
    if "\x00" in text:
        raise SpreadsheetError("CSVファイルとして読み込めません（文字ではないデータが含まれています）。")
    rows: list[list[str]] = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if number > max_rows:
                raise SpreadsheetError(f"行が多すぎます。{max_rows:,}行までにしてください。")
            if len(row) > max_cols and any(v.strip() for v in row[max_cols:]):
                raise SpreadsheetError(f"列が多すぎます（{number}行目）。{max_cols}列までにしてください。")
            rows.append([safe_text(v) for v in row[:max_cols]])
    except csv.Error as exc:
        raise SpreadsheetError(f"CSVファイルとして読み込めません（{exc}）。") from exc
    return _trim(rows)


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f}MB"
    return f"{max(1, round(n / 1024))}KB"
