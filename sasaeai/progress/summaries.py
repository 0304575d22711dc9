"""The 進捗のまとめ of a cycle: its entries grouped as the plans print them (基本目標 → 取組 → one
row per organization), and who may read it.

A plain module rather than view code because three readers share it: the summary page, its
exports (xlsx, PDF, CSV in reports) and the committee packet (reports), and reports may not
import progress's views.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest

from sasaeai.progress.access import Standing, get_cycle_for_user
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
        "initiative__element", "element", "organization").in_plan_order())
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


def get_summary_cycle(request: HttpRequest, code: str, slug: str, pk: int
                      ) -> tuple[Cycle, Standing]:
    """The cycle whose summary this user may read: once compiled, or always for the 事務局
    and 閲覧 (who follow the cycle while it is being written)."""
    cycle, standing = get_cycle_for_user(request.user, code, slug, pk)
    if not (cycle.status in {S.COMPILING, S.REVIEWING, S.CONFIRMED, S.PUBLISHED}
            or standing.secretariat or standing.viewer):
        raise Http404
    return cycle, standing


def summary_context(cycle: Cycle, standing: Standing) -> dict[str, Any]:
    """What the template progress/summary.html shows."""
    plan = cycle.plan
    return {"plan": plan, "municipality": plan.municipality, "cycle": cycle,
            "standing": standing, "is_member": standing.member,
            "groups": summary_groups(cycle),
            "has_ratings": cycle.rating_scale is not None,
            "opinions": summary_opinions(cycle)}
