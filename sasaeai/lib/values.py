"""Read one table cell of a plan (現状値, 目標値) into a value without losing what was written.

Cells hold far more than numbers: 41.6%(平成28年度)※3, 35,000 件以上, ‐, 調査中, 〇〇%, ↗,
現状の水準を維持.  :func:`parse_cell` separates the number, unit, year, footnote marks,
status and target direction, keeps whatever words are left as ``note``, and reports in
Japanese what it could not understand instead of guessing.  ``verbatim`` is always the
exact input, because the published plan must be reproducible character for character.

Matching uses NFKC (full-width digits and commas), which is lossy; only ``unit`` (a key
compared between cells, so ％ and % must agree) is returned in folded form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

# The private helpers are shared on purpose: a cell is searched for a year with the same
# folding and pattern as a header, and the span is needed to keep the year out of the note.
from sasaeai.lib.wareki import Year, _context_era, _fold, _Folded, _search

__all__ = ["CellValue", "Status", "TargetKind", "ascii_int", "parse_cell"]


def ascii_int(text: str, *, max_digits: int = 18) -> int | None:
    """The whole number `text` spells in ASCII digits, else None: an id, a year or a count typed
    into a URL, a form or a command. Not `str.isdigit()`, which is true of ², ① and ፩ that `int()`
    refuses; more than `max_digits` digits is no id of ours (a database column would overflow)."""
    if not re.fullmatch(f"[0-9]{{1,{max_digits}}}", text):
        return None
    return int(text)


class Status(StrEnum):
    """How the figure in a cell came about, or why there is none."""

    MEASURED = "measured"  # 実測: a counted or surveyed figure
    ESTIMATED = "estimated"  # 推計: an estimate or projection
    SURVEYING = "surveying"  # 調査中: the figure is being collected
    NOT_SURVEYED = "not_surveyed"  # 未調査: no figure (‐, empty, ...)
    PLACEHOLDER = "placeholder"  # 〇〇%: a draft slot still to be filled in


class TargetKind(StrEnum):
    """What a target (目標値) asks for; a target is often a direction rather than a number."""

    VALUE = "value"  # reach this figure
    AT_LEAST = "at_least"  # 以上
    AT_MOST = "at_most"  # 以下
    UP = "up"  # ↗ 増加 向上
    DOWN = "down"  # ↘ 減少
    MAINTAIN = "maintain"  # 維持, 現状の水準を維持
    NOT_SET = "not_set"  # 設定しない
    PENDING = "pending"  # 検討中, or a 〇〇% placeholder


@dataclass(frozen=True)
class CellValue:
    """One cell, taken apart.  Nothing is dropped: what is not understood stays in ``note``."""

    verbatim: str
    value: Decimal | None
    unit: str
    year: Year | None
    status: Status
    target_kind: TargetKind | None
    footnotes: tuple[str, ...]
    note: str
    problems: tuple[str, ...]


# --- patterns, all applied to the folded (NFKC) text --------------------------------------

# ※, ※3, ※①, *, *1, 注2, superscripts (41.6%¹) and circled numbers (41.6%①).  A mark's
# number is short and written right after it, so ※ 50人 keeps its 50.
_MARK = (
    r"(?:※|\*+)(?:[0-9]{1,2}(?![0-9.,])|[\u2460-\u2473\u2776-\u277f])?|注[0-9]{1,2}(?![0-9])"
    r"|[\u00b9\u00b2\u00b3\u2070-\u2079]+|[\u2460-\u2473]"
)
_FOOTNOTE = re.compile(rf"\(\s*(?P<inner>{_MARK})\s*\)|(?P<bare>{_MARK})")


def _words(words: Iterable[str]) -> str:
    """An alternation that prefers the longest phrase (現状の水準を維持 before 維持)."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _enclosed(words: str) -> re.Pattern[str]:
    """A word, together with its parentheses when it is alone in them: 78.9%(推計)."""
    return re.compile(rf"\(\s*(?P<inner>{words})\s*\)|(?P<bare>{words})")


_STATUS_WORDS = {
    Status.ESTIMATED: ("推計値", "推計", "推定値", "推定", "見込み", "見込値", "見込", "概算"),
    Status.SURVEYING: ("調査中", "集計中", "算出中", "確認中", "精査中"),
    Status.MEASURED: ("実測値", "実測", "実績値", "実績"),
    Status.NOT_SURVEYED: ("未調査", "未把握", "未集計", "未算出", "データなし"),
}
_STATUS_OF = {word: status for status, words in _STATUS_WORDS.items() for word in words}
_STATUS = _enclosed(_words(_STATUS_OF))

