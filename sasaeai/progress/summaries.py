"""The 進捗のまとめ of a cycle: its entries grouped as the plans print them (基本目標 → 取組 → one
row per organization).

A plain module rather than view code because three readers share it: the summary page, its
exports (xlsx, PDF, CSV in reports) and the committee packet (reports), and reports may not
import progress's views.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sasaeai.accounts.access import Standing
from sasaeai.progress.models import Cycle, Entry, Opinion

S = Cycle.Status


@dataclass
class SummaryRow:
    subject: Any
    entries: list[Entry]


@dataclass
class SummaryGroup:
    goal: Any
    rows: list[SummaryRow]


def summary_groups(cycle: Cycle) -> list[SummaryGroup]:
    """基本目標 → 取組 → one row per organization, in the plan's order (the seed's layout)."""
    entries = list(cycle.entries.select_related(
        "initiative__element", "element", "organization").with_corrections().in_plan_order())
    goals = cycle.plan.top_goals()
    groups: list[SummaryGroup] = []
    for entry in entries:
        subject = entry.subject
        goal = goals.get(entry.initiative.element_id if entry.initiative else entry.element_id)
        if not groups or groups[-1].goal != goal:
            groups.append(SummaryGroup(goal, []))
        rows = groups[-1].rows
        if not rows or rows[-1].subject != subject:
            rows.append(SummaryRow(subject, []))
        rows[-1].entries.append(entry)
    return groups


def summary_opinions(cycle: Cycle) -> list[Opinion]:
    """The committee's opinions printed under the summary, on the page and in its PDF."""
    return list(cycle.opinions.select_related("entry__initiative", "entry__organization"))


def summary_context(cycle: Cycle, standing: Standing) -> dict[str, Any]:
    """What the template progress/summary.html shows."""
    plan = cycle.plan
    return {"plan": plan, "municipality": plan.municipality, "cycle": cycle,
            "standing": standing,
            "groups": summary_groups(cycle),
            "has_ratings": cycle.rating_scale is not None,
            "opinions": summary_opinions(cycle)}
