"""Judgement of progress: is an indicator moving the right way, fast enough?

Plain functions over plain values, so that every rule can be tested on tables of real cases and
on generated ones. A judgement always comes with one Japanese sentence naming the numbers and the
rule that decided it. "Not measured" is never zero: without a baseline, a new value or a target
to judge against, the answer is 判定不能 and the sentence says why.

Rules (per plan, see JudgementRule):
- noise band: for survey values, the observation's own margin of error when known, else a fixed
  number of points (default 3); for other values, a share of the baseline (default 10 %);
- 達成: the target is met (value / 以上 / 以下), or a 維持 target is kept (within the band, or
  better);
- 順調: right direction beyond the band, at or above the straight line from the baseline
  (its year; the midpoint of a multi-year average) to the target at its year;
- 改善: right direction beyond the band, below that pace (or no pace can be drawn);
- 横ばい: change within the band;
- 悪化: wrong direction beyond the band;
- 判定不能: no baseline, no new value, a target still 検討中, or no value in the year asked.
Direction-only targets (↗ ↘) and 設定しない give 改善 / 横ばい / 悪化 only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from sasaeai.lib.wareki import Year, YearKind, format_year


class Category(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    IMPROVING = "improving"
    FLAT = "flat"
    WORSENING = "worsening"
    UNJUDGEABLE = "unjudgeable"


DEFAULT_LABELS: dict[str, str] = {
    Category.ACHIEVED: "達成", Category.ON_TRACK: "順調", Category.IMPROVING: "改善",
    Category.FLAT: "横ばい", Category.WORSENING: "悪化", Category.UNJUDGEABLE: "判定不能",
}
ORDER = list(Category)

MEASURED = {"measured", "estimated"}
STATUS_REASON = {
    "surveying": "調査中",
    "not_surveyed": "未調査（値なし）",
    "placeholder": "未記入（〇〇）",
}

# How a survey value's own band is named in the sentence (Observation.MarginBasis).
MARGIN_TEXT = {
    "": "調査の誤差（±{}）",
    "sampling": "この調査の標本誤差（95%信頼区間、±{}）",
    "two_proportion": "基準値の調査との差の検定で有意とならない幅（95%、±{}）",
}


@dataclass(frozen=True)
class Point:
    """A figure as the judgement sees it."""

    value: Decimal | None
    year: int | None
    year_kind: str = YearKind.FISCAL
    year_end: int | None = None
    status: str = "measured"
    verbatim: str = ""
    margin: Decimal | None = None
    margin_basis: str = ""

    @property
    def usable(self) -> bool:
        return self.value is not None and self.status in MEASURED

    @property
    def time(self) -> Decimal | None:
        """Where the figure sits in time: the midpoint of a multi-year average."""
        if self.year is None:
            return None
        if self.year_end is not None:
            return (Decimal(self.year) + Decimal(self.year_end)) / 2
        return Decimal(self.year)

    def label(self) -> str:
        text = self.verbatim or (f"{self.value.normalize():f}" if self.value is not None else "—")
        if self.year is None:
            return text
        return f"{format_year(Year(self.year, YearKind(self.year_kind), end=self.year_end))}の{text}"


@dataclass(frozen=True)
class Goal:
    """A target as the judgement sees it (Target.Kind values)."""

    kind: str
    value: Decimal | None = None
    year: int | None = None
    year_kind: str = YearKind.FISCAL
    verbatim: str = ""

    def label(self) -> str:
        text = self.verbatim or (f"{self.value.normalize():f}" if self.value is not None else "")
        if self.year is None:
            return text
        return f"{format_year(Year(self.year, YearKind(self.year_kind)))}の{text}"


@dataclass(frozen=True)
class Rule:
    survey_band_points: Decimal = Decimal(3)
    other_band_percent: Decimal = Decimal(10)
    labels: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_LABELS))


@dataclass(frozen=True)
class Judgement:
    category: Category
    label: str
    sentence: str
    band: Decimal | None = None
    change: Decimal | None = None
    pace: Decimal | None = None


def _number(value: Decimal, places: str = "0.01") -> str:
    """35000 → 35,000; 1.0 → 1; 0.90 → 0.9; at most two decimals."""
    rounded = value.quantize(Decimal(places), rounding=ROUND_HALF_UP)  # 四捨五入
    text = f"{rounded:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _level(value: Decimal, unit: str) -> str:
    return f"{_number(value, '0.1')}{unit}"


def _fmt(value: Decimal, unit: str) -> str:
    """A difference: percentages differ in points."""
    return f"{_number(value)}{'ポイント' if unit == '%' else unit}"


def judge(
    *,
    unit: str,
    higher_is_better: bool | None,
    survey: bool,
    baseline: Point | None,
    latest: Point | None,
    goal: Goal | None,
    rule: Rule | None = None,
    evaluation_year: int | None = None,
) -> Judgement:
    """Judge one indicator. `higher_is_better` is None for a 'within a band' polarity."""
    rule = rule or Rule()
    labels = {**DEFAULT_LABELS, **rule.labels}

    def verdict(category: Category, sentence: str, **numbers: Decimal | None) -> Judgement:
        label = labels[category]
        return Judgement(category, label, sentence.replace("{label}", f"「{label}」"), **numbers)

    if evaluation_year is not None and (latest is None or latest.year != evaluation_year):
        return verdict(Category.UNJUDGEABLE,
                       f"{evaluation_year}年（度）の値がないため{{label}}です"
                       "（その年に調査・集計が行われていない場合を含みます）。")
    if baseline is None or not baseline.usable:
        reason = STATUS_REASON.get(baseline.status, "値なし") if baseline else "未登録"
        return verdict(Category.UNJUDGEABLE, f"基準値が{reason}のため{{label}}です。")
    if latest is None or not latest.usable:
        reason = STATUS_REASON.get(latest.status, "値なし") if latest else "未登録"
        return verdict(Category.UNJUDGEABLE,
                       f"基準値（{baseline.label()}）に対し、現状値が{reason}のため{{label}}です。")
    base_time, latest_time = baseline.time, latest.time
    if base_time is not None and latest_time is not None and latest_time <= base_time:
        return verdict(Category.UNJUDGEABLE,
                       f"基準値（{baseline.label()}）より新しい値がないため{{label}}です。")
    if goal is not None and goal.kind == "pending":
        return verdict(Category.UNJUDGEABLE,
                       f"目標値が検討中（{goal.verbatim or '未設定'}）のため{{label}}です。")
    assert baseline.value is not None and latest.value is not None  # noqa: S101  (usable)

    # Which way is better: the polarity, or what a direction-only target says.
    if goal is not None and goal.kind in {"up", "down"}:
        higher_is_better = goal.kind == "up"
    change = latest.value - baseline.value
    if survey:
        margin = latest.margin if latest.margin is not None else None
        band = margin if margin is not None else rule.survey_band_points
        band_text = (MARGIN_TEXT.get(latest.margin_basis, "調査の誤差（±{}）")
                     .format(_fmt(band, unit)) if margin is not None
                     else f"調査の誤差の目安（±{_fmt(band, unit)}）")
    else:
        band = abs(baseline.value) * rule.other_band_percent / 100
        band_text = f"基準値の±{rule.other_band_percent.normalize():f}%（±{_fmt(band, unit)}）"
    moved = (f"基準値（{baseline.label()}）から現状値（{latest.label()}）へ"
             + (f"{'+' if change > 0 else ''}{_fmt(change, unit)}の変化" if change else "変化なし"))
    numbers = {"band": band, "change": change}

    if higher_is_better is None or (goal is not None and goal.kind == "maintain"):
        if abs(change) <= band:
            kept = goal is not None and goal.kind == "maintain"
            category = Category.ACHIEVED if kept else Category.FLAT
            return verdict(category, f"{moved}で、{band_text}の範囲内のため{{label}}です。",
                           **numbers)
        if higher_is_better is None:
            return verdict(Category.WORSENING,
                           f"{moved}で、望ましい範囲（{band_text}）を外れたため{{label}}です。",
                           **numbers)
    assert higher_is_better is not None  # noqa: S101
    gain = change if higher_is_better else -change
    better = "増加" if higher_is_better else "減少"

    if goal is not None and goal.kind == "maintain":
        category = Category.ACHIEVED if gain > 0 else Category.WORSENING
        side = "望ましい方向" if gain > 0 else "望ましくない方向"
        return verdict(category, f"{moved}で、{band_text}を超えて{side}に動いたため{{label}}です"
                                 f"（目標は{goal.verbatim or '維持'}）。", **numbers)

    numeric = goal is not None and goal.kind in {"value", "at_least", "at_most"} \
        and goal.value is not None
    if numeric and goal is not None and goal.value is not None:
        met = {
            "at_least": latest.value >= goal.value,
            "at_most": latest.value <= goal.value,
            "value": latest.value >= goal.value if higher_is_better else latest.value <= goal.value,
        }[goal.kind]
        if met:
            return verdict(Category.ACHIEVED,
                           f"現状値（{latest.label()}）が目標値（{goal.label()}）に達しているため"
                           f"{{label}}です。", **numbers)

    if abs(change) <= band:
        rest = f"目標値（{goal.label()}）には達していません。" if numeric and goal else ""
        return verdict(Category.FLAT, f"{moved}で、{band_text}の範囲内のため{{label}}です。{rest}",
                       **numbers)
    if gain < 0:
        return verdict(Category.WORSENING,
                       f"{moved}で、{band_text}を超えて望ましくない方向（{better}が望ましい指標）"
                       f"に動いたため{{label}}です。", **numbers)
    if not numeric or goal is None or goal.value is None:
        what = "目標は方向のみ" if goal and goal.kind in {"up", "down"} else "数値目標がない"
        return verdict(Category.IMPROVING,
                       f"{moved}で、{band_text}を超えて望ましい方向に動いたため{{label}}です"
                       f"（{what}ため、進み具合は判定していません）。", **numbers)

    # Right direction, target not met: compare with the straight line to the target.
    goal_time = Decimal(goal.year) if goal.year is not None else None
    if goal_time is None or base_time is None or latest_time is None or goal_time <= base_time:
        return verdict(Category.IMPROVING,
                       f"{moved}で、{band_text}を超えて望ましい方向に動いていますが、目標値"
                       f"（{goal.label()}）の年がわからないため進み具合は判定できず{{label}}です。",
                       **numbers)
    elapsed = min(latest_time, goal_time) - base_time
    pace = baseline.value + (goal.value - baseline.value) * elapsed / (goal_time - base_time)
    numbers["pace"] = pace
    ahead = latest.value >= pace if higher_is_better else latest.value <= pace
    pace_text = (f"基準値から目標値（{goal.label()}）までを直線で結んだ"
                 f"{format_year(Year(latest.year or 0, YearKind(latest.year_kind)))}時点の目安"
                 f" {_level(pace, unit)}")
    if ahead:
        return verdict(Category.ON_TRACK,
                       f"{moved}で、{band_text}を超えて望ましい方向に動き、{pace_text}に"
                       f"届いているため{{label}}です。", **numbers)
    return verdict(Category.IMPROVING,
                   f"{moved}で、{band_text}を超えて望ましい方向に動いていますが、{pace_text}に"
                   f"届かないため{{label}}です。", **numbers)
