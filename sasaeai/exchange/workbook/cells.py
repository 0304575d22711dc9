"""Reading one sheet of a plan workbook: its rows by header, and each cell by what it holds.

`_Reader` turns a sheet into `_Row`s and a cell into a value, and a problem into one Japanese
message naming the sheet, the row and the column; the `_…_value` readers say what is wrong with
a cell by raising `_Bad`.
"""

from __future__ import annotations

import datetime
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sasaeai.exchange.workbook.codes import _code_key
from sasaeai.exchange.workbook.columns import (
    COLUMNS,
    FALSE_MARKS,
    MARK,
    MAX_LENGTHS,
    OPTIONAL_COLUMNS,
    TRUE_MARKS,
    _listing,
)
from sasaeai.lib.spreadsheets import ascii_integer, fold, is_blank, match_header
from sasaeai.lib.wareki import MAX_AD, MIN_AD, WarekiError, parse_year


@dataclass
class _Row:
    line: int  # the row number Excel shows
    cells: dict[str, str]

    def __getitem__(self, title: str) -> str:
        return self.cells.get(title, "")


_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_GROUPED = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_DATE = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?:[ T]00:00(?::00)?)?")
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class _Bad(ValueError):
    """A cell that cannot be read; the message says why, in Japanese."""


class _Reader:
    def __init__(self, book: dict[str, list[list[str]]]) -> None:
        self.book = book
        self.errors: list[str] = []
        self.notes: list[str] = []
        self.columns_present: dict[str, set[str]] = {}

    # Messages --------------------------------------------------------------------------------
    def error(self, sheet: str, message: str, line: int | None = None,
              column: str | None = None) -> None:
        where = f"「{sheet}」シート"
        if line is not None:
            where += f" {line}行目"
        if column:
            where += f"「{column}」"
        self.errors.append(f"{where}：{message}")

    # Sheets ----------------------------------------------------------------------------------
    def table(self, name: str) -> list[_Row] | None:
        rows = self.book.get(name, [])
        columns = COLUMNS[name]
        header = match_header(rows[0] if rows else [], columns, ignore_case=True)
        for text in header.unknown:
            self.notes.append(f"「{name}」シート：列「{text}」は読み込みませんでした。")
        for title in header.repeated:
            self.error(name, f"列「{title}」が2つあります。", 1)
        positions = header.positions
        optional = OPTIONAL_COLUMNS.get(name, frozenset())
        missing = [c.title for c in columns if c.title not in positions
                   and c.title not in optional]
        self.columns_present[name] = set(positions)
        if missing:
            self.error(name, f"列「{'」「'.join(missing)}」がありません。"
                             "1行目の見出しは変えないでください。")
            return None
        out: list[_Row] = []
        for line, row in enumerate(rows[1:], start=2):
            if is_blank(row):
                continue
            out.append(_Row(line, {t: row[i] if i < len(row) else ""
                                   for t, i in positions.items()}))
        return out

    def once(self, sheet: str, seen: dict[Any, int], key: Any, row: _Row, column: str,
             repeated: str, advice: str = "") -> None:
        """Remembers the first row of `key`; a later row with the same key is an error naming
        both rows: 「{repeated}（3行目と7行目）。{advice}」."""
        if key in seen:
            self.error(sheet, f"{repeated}（{seen[key]}行目と{row.line}行目）。{advice}", row.line,
                       column)
        seen.setdefault(key, row.line)

    # Cells -----------------------------------------------------------------------------------
    def text(self, sheet: str, row: _Row, column: str, *, required: bool = False) -> str:
        value = row[column]
        if required and not value.strip():
            self.error(sheet, f"{column}がありません。", row.line, column)
        limit = MAX_LENGTHS.get((sheet, column))
        if limit is not None and len(value) > limit:
            self.error(sheet, f"{limit}文字までです（{len(value)}文字あります）。", row.line, column)
        return value

    def cell(self, sheet: str, row: _Row, column: str, read: Callable[[str], Any]) -> Any:
        """A cell through one of the readers below; a bad cell is an error and None."""
        try:
            return read(row[column])
        except _Bad as exc:
            self.error(sheet, str(exc), row.line, column)
            return None

    def choice(self, sheet: str, row: _Row, column: str, labels: dict[str, str], *,
               required: bool = False, default: str = "",
               aliases: dict[str, str] | None = None) -> str | None:
        """The code of a choice written by its label (or its code, or an alias); an empty cell
        is `default` unless the choice is required. A bad cell is an error and None."""
        text = row[column].strip()
        if not text:
            if required:
                self.error(sheet, f"{column}がありません（{_listing(labels.values())}から選んで"
                                  "ください）。", row.line, column)
                return None
            return default
        key = fold(text, ignore_case=True)
        for code, label in labels.items():
            if key in (fold(label, ignore_case=True), fold(code, ignore_case=True)):
                return code
        for alias, code in (aliases or {}).items():
            if key == fold(alias, ignore_case=True):
                return code
        self.error(sheet, f"「{text}」は選択肢にありません（{_listing(labels.values())}から選んで"
                          "ください）。", row.line, column)
        return None

    # References ------------------------------------------------------------------------------
    def lookup(self, sheet: str, row: _Row, column: str, table: dict[str, int], what: str,
               text: str | None = None) -> int | None:
        value = row[column] if text is None else text
        key = _code_key(value)
        if not key:
            return None
        if key not in table:
            self.error(sheet, f"「{value.strip()}」という{what}がありません。", row.line, column)
            return None
        return table[key]


