"""和暦 (Japanese era years) and 年度 (fiscal years) as they are written in 地域福祉計画.

Plans are tables typed by many hands over many years, so one year appears as 令和3年度, R3,
Ｒ３年度, 令和　３年度（2021年度）, H29年度~R元年度 or just 26年度 under a header that says 平成.
This module turns those spellings into a :class:`Year` whose ``start`` is always the AD year
(for a 年度, the AD year in which it begins on 1 April), and writes years back in the form
the plans use.  It never guesses silently: text that looks like a year but cannot be read
raises :class:`WarekiError` with a Japanese message a staff member can act on.

Matching uses NFKC (so full-width digits, ``（`` and ``Ｒ`` match), but NFKC is lossy, so every
``verbatim`` handed back is a slice of the caller's own text, never the normalised form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

__all__ = [
    "MAX_AD",
    "MIN_AD",
    "WarekiError",
    "Year",
    "YearKind",
    "era_of",
    "find_year",
    "format_fy",
    "format_year",
    "parse_year",
]

#: The first year an era name can describe (明治元年).  Earlier years are not 和暦 we support.
MIN_AD = 1868
#: Plans look ahead a decade or two; a year past this is a typo (令和99年度), not a target.
MAX_AD = 2100
#: A plan written before an era ended keeps counting in it (平成32年度 = FY2020), so each past
#: era accepts this many years after its last real one.  Beyond that it is a typo.
_OVERRUN = 9


class YearKind(StrEnum):
    """Whether a year is a 年度 (April-March), a 年 (January-December) or left unsaid (H22)."""

    FISCAL = "fiscal"
    CALENDAR = "calendar"
    UNSPECIFIED = "unspecified"


class WarekiError(ValueError):
    """Text that looks like a year but cannot be read; the message says why, in Japanese.

    ``text`` is what the caller gave and ``reason`` the bare explanation, so a form can show
    either the whole sentence (``str(error)``) or just the reason next to the field.
    """

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        super().__init__(f"『{text}』は解釈できません：{reason}")


@dataclass(frozen=True)
class Year:
    """A year, 年度 or range of them, as read from a plan.

    ``verbatim`` is provenance, not meaning, so it takes no part in equality or hashing:
    ``parse_year("R3年度") == parse_year("令和３年度")``.
    """

    start: int
    kind: YearKind
    end: int | None = None
    month: int | None = None
    verbatim: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        """Refuse shapes no plan means, so code downstream can trust any Year it holds."""
        text = self.verbatim or str(self.start)
        if self.end is not None and self.end < self.start:
            raise WarekiError(text, "範囲の終わりが始まりより前です")
        if self.month is not None:
            if not 1 <= self.month <= 12:
                raise WarekiError(text, f"{self.month}月はありません（1〜12月）")
            if self.end is not None:
                raise WarekiError(text, "範囲の年に月は付けられません")

    @property
    def last(self) -> int:
        """The last AD year covered: ``end`` for a range, else ``start``."""
        return self.start if self.end is None else self.end

    def __str__(self) -> str:
        return format_year(self)


@dataclass(frozen=True)
class _Era:
    name: str
    letter: str
    romaji: str
    begins: date
    last_year: int | None  # the last real year of the era; None while it is current

    @property
    def first_ad(self) -> int:
        return self.begins.year

    @property
    def max_year(self) -> int:
        if self.last_year is None:
            return MAX_AD - self.first_ad + 1
        return self.last_year + _OVERRUN


# 明治 legally began on 1 January 1868 (the change of era in October was made retroactive).
_ERAS = (
    _Era("明治", "M", "MEIJI", date(1868, 1, 1), 45),
    _Era("大正", "T", "TAISHO", date(1912, 7, 30), 15),
    _Era("昭和", "S", "SHOWA", date(1926, 12, 25), 64),
    _Era("平成", "H", "HEISEI", date(1989, 1, 8), 31),
    _Era("令和", "R", "REIWA", date(2019, 5, 1), None),
)
_ERA_BY_TOKEN = {token: era for era in _ERAS for token in (era.name, era.letter, era.romaji)}

# Circled numbers and superscripts mark footnotes (※①, 41.6%¹); NFKC would turn them into
# plain digits that read as part of a value, so they are left as they are.
_KEEP_UNFOLDED = re.compile(
    r"[\u00b2\u00b3\u00b9\u2070-\u209f\u2460-\u24ff\u2776-\u2793\u3251-\u32bf]"
)


@dataclass(frozen=True)
class _Folded:
    """Text normalised for matching, with a way back to the caller's exact characters.

    Folding is done one character at a time so that every folded character knows which
    original character it came from (㍻ becomes two folded characters from one original).
    """

    original: str
    text: str
    origin: tuple[int, ...]

    def source(self, start: int, end: int) -> str:
        """The original text behind folded ``text[start:end]``."""
        if start >= end:
            return ""
        return self.original[self.origin[start] : self.origin[end - 1] + 1]


def _fold(text: str) -> _Folded:
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = char if _KEEP_UNFOLDED.match(char) else unicodedata.normalize("NFKC", char)
        for piece in folded:
            chars.append(piece.upper() if "a" <= piece <= "z" else piece)
            origin.append(index)
    return _Folded(text, "".join(chars), tuple(origin))


_ERA_RE = r"明治|大正|昭和|平成|令和|(?<![0-9A-Z])[MTSHR]"
# ～ folds to ~ and － to -; 〜 (wave dash) and ー (long vowel mark, a common mistype) do not.
_RANGE_RE = r"[~〜ー\-‐‑–—―−]|から"
_SUFFIX_RE = r"年度|年"


def _component(prefix: str, *, first: bool) -> str:
    # A number with no era must not continue another number (2,015 / 8.55 / 10-20).
    bare_guard = r"(?<![0-9A-Z.,\-−‐])" if first else ""
    return (
        rf"(?:(?P<{prefix}era>{_ERA_RE})\s*|{bare_guard})"
        rf"(?P<{prefix}num>[0-9]+|元)"
        rf"(?:\s*(?P<{prefix}suf>{_SUFFIX_RE}))?"
    )


# 令和3年度 | H29年度~R元年度 ; then（2021年度）or（2017〜2019年度）; then 3月.
_AD_IN_PARENTHESES = (
    rf"\(\s*(?P<pa>[0-9]{{4}})\s*(?P<pasuf>{_SUFFIX_RE})?"
    rf"(?:\s*(?:{_RANGE_RE})\s*(?P<pb>[0-9]{{4}})\s*(?P<pbsuf>{_SUFFIX_RE})?)?\s*\)"
)
_PATTERN = re.compile(
    _component("a", first=True)
    + rf"(?:\s*(?:{_RANGE_RE})\s*{_component('b', first=False)})?"
    + rf"(?:\s*{_AD_IN_PARENTHESES})?"
    + r"(?:\s*(?P<month>[0-9]{1,2})\s*月)?"
)

# After an era-less number, these make 3年 a length of time or a grade, not a year.
_NOT_A_YEAR_AFTER = re.compile(
    r"\s*(?:間|以内|以上|以下|未満|後|前|目|生|ぶり|振り|おき|毎|ごと|連続|超|半|分|制|次)"
)


def _context_era(era: str | None) -> _Era | None:
    """The era a header or caller supplies for bare years like 26年度."""
    if era is None:
        return None
    key = _fold(era).text.strip()
    found = _ERA_BY_TOKEN.get(key)
    if found is None:
        raise WarekiError(
            era,
            "元号として認識できません（明治・大正・昭和・平成・令和、"
            "またはM・T・S・H・Rで指定してください）",
        )
    return found


def _resolve(
    number: str, era: _Era | None, context: _Era | None, text: str
) -> tuple[int, _Era | None]:
    """AD year of one written year, and the era it was counted in (None for AD)."""
    if era is None and number != "元" and len(number.lstrip("0")) >= 4:
        ad = int(number)
        if not MIN_AD <= ad <= MAX_AD:
            raise WarekiError(text, f"西暦{ad}年は扱える範囲（{MIN_AD}〜{MAX_AD}年）の外です")
        return ad, None
    basis = era or context
    if basis is None:
        raise WarekiError(
            text,
            "元号が書かれていないため西暦何年か決められません（平成・令和などの元号が必要です）",
        )
    count = 1 if number == "元" else int(number)
    if count < 1:
        raise WarekiError(text, f"{basis.name}0年はありません（最初の年は{basis.name}元年です）")
    if count > basis.max_year:
        raise WarekiError(
            text,
            f"{basis.name}{count}年は扱える範囲を超えています（{basis.name}{basis.max_year}年まで）",
        )
    return basis.first_ad + count - 1, basis


def _kind_of(suffixes: list[str | None], text: str) -> YearKind | None:
    found = {suffix for suffix in suffixes if suffix}
    if len(found) > 1:
        raise WarekiError(text, "年度と年が混在しています")
    if "年度" in found:
        return YearKind.FISCAL
    if "年" in found:
        return YearKind.CALENDAR
    return None


def _interpret(match: re.Match[str], context: _Era | None, text: str) -> Year:
    """Turn one pattern match into a Year, checking everything the pattern cannot."""
    a_era = _ERA_BY_TOKEN[match["aera"]] if match["aera"] else None
    start, basis = _resolve(match["anum"], a_era, context, text)
    end: int | None = None
    if match["bnum"] is not None:
        b_era = _ERA_BY_TOKEN[match["bera"]] if match["bera"] else None
        # H29~31年度: the end is counted in the start's era; 2017~19 is not accepted.
        end, _ = _resolve(match["bnum"], b_era, basis, text)
        if end < start:
            raise WarekiError(text, "範囲の終わりが始まりより前です")
    kind = (
        _kind_of([match["asuf"], match["bsuf"]], text)
        or _kind_of([match["pasuf"], match["pbsuf"]], text)
        or YearKind.UNSPECIFIED
    )
    if match["pa"] is not None:
        _check_parenthesis(match, start, end, text)
    month = int(match["month"]) if match["month"] is not None else None
    return Year(start, kind, end, month, text)


def _check_parenthesis(match: re.Match[str], start: int, end: int | None, text: str) -> None:
    """令和3年度（2021年度）: the AD year in parentheses must say the same as the era year."""
    written = (int(match["pa"]), int(match["pb"]) if match["pb"] is not None else None)
    if written[1] is not None and end is None:
        raise WarekiError(text, "括弧内は年の範囲ですが、括弧の前は一つの年です")
    if written[1] is None and end is not None:
        raise WarekiError(text, "括弧の前は年の範囲ですが、括弧内は一つの年です")
    if written[0] != start:
        raise WarekiError(text, f"括弧内の西暦{written[0]}年が、西暦{start}年と一致しません")
    if written[1] is not None and written[1] != end:
        raise WarekiError(text, f"括弧内の西暦{written[1]}年が、西暦{end}年と一致しません")


@dataclass(frozen=True)
class _Hit:
    """A year found in folded text: its span, and the Year or the reason it can't be read."""

    start: int
    end: int
    year: Year | None
    error: WarekiError | None


