"""The committee packet (委員会資料): what a committee member actually reads before the meeting.

A cover (which says whether unfinished reports are printed, marked, or left out) and a table of
contents; then the summary of the cycle (reports by rating and by state, the reports still
missing, indicators by judgement) with the legend of the rating scale; then, per 基本目標, its
indicators with their charts and, one after the other on the same pages, its units with the
whole report of every organization and the state of each. A4, Japanese fonts embedded (BIZ UD
where installed, Noto CJK otherwise), emoji from Noto Color Emoji. Rendered by WeasyPrint.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from sasaeai.indicators.judgement import ORDER, Judgement
from sasaeai.indicators.models import Indicator, JudgementRule
from sasaeai.progress.models import Cycle, Entry
from sasaeai.progress.summaries import (
    Figure,
    judged_figures,
    number_waivers,
    shows_ratings,
    summary_groups,
)

Report = Callable[[int, str], None]


@dataclass
class Measured:
    indicator: Indicator
    judgement: Judgement
    figure: Figure
    chart: str = ""

    @property
    def movement(self) -> Decimal:
        """How far the value moved from its baseline, relative to it (for 'moved most')."""
        base, latest = self.indicator.baseline(), self.indicator.latest()
        if base is None or latest is None or base.value in (None, 0) or latest.value is None:
            return Decimal(-1)
        return abs((latest.value - base.value) / base.value)


@dataclass
class GoalSection:
    goal: Any
    rows: list[Any]
    indicators: list[Measured] = field(default_factory=list)
    counts: list[tuple[str, str, int]] = field(default_factory=list)
    moved: list[Measured] = field(default_factory=list)


@dataclass
class Tally:
    """A count for the summary tables: what is counted, how many, and its meaning if any."""

    label: str
    count: int
    meaning: str = ""


def title_phrases(*texts: str) -> list[str]:
    """The cover title cut where its words end, so that a line never breaks inside one."""
    return [phrase for text in texts for phrase in text.split()]


def rating_tallies(cycle: Cycle, entries: list[Entry], field_name: str) -> list[Tally]:
    levels = list(cycle.rating_scale.levels.all()) if cycle.rating_scale is not None else []
    counts = Counter(getattr(e, field_name) for e in entries)
    tallies = [Tally(str(level), counts.pop(level.code, 0)) for level in levels]
    tallies += [Tally(code, n) for code, n in sorted(counts.items()) if code]
    tallies.append(Tally("未評価", counts.get("", 0)))
    return tallies


def packet_context(cycle: Cycle, report: Report | None = None, *,
                   include_unfinished: bool = True) -> dict[str, Any]:
    """What the print template shows. Reports not handed in (未着手, 下書き, 差戻し) are printed
    marked as such, or left out when the 事務局 chooses so; the cover says which."""
    from sasaeai.indicators import charts  # matplotlib only when a packet is made

    plan = cycle.plan
    say = report or (lambda _p, _m: None)
    rule = JudgementRule.objects.rule_for(plan)
    goals = plan.top_goals()

    say(10, "成果指標を判定しています")
    figures = judged_figures(cycle)
    measured = [Measured(f.indicator, f.judgement, f) for f in figures]
    for n, m in enumerate(measured, start=1):
        m.chart = charts.indicator_chart_svg(m.indicator)
        say(10 + 40 * n // max(1, len(measured)), f"グラフを作成しています（{n}/{len(measured)}）")
    groups = summary_groups(cycle, figures=figures)
    entries = [e for g in groups for r in g.rows for e in r.entries]
    unfinished = [e for e in entries if not e.is_handed_in]
    sections = []
    for group in groups:
        if not include_unfinished:
            for row in group.rows:
                row.entries = [e for e in row.entries if e.is_handed_in]
            group.rows = [row for row in group.rows if row.entries]
        goal_pk = group.goal.pk if group.goal is not None else None
        mine = [m for m in measured
                if getattr(goals.get(m.indicator.element_id), "pk", None) == goal_pk]
        counts = Counter(m.judgement.category for m in mine)
        section = GoalSection(group.goal, group.rows, mine,
                              [(rule.labels[c], c.value, counts.get(c, 0)) for c in ORDER])
        section.moved = sorted((m for m in mine if m.movement >= 0),
                               key=lambda m: m.movement, reverse=True)[:3]
        sections.append(section)
    by_judgement = Counter(m.judgement.category for m in measured)
    states = Counter(e.status for e in entries)
    opinions = list(cycle.opinions.select_related("entry__initiative", "entry__element",
                                                  "entry__organization")
                    .order_by("created_at", "id"))
    asked = [f for f in figures if f.reported is not None]
    return {"cycle": cycle, "plan": plan, "sections": sections, "opinions": opinions,
            "asked_figures": asked, "waiver_notes": number_waivers(groups),
            "unfinished_figures": [f for f in asked if f.reported and not f.reported.is_handed_in],
            "has_ratings": shows_ratings(cycle, groups),
            "title_phrases": title_phrases(plan.title, cycle.display_title),
            "include_unfinished": include_unfinished, "unfinished": unfinished,
            "entry_count": len(entries),
            "by_state": [Tally(s.label, states.get(s.value, 0)) for s in Entry.Status],
            "by_committee_rating": rating_tallies(cycle, entries, "committee_rating"),
            "by_self_rating": rating_tallies(cycle, entries, "self_rating"),
            "by_judgement": [Tally(rule.labels[c], by_judgement.get(c, 0)) for c in ORDER],
            "indicator_count": len(measured),
            "levels": list(cycle.rating_scale.levels.all()) if cycle.rating_scale else [],
            "generated_at": timezone.localtime()}


def render_packet(cycle: Cycle, *, version: int, report: Report | None = None,
                  include_unfinished: bool = True) -> tuple[bytes, int]:
    """The packet as PDF bytes and its page count."""
    from weasyprint import HTML  # imported here: it takes a moment and only PDFs need it

    say = report or (lambda _p, _m: None)
    context = packet_context(cycle, say, include_unfinished=include_unfinished)
    say(55, "ページを組んでいます")
    html = render_to_string("reports/packet_print.html", {**context, "version": version})
    document = HTML(string=html).render()
    say(85, "PDFに書き出しています")
    return bytes(document.write_pdf()), len(document.pages)
