"""An indicator's figures as a chart: inline SVG for pages and PDFs, and the table behind it.

The chart shows the 基準値, the 実績値 (with ± error bars where the survey's margin is known),
the 目標値 and the pace from the baseline to the target.  Years are labelled in 和暦 the way the
plans write them (:mod:`sasaeai.indicators.year_ticks`).  Text stays text
(``svg.fonttype="none"``) so the page can be searched and read aloud, and the page's own fonts
draw it; it is never read as mathtext, whatever ``$`` it holds.

The SVG is rewritten for inline use under the site's Content Security Policy (see
:mod:`sasaeai.indicators.svg`).

matplotlib keeps its settings in process-wide ``rcParams``; charts are drawn with the object
API (``Figure``, never pyplot) and under a lock, so concurrent requests cannot mix settings.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

from sasaeai.indicators.models import Indicator, Observation, Target
from sasaeai.indicators.svg import inline_svg
from sasaeai.indicators.year_ticks import SUFFIX, tick_style, year_tick_label
from sasaeai.lib.wareki import Year, YearKind, format_year

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["chart_table", "indicator_chart_svg"]

FONT_FAMILY = ["BIZ UDPGothic", "Noto Sans CJK JP", "IPAexGothic", "sans-serif"]

# Colours distinguishable in grey print and by people with colour-vision deficiencies
# (Okabe-Ito): blue for what was measured, vermilion for the target.
_ACTUAL = "#0072B2"
_BASELINE = "#56B4E9"
_TARGET = "#D55E00"
_PACE = "#777777"
_AREA = "#999999"

_NUMERIC_TARGETS = {Target.Kind.VALUE, Target.Kind.AT_LEAST, Target.Kind.AT_MOST}
_TARGET_MARKERS = {Target.Kind.VALUE: "D", Target.Kind.AT_LEAST: "^", Target.Kind.AT_MOST: "v"}
_TARGET_LABELS = {
    Target.Kind.VALUE: "目標値",
    Target.Kind.AT_LEAST: "目標値（以上）",
    Target.Kind.AT_MOST: "目標値（以下）",
}

_LOCK = threading.Lock()
_CONFIGURED = False


def _configure_matplotlib() -> None:
    """Give matplotlib a writable cache before its first import (it builds a font list there)."""
    global _CONFIGURED
    if _CONFIGURED:
        return
    if not os.environ.get("MPLCONFIGDIR"):
        cache = Path(settings.BASE_DIR) / ".cache" / "matplotlib"
        try:
            cache.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # matplotlib then falls back to a temporary directory of its own
        else:
            os.environ["MPLCONFIGDIR"] = str(cache)
    _CONFIGURED = True


# --- What is plotted --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Point:
    x: float
    y: float
    start: int
    end: int | None
    kind: YearKind
    margin: float | None
    estimated: bool
    text: str
    # How far the error bar reaches below and above: a survey's 95 % interval is not symmetric.
    below: float = 0.0
    above: float = 0.0

    @property
    def years(self) -> list[int]:
        return [self.start] if self.end is None else [self.start, self.end]


@dataclass(frozen=True)
class _Goal:
    target: Target
    x: float | None
    year: int | None
    kind: YearKind


def _point(observation: Observation, unit: str) -> _Point | None:
    if observation.value is None or observation.year is None:
        return None
    end = observation.year_end
    x = observation.year if end is None else (observation.year + end) / 2
    y = float(observation.value)
    below = above = float(observation.margin) if observation.margin is not None else 0.0
    if observation.ci_low is not None and observation.ci_high is not None:
        below, above = y - float(observation.ci_low), float(observation.ci_high) - y
    return _Point(below=below, above=above,
        x=x, y=y, start=observation.year, end=end,
        kind=YearKind(observation.year_kind),
        margin=float(observation.margin) if observation.margin is not None
        else (max(below, above) if observation.ci_low is not None else None),
        estimated=observation.status == Observation.Status.ESTIMATED,
        text=observation.verbatim or f"{_plain(observation.value)}{unit}",
    )


def _goal(target: Target, plan_end: int | None) -> _Goal:
    """A target placed at its year; one printed without a year is for the plan's last 年度."""
    if target.year is not None:
        return _Goal(target, target.year, target.year, YearKind(target.year_kind))
    if plan_end is not None:
        return _Goal(target, plan_end, plan_end, YearKind.FISCAL)
    return _Goal(target, None, None, YearKind(target.year_kind))


