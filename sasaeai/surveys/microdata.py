"""Reading a survey's microdata (one row per respondent) and its codebook, before anything is saved.

`parse_survey` returns everything the preview shows and the import saves: the columns as
questions, attributes or the weight, their options with counts, the respondents, and every
problem with the row and column it was found in. It never raises for bad content: a file that
cannot be read at all comes back with one error and no rows.

The codebook (optional) is a table with one row per answer option:
  列名 | 設問文 | 区分 (設問 / 属性 / ウェイト / 対象外) | コード | 選択肢 | 無回答 (○ for codes that
  mean no answer). A row with an empty 列名 continues the column above.
Without a codebook each header is a question whose options are the values found; 地区, 年代, 性別 and
the like are taken as attributes, and the weight column is the one named by the user.

No Django here: the pages, the command and the demo all go through this.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sasaeai.lib.spreadsheets import SpreadsheetError, read_csv, read_xlsx

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_RESPONDENTS = 50_000
MAX_COLUMNS = 400
MAX_ERRORS_SHOWN = 100

QUESTION, ATTRIBUTE, WEIGHT, IGNORED = "question", "attribute", "weight", "ignored"
KIND_LABELS = {QUESTION: "設問", ATTRIBUTE: "属性", WEIGHT: "ウェイト", IGNORED: "対象外"}
_KIND_WORDS = {
    "設問": QUESTION, "質問": QUESTION, "問": QUESTION, "属性": ATTRIBUTE, "回答者属性": ATTRIBUTE,
    "ウェイト": WEIGHT, "ウエイト": WEIGHT, "重み": WEIGHT, "対象外": IGNORED, "ID": IGNORED,
    "自由記述": IGNORED,
}
# Headers that describe who answered rather than what they answered.
ATTRIBUTE_NAMES = ("地区", "地域", "居住地区", "居住地域", "圏域", "小学校区", "中学校区", "校区",
                   "年代", "年齢", "年齢層", "性別", "職業", "家族構成", "世帯構成", "居住年数")
ID_NAMES = ("ID", "No", "NO", "番号", "回答者ID", "回答者番号", "整理番号", "票番号", "サンプル番号")
NO_ANSWER_LABELS = ("無回答", "不明", "回答なし", "無効", "無効回答", "NA", "N/A")

_CODEBOOK_HEADERS = {
    "column": ("列名", "変数名", "項目名", "設問番号", "列", "変数"),
    "text": ("設問文", "設問", "質問", "質問文", "設問内容"),
    "kind": ("区分", "種類", "種別"),
    "code": ("コード", "選択肢コード", "選択肢番号", "値", "番号"),
    "label": ("選択肢", "ラベル", "選択肢名", "選択肢の内容", "回答"),
    "missing": ("無回答", "欠損", "無回答扱い", "集計から除く"),
}


def key(text: str) -> str:
    """A header as matched: width and case folded (NFKC is lossy, so only for matching)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


@dataclass
class OptionInfo:
    code: str
    label: str
    is_missing: bool = False
    count: int = 0


@dataclass
class ColumnInfo:
    column: str
    text: str
    kind: str
    options: list[OptionInfo] = field(default_factory=list)
    from_codebook: bool = False

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def option(self, code: str) -> OptionInfo | None:
        return next((o for o in self.options if o.code == code), None)

    @property
    def answered(self) -> int:
        return sum(o.count for o in self.options if not o.is_missing)


@dataclass
class Respondent:
    number: int  # the row in the file (the header is row 1)
    weight: Decimal | None
    answers: dict[str, str]


@dataclass
class ParsedSurvey:
    columns: list[ColumnInfo] = field(default_factory=list)
    respondents: list[Respondent] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    weight_column: str = ""
    digest: str = ""

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @property
    def can_import(self) -> bool:
        return not self.errors and bool(self.respondents)

    @property
    def errors_shown(self) -> list[str]:
        return self.errors[:MAX_ERRORS_SHOWN]

    @property
    def errors_hidden(self) -> int:
        return max(0, len(self.errors) - MAX_ERRORS_SHOWN)

    def column(self, name: str) -> ColumnInfo | None:
        return next((c for c in self.columns if c.column == name), None)

    def questions(self) -> list[ColumnInfo]:
        return [c for c in self.columns if c.kind == QUESTION]

    def attributes(self) -> list[ColumnInfo]:
        return [c for c in self.columns if c.kind == ATTRIBUTE]


