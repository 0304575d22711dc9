"""和暦 and 年度 as written in real plans: every spelling below was seen in one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sasaeai.lib.wareki import (
    MAX_AD,
    MIN_AD,
    WarekiError,
    Year,
    YearKind,
    era_of,
    find_year,
    format_fy,
    format_year,
    parse_year,
)

FISCAL, CALENDAR, UNSPECIFIED = YearKind.FISCAL, YearKind.CALENDAR, YearKind.UNSPECIFIED
_FULL_WIDTH = str.maketrans("0123456789()", "０１２３４５６７８９（）")

PARSE_CASES = [
    ("令和3年度", None, Year(2021, FISCAL), "reiwa-fy"),
    ("令和元年度", None, Year(2019, FISCAL), "reiwa-gannen"),
    ("平成31年度", None, Year(2019, FISCAL), "heisei31-fy"),
    ("令和1年度", None, Year(2019, FISCAL), "reiwa-1-digit"),
    ("R2", None, Year(2020, UNSPECIFIED), "letter-alone"),
    ("Ｒ２", None, Year(2020, UNSPECIFIED), "full-width-letter"),
    ("r2", None, Year(2020, UNSPECIFIED), "lower-case-letter"),
    ("R2年度", None, Year(2020, FISCAL), "letter-fy"),
    ("R元年度", None, Year(2019, FISCAL), "letter-gannen"),
    ("H22", None, Year(2010, UNSPECIFIED), "heisei-letter"),
    ("平成32年度", None, Year(2020, FISCAL), "heisei-after-its-end"),
    ("平成40年度", None, Year(2028, FISCAL), "heisei-overrun-limit"),
    ("26年度", "平成", Year(2014, FISCAL), "bare-with-context"),
    ("26年度", "H", Year(2014, FISCAL), "bare-with-letter-context"),
    ("26", "平成", Year(2014, UNSPECIFIED), "bare-number-with-context"),
    ("元年度", "令和", Year(2019, FISCAL), "gannen-with-context"),
    ("元年", "平成", Year(1989, CALENDAR), "gannen-calendar-with-context"),
    ("平成27年", None, Year(2015, CALENDAR), "nen-is-calendar"),
    ("平成31年", None, Year(2019, CALENDAR), "heisei31-calendar"),
    ("令和元年", None, Year(2019, CALENDAR), "reiwa-gannen-calendar"),
    ("令和 2 年（2020 年）3 月", None, Year(2020, CALENDAR, month=3), "with-month"),
    ("2020年3月", None, Year(2020, CALENDAR, month=3), "ad-with-month"),
    ("H29年度~R元年度", None, Year(2017, FISCAL, end=2019), "range-tilde"),
    ("H29年度～R元年度", None, Year(2017, FISCAL, end=2019), "range-full-width-tilde"),
    ("H29年度〜R元年度", None, Year(2017, FISCAL, end=2019), "range-wave-dash"),
    ("H29年度ーR元年度", None, Year(2017, FISCAL, end=2019), "range-long-vowel"),
    ("H29~R元年度", None, Year(2017, FISCAL, end=2019), "range-suffix-at-end"),
    ("平成29~31年度", None, Year(2017, FISCAL, end=2019), "range-end-in-start-era"),
    ("2017〜2019年度", None, Year(2017, FISCAL, end=2019), "range-ad"),
    (
        "平成29年度〜令和元年度（2017〜2019年度）",
        None,
        Year(2017, FISCAL, end=2019),
        "range-with-ad",
    ),
    ("2021年度", None, Year(2021, FISCAL), "ad-fy"),
    ("2015年", None, Year(2015, CALENDAR), "ad-calendar"),
    ("2021", None, Year(2021, UNSPECIFIED), "ad-alone"),
    ("令和3年度（2021年度）", None, Year(2021, FISCAL), "ad-in-parentheses"),
    ("令和3年度(2021)", None, Year(2021, FISCAL), "ad-in-parentheses-no-suffix"),
    ("昭和62年（1987年）", None, Year(1987, CALENDAR), "showa-with-ad"),
    ("平成22（2010）", None, Year(2010, UNSPECIFIED), "unspecified-with-ad"),
    ("S62", None, Year(1987, UNSPECIFIED), "showa-letter"),
    ("T15", None, Year(1926, UNSPECIFIED), "taisho-letter"),
    ("M45", None, Year(1912, UNSPECIFIED), "meiji-letter"),
    ("大正元年", None, Year(1912, CALENDAR), "taisho-gannen"),
    ("明治元年", None, Year(1868, CALENDAR), "meiji-gannen"),
    ("令和　３年度", None, Year(2021, FISCAL), "full-width-space-and-digit"),
    ("  令和3年度 ", None, Year(2021, FISCAL), "surrounding-spaces"),
    ("㍻30年度", None, Year(2018, FISCAL), "era-ligature"),
    ("令和3年度", "平成", Year(2021, FISCAL), "own-era-wins-over-context"),
]


@pytest.mark.parametrize(
    ("text", "era", "expected"), [c[:3] for c in PARSE_CASES], ids=[c[3] for c in PARSE_CASES]
)
def test_it_parses_real_spellings(text: str, era: str | None, expected: Year) -> None:
    year = parse_year(text, era=era)
    assert year == expected
    assert (year.start, year.kind, year.end, year.month) == (
        expected.start,
        expected.kind,
        expected.end,
        expected.month,
    )
    assert year.verbatim == text


ERROR_CASES = [
    ("26年度", None, "元号", "bare-without-context"),
    ("元年度", None, "元号", "gannen-without-context"),
    ("令和99年度", None, "令和82年まで", "reiwa-too-far"),
    ("令和0年", None, "令和0年はありません", "reiwa-zero"),
    ("令和-1年", None, "負の年", "negative"),
    ("平成41年度", None, "平成40年まで", "heisei-too-far"),
    ("令和3年度（2020年度）", None, "一致しません", "ad-disagrees"),
    ("昭和62年（1988年）", None, "一致しません", "showa-ad-disagrees"),
    ("H31年度~H29年度", None, "前", "range-backwards"),
    ("H29年度~R元年", None, "混在", "range-mixed-kinds"),
    ("令和2年13月", None, "13月", "month-13"),
    ("2200年度", None, "範囲", "ad-too-far"),
    ("1850年", None, "範囲", "ad-before-meiji"),
    ("たくさん", None, "年として読める形ではありません", "not-a-year"),
    ("", None, "年として読める形ではありません", "empty"),
    ("令和3年度です", None, "年として読める形ではありません", "trailing-words"),
    ("26年度", "西暦", "元号として認識できません", "unknown-context-era"),
    ("2017~19年度", None, "元号", "ad-range-end-abbreviated"),
    ("令和3年度(2021~2022年度)", None, "範囲", "parenthesis-range-for-one-year"),
]


@pytest.mark.parametrize(
    ("text", "era", "fragment"), [c[:3] for c in ERROR_CASES], ids=[c[3] for c in ERROR_CASES]
)
def test_it_refuses_with_a_japanese_reason(text: str, era: str | None, fragment: str) -> None:
    with pytest.raises(WarekiError) as caught:
        parse_year(text, era=era)
    message = str(caught.value)
    assert fragment in message
    assert message.startswith(f"『{caught.value.text}』は解釈できません：")


def test_it_makes_wareki_error_a_value_error() -> None:
    with pytest.raises(ValueError, match="令和99年度"):
        parse_year("令和99年度")


FIND_CASES = [
    ("目標値 (令和7年)", None, Year(2025, CALENDAR), "令和7年", "target-header"),
    ("基準数値 (H22)", None, Year(2010, UNSPECIFIED), "H22", "baseline-letter"),
    ("26年度現状値", "平成", Year(2014, FISCAL), "26年度", "bare-with-context"),
    ("(参考) (H30 実績)", None, Year(2018, UNSPECIFIED), "H30", "reference-actual"),
    ("前回 (平成27年)", None, Year(2015, CALENDAR), "平成27年", "previous"),
    ("目標値(令和8年度)", None, Year(2026, FISCAL), "令和8年度", "target-fy"),
    ("現状値(令和元年度)", None, Year(2019, FISCAL), "令和元年度", "current-gannen"),
    (
        "H29年度~R元年度の参加者平均人数",
        None,
        Year(2017, FISCAL, end=2019),
        "H29年度~R元年度",
        "range-in-phrase",
    ),
    ("目標値（令和１２年度）", None, Year(2030, FISCAL), "令和１２年度", "full-width-digits"),
    ("現状値 令和3年度（2021年度）", None, Year(2021, FISCAL), "令和3年度（2021年度）", "ad"),
    ("人口 (2020)", None, Year(2020, UNSPECIFIED), "2020", "lone-ad-in-parentheses"),
    ("41.6%(平成28年度)", None, Year(2016, FISCAL), "平成28年度", "after-a-value"),
]


@pytest.mark.parametrize(
    ("text", "era", "expected", "verbatim"),
    [c[:4] for c in FIND_CASES],
    ids=[c[4] for c in FIND_CASES],
)
def test_it_finds_the_year_in_a_header(
    text: str, era: str | None, expected: Year, verbatim: str
) -> None:
    year = find_year(text, era=era)
    assert year == expected
    assert year is not None
    assert year.verbatim == verbatim


NOT_A_YEAR_CASES = [
    ("指標", "no-digits"),
    ("", "empty"),
    ("46 校区", "value"),
    ("35,000 件以上", "thousands"),
    ("8.55%", "decimal"),
    ("3年間の平均", "duration"),
    ("5年後", "years-later"),
    ("小学3年生", "school-grade"),
    ("SDGs 目標", "letters"),
    ("2021件", "four-digit-count"),
]


@pytest.mark.parametrize(
    "text", [c[0] for c in NOT_A_YEAR_CASES], ids=[c[1] for c in NOT_A_YEAR_CASES]
)
def test_it_finds_no_year_where_there_is_none(text: str) -> None:
    assert find_year(text) is None


def test_it_raises_when_a_header_year_cannot_be_read() -> None:
    with pytest.raises(WarekiError, match="元号"):
        find_year("26年度現状値")
    with pytest.raises(WarekiError, match="令和99年度"):
        find_year("目標値(令和99年度)")


FORMAT_FY_CASES = [
    (2021, {}, "令和3年度（2021年度）", "default"),
    (2019, {}, "令和元年度（2019年度）", "gannen"),
    (2019, {"heisei31": True}, "平成31年度（2019年度）", "heisei31"),
    (2018, {"heisei31": True}, "平成30年度（2018年度）", "heisei31-only-for-2019"),
    (2019, {"gannen": False}, "令和1年度（2019年度）", "no-gannen"),
    (2021, {"ad": False}, "令和3年度", "no-ad"),
    (1989, {}, "平成元年度（1989年度）", "heisei-gannen"),
    (1988, {}, "昭和63年度（1988年度）", "showa-last-fy"),
    (1926, {}, "大正15年度（1926年度）", "fy1926-mostly-taisho"),
]


@pytest.mark.parametrize(
    ("fy", "options", "expected"),
    [c[:3] for c in FORMAT_FY_CASES],
    ids=[c[3] for c in FORMAT_FY_CASES],
)
def test_it_formats_fiscal_years(fy: int, options: dict[str, bool], expected: str) -> None:
    assert format_fy(fy, **options) == expected


FORMAT_YEAR_CASES = [
    (Year(2015, CALENDAR), {}, "平成27年（2015年）", "calendar"),
    (Year(2021, FISCAL), {}, "令和3年度（2021年度）", "fiscal"),
    (Year(2017, FISCAL, end=2019), {}, "平成29年度〜令和元年度（2017〜2019年度）", "range"),
    (Year(2017, FISCAL, end=2019), {"ad": False}, "平成29年度〜令和元年度", "range-no-ad"),
    (Year(2010, UNSPECIFIED), {}, "平成22（2010）", "unspecified"),
    (Year(2010, UNSPECIFIED), {"ad": False}, "平成22", "unspecified-no-ad"),
    (Year(2020, CALENDAR, month=3), {}, "令和2年（2020年）3月", "month"),
    (Year(2010, UNSPECIFIED, month=3), {"ad": False}, "平成22 3月", "month-after-digit"),
    (Year(1926, CALENDAR), {}, "昭和元年（1926年）", "calendar-1926-new-era"),
    (Year(2019, CALENDAR), {"heisei31": True}, "平成31年（2019年）", "calendar-heisei31"),
]


@pytest.mark.parametrize(
    ("year", "options", "expected"),
    [c[:3] for c in FORMAT_YEAR_CASES],
    ids=[c[3] for c in FORMAT_YEAR_CASES],
)
def test_it_formats_years(year: Year, options: dict[str, bool], expected: str) -> None:
    assert format_year(year, **options) == expected
    assert parse_year(expected) == year


def test_it_uses_format_year_for_str() -> None:
    assert str(Year(2021, FISCAL)) == "令和3年度（2021年度）"


ERA_OF_CASES = [
    (2021, True, ("令和", 3), "reiwa"),
    (2019, True, ("令和", 1), "fy2019-mostly-reiwa"),
    (2019, False, ("令和", 1), "calendar-2019-new-era"),
    (2018, True, ("平成", 30), "heisei"),
    (1989, True, ("平成", 1), "fy1989"),
    (1988, True, ("昭和", 63), "fy1988-before-heisei"),
    (1926, True, ("大正", 15), "fy1926"),
    (1926, False, ("昭和", 1), "calendar-1926"),
    (1912, True, ("大正", 1), "fy1912-mostly-taisho"),
    (1868, False, ("明治", 1), "first"),
]


@pytest.mark.parametrize(
    ("ad_year", "fiscal", "expected"),
    [c[:3] for c in ERA_OF_CASES],
    ids=[c[3] for c in ERA_OF_CASES],
)
def test_it_names_the_era(ad_year: int, fiscal: bool, expected: tuple[str, int]) -> None:
    assert era_of(ad_year, fiscal=fiscal) == expected


@pytest.mark.parametrize("ad_year", [MIN_AD - 1, MAX_AD + 1, -5], ids=["before", "after", "neg"])
def test_it_refuses_years_out_of_range(ad_year: int) -> None:
    with pytest.raises(WarekiError, match="範囲"):
        format_fy(ad_year)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [({"end": 2018}, "前"), ({"month": 0}, "0月"), ({"end": 2020, "month": 3}, "月")],
    ids=["end-before-start", "month-zero", "month-on-range"],
)
def test_it_refuses_impossible_years(kwargs: dict[str, int], fragment: str) -> None:
    with pytest.raises(WarekiError, match=fragment):
        Year(2019, FISCAL, **kwargs)  # type: ignore[arg-type]


def test_it_ignores_verbatim_in_equality() -> None:
    assert parse_year("R3年度") == parse_year("令和３年度（2021年度）")
    assert len({parse_year("R3年度"), Year(2021, FISCAL, verbatim="x")}) == 1


# --- round trips: whatever we write, we read back ------------------------------------------

years = st.integers(min_value=MIN_AD, max_value=MAX_AD)
options = st.fixed_dictionaries(
    {"gannen": st.booleans(), "heisei31": st.booleans(), "ad": st.booleans()}
)


@given(fy=st.integers(min_value=1989, max_value=2060), opts=options)
def test_it_reads_back_every_modern_fiscal_year(fy: int, opts: dict[str, bool]) -> None:
    assert parse_year(format_fy(fy, **opts)) == Year(fy, FISCAL)


@given(fy=years, opts=options)
def test_it_reads_back_every_fiscal_year(fy: int, opts: dict[str, bool]) -> None:
    text = format_fy(fy, **opts)
    assert parse_year(text) == Year(fy, FISCAL)
    assert parse_year(text.translate(_FULL_WIDTH)) == Year(fy, FISCAL)


@given(
    start=years,
    kind=st.sampled_from(list(YearKind)),
    month=st.none() | st.integers(min_value=1, max_value=12),
    opts=options,
)
def test_it_reads_back_single_years(
    start: int, kind: YearKind, month: int | None, opts: dict[str, bool]
) -> None:
    year = Year(start, kind, month=month)
    assert parse_year(format_year(year, **opts)) == year


@given(start=years, length=st.integers(min_value=0, max_value=30), opts=options)
def test_it_reads_back_ranges(start: int, length: int, opts: dict[str, bool]) -> None:
    for kind in YearKind:
        year = Year(start, kind, end=min(start + length, MAX_AD))
        assert parse_year(format_year(year, **opts)) == year


@given(
    fy=years,
    opts=options,
    header=st.sampled_from(["目標値（{}）", "現状値 {} 実績", "{}の参加者数", "(参考)({})"]),
)
def test_it_finds_what_it_writes_inside_headers(
    fy: int, opts: dict[str, bool], header: str
) -> None:
    formatted = format_fy(fy, **opts)
    found = find_year(header.format(formatted))
    assert found == Year(fy, FISCAL)
    assert found is not None
    assert found.verbatim == formatted


@given(st.text(max_size=30))
def test_it_never_fails_other_than_with_wareki_error(text: str) -> None:
    try:
        parse_year(text)
        find_year(text)
    except WarekiError:
        pass