def _plain(number: Decimal) -> str:
    """2.5000 → 2.5, 35000.0000 → 35,000 (never 3.5E+4)."""
    text = format(number.normalize(), "f")
    whole, _, fraction = text.partition(".")
    grouped = f"{int(whole):,}" if whole.lstrip("-").isdigit() else whole
    if whole.startswith("-") and not grouped.startswith("-"):
        grouped = "-" + grouped
    return f"{grouped}.{fraction}" if fraction else grouped


def _axis_number(value: float, _position: object = None) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}"


@dataclass
class _Chart:
    """Everything the figure shows, gathered from the indicator before matplotlib is touched."""

    baselines: list[_Point]
    actuals: list[_Point]
    by_area: list[_Point]
    goals: list[_Goal]
    pace: tuple[_Point, float, float] | None  # from the baseline to (target year, value)
    unit: str

    def numeric_points(self) -> list[_Point]:
        return self.baselines + self.actuals + self.by_area

    def plotted_goals(self) -> list[tuple[_Goal, float, float]]:
        """The targets drawn as markers, with their x and value."""
        return [(g, g.x, float(g.target.value)) for g in self.goals
                if g.target.kind in _NUMERIC_TARGETS and g.target.value is not None
                and g.x is not None]

    def is_empty(self) -> bool:
        return not self.numeric_points() and not self.plotted_goals()


def _gather(indicator: Indicator) -> _Chart:
    unit = indicator.unit
    observations = sorted(indicator.observations.all(), key=lambda o: (o.year or 0, o.pk))
    baselines, actuals, by_area = [], [], []
    for observation in observations:
        point = _point(observation, unit)
        if point is None:
            continue
        if observation.area_id is not None:
            by_area.append(point)
        elif observation.role == Observation.Role.BASELINE:
            baselines.append(point)
        else:
            actuals.append(point)
    plan_end = indicator.plan.end_fy
    goals = [_goal(t, plan_end) for t in sorted(indicator.targets.all(),
                                                key=lambda t: (t.year or 0, t.pk))]
    pace = None
    baseline, final = indicator.baseline(), indicator.final_target()
    start = _point(baseline, unit) if baseline is not None else None
    if start is not None and final is not None and final.kind in _NUMERIC_TARGETS \
            and final.value is not None:
        goal = _goal(final, plan_end)
        if goal.x is not None and goal.x != start.x:
            pace = (start, goal.x, float(final.value))
    return _Chart(baselines, actuals, by_area, goals, pace, unit)


# --- Drawing ----------------------------------------------------------------------------------


def _rc(salt: str) -> dict[Any, Any]:
    return {
        "font.family": FONT_FAMILY,
        # "sans-serif" in the list expands to these in the SVG's font-family.
        "font.sans-serif": [*FONT_FAMILY[:-1], "DejaVu Sans"],
        "font.size": 10,
        "svg.fonttype": "none",
        # Units, names and printed values are the plan's own text: "$\frac{1}$" is a unit
        # someone typed, not TeX, and parsing it as mathtext would raise for every reader.
        "text.parse_math": False,
        "svg.hashsalt": salt,
        "svg.image_inline": True,
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlelocation": "left",
        "legend.frameon": False,
        "legend.fontsize": 9,
        "path.simplify": True,
    }


def _draw(ax: Axes, chart: _Chart) -> None:
    """Draw the figures, then set the axes; artists get ids (gid) that say what they are."""
    _draw_points(ax, chart)
    _draw_spreads(ax, chart)
    latest = max(chart.baselines + chart.actuals, key=lambda p: (p.x, p.start), default=None)
    _print_values(ax, chart, latest)
    _draw_pace(ax, chart)
    _draw_targets(ax, chart)
    xs = [p.x for p in chart.numeric_points()] + [x for _, x, _ in chart.plotted_goals()]
    xs += _draw_maintain(ax, chart, latest, xs)
    xs += _draw_directions(ax, chart, latest)
    _set_x_axis(ax, chart, xs)
    _set_y_axis(ax, chart)