def read_table(data: bytes, filename: str, *, max_rows: int, max_cols: int) -> list[list[str]]:
    """A CSV or xlsx upload as rows of text (lib.spreadsheets does the safe reading)."""
    if not data:
        raise SpreadsheetError("ファイルが空です。")
    name = filename.lower()
    if name.endswith(".xlsx") or data.startswith(b"PK\x03\x04"):
        return read_xlsx(data, max_bytes=MAX_UPLOAD_BYTES, max_ratio=100, max_rows=max_rows,
                         max_cols=max_cols)
    if name.endswith((".xls",)) or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return read_xlsx(data, max_bytes=MAX_UPLOAD_BYTES, max_ratio=100)  # raises OLD_XLS
    return read_csv(data, max_bytes=MAX_UPLOAD_BYTES, max_rows=max_rows, max_cols=max_cols)


def parse_survey(data: bytes, filename: str, *, codebook: bytes | None = None,
                 codebook_name: str = "", weight_column: str = "") -> ParsedSurvey:
    result = ParsedSurvey(weight_column=weight_column.strip())
    result.digest = hashlib.sha256(data + b"\0" + (codebook or b"")).hexdigest()
    try:
        rows = read_table(data, filename, max_rows=MAX_RESPONDENTS + 1, max_cols=MAX_COLUMNS)
    except SpreadsheetError as exc:
        result.errors.append(f"回答データ：{exc}")
        return result
    book: dict[str, ColumnInfo] | None = None
    if codebook:
        try:
            book = parse_codebook(read_table(codebook, codebook_name, max_rows=20_000,
                                             max_cols=20), result)
        except SpreadsheetError as exc:
            result.errors.append(f"コードブック：{exc}")
            return result
    if not rows or not any(cell.strip() for cell in rows[0]):
        result.errors.append("回答データの1行目に列名（見出し）がありません。")
        return result
    header = [cell.strip() for cell in rows[0]]
    if not _check_header(header, result):
        return result
    _describe_columns(header, book, result)
    weight = result.weight_column
    if weight and weight not in header:
        result.errors.append(f"ウェイトの列「{weight}」が回答データにありません"
                             f"（列名：{'、'.join(header[:12])}{'…' if len(header) > 12 else ''}）。")
        return result
    _read_respondents(rows[1:], header, result)
    if not result.respondents and not result.errors:
        result.errors.append("回答データに回答者の行がありません（1行目の見出しだけです）。")
    return result


def _check_header(header: list[str], result: ParsedSurvey) -> bool:
    ok = True
    for index, name in enumerate(header, start=1):
        if not name:
            result.errors.append(f"回答データ1行目：{index}列目の列名が空です。すべての列に名前を付けてください。")
            ok = False
    for name, times in Counter(h for h in header if h).items():
        if times > 1:
            result.errors.append(f"回答データ1行目：列名「{name}」が{times}回あります。列名は重ならないようにしてください。")
            ok = False
    return ok


def parse_codebook(rows: list[list[str]], result: ParsedSurvey) -> dict[str, ColumnInfo]:
    if not rows:
        raise SpreadsheetError("コードブックが空です。")
    header = [key(cell) for cell in rows[0]]
    where: dict[str, int] = {}
    for name, synonyms in _CODEBOOK_HEADERS.items():
        for synonym in synonyms:
            if key(synonym) in header:
                where[name] = header.index(key(synonym))
                break
    missing = [_CODEBOOK_HEADERS[n][0] for n in ("column", "code", "label") if n not in where]
    if missing:
        raise SpreadsheetError(
            f"コードブックの1行目に「{'」「'.join(missing)}」の列が見つかりません"
            "（列名・設問文・区分・コード・選択肢・無回答の列を用意してください）。")

    def cell(row: list[str], name: str) -> str:
        index = where.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    book: dict[str, ColumnInfo] = {}
    current: ColumnInfo | None = None
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        column = cell(row, "column")
        if column:
            if column in book:
                current = book[column]
            else:
                kind_text = cell(row, "kind")
                kind = _KIND_WORDS.get(kind_text, QUESTION) if kind_text else _guess_kind(column)
                if kind_text and kind_text not in _KIND_WORDS:
                    result.errors.append(
                        f"コードブック{number}行目：区分「{kind_text}」がわかりません"
                        "（設問・属性・ウェイト・対象外のいずれかにしてください）。")
                current = ColumnInfo(column, cell(row, "text") or column, kind,
                                     from_codebook=True)
                book[column] = current
        elif current is None:
            result.errors.append(f"コードブック{number}行目：列名がありません。")
            continue
        code, label = cell(row, "code"), cell(row, "label")
        if not code:
            if label:
                result.errors.append(f"コードブック{number}行目：選択肢「{label}」のコードが空です。")
            continue
        if current.option(code) is not None:
            result.errors.append(f"コードブック{number}行目：列「{current.column}」のコード「{code}」が重なっています。")
            continue
        mark = cell(row, "missing")
        is_missing = mark in {"○", "〇", "◯", "1", "はい", "TRUE", "true", "Y", "y", "✓"} or (
            not mark and label in NO_ANSWER_LABELS)
        current.options.append(OptionInfo(code, label or code, is_missing))
    return book


