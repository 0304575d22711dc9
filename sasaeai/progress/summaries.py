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
from sasaeai.indicators.models import Indicator, JudgementRule, Observation
from sasaeai.lib.wareki import Year, YearKind, format_year
from sasaeai.progress.models import Cycle, Entry, FigureRequest, Opinion

S = Cycle.Status


def fiscal_year_label(year: int | None) -> str:
    """「令和6年度（2024年度）」, a figure's year as the plan prints it."""
    return format_year(Year(year, YearKind.FISCAL)) if year is not None else ""


@dataclass
class Figure:
    """An indicator of a reporting unit with its latest figure, its judgement and, when the
    cycle asked for it, the figure reported in this cycle (as the reader may see it: what was
    not handed in shows only its state to the public)."""

    indicator: Indicator
    judgement: Judgement
    reported: FigureRequest | None = None
    public: bool = False

    @property
    def latest_text(self) -> str:
        latest = self.indicator.latest()
        return latest.as_point().label() if latest is not None else "実績値なし"

    @property
    def reported_year_label(self) -> str:
        return fiscal_year_label(self.reported.year) if self.reported is not None else ""

    @property
    def reported_status_note(self) -> str:
        """「推計」, 「調査中」…: said beside a reported figure unless it was measured."""
        r = self.reported
        if r is None or r.figure_status == Observation.Status.MEASURED:
            return ""
        return r.get_figure_status_display()

    @property
    def target_text(self) -> str:
        return target_text(self.indicator)

    @property
    def shows_reported_value(self) -> bool:
        return self.reported is not None and (self.reported.is_handed_in or not self.public)

    @property
    def reported_text(self) -> str:
        """「今回の報告（高齢福祉課）：令和6年度 1,240件・確認済・実績値として登録済」."""
        r = self.reported
        if r is None:
            return ""
        parts = [r.get_status_display()]
        if self.shows_reported_value:
            value = " ".join(p for p in (fiscal_year_label(r.year), r.verbatim) if p)
            if r.figure_status != Observation.Status.MEASURED:
                value += f"（{r.get_figure_status_display()}）"
            parts.insert(0, value.strip() or "（記入なし）")
        if r.landing:
            parts.append(r.get_landing_display())
        return f"今回の報告（{r.organization.label}）：" + "・".join(parts)

    @property
    def line(self) -> str:
        line = f"{self.indicator.name}：{self.latest_text}・{self.judgement.label}"
        return f"{line}／{self.reported_text}" if self.reported is not None else line


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
class WaiverNote:
    """A reason for 「未提出のまま進める」, stated once under the summary's heading."""

    number: int
    reason: str
    count: int = 0


@dataclass
class SummaryGroup:
    goal: Any
    rows: list[SummaryRow]
    # The goal's own indicators, where no unit of the group shows them (小美玉市 measures its
    # 基本目標, and reports on its 施策の方向).
    indicators: list[Figure] = field(default_factory=list)


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
                  "委員会の意見と市の考え方", "成果指標（最新値・判定）", "基本目標の成果指標（最新値・判定）",
                  "未提出のまま進める理由", "訂正")


def day_label(moment: datetime) -> str:
    """「2026年12月5日」, the day in Japan."""
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def report_cells(entry: Entry, row: SummaryRow, group: SummaryGroup
                 ) -> list[str | Decimal | None]:
    """One report as the cells of REPORT_COLUMNS."""
    value = entry.results_value.normalize() if entry.results_value is not None else None
    corrections = "\n".join(f"{day_label(c.at)}：{c.reason}" for c in entry.corrections)
    return [entry.get_status_display(), entry.results, value, entry.results_unit,
            entry.progress, entry.issues,
            entry.get_direction_display() if entry.direction else "", entry.direction_text,
            entry.self_rating_shown,
            entry.committee_rating_shown,
            entry.committee_reason, opinions_text(entry),
            "\n".join(f.line for f in row.indicators),
            "\n".join(f.line for f in group.indicators), entry.waived_reason, corrections]


def judged_figures(cycle: Cycle, *, public: bool = False) -> list[Figure]:
    """The plan's indicators judged once, each with the figure this cycle asked for (three
    queries), in the plan's order."""
    plan = cycle.plan
    rule = JudgementRule.objects.rule_for(plan)
    asked = {f.indicator_id: f.for_reader(public=public)
             for f in cycle.figure_requests.select_related("organization")}
    return [Figure(indicator, indicator.judge(rule=rule), asked.get(indicator.pk), public)
            for indicator in Indicator.objects.for_plan(plan).with_figures()
            .order_by("order", "id")]