def _draw_points(ax: Axes, chart: _Chart) -> None:
    """The trend line and the markers of the 基準値, the 実績値 and the values by area."""
    trend = sorted(chart.baselines + chart.actuals, key=lambda p: (p.x, p.start))
    if len(trend) >= 2:
        ax.plot([p.x for p in trend], [p.y for p in trend], color=_ACTUAL, linewidth=1.5,
                zorder=2, gid="trend")
    measured = [p for p in chart.actuals if not p.estimated]
    estimated = [p for p in chart.actuals if p.estimated]
    styles: list[tuple[list[_Point], dict[str, Any]]] = [
        (chart.baselines, {"marker": "s", "markersize": 8, "color": _BASELINE,
                           "markeredgecolor": _ACTUAL, "label": "基準値", "zorder": 4,
                           "gid": "baseline"}),
        (measured, {"marker": "o", "markersize": 7, "color": _ACTUAL, "label": "実績値",
                    "zorder": 4, "gid": "actual"}),
        (estimated, {"marker": "o", "markersize": 7, "markerfacecolor": "white",
                     "markeredgecolor": _ACTUAL, "label": "実績値（推計）", "zorder": 4,
                     "gid": "estimated"}),
        (chart.by_area, {"marker": "o", "markersize": 5, "markerfacecolor": "white",
                         "markeredgecolor": _AREA, "label": "圏域別の値", "zorder": 3,
                         "gid": "by-area"}),
    ]
    for points, style in styles:
        if points:
            ax.plot([p.x for p in points], [p.y for p in points], linestyle="none", **style)


def _draw_spreads(ax: Axes, chart: _Chart) -> None:
    """Error bars where a margin is known, and the span of a value measured over years."""
    with_margin = [p for p in chart.numeric_points() if p.margin is not None]
    if with_margin:
        bars = ax.errorbar([p.x for p in with_margin], [p.y for p in with_margin],
                           yerr=[[p.below for p in with_margin], [p.above for p in with_margin]],
                           fmt="none", ecolor=_ACTUAL, elinewidth=1.2, capsize=4,
                           label="誤差の範囲（±）" if all(p.below == p.above for p in with_margin)
                           else "95%信頼区間", zorder=3)
        for collection in bars.lines[2]:
            collection.set_gid("errorbar")
        for cap in bars.lines[1]:
            cap.set_gid("errorbar-cap")
    periods = [p for p in chart.numeric_points() if p.end is not None]
    if periods:
        spans = ax.errorbar([p.x for p in periods], [p.y for p in periods],
                            xerr=[(p.x - p.start) for p in periods], fmt="none", ecolor=_AREA,
                            elinewidth=1, capsize=3, label="値の期間", zorder=3)
        for collection in spans.lines[2]:
            collection.set_gid("period")


def _print_values(ax: Axes, chart: _Chart, latest: _Point | None) -> None:
    """The printed values of the baseline and the latest actual; every value is in the table."""
    shown = [*chart.baselines, *([latest] if latest in chart.actuals else [])]
    for point in shown:
        # Beside an error bar rather than on its cap.
        beside = point.margin is not None
        ax.annotate(point.text, (point.x, point.y), xytext=(7, 2) if beside else (0, 8),
                    textcoords="offset points", ha="left" if beside else "center",
                    fontsize=8, color="#333333")


def _draw_pace(ax: Axes, chart: _Chart) -> None:
    if chart.pace is not None:
        start, end_x, end_y = chart.pace
        ax.plot([start.x, end_x], [start.y, end_y], linestyle="--", linewidth=1.2,
                color=_PACE, label="目標へのペース", zorder=1, gid="pace")


def _draw_targets(ax: Axes, chart: _Chart) -> None:
    """A marker and the printed value of each numeric target, one legend entry per kind."""
    labelled: set[str] = set()
    for index, (goal, x, y) in enumerate(chart.plotted_goals()):
        kind = Target.Kind(goal.target.kind)
        label = _TARGET_LABELS[kind]
        ax.plot([x], [y], linestyle="none", marker=_TARGET_MARKERS[kind], markersize=8,
                color=_TARGET, label=None if label in labelled else label, zorder=5,
                gid=f"target-{index}")
        labelled.add(label)
        text = goal.target.verbatim or f"{_plain(Decimal(y))}{chart.unit}"
        ax.annotate(text, (x, y), xytext=(0, 9),
                    textcoords="offset points", ha="center", fontsize=8, color=_TARGET)