def _is_year_like(match: re.Match[str], text: str, context: _Era | None) -> bool:
    """Whether a match in running text is meant as a year (46 校区 and 3年間 are not)."""
    if match["aera"] or match["bera"]:
        return True
    if not (match["asuf"] or match["bsuf"] or match["pasuf"] or match["pbsuf"]):
        # A bare number is a value, unless it is a lone AD year in parentheses: 人口 (2020).
        return bool(
            match["bnum"] is None
            and match["pa"] is None
            and len(match["anum"]) == 4
            and MIN_AD <= int(match["anum"]) <= MAX_AD
            and text[: match.start()].rstrip().endswith("(")
            and text[match.end() :].lstrip().startswith(")")
        )
    if _NOT_A_YEAR_AFTER.match(text, match.end()):
        return False
    # 3年 without any era could be a duration; 年度 (or 元年) is always a year.
    numbers = [n for n in (match["anum"], match["bnum"]) if n]
    bare_small = all(n != "元" and len(n.lstrip("0")) < 4 for n in numbers)
    fiscal = "年度" in (match["asuf"], match["bsuf"])
    return not (bare_small and context is None and not fiscal)


def _search(folded: _Folded, context: _Era | None, text: str | None = None) -> _Hit | None:
    """First year-like expression in ``text`` (default: the folded text; same length).

    ``values`` passes a copy with already-recognised characters blanked out as NUL, which
    no part of the pattern matches, so they also separate what is on either side.
    """
    haystack = folded.text if text is None else text
    position = 0
    while (match := _PATTERN.search(haystack, position)) is not None:
        if not _is_year_like(match, haystack, context):
            position = match.start() + 1
            continue
        verbatim = folded.source(match.start(), match.end())
        try:
            return _Hit(match.start(), match.end(), _interpret(match, context, verbatim), None)
        except WarekiError as error:
            return _Hit(match.start(), match.end(), None, error)
    return None


