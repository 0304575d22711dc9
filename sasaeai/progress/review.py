"""The 事務局's review on the cycle page: the reports and figures filtered by state, organisation
and 基本目標 (read by views_review and the cycle page)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from sasaeai.lib.values import ascii_int
from sasaeai.progress.models import Entry, FigureRequest


@dataclass
class Filters:
    """What the cycle page's filter form asked for, each checked against what exists."""

    status: str = ""
    organization: int | None = None
    goal: int | None = None

    @classmethod
    def read(cls, query: QueryDict) -> Filters:
        status = query.get("status", "")
        return cls(status if status in Entry.Status.values else "",
                   ascii_int(query.get("org", "")), ascii_int(query.get("goal", "")))

    @property
    def active(self) -> bool:
        return bool(self.status or self.organization or self.goal)

    def statuses(self) -> list[tuple[str, str, bool]]:
        """The states to choose from, the one chosen marked."""
        return [(value, text, value == self.status) for value, text in Entry.Status.choices]

    def keeps(self, status: str, organization_id: int, goal: Any) -> bool:
        return ((not self.status or status == self.status)
                and (not self.organization or organization_id == self.organization)
                and (not self.goal or getattr(goal, "pk", None) == self.goal))

    def entries(self, entries: list[Entry], goals: dict[int | None, Any]) -> list[Entry]:
        return [e for e in entries if self.keeps(
            e.status, e.organization_id,
            goals.get(e.initiative.element_id if e.initiative else e.element_id))]

    def figures(self, figures: list[FigureRequest], goals: dict[int | None, Any]
                ) -> list[FigureRequest]:
        return [f for f in figures if self.keeps(f.status, f.organization_id,
                                                 goals.get(f.indicator.element_id))]