_TARGET_WORDS = {
    TargetKind.NOT_SET: ("設定しない", "設定なし", "目標設定なし", "目標を設定しない", "設定せず"),
    TargetKind.PENDING: ("検討中", "未定", "今後設定", "設定予定"),
    TargetKind.MAINTAIN: (
        "現状の水準を維持",
        "現状水準を維持",
        "現状値を維持",
        "現状を維持",
        "現状維持",
        "維持",
        "横ばい",
    ),
    TargetKind.UP: ("↗", "↑", "⤴", "⇗", "増加", "向上", "上昇", "拡大"),
    TargetKind.DOWN: ("↘", "↓", "⤵", "⇘", "減少", "低下", "削減", "縮小"),
    TargetKind.AT_LEAST: ("以上",),
    # 未満 is strictly below; there is no separate kind, and verbatim keeps the difference.
    TargetKind.AT_MOST: ("以下", "未満"),
}
_TARGET_OF = {word: kind for kind, words in _TARGET_WORDS.items() for word in words}
_TARGET = _enclosed(_words(_TARGET_OF))

# A number that does not continue another one: 2,015 / 8.55 / 1,2345 (malformed) are whole.
# △ and ▲ are the Japanese minus signs of official tables.
_NUMBER = re.compile(
    r"(?<![0-9A-Z.,])(?:(?P<sign>[△▲+\-−‐])(?=[0-9]))?"
    r"(?P<digits>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)"
    r"(?![0-9]|[.,][0-9])"
)
_PLACEHOLDER = re.compile(r"[〇○◯●]+(?:\.[〇○◯●]+)?")

_KNOWN_UNITS = (
    "%", "ポイント", "pt", "人", "名", "件", "回", "人日", "人回", "世帯", "箇所", "か所", "カ所",
    "ヶ所", "ケ所", "ヵ所", "校区", "小学校区", "中学校区", "地区", "組織", "団体", "施設",
    "事業所", "校", "園", "円", "千円", "万円", "億円", "時間", "分", "日", "週", "か月", "ヶ月",
    "カ月", "歳", "才", "倍", "割", "点", "種類", "講座", "グループ", "自治会", "町内会", "サロン",
    "クラブ", "店舗", "冊", "部", "枚", "台", "戸", "軒", "拠点", "事業", "市町村",
)  # fmt: skip
_PER = ("年", "月", "週", "日", "回", "人", "件", "世帯")
_UNIT = re.compile(
    rf"\s*(?:{_words(_KNOWN_UNITS)})(?:/(?:{_words(_PER)}))?"
    # Anything else counts only when written right after the number (8拠点, not 85% 全国).
    r"|[\u4e00-\u9fff\u30a1-\u30fa\u30fc\u30f5\u30f6々A-Za-z]{1,6}(?:/[\u4e00-\u9fff])?"
)
_NO_VALUE = re.compile(r"[‐\-−—―–ー]+|/|N/?A|NA", re.IGNORECASE)

_OPENERS = {")": "(", "]": "[", "」": "「", "】": "【", "』": "『"}
_SEPARATORS = set(" \t\u3000:：,、。.・/／")