def parse_year(text: str, *, era: str | None = None) -> Year:
    """Read text that is only a year (a cell or field), e.g. 令和3年度 or H29年度~R元年度.

    ``era`` is the era a surrounding header implies, used for bare years such as 26年度.
    Raises :class:`WarekiError` when the text is not a year or names an impossible one.
    """
    context = _context_era(era)
    folded = _fold(text)
    stripped = folded.text.strip()
    begin = folded.text.find(stripped) if stripped else 0
    match = _PATTERN.fullmatch(folded.text, begin, begin + len(stripped)) if stripped else None
    if match is None:
        if re.match(rf"(?:{_ERA_RE})?\s*[\-−‐]\s*[0-9]", stripped):
            raise WarekiError(text, "負の年はありません")
        raise WarekiError(text, "年として読める形ではありません（例：令和3年度、R3、2021年度）")
    return _interpret(match, context, text)


def find_year(text: str, *, era: str | None = None) -> Year | None:
    """The first year mentioned in a longer text such as a column header 目標値(令和8年度).

    Returns None when nothing in the text is meant as a year.  Raises :class:`WarekiError`
    when something clearly is (令和99年度, or 26年度 with no era known) but cannot be read,
    because quietly skipping it would attach the wrong year to a whole column.
    """
    hit = _search(_fold(text), _context_era(era))
    if hit is None:
        return None
    if hit.error is not None:
        raise hit.error
    return hit.year