def _guess_kind(column: str) -> str:
    if column in ID_NAMES or key(column) in {key(n) for n in ID_NAMES}:
        return IGNORED
    if any(key(column).startswith(key(n)) for n in ATTRIBUTE_NAMES):
        return ATTRIBUTE
    return QUESTION


def _describe_columns(header: list[str], book: dict[str, ColumnInfo] | None,
                      result: ParsedSurvey) -> None:
    weight = result.weight_column
    if book is not None:
        for name in book:
            if name not in header:
                result.errors.append(f"コードブックの列「{name}」が回答データにありません。列名を確かめてください。")
        if not weight:
            weights = [c.column for c in book.values() if c.kind == WEIGHT]
            weight = result.weight_column = weights[0] if weights else ""
    for name in header:
        if name == weight:
            result.columns.append(ColumnInfo(name, name, WEIGHT))
        elif book is not None and name in book:
            info = book[name]
            if info.kind == WEIGHT:
                info.kind = IGNORED  # a second weight column: the chosen one wins
            result.columns.append(info)
        else:
            if book is not None:
                result.warnings.append(f"列「{name}」はコードブックにないため、回答の値をそのまま選択肢とします。")
            result.columns.append(ColumnInfo(name, name, _guess_kind(name)))


def _read_respondents(rows: list[list[str]], header: list[str], result: ParsedSurvey) -> None:
    columns = result.columns
    weight = result.weight_column
    strict = {c.column for c in columns if c.from_codebook and c.kind in {QUESTION, ATTRIBUTE}}
    found: dict[str, Counter[str]] = {c.column: Counter() for c in columns}
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            result.errors.append(f"{number}行目：見出しより多い{len(row)}列の値があります（見出しは{len(header)}列）。")
            continue
        answers: dict[str, str] = {}
        value_weight: Decimal | None = None
        for index, name in enumerate(header):
            text = row[index].strip() if index < len(row) else ""
            if name == weight:
                value_weight = _weight(text, number, name, result)
                continue
            if not text:
                continue
            answers[name] = text
            found[name][text] += 1
            info = columns[index]
            if name in strict and info.option(text) is None:
                codes = "、".join(o.code for o in info.options[:15])
                result.errors.append(
                    f"{number}行目・列「{name}」：「{text}」はコードブックの選択肢（{codes}）にありません。")
        result.respondents.append(Respondent(number, value_weight, answers))
    for info in columns:
        if info.kind in {WEIGHT, IGNORED} and not info.from_codebook:
            continue
        counts = found[info.column]
        if not info.from_codebook:
            info.options = [OptionInfo(code, code, code in NO_ANSWER_LABELS)
                            for code in sorted(counts, key=_natural)]
        for option in info.options:
            option.count = counts.get(option.code, 0)


def _weight(text: str, number: int, name: str, result: ParsedSurvey) -> Decimal | None:
    if not text:
        result.errors.append(f"{number}行目・列「{name}」：ウェイトが空です。")
        return None
    try:
        value = Decimal(unicodedata.normalize("NFKC", text).replace(",", ""))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value <= 0:
        result.errors.append(f"{number}行目・列「{name}」：ウェイト「{text}」は正の数ではありません。")
        return None
    return value


def _natural(code: str) -> tuple[int, float, str]:
    """1, 2, 10 in numeric order; text after numbers."""
    try:
        return (0, float(unicodedata.normalize("NFKC", code)), code)
    except ValueError:
        return (1, 0.0, code)
