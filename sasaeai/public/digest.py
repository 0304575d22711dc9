"""The 概要版: a short public digest of a plan (基本理念, goals, the 重点 items, what each actor does
for the plan as a whole, and the indicator table with its judgements), as a page and as an A4 PDF
with the Japanese fonts embedded."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string

from sasaeai.indicators.models import Indicator, JudgementRule
from sasaeai.plans.models import ActorStatement, Initiative, Plan, PlanElement


@dataclass
class Goal:
    element: PlanElement
    children: list[PlanElement] = field(default_factory=list)


def digest_context(plan: Plan) -> dict[str, Any]:
    elements = list(PlanElement.objects.filter(plan=plan).current().order_by("order", "id"))
    goals = [Goal(e) for e in elements if e.parent_id is None]
    by_pk = {g.element.pk: g for g in goals}
    for element in elements:
        if element.parent_id in by_pk:
            by_pk[element.parent_id].children.append(element)
    priorities: list[PlanElement | Initiative] = [e for e in elements if e.is_priority or e.is_new]
    priorities += list(Initiative.objects.filter(plan=plan).current().filter(
        is_priority=True).order_by("order", "id"))
    statements = list(ActorStatement.objects.filter(
        plan=plan, element__isnull=True, initiative__isnull=True).select_related("actor")
        .order_by("actor__order", "actor_id", "order", "id"))
    rule = JudgementRule.objects.rule_for(plan)
    indicators = [(i, i.judge(rule=rule)) for i in
                  Indicator.objects.for_plan(plan).with_figures().order_by("order", "id")]
    return {"plan": plan, "municipality": plan.municipality, "goals": goals,
            "priorities": priorities, "statements": statements, "indicators": indicators,
            "owners": list(plan.owners.all())}


def digest_pdf(plan: Plan) -> bytes:
    from weasyprint import HTML  # imported here: it takes a moment and only PDFs need it

    html = render_to_string("public/digest_print.html", digest_context(plan))
    return bytes(HTML(string=html).write_pdf())
