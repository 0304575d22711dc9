"""Table cells from real plans, taken apart without losing a character."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sasaeai.lib.values import CellValue, Status, TargetKind, parse_cell
from sasaeai.lib.wareki import Year, YearKind, format_fy

FISCAL, CALENDAR = YearKind.FISCAL, YearKind.CALENDAR
D = Decimal
EMPTY = {"value": None, "status": Status.NOT_SURVEYED, "problems": ()}

# (cell, keyword arguments, expected fields, id).  Fields not named are not checked, except
# that ``problems`` must be empty unless named and ``verbatim`` must always be the input.
CASES: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    (
        "41.6%(平成28年度)",
        {},
        {"value": D("41.6"), "unit": "%", "year": Year(2016, FISCAL), "note": ""},
        "percent-with-fy",
    ),
    (
        "35.9%(平成25年度)※3",
        {},
        {"value": D("35.9"), "unit": "%", "year": Year(2013, FISCAL), "footnotes": ("※3",)},
        "footnote",
    ),
    (
        "35,000 件以上",
        {},
        {"value": D(35000), "unit": "件", "target_kind": TargetKind.AT_LEAST},
        "at-least",
    ),
    ("‐", {}, EMPTY, "hyphen"),
    ("−", {}, EMPTY, "minus-sign"),
    ("—", {}, EMPTY, "em-dash"),
    ("-", {}, EMPTY, "ascii-hyphen"),
    ("－", {}, EMPTY, "full-width-hyphen"),
    ("ー", {}, EMPTY, "long-vowel-mark"),
    ("", {}, EMPTY, "empty"),
    ("  ", {}, EMPTY, "spaces"),
    ("‐※1", {}, {**EMPTY, "footnotes": ("※1",)}, "dash-with-footnote"),
    ("調査中", {}, {"value": None, "status": Status.SURVEYING}, "surveying"),
    ("78.9%(推計)", {}, {"value": D("78.9"), "status": Status.ESTIMATED, "note": ""}, "estimate"),
    (
        "〇〇%",
        {},
        {"value": None, "unit": "%", "status": Status.PLACEHOLDER, "target_kind": None},
        "placeholder-percent",
    ),
    (
        "〇〇%",
        {"as_target": True},
        {"value": None, "unit": "%", "status": Status.PLACEHOLDER, "target_kind": "pending"},
        "placeholder-target",
    ),
    ("〇〇件", {}, {"unit": "件", "status": Status.PLACEHOLDER}, "placeholder-count"),
    ("○○%", {}, {"unit": "%", "status": Status.PLACEHOLDER}, "placeholder-white-circle"),
    ("↗", {}, {"value": None, "target_kind": TargetKind.UP}, "arrow-up"),
    ("↘", {}, {"value": None, "target_kind": TargetKind.DOWN}, "arrow-down"),
    ("増加", {}, {"value": None, "target_kind": TargetKind.UP}, "increase"),
    ("減少", {}, {"value": None, "target_kind": TargetKind.DOWN}, "decrease"),
    (
        "現状の水準を維持",
        {},
        {"value": None, "target_kind": TargetKind.MAINTAIN, "note": ""},
        "maintain-phrase",
    ),
    ("維持", {}, {"value": None, "target_kind": TargetKind.MAINTAIN}, "maintain"),
    (
        "検討中",
        {},
        {"value": None, "status": Status.NOT_SURVEYED, "target_kind": TargetKind.PENDING},
        "pending",
    ),
    ("設定しない", {}, {"value": None, "target_kind": TargetKind.NOT_SET}, "not-set"),
    (
        "500人以下",
        {},
        {"value": D(500), "unit": "人", "target_kind": TargetKind.AT_MOST},
        "at-most",
    ),
    ("8組織", {}, {"value": D(8), "unit": "組織"}, "organisations"),
    ("３２，０１９ 人", {}, {"value": D(32019), "unit": "人"}, "full-width-digits"),
    ("32,019 人", {}, {"value": D(32019), "unit": "人"}, "thousands"),
    ("8.55%", {}, {"value": D("8.55"), "unit": "%"}, "two-decimals"),
    ("20%", {}, {"value": D(20), "unit": "%", "status": Status.MEASURED}, "integer-percent"),
    ("49.86%", {}, {"value": D("49.86"), "unit": "%"}, "percent"),
    ("41.6％", {}, {"value": D("41.6"), "unit": "%"}, "full-width-percent"),
    ("46 校区", {}, {"value": D(46), "unit": "校区"}, "school-districts"),
    (
        "現状値(令和元年度):716件",
        {},
        {"value": D(716), "unit": "件", "year": Year(2019, FISCAL), "note": "現状値"},
        "label-and-year",
    ),
    (
        "参加者2,728人/年(H29年度~R元年度の参加者平均人数)",
        {},
        {
            "value": D(2728),
            "unit": "人/年",
            "year": Year(2017, FISCAL, end=2019),
            "note": "参加者(H29年度~R元年度の参加者平均人数)",
        },
        "per-year-with-range",
    ),
    (
        "85.3%",
        {"default_year": Year(2015, CALENDAR)},
        {"value": D("85.3"), "year": Year(2015, CALENDAR)},
        "default-year",
    ),
    (
        "85.3%(令和2年度)",
        {"default_year": Year(2015, CALENDAR)},
        {"year": Year(2020, FISCAL)},
        "own-year-wins",
    ),
    ("26年度 35%", {"era": "平成"}, {"value": D(35), "year": Year(2014, FISCAL)}, "context-era"),
    ("20%", {"as_target": True}, {"target_kind": TargetKind.VALUE}, "plain-target"),
    ("20%", {}, {"target_kind": None}, "plain-not-target"),
    ("△5.2ポイント", {}, {"value": D("-5.2"), "unit": "ポイント"}, "triangle-minus"),
    ("▲3", {}, {"value": D(-3)}, "black-triangle-minus"),
    ("約500人程度", {}, {"value": D(500), "unit": "人", "note": "約 程度"}, "approximately"),
    (
        "(H30 実績) 120人",
        {},
        {"value": D(120), "year": Year(2018, YearKind.UNSPECIFIED), "status": Status.MEASURED},
        "actual",
    ),
    ("8拠点", {}, {"value": D(8), "unit": "拠点"}, "other-unit"),
    ("85% 全国平均", {}, {"value": D(85), "unit": "%", "note": "全国平均"}, "unit-then-words"),
    ("〇〇地区 50人", {}, {"value": D(50), "status": Status.MEASURED}, "anonymised-name"),
    ("41.6%①", {}, {"value": D("41.6"), "footnotes": ("①",)}, "circled-footnote"),
    ("41.6%¹", {}, {"value": D("41.6"), "footnotes": ("¹",)}, "superscript-footnote"),
    ("※ 50人", {}, {"value": D(50), "footnotes": ("※",), "note": ""}, "mark-then-value"),
    ("12%*", {}, {"value": D(12), "footnotes": ("*",)}, "asterisk"),
    ("12.5%(※2)", {}, {"value": D("12.5"), "footnotes": ("※2",), "note": ""}, "paren-mark"),
    ("80%を維持", {}, {"value": D(80), "target_kind": TargetKind.MAINTAIN}, "value-maintain"),
    (
        "令和3年度（2021年度） 1,234件",
        {},
        {"value": D(1234), "year": Year(2021, FISCAL), "note": ""},
        "year-first",
    ),
]


@pytest.mark.parametrize(
    ("text", "kwargs", "expected"), [c[:3] for c in CASES], ids=[c[3] for c in CASES]
)
def test_it_reads_real_cells(text: str, kwargs: dict[str, Any], expected: dict[str, Any]) -> None:
    cell = parse_cell(text, **kwargs)
    assert cell.verbatim == text
    expected = {"problems": (), **expected}
    assert {name: getattr(cell, name) for name in expected} == expected
    if cell.year is not None and "year" in expected:
        assert (cell.year.kind, cell.year.end) == (expected["year"].kind, expected["year"].end)


PROBLEM_CASES = [
    ("たくさん", {}, "数値を読み取れません", "words-only"),
    ("令和3年度", {}, "数値を読み取れません", "year-only"),
    ("26年度 35%", {}, "元号", "bare-year-without-era"),
    ("令和99年度 35%", {}, "令和99年度", "impossible-year"),
    ("41.6%(平成28年度) 45%(令和2年度)", {}, "年が複数", "two-years"),
    ("男性 20.1% 女性 15.3%", {}, "数値が複数", "two-values"),
    ("1,2345人", {}, "数値を読み取れません", "malformed-thousands"),
    ("↗ 維持", {}, "目標の種類が複数書かれています（↗・維持）", "two-target-kinds"),
    ("(推計)", {}, "推計", "estimate-without-value"),
    ("35%", {"era": "西暦"}, "元号として認識できません", "bad-era-argument"),
]


@pytest.mark.parametrize(
    ("text", "kwargs", "fragment"),
    [c[:3] for c in PROBLEM_CASES],
    ids=[c[3] for c in PROBLEM_CASES],
)
def test_it_reports_what_it_cannot_understand(
    text: str, kwargs: dict[str, Any], fragment: str
) -> None:
    cell = parse_cell(text, **kwargs)
    assert cell.verbatim == text
    assert any(fragment in problem for problem in cell.problems), cell.problems


def test_it_keeps_unreadable_text_as_note() -> None:
    cell = parse_cell("たくさん")
    assert (cell.value, cell.note, cell.status) == (None, "たくさん", Status.NOT_SURVEYED)


def test_it_keeps_the_year_spelling() -> None:
    cell = parse_cell("41.6%（平成２８年度）")
    assert cell.year is not None
    assert cell.year.verbatim == "平成２８年度"


def test_it_returns_a_frozen_value() -> None:
    cell = parse_cell("20%")
    assert isinstance(cell, CellValue)
    with pytest.raises(AttributeError):
        cell.value = D(1)  # type: ignore[misc]


# --- properties ---------------------------------------------------------------------------


@given(st.text(max_size=40))
def test_it_never_raises_and_never_changes_the_text(text: str) -> None:
    cell = parse_cell(text)
    assert cell.verbatim == text
    if cell.value is None:
        assert cell.status in (Status.NOT_SURVEYED, Status.SURVEYING, Status.PLACEHOLDER)


@given(
    value=st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False),
    unit=st.sampled_from(["%", "件", "人", "箇所", "校区", "組織", "人/年", ""]),
    fy=st.integers(min_value=1989, max_value=2060),
    ad=st.booleans(),
    thousands=st.booleans(),
)
def test_it_reads_back_a_written_cell(
    value: Decimal, unit: str, fy: int, ad: bool, thousands: bool
) -> None:
    number = f"{value:,}" if thousands else str(value)
    cell = parse_cell(f"{number}{unit}({format_fy(fy, ad=ad)})")
    assert (cell.value, cell.unit, cell.year, cell.problems) == (value, unit, Year(fy, FISCAL), ())
    assert cell.status == Status.MEASURED