def _check_ad(ad_year: int) -> None:
    if not MIN_AD <= ad_year <= MAX_AD:
        raise WarekiError(
            str(ad_year), f"西暦{ad_year}年は扱える範囲（{MIN_AD}〜{MAX_AD}年）の外です"
        )


def _era_on(day: date) -> _Era:
    return [era for era in _ERAS if era.begins <= day][-1]


def era_of(ad_year: int, *, fiscal: bool = True) -> tuple[str, int]:
    """The era name and era year for an AD year, e.g. ``era_of(2021) == ("令和", 3)``.

    A calendar year in which the era changed is named by the new era (2019 = 令和元年), as
    conversion tables do.  A 年度 is named by the era in force for most of it: FY2019
    (April 2019 - March 2020) is 令和元年度, FY1926 is 大正15年度 (昭和 began on 25 December).
    """
    _check_ad(ad_year)
    if not fiscal:
        era = _era_on(date(ad_year, 12, 31))
        return era.name, ad_year - era.first_ad + 1
    first, last = date(ad_year, 4, 1), date(ad_year + 1, 3, 31)
    era = _era_on(first)
    for later in _ERAS:
        if first < later.begins <= last and (last - later.begins) > (later.begins - first):
            era = later
    return era.name, ad_year - era.first_ad + 1


def _era_label(ad_year: int, *, fiscal: bool, gannen: bool, heisei31: bool) -> str:
    if heisei31 and ad_year == 2019:
        name, count = "平成", 31
    else:
        name, count = era_of(ad_year, fiscal=fiscal)
    return f"{name}{'元' if count == 1 and gannen else count}"


def format_fy(fy: int, *, gannen: bool = True, heisei31: bool = False, ad: bool = True) -> str:
    """Write a 年度 the way plans do: ``format_fy(2021) == "令和3年度（2021年度）"``.

    ``gannen=False`` writes 令和1年度 for systems that cannot take 元; ``heisei31=True`` names
    FY2019 平成31年度 as plans decided before the era change did; ``ad=False`` drops the
    AD year in parentheses.
    """
    label = _era_label(fy, fiscal=True, gannen=gannen, heisei31=heisei31)
    return f"{label}年度（{fy}年度）" if ad else f"{label}年度"


_SUFFIX = {YearKind.FISCAL: "年度", YearKind.CALENDAR: "年", YearKind.UNSPECIFIED: ""}


def format_year(year: Year, *, gannen: bool = True, heisei31: bool = False, ad: bool = True) -> str:
    """Write any Year so that :func:`parse_year` reads it back to an equal Year.

    平成27年（2015年）, 平成29年度〜令和元年度（2017〜2019年度）, 平成22（2010）; the options
    are those of :func:`format_fy`.
    """
    suffix = _SUFFIX[YearKind(year.kind)]
    fiscal = year.kind == YearKind.FISCAL

    def label(ad_year: int) -> str:
        return _era_label(ad_year, fiscal=fiscal, gannen=gannen, heisei31=heisei31) + suffix

    if year.end is not None:
        text = f"{label(year.start)}〜{label(year.end)}"
        return f"{text}（{year.start}〜{year.end}{suffix}）" if ad else text
    text = label(year.start)
    if ad:
        text += f"（{year.start}{suffix}）"
    if year.month is not None:
        # 平成22 3月: without a space the month would run into the era year (平成223月).
        text += f"{' ' if text[-1].isdigit() else ''}{year.month}月"
    return text
