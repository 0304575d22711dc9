"""The committee packet (委員会資料): what a committee member actually reads before the meeting.

A cover and a table of contents with page numbers; then, per 基本目標, a first page with the
judgement counts of its indicators and the ones that moved most; then one page per 取組 with the
report of every actor (進捗状況, 課題, 今後の方向性, ratings) and its indicators with their charts.
A4, Japanese fonts embedded (BIZ UD where installed, Noto CJK otherwise). Rendered from a print
template by WeasyPrint.
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
from sasaeai.progress.models import Cycle
from sasaeai.progress.summaries import summary_groups

Report = Callable[[int, str], None]


@dataclass
class Measured:
    indicator: Indicator
    judgement: Judgement
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


def packet_context(cycle: Cycle, report: Report | None = None) -> dict[str, Any]:
    from sasaeai.indicators import charts  # matplotlib only when a packet is made

    plan = cycle.plan
    say = report or (lambda _p, _m: None)
    rule = JudgementRule.objects.rule_for(plan)
    goals = plan.top_goals()

    indicators = list(Indicator.objects.for_plan(plan).with_figures().order_by("order", "id"))
    say(10, "成果指標を判定しています")
    measured = [Measured(i, i.judge(rule=rule)) for i in indicators]
    for n, m in enumerate(measured, start=1):
        m.chart = charts.indicator_chart_svg(m.indicator)
        say(10 + 40 * n // max(1, len(measured)), f"グラフを作成しています（{n}/{len(measured)}）")
    sections = []
    for group in summary_groups(cycle):
        goal_pk = group.goal.pk if group.goal is not None else None
        mine = [m for m in measured
                if getattr(goals.get(m.indicator.element_id), "pk", None) == goal_pk]
        counts = Counter(m.judgement.category for m in mine)
        section = GoalSection(group.goal, group.rows, mine,
                              [(rule.labels[c], c.value, counts.get(c, 0)) for c in ORDER])
        section.moved = sorted((m for m in mine if m.movement >= 0),
                               key=lambda m: m.movement, reverse=True)[:3]
        for row in section.rows:
            row.indicators = [m for m in measured if m.indicator.initiative_id == row.subject.pk]
        sections.append(section)
    opinions = list(cycle.opinions.select_related("entry__initiative", "entry__organization")
                    .order_by("created_at", "id"))
    return {"cycle": cycle, "plan": plan, "sections": sections, "opinions": opinions,
            "has_ratings": cycle.rating_scale_id is not None,
            "generated_at": timezone.localtime()}


def render_packet(cycle: Cycle, *, version: int, report: Report | None = None
                  ) -> tuple[bytes, int]:
    """The packet as PDF bytes and its page count."""
    from weasyprint import HTML  # imported here: it takes a moment and only PDFs need it

    say = report or (lambda _p, _m: None)
    context = packet_context(cycle, say)
    say(55, "ページを組んでいます")
    html = render_to_string("reports/packet_print.html", {**context, "version": version})
    document = HTML(string=html).render()
    say(85, "PDFに書き出しています")
    return bytes(document.write_pdf()), len(document.pages)
