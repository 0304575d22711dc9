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
    """Judge one indicator. `higher_is_better` is None for a 'within a band' polarity.

    The steps, each its own function: is there anything to judge at all; which way is better;
    how far the value moved and how wide its noise band is; then either "kept where it should
    stay" (a band polarity or a 維持 target) or "moving towards the target", with its pace."""
    rule = rule or Rule()
    reason = _why_unjudgeable(baseline, latest, goal, evaluation_year)
    if reason is not None:
        return _verdict(rule, _Finding(Category.UNJUDGEABLE, reason))
    assert baseline is not None and latest is not None  # noqa: S101  (usable)
    better = _better_direction(higher_is_better, goal)
    movement = _movement(unit, survey, baseline, latest, rule)
    finding = _judge_kept(movement, better, goal)
    if finding is None:
        assert better is not None  # noqa: S101  (a band polarity was judged as kept)
        finding = _judge_progress(movement, better, goal)
    return _verdict(rule, finding, band=movement.band, change=movement.change)


@dataclass(frozen=True)
class _Finding:
    """A category and its sentence, with {label} where the plan's name for it goes."""

    category: Category
    sentence: str
    pace: Decimal | None = None


def _verdict(rule: Rule, finding: _Finding, *, band: Decimal | None = None,
             change: Decimal | None = None) -> Judgement:
    label = {**DEFAULT_LABELS, **rule.labels}[finding.category]
    return Judgement(finding.category, label, finding.sentence.replace("{label}", f"「{label}」"),
                     band=band, change=change, pace=finding.pace)


def _why_unjudgeable(baseline: Point | None, latest: Point | None, goal: Goal | None,
                     evaluation_year: int | None) -> str | None:
    """Why there is nothing to judge (the sentence of 判定不能), or None when there is."""
    if evaluation_year is not None and (latest is None or latest.year != evaluation_year):
        return (f"{evaluation_year}年（度）の値がないため{{label}}です"
                "（その年に調査・集計が行われていない場合を含みます）。")
    if baseline is None or not baseline.usable:
        reason = STATUS_REASON.get(baseline.status, "値なし") if baseline else "未登録"
        return f"基準値が{reason}のため{{label}}です。"
    if latest is None or not latest.usable:
        reason = STATUS_REASON.get(latest.status, "値なし") if latest else "未登録"
        return f"基準値（{baseline.label()}）に対し、現状値が{reason}のため{{label}}です。"
    base_time, latest_time = baseline.time, latest.time
    if base_time is not None and latest_time is not None and latest_time <= base_time:
        return f"基準値（{baseline.label()}）より新しい値がないため{{label}}です。"
    if goal is not None and goal.kind == "pending":
        return f"目標値が検討中（{goal.verbatim or '未設定'}）のため{{label}}です。"
    return None


def _better_direction(higher_is_better: bool | None, goal: Goal | None) -> bool | None:
    """Which way is better: the polarity, or what a direction-only target says."""
    if goal is not None and goal.kind in {"up", "down"}:
        return goal.kind == "up"
    return higher_is_better


@dataclass(frozen=True)
class _Movement:
    """From the baseline to the latest value, and the band within which a change is noise."""

    baseline: Point
    latest: Point
    unit: str
    before: Decimal
    after: Decimal
    band: Decimal
    band_text: str

    @property
    def change(self) -> Decimal:
        return self.after - self.before

    @property
    def within_band(self) -> bool:
        return abs(self.change) <= self.band

    def gain(self, higher_is_better: bool) -> Decimal:
        """The change counted in the better direction."""
        return self.change if higher_is_better else -self.change

    @property
    def text(self) -> str:
        change = self.change
        return (f"基準値（{self.baseline.label()}）から現状値（{self.latest.label()}）へ"
                + (f"{'+' if change > 0 else ''}{_fmt(change, self.unit)}の変化" if change
                   else "変化なし"))


def _movement(unit: str, survey: bool, baseline: Point, latest: Point, rule: Rule) -> _Movement:
    """The change, and its noise band: a survey's own margin when known, else the rule's."""
    assert baseline.value is not None and latest.value is not None  # noqa: S101  (usable)
    if survey:
        margin = latest.margin
        band = margin if margin is not None else rule.survey_band_points
        band_text = (MARGIN_TEXT.get(latest.margin_basis, "調査の誤差（±{}）")
                     .format(_fmt(band, unit)) if margin is not None
                     else f"調査の誤差の目安（±{_fmt(band, unit)}）")
    else:
        band = abs(baseline.value) * rule.other_band_percent / 100
        band_text = f"基準値の±{rule.other_band_percent.normalize():f}%（±{_fmt(band, unit)}）"
    return _Movement(baseline, latest, unit, baseline.value, latest.value, band, band_text)