def _draw_maintain(ax: Axes, chart: _Chart, latest: _Point | None,
                   xs: list[float]) -> list[float]:
    """維持 as a dashed level; returns where each line ends, which the x axis must show."""
    ends: list[float] = []
    for goal in chart.goals:
        if goal.target.kind != Target.Kind.MAINTAIN:
            continue
        # 維持 without a value keeps the latest level, from where it was measured.
        if goal.target.value is not None:
            level, left = float(goal.target.value), min(xs, default=goal.x or 0)
        elif latest is not None:
            level, left = latest.y, latest.x
        else:
            continue
        seen = [*xs, *ends]
        right = max([*seen, goal.x]) if goal.x is not None else max(seen, default=left)
        if right <= left:
            right = left + 1
        ax.hlines(level, left, right, colors=_TARGET, linestyles="--", linewidth=1.5,
                  label=f"目標：維持（{goal.target.verbatim or '維持'}）", zorder=1,
                  gid="maintain")
        ends.append(right)
    return ends


def _draw_directions(ax: Axes, chart: _Chart, latest: _Point | None) -> list[float]:
    """増加 / 減少 as an arrow from the latest value; returns their years, for the x axis."""
    years: list[float] = []
    if latest is None:
        return years
    for goal in chart.goals:
        if goal.target.kind not in (Target.Kind.UP, Target.Kind.DOWN):
            continue
        up = goal.target.kind == Target.Kind.UP
        text = "目標：増加" if up else "目標：減少"
        if goal.target.year is not None:
            text += f"（{year_tick_label(goal.target.year, [goal.kind])}）"
            years.append(goal.target.year)
        ax.annotate(
            text, (latest.x, latest.y), xytext=(36, 30 if up else -30),
            textcoords="offset points", ha="left", va="bottom" if up else "top",
            fontsize=9, color=_TARGET, gid="direction",
            arrowprops={"arrowstyle": "<|-", "color": _TARGET, "linewidth": 1.5,
                        "shrinkA": 2, "shrinkB": 6},
        )
    return years


def _set_x_axis(ax: Axes, chart: _Chart, xs: list[float]) -> None:
    """A tick at every year with a figure, labelled in 和暦 as short as the room asks."""
    from matplotlib.ticker import FixedLocator, FuncFormatter

    kinds: dict[int, list[YearKind]] = {}
    for point in chart.numeric_points():
        for year in point.years:
            kinds.setdefault(year, []).append(point.kind)
    for goal in chart.goals:
        drawn = goal in [g for g, _, _ in chart.plotted_goals()] or (
            goal.target.kind in (Target.Kind.UP, Target.Kind.DOWN, Target.Kind.MAINTAIN))
        if drawn and goal.year is not None:
            kinds.setdefault(goal.year, []).append(goal.kind)
    ticks = sorted(kinds)
    every_kind = {kind for found in kinds.values() for kind in found}
    mixed = len(every_kind) > 1
    lows = [min(xs, default=0), *ticks]
    highs = [max(xs, default=0), *ticks]
    left, right = min(lows) - 0.6, max(highs) + 0.9
    ax.set_xlim(left, right)
    letters, ad, rotate = tick_style(ticks, kinds, mixed=mixed, span=right - left)

    def label(value: float, _position: object = None) -> str:
        year = round(value)
        return year_tick_label(year, kinds.get(year, []), letters=letters, suffix=mixed, ad=ad)

    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(label))
    ax.tick_params(axis="x", labelsize=9, labelrotation=45 if rotate else 0)
    if rotate:
        for text in ax.get_xticklabels():
            text.set_horizontalalignment("right")
            text.set_rotation_mode("anchor")
    if not mixed and every_kind & {YearKind.FISCAL, YearKind.CALENDAR}:
        ax.set_xlabel(SUFFIX[every_kind.pop()], loc="right", fontsize=9)