@dataclass
class _Cell:
    """Working state: which folded characters are used up, and for what."""

    folded: _Folded
    masked: list[str]  # folded text with recognised characters replaced by NUL
    hidden: list[bool]  # characters that do not belong in the note

    @classmethod
    def of(cls, text: str) -> _Cell:
        folded = _fold(text)
        return cls(folded, list(folded.text), [False] * len(folded.text))

    @property
    def text(self) -> str:
        return "".join(self.masked)

    def take(self, start: int, end: int, *, hide: bool = True) -> None:
        for i in range(start, end):
            self.masked[i] = "\0"
            if hide:
                self.hidden[i] = True

    def take_all(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        found = list(pattern.finditer(self.text))
        for match in found:
            self.take(match.start(), match.end())
        return found

    def leftover(self) -> str:
        return "".join(c for c in self.masked if c != "\0").strip()

    def note(self) -> str:
        """The characters nobody claimed, as the caller wrote them, tidied at the edges."""
        chars = self.folded.text
        kept = [not h for h in self.hidden]
        stack: list[int] = []
        for i, char in enumerate(chars):
            if not kept[i]:
                continue
            if char in _OPENERS.values():
                stack.append(i)
            elif char in _OPENERS and stack and chars[stack[-1]] == _OPENERS[char]:
                opener = stack.pop()
                inside = range(opener + 1, i)
                if all(not kept[j] or chars[j] in _SEPARATORS for j in inside):
                    for j in (opener, i, *inside):
                        kept[j] = False
        for order in (range(len(chars)), range(len(chars) - 1, -1, -1)):
            for i in order:
                if kept[i] and chars[i] not in _SEPARATORS:
                    break
                kept[i] = False
        pieces: list[str] = []
        last_kept: int | None = None
        for i, char in enumerate(chars):
            if not kept[i]:
                continue
            # Something was taken out between two words: keep them apart.
            if (
                last_kept is not None
                and last_kept < i - 1
                and _is_word(chars[last_kept])
                and _is_word(char)
            ):
                pieces.append(" ")
            source = self.folded.origin[i]
            if last_kept is None or self.folded.origin[last_kept] != source:
                pieces.append(self.folded.original[source])
            last_kept = i
        return re.sub(r"(\s)\s+", r"\1", "".join(pieces))


def _is_word(char: str) -> bool:
    return not (char.isspace() or char in _SEPARATORS or char in "()[]「」【】『』")


def _alone(text: str, start: int, end: int) -> bool:
    """Whether a year stands by itself (41.6%(平成28年度)) rather than inside a phrase
    (H29年度~R元年度の参加者平均人数), where the note would not make sense without it."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return (before == "\0" or not _is_word(before)) and (after == "\0" or not _is_word(after))


def parse_cell(
    text: str,
    *,
    default_year: Year | None = None,
    era: str | None = None,
    as_target: bool = False,
) -> CellValue:
    """Take one cell apart.  Never raises for odd content; see ``problems`` instead.

    ``default_year`` is the year of the column (from its header) and applies when the cell
    names none.  ``era`` is the era that bare years such as 26年度 are counted in.
    ``as_target`` says the cell is a target, so a plain figure means "reach this value" and
    a 〇〇% placeholder means the target is still being decided.
    """
    cell = _Cell.of(text)
    problems: list[str] = []

    footnotes = tuple(
        cell.folded.source(*m.span("inner" if m["inner"] is not None else "bare"))
        for m in cell.take_all(_FOOTNOTE)
    )
    statuses = [_STATUS_OF[m["inner"] or m["bare"]] for m in cell.take_all(_STATUS)]
    targets = cell.take_all(_TARGET)
    kinds = list(dict.fromkeys(_TARGET_OF[m["inner"] or m["bare"]] for m in targets))

    year = _find_year(cell, era, problems)

    value, unit, has_number = _find_value(cell, problems)
    placeholder = False
    if not has_number and (match := _PLACEHOLDER.search(cell.text)) is not None:
        # Only when there is no figure: 〇〇地区 50人 is an anonymised place name.
        placeholder = True
        cell.take(match.start(), match.end())
        unit = _take_unit(cell, match.end())

    no_value_mark = False
    if value is None and not placeholder and _NO_VALUE.fullmatch(cell.leftover()):
        no_value_mark = True
        cell.take(0, len(cell.masked))

    if len(kinds) > 1:
        shown = "・".join(cell.folded.source(*m.span()) for m in targets)
        problems.append(f"目標の種類が複数書かれています（{shown}）。最初のものを使います")
    target_kind = kinds[0] if kinds else None
    if target_kind is None and as_target:
        if placeholder:
            target_kind = TargetKind.PENDING
        elif value is not None:
            target_kind = TargetKind.VALUE

    status = _status(value, placeholder, statuses)
    if Status.ESTIMATED in statuses and value is None:
        problems.append("推計と書かれていますが数値がありません")
    note = cell.note()
    recognised = bool(statuses or kinds or placeholder or no_value_mark)
    if value is None and not problems and not recognised and text.strip():
        problems.append(f"『{text.strip()}』から数値を読み取れません")

    return CellValue(
        verbatim=text,
        value=value,
        unit=unit,
        year=year or default_year,
        status=status,
        target_kind=target_kind,
        footnotes=footnotes,
        note=note,
        problems=tuple(problems),
    )


def _find_year(cell: _Cell, era: str | None, problems: list[str]) -> Year | None:
    try:
        context = _context_era(era)
    except ValueError as error:
        problems.append(str(error))
        context = None
    hit = _search(cell.folded, context, cell.text)
    if hit is None:
        return None
    cell.take(hit.start, hit.end, hide=_alone(cell.text, hit.start, hit.end))
    if hit.error is not None:
        problems.append(str(hit.error))
        return None
    # Later years are reported, and kept out of the search for the figure (令和2年度 is not 2).
    while (other := _search(cell.folded, context, cell.text)) is not None:
        cell.take(other.start, other.end, hide=False)
        shown = cell.folded.source(other.start, other.end)
        problems.append(f"年が複数書かれています（『{shown}』）。最初の年を使います")
    return hit.year


def _find_value(cell: _Cell, problems: list[str]) -> tuple[Decimal | None, str, bool]:
    """The one figure in the cell, its unit, and whether any figure was written at all."""
    numbers = list(_NUMBER.finditer(cell.text))
    if not numbers:
        return None, "", False
    if len(numbers) > 1:
        shown = "・".join(cell.folded.source(*m.span()) for m in numbers)
        problems.append(f"数値が複数あり（{shown}）、どれが値か決められません")
        return None, "", True
    match = numbers[0]
    cell.take(match.start(), match.end())
    value = Decimal(match["digits"].replace(",", ""))
    if match["sign"] in ("△", "▲", "-", "−", "‐"):
        value = -value
    return value, _take_unit(cell, match.end()), True


def _take_unit(cell: _Cell, position: int) -> str:
    """The unit written after a number: 46 校区, 2,728人/年, 8拠点."""
    match = _UNIT.match(cell.text, position)
    if match is None:
        return ""
    cell.take(match.start(), match.end())
    return cell.folded.text[match.start() : match.end()].strip()


def _status(value: Decimal | None, placeholder: bool, statuses: list[Status]) -> Status:
    if placeholder:
        return Status.PLACEHOLDER
    if Status.SURVEYING in statuses:
        return Status.SURVEYING
    if value is None:
        return Status.NOT_SURVEYED
    if Status.ESTIMATED in statuses:
        return Status.ESTIMATED
    return Status.MEASURED