def unit_figures(figures: list[Figure]) -> tuple[dict[int, list[Figure]], dict[int, list[Figure]]]:
    """The judged indicators by initiative and by element."""
    by_initiative: dict[int, list[Figure]] = defaultdict(list)
    by_element: dict[int, list[Figure]] = defaultdict(list)
    for figure in figures:
        if figure.indicator.initiative_id is not None:
            by_initiative[figure.indicator.initiative_id].append(figure)
        if figure.indicator.element_id is not None:
            by_element[figure.indicator.element_id].append(figure)
    return by_initiative, by_element


def target_text(indicator: Indicator) -> str:
    """「60%以上（令和8年度）」: the final target as the plan wrote it, with its year."""
    target = indicator.final_target()
    if target is None:
        return ""
    return f"{target}（{target.year_label}）" if target.year_label else str(target)


# The indicator figures a cycle asked for, as rows of the exports (xlsx sheet, CSV).
FIGURE_COLUMNS = ("指標", "単位", "報告する組織", "状態", "年度", "実績値（入力どおり）", "実績値",
                  "値の状態", "注記", "実績値の登録", "最新の実績値", "目標値", "判定")


def figure_cells(figure: Figure) -> list[str | Decimal | None]:
    """One asked figure as the cells of FIGURE_COLUMNS."""
    r = figure.reported
    if r is None:
        raise ValueError("figure_cells is for the figures the cycle asked for")
    shown = figure.shows_reported_value
    value = r.value.normalize() if shown and r.value is not None else None
    return [figure.indicator.name, figure.indicator.unit, r.organization.label,
            r.get_status_display(), figure.reported_year_label if shown else "",
            r.verbatim if shown else "", value,
            r.get_figure_status_display() if shown else "", r.note if shown else "",
            r.get_landing_display() if r.landing else "", figure.latest_text,
            figure.target_text, figure.judgement.label]


def summary_groups(cycle: Cycle, *, public: bool = False,
                   figures: list[Figure] | None = None) -> list[SummaryGroup]:
    """基本目標 → 取組 → one row per organization, in the plan's order (the seed's layout).

    A row carries the indicators of its unit: an initiative's own and those of the element it
    belongs to; an element's own. For the public, each report is its public projection."""
    entries = list(cycle.entries.select_related(
        "initiative__element", "element", "organization",
    ).prefetch_related(
        Prefetch("opinions", queryset=Opinion.objects.order_by("created_at", "id")),
    ).with_corrections().in_plan_order())
    if figures is None:
        figures = judged_figures(cycle, public=public)
    by_initiative, by_element = unit_figures(figures)
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
    for group in groups:
        shown = {f.indicator.pk for row in group.rows for f in row.indicators}
        group.indicators = [f for f in by_element.get(getattr(group.goal, "pk", 0), [])
                            if f.indicator.initiative_id is None and f.indicator.pk not in shown]
    return groups


def number_waivers(groups: list[SummaryGroup]) -> list[WaiverNote]:
    """Each distinct reason the cycle went on without reports, numbered once; each waived
    report carries the number (`waiver_note`) instead of repeating the sentence."""
    notes: dict[str, WaiverNote] = {}
    for entry in (e for g in groups for r in g.rows for e in r.entries):
        if entry.is_waived:
            note = notes.setdefault(entry.waiver_reason,
                                    WaiverNote(len(notes) + 1, entry.waiver_reason))
            note.count += 1
            entry.waiver_note = note.number  # type: ignore[attr-defined]
    return list(notes.values())


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


@dataclass
class Summary:
    """Everything the 進捗のまとめ shows, as the reader may see it: for the page and each of
    its exports alike."""

    cycle: Cycle
    groups: list[SummaryGroup]
    asked_figures: list[Figure]
    waiver_notes: list[WaiverNote]
    opinions: list[Opinion]
    has_ratings: bool


def compile_summary(cycle: Cycle, *, public: bool) -> Summary:
    figures = judged_figures(cycle, public=public)
    groups = summary_groups(cycle, public=public, figures=figures)
    return Summary(cycle, groups, [f for f in figures if f.reported is not None],
                   number_waivers(groups), summary_opinions(cycle),
                   shows_ratings(cycle, groups))


def summary_context(cycle: Cycle, standing: Standing) -> dict[str, Any]:
    """What the template progress/summary.html shows."""
    plan = cycle.plan
    summary = compile_summary(cycle, public=not standing.member)
    return {"plan": plan, "municipality": plan.municipality, "cycle": cycle,
            "standing": standing, "groups": summary.groups,
            "asked_figures": summary.asked_figures, "waiver_notes": summary.waiver_notes,
            "has_ratings": summary.has_ratings, "opinions": summary.opinions}