def _flag_value(text: str) -> bool:
    key = fold(text, ignore_case=True)
    if not key or key in FALSE_MARKS:
        return False
    if key in {fold(m, ignore_case=True) for m in TRUE_MARKS}:
        return True
    raise _Bad(f"「{text.strip()}」は読み取れません（該当するときは「{MARK}」、しないときは空欄に"
               "してください）。")


def _decimal_value(limit: int) -> Callable[[str], str | None]:
    def read(text: str) -> str | None:
        folded = unicodedata.normalize("NFKC", text).strip().replace("−", "-")
        if not folded:
            return None
        if _GROUPED.fullmatch(folded):
            folded = folded.replace(",", "")
        if not _DECIMAL.fullmatch(folded):
            raise _Bad(f"「{text.strip()}」は数値として読めません。半角の数字と小数点だけで書いて"
                       "ください（例：85.3）。単位や「以上」などは「表記どおり」の列に書きます。")
        number = Decimal(folded).normalize()
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -4:
            raise _Bad(f"「{text.strip()}」：小数点以下は4桁までにしてください。")
        if abs(number) >= limit:
            raise _Bad(f"「{text.strip()}」は大きすぎます。")
        return format(number, "f")
    return read


def _year_reader(example: str) -> Callable[[str], int | None]:
    """A year written as an AD number (2025) or in 和暦 (令和7年度, R7); one year, not a range."""
    def read(text: str) -> int | None:
        folded = unicodedata.normalize("NFKC", text).strip()
        if not folded:
            return None
        if re.fullmatch(r"[0-9]+", folded):
            year = int(folded)
        else:
            try:
                parsed = parse_year(text)
            except WarekiError as exc:
                # parse_year's generic reason carries its own examples; a specific one (令和99年)
                # is worth showing.
                why = "" if exc.reason.startswith("年として読める形では") else f"（{exc.reason}）"
                raise _Bad(f"「{text.strip()}」は年として読めません{why}。{example}") from exc
            if parsed.end is not None or parsed.month is not None:
                raise _Bad(f"「{text.strip()}」は1つの年ではありません。{example}")
            year = parsed.start
        if not MIN_AD <= year <= MAX_AD:
            raise _Bad(f"「{text.strip()}」は年として読めません（西暦{MIN_AD}〜{MAX_AD}年の範囲に"
                       f"してください）。{example}")
        return year
    return read


_year_value = _year_reader("西暦の数字で書いてください（例：2025）。")
_fiscal_year_value = _year_reader("令和3年度 または 2021 のように書いてください。")


def _integer_value(text: str) -> int | None:
    folded = unicodedata.normalize("NFKC", text).strip()
    if not folded:
        return None
    if re.fullmatch(r"[0-9]{1,3}(?:,[0-9]{3})+", folded):
        folded = folded.replace(",", "")
    number = ascii_integer(folded, max_digits=9)
    if number is None:
        raise _Bad(f"「{text.strip()}」は0以上の整数として読めません（半角の数字で書いてください）。")
    return number


def _date_value(text: str) -> str | None:
    folded = unicodedata.normalize("NFKC", text).strip()
    if not folded:
        return None
    match = _DATE.fullmatch(folded)
    try:
        if match is None:
            raise ValueError(folded)
        return datetime.date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError as exc:
        raise _Bad(f"「{text.strip()}」は日付として読めません（例：2023-10-01）。") from exc


def _breakdown_value(text: str) -> list[Any]:
    if not text.strip():
        return []
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _Bad("内訳のJSONが読み取れません。書き出したときのまま変えないか、空欄にしてください。"
                   ) from exc
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _Bad("内訳のJSONは、区分ごとの項目（{…}）を並べた配列（[…]）にしてください。")
    return value

