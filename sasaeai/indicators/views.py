"""The indicator table in the plans' own style: baseline / latest / target / source."""

from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sasaeai.accounts.access import get_plan_for_user, is_member
from sasaeai.indicators.models import Indicator


@require_GET
def indicator_table(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, code, slug)
    indicators = list(Indicator.objects.for_plan(plan).with_figures())
    roots = {e.pk: e for e in plan.elements.all()}
    for element in roots.values():
        element.plan = plan  # links to the 基本目標 pages without a query each

    def goal_of(indicator: Indicator):  # type: ignore[no-untyped-def]
        """The top-level element an indicator sits under (基本目標), or None for 計画全体."""
        element = roots.get(indicator.element_id) if indicator.element_id else None
        while element is not None and element.parent_id is not None:
            element = roots.get(element.parent_id)
        return element

    groups = []
    for goal, items in groupby(indicators, key=goal_of):
        rows = [
            {
                "indicator": i,
                "baseline": i.baseline(),
                "latest": i.latest(),
                "target": i.final_target(),
            }
            for i in items
        ]
        groups.append({"goal": goal, "rows": rows})
    return render(
        request,
        "indicators/indicator_table.html",
        {
            "plan": plan,
            "municipality": plan.municipality,
            "is_member": is_member(request.user, plan.municipality),
            "groups": groups,
            "count": len(indicators),
        },
    )