def _judge_kept(m: _Movement, better: bool | None, goal: Goal | None) -> _Finding | None:
    """A 'within a band' polarity or a 維持 target: was the value kept where it should stay?
    None when neither applies (the value should move towards a target)."""
    maintain = goal is not None and goal.kind == "maintain"
    if better is not None and not maintain:
        return None
    if m.within_band:
        return _Finding(Category.ACHIEVED if maintain else Category.FLAT,
                        f"{m.text}で、{m.band_text}の範囲内のため{{label}}です。")
    if better is None:
        return _Finding(Category.WORSENING,
                        f"{m.text}で、望ましい範囲（{m.band_text}）を外れたため{{label}}です。")
    assert goal is not None  # noqa: S101  (maintain)
    gain = m.gain(better)
    side = "望ましい方向" if gain > 0 else "望ましくない方向"
    return _Finding(Category.ACHIEVED if gain > 0 else Category.WORSENING,
                    f"{m.text}で、{m.band_text}を超えて{side}に動いたため{{label}}です"
                    f"（目標は{goal.verbatim or '維持'}）。")


def _numeric(goal: Goal | None) -> Goal | None:
    """The goal when it is a number to reach (a value or a bound), else None."""
    if goal is not None and goal.kind in {"value", "at_least", "at_most"} \
            and goal.value is not None:
        return goal
    return None


def _target_met(value: Decimal, goal: Goal, better: bool) -> bool:
    assert goal.value is not None  # noqa: S101  (numeric)
    return {
        "at_least": value >= goal.value,
        "at_most": value <= goal.value,
        "value": value >= goal.value if better else value <= goal.value,
    }[goal.kind]


def _judge_progress(m: _Movement, better: bool, goal: Goal | None) -> _Finding:
    """A value that should move one way: target met, within the noise, the wrong way, or the
    right way (with its pace when a numeric target has a year)."""
    numeric = _numeric(goal)
    if numeric is not None and _target_met(m.after, numeric, better):
        return _Finding(Category.ACHIEVED,
                        f"現状値（{m.latest.label()}）が目標値（{numeric.label()}）に達しているため"
                        f"{{label}}です。")
    if m.within_band:
        rest = f"目標値（{numeric.label()}）には達していません。" if numeric else ""
        return _Finding(Category.FLAT, f"{m.text}で、{m.band_text}の範囲内のため{{label}}です。{rest}")
    if m.gain(better) < 0:
        wanted = "増加" if better else "減少"
        return _Finding(Category.WORSENING,
                        f"{m.text}で、{m.band_text}を超えて望ましくない方向（{wanted}が望ましい指標）"
                        f"に動いたため{{label}}です。")
    if numeric is None:
        what = "目標は方向のみ" if goal and goal.kind in {"up", "down"} else "数値目標がない"
        return _Finding(Category.IMPROVING,
                        f"{m.text}で、{m.band_text}を超えて望ましい方向に動いたため{{label}}です"
                        f"（{what}ため、進み具合は判定していません）。")
    return _judge_pace(m, better, numeric)


def _judge_pace(m: _Movement, better: bool, goal: Goal) -> _Finding:
    """Right direction, target not met: compare with the straight line to the target."""
    assert goal.value is not None  # noqa: S101  (numeric)
    goal_time = Decimal(goal.year) if goal.year is not None else None
    base_time, latest_time = m.baseline.time, m.latest.time
    if goal_time is None or base_time is None or latest_time is None or goal_time <= base_time:
        return _Finding(Category.IMPROVING,
                        f"{m.text}で、{m.band_text}を超えて望ましい方向に動いていますが、目標値"
                        f"（{goal.label()}）の年がわからないため進み具合は判定できず{{label}}です。")
    elapsed = min(latest_time, goal_time) - base_time
    pace = m.before + (goal.value - m.before) * elapsed / (goal_time - base_time)
    ahead = m.after >= pace if better else m.after <= pace
    pace_text = (f"基準値から目標値（{goal.label()}）までを直線で結んだ"
                 f"{format_year(Year(m.latest.year or 0, YearKind(m.latest.year_kind)))}時点の目安"
                 f" {_level(pace, m.unit)}")
    if ahead:
        return _Finding(Category.ON_TRACK,
                        f"{m.text}で、{m.band_text}を超えて望ましい方向に動き、{pace_text}に"
                        f"届いているため{{label}}です。", pace)
    return _Finding(Category.IMPROVING,
                    f"{m.text}で、{m.band_text}を超えて望ましい方向に動いていますが、{pace_text}に"
                    f"届かないため{{label}}です。", pace)