def _set_y_axis(ax: Axes, chart: _Chart) -> None:
    """From 0 when nothing is negative, with room above for the printed values."""
    from matplotlib.ticker import FuncFormatter

    values = [p.y - p.below for p in chart.numeric_points()]
    values += [y for _, _, y in chart.plotted_goals()]
    if values and min(values) >= 0:
        ax.set_ylim(bottom=0)
    top = max([p.y + p.above for p in chart.numeric_points()]
              + [y for _, _, y in chart.plotted_goals()], default=None)
    if top is not None:
        ax.set_ylim(top=top * 1.15 if top > 0 else top + 1)
    ax.yaxis.set_major_formatter(FuncFormatter(_axis_number))
    ax.grid(axis="y", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    if chart.unit:
        ax.set_title(f"（{chart.unit}）", fontsize=9, loc="left", pad=8)


def indicator_chart_svg(indicator: Indicator) -> str:
    """The indicator's chart as an ``<svg>`` element for inline HTML, or "" with nothing to plot.

    The same figures always give the same text (ids are salted with the indicator's pk and the
    file carries no date), so pages and PDFs can be cached and compared.
    """
    chart = _gather(indicator)
    if chart.is_empty():
        return ""
    key = _content_key(indicator)
    with _LOCK:
        if key in _DRAWN:
            _DRAWN.move_to_end(key)
            return _DRAWN[key]
    svg = _render(indicator, chart)
    with _LOCK:
        _DRAWN[key] = svg
        while len(_DRAWN) > _DRAWN_SIZE:
            _DRAWN.popitem(last=False)
    return svg


# Drawn charts by content: the key is every field of the indicator, its figures and targets, so
# any change draws afresh; the same figures are not drawn twice by one process (matplotlib
# takes ~0.1 s a chart, the rest of an indicator page a few ms).
_DRAWN: OrderedDict[str, str] = OrderedDict()
_DRAWN_SIZE = 512


def _row(instance: Any) -> tuple[Any, ...]:
    return tuple(f.value_from_object(instance) for f in instance._meta.concrete_fields)


def _content_key(indicator: Indicator) -> str:
    rows: list[Any] = [_row(indicator), indicator.plan.end_fy]
    rows += sorted((_row(o) for o in indicator.observations.all()), key=repr)
    rows += sorted((_row(t) for t in indicator.targets.all()), key=repr)
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _render(indicator: Indicator, chart: _Chart) -> str:
    _configure_matplotlib()
    import matplotlib as mpl
    from matplotlib.figure import Figure

    prefix = f"chart{indicator.pk}-"
    buffer = io.StringIO()
    with _LOCK, mpl.rc_context(_rc(f"sasaeai-indicator-{indicator.pk}")):
        figure = Figure(figsize=(6.4, 3.8), layout="constrained")
        ax = figure.add_subplot()
        _draw(ax, chart)
        handles, labels = ax.get_legend_handles_labels()
        if handles:
            figure.legend(handles, labels, loc="outside lower center",
                          ncols=min(len(handles), 4))
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return inline_svg(buffer.getvalue(), prefix=prefix, title=indicator.name)


# --- The table behind the chart ---------------------------------------------------------------


def _margin_label(observation: Observation) -> str:
    """The interval of a survey value (with its n), else the margin as printed."""
    if observation.ci_low is not None and observation.ci_high is not None:
        n = f"、n={observation.sample_size:,}" if observation.sample_size else ""
        return (f"95%信頼区間 {observation.ci_low:.1f}〜{observation.ci_high:.1f}%{n}")
    margin = observation.margin
    return "" if margin is None else f"±{_plain(margin)}ポイント"


def chart_table(indicator: Indicator) -> list[dict[str, str]]:
    """Every figure of the indicator as printed, for the chart's text alternative.

    Rows: the 基準値, the 実績値 by year, then the 目標値; values are verbatim, so 調査中 and
    〇〇% appear as written even though the chart cannot plot them.
    """
    observations = sorted(
        indicator.observations.all(),
        key=lambda o: (o.role != Observation.Role.BASELINE, o.year or 0, o.pk),
    )
    rows: list[dict[str, str]] = []
    for observation in observations:
        value = observation.verbatim
        if not value and observation.value is not None:
            value = f"{_plain(observation.value)}{indicator.unit}"
        rows.append({
            "role": observation.get_role_display(),
            "year": observation.year_label,
            "value": value,
            "status": observation.get_status_display(),
            "margin": _margin_label(observation),
            "area": observation.area.name if observation.area is not None else "",
        })
    for target in sorted(indicator.targets.all(), key=lambda t: (t.year or 0, t.pk)):
        value = target.verbatim
        if not value and target.value is not None:
            value = f"{_plain(target.value)}{indicator.unit}"
        rows.append({
            "role": "目標値",
            "year": format_year(Year(target.year, YearKind(target.year_kind)))
            if target.year is not None else "",
            "value": value or target.get_kind_display(),
            "status": target.get_kind_display(),
            "margin": "",
            "area": "",
        })
    return rows
