"""The 進捗のまとめ of a cycle: its entries grouped as the plans print them (基本目標 → 取組 → one
row per organization), each with the whole report and the unit's indicators.

A plain module rather than view code because four readers share it: the summary page, its
exports (xlsx, PDF, CSV in reports) and the committee packet (reports), and reports may not
import progress's views. The exports lay their columns out from `REPORT_COLUMNS` and
`report_cells`, so that a field added to a report reaches every format at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from sasaeai.accounts.access import Standing
from sasaeai.indicators.judgement import Judgement
from sasaeai.indicators.models import Indicator, JudgementRule
from sasaeai.progress.models import Cycle, Entry, Opinion

S = Cycle.Status


@dataclass
class Figure:
    """An indicator of a reporting unit with its latest figure and its judgement."""

    indicator: Indicator
    judgement: Judgement

    @property
    def latest_text(self) -> str:
        latest = self.indicator.latest()
        return latest.as_point().label() if latest is not None else "実績値なし"

    @property
    def line(self) -> str:
        return f"{self.indicator.name}：{self.latest_text}・{self.judgement.label}"


@dataclass
class SummaryRow:
    subject: Any
    entries: list[Entry]
    indicators: list[Figure] = field(default_factory=list)

    @property
    def span(self) -> int:
        """How many table rows the unit takes: its reports, and one for its indicators."""
        return len(self.entries) + (1 if self.indicators else 0)


@dataclass
class SummaryGroup:
    goal: Any
    rows: list[SummaryRow]


def figure_text(value: Decimal | None, unit: str) -> str:
    """「1,240人」: a reported number as people write it (no trailing zeros of the column)."""
    if value is None:
        return ""
    number = value.normalize()
    text = f"{number:,f}" if number == number.to_integral_value() else f"{number:,}"
    return f"{text}{unit}"


def opinions_text(entry: Entry) -> str:
    """The committee's opinions on this report, each with the 事務局's response."""
    parts = []
    for opinion in entry.opinions.all():
        text = f"意見：{opinion.text}"
        if opinion.response:
            text += f"\n市の考え方：{opinion.response}"
        parts.append(text)
    return "\n\n".join(parts)


# The columns of one report, after its unit and organization, in the tabular exports (xlsx,
# CSV): every field of the report, the number apart from its text so that it stays a number.
REPORT_COLUMNS = ("状態", "実績", "実績（数値）", "実績の単位", "進捗状況", "課題", "今後の方向性",
                  "今後の方向性（内容）", "自己評価", "委員会評価", "委員会評価の理由",
                  "委員会の意見と市の考え方", "成果指標（最新値・判定）", "未提出のまま進める理由", "訂正")


def day_label(moment: datetime) -> str:
    """「2026年12月5日」, the day in Japan."""
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def report_cells(entry: Entry, row: SummaryRow) -> list[str | Decimal | None]:
    """One report as the cells of REPORT_COLUMNS."""
    value = entry.results_value.normalize() if entry.results_value is not None else None
    corrections = "\n".join(f"{day_label(c.at)}：{c.reason}" for c in entry.corrections)
    return [entry.get_status_display(), entry.results, value, entry.results_unit,
            entry.progress, entry.issues,
            entry.get_direction_display() if entry.direction else "", entry.direction_text,
            entry.self_rating_verbatim or entry.self_rating,
            entry.committee_rating_verbatim or entry.committee_rating,
            entry.committee_reason, opinions_text(entry),
            "\n".join(f.line for f in row.indicators), entry.waived_reason, corrections]


def unit_figures(cycle: Cycle) -> tuple[dict[int, list[Figure]], dict[int, list[Figure]]]:
    """The plan's indicators judged once, by initiative and by element (two queries)."""
    plan = cycle.plan
    rule = JudgementRule.objects.rule_for(plan)
    by_initiative: dict[int, list[Figure]] = defaultdict(list)
    by_element: dict[int, list[Figure]] = defaultdict(list)
    for indicator in Indicator.objects.for_plan(plan).with_figures().order_by("order", "id"):
        figure = Figure(indicator, indicator.judge(rule=rule))
        if indicator.initiative_id is not None:
            by_initiative[indicator.initiative_id].append(figure)
        if indicator.element_id is not None:
            by_element[indicator.element_id].append(figure)
    return by_initiative, by_element


def summary_groups(cycle: Cycle, *, public: bool = False) -> list[SummaryGroup]:
    """基本目標 → 取組 → one row per organization, in the plan's order (the seed's layout).

    A row carries the indicators of its unit: an initiative's own and those of the element it
    belongs to; an element's own. For the public, each report is its public projection."""
    entries = list(cycle.entries.select_related(
        "initiative__element", "element", "organization",
    ).prefetch_related(
        Prefetch("opinions", queryset=Opinion.objects.order_by("created_at", "id")),
    ).with_corrections().in_plan_order())
    by_initiative, by_element = unit_figures(cycle)
    goals = cycle.plan.top_goals()
    groups: list[SummaryGroup] = []
    for entry in entries:
        entry = entry.for_reader(public=public)
        subject = entry.subject
        goal = goals.get(entry.initiative.element_id if entry.initiative else entry.element_id)
        if not groups or groups[-1].goal != goal:
            groups.append(SummaryGroup(goal, []))
        rows = groups[-1].rows
        if not rows or rows[-1].subject != subject:
            if entry.initiative is not None:
                figures = by_initiative.get(subject.pk, []) + [
                    f for f in by_element.get(entry.initiative.element_id or 0, [])
                    if f.indicator.initiative_id != subject.pk]
            else:
                figures = list(by_element.get(subject.pk, []))
            rows.append(SummaryRow(subject, [], figures))
        # The templates print the number as people write it (「1,240人」), not as stored.
        entry.results_figure = figure_text(  # type: ignore[attr-defined]
            entry.results_value, entry.results_unit)
        rows[-1].entries.append(entry)
    return groups


def shows_ratings(cycle: Cycle, groups: list[SummaryGroup]) -> bool:
    """Whether the ratings columns are printed: the cycle rates on a scale, or some report
    carries a rating or its reason anyway (imported from a workbook, say)."""
    return cycle.rating_scale_id is not None or any(
        e.self_rating or e.self_rating_verbatim or e.committee_rating
        or e.committee_rating_verbatim or e.committee_reason
        for g in groups for r in g.rows for e in r.entries)


def summary_opinions(cycle: Cycle) -> list[Opinion]:
    """The committee's opinions printed under the summary, on the page and in its PDF."""
    return list(cycle.opinions.select_related("entry__initiative", "entry__element",
                                              "entry__organization"))


def summary_context(cycle: Cycle, standing: Standing) -> dict[str, Any]:
    """What the template progress/summary.html shows."""
    plan = cycle.plan
    groups = summary_groups(cycle, public=not standing.member)
    return {"plan": plan, "municipality": plan.municipality, "cycle": cycle,
            "standing": standing,
            "groups": groups,
            "has_ratings": shows_ratings(cycle, groups),
            "opinions": summary_opinions(cycle)}
