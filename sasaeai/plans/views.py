"""The plan as staff and residents read it: 体系図, element and initiative pages, 課題 × 取組."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sasaeai.accounts.access import (
    get_element_for_user,
    get_initiative_for_user,
    get_plan_and_standing,
)
from sasaeai.indicators.models import Indicator
from sasaeai.plans.models import (
    Actor,
    ActorStatement,
    Challenge,
    Evidence,
    Initiative,
    Placement,
    Plan,
    PlanElement,
)
from sasaeai.plans.tree import archived_ids


@dataclass
class Node:
    """One element of the 体系図 with what hangs under it, built from three queries."""

    element: PlanElement
    depth: int
    children: list[Node] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    repeats: list[Placement] = field(default_factory=list)

    @property
    def below(self) -> int:
        """How many items hang directly under the element (shown on its toggle)."""
        return len(self.children) + len(self.initiatives) + len(self.repeats)


def structure(plan: Plan) -> list[Node]:
    """The 体系 as readers see it: an archived element (廃止) and what hangs under it left out."""
    elements = list(plan.elements.all())
    initiatives = list(plan.initiatives.filter(archived_at__isnull=True))
    placements = list(
        Placement.objects.filter(element__plan=plan, initiative__archived_at__isnull=True)
        .select_related("initiative__element")
    )
    archived = archived_ids(elements)
    nodes = {e.pk: Node(e, 0) for e in elements if e.pk not in archived}
    roots: list[Node] = []
    for element in elements:
        if element.pk in archived:
            continue
        node = nodes[element.pk]
        if element.parent_id in nodes:
            nodes[element.parent_id].children.append(node)
        else:
            roots.append(node)
    for initiative in initiatives:
        if initiative.element_id in nodes:
            nodes[initiative.element_id].initiatives.append(initiative)
    for placement in placements:
        if placement.element_id in nodes:
            nodes[placement.element_id].repeats.append(placement)

    def set_depth(items: list[Node], depth: int) -> None:
        for item in items:
            item.depth = depth
            set_depth(item.children, depth + 1)

    set_depth(roots, 0)
    return roots


@dataclass
class ActorBlock:
    actor: Actor
    statements: list[ActorStatement]


def actor_blocks(statements: list[ActorStatement]) -> list[ActorBlock]:
    """Statements grouped by actor, in the plan's order of actors (自助 → 共助 → 公助 as printed)."""
    ordered = sorted(statements, key=lambda s: (s.actor.order, s.actor_id, s.order, s.pk))
    return [
        ActorBlock(actor, list(group))
        for actor, group in groupby(ordered, key=lambda s: s.actor)
    ]


def statement_queryset():  # type: ignore[no-untyped-def]
    return ActorStatement.objects.select_related(
        "actor", "repeat_of__initiative__plan__municipality",
        "repeat_of__element__plan__municipality",
    )


def with_plan[T: (PlanElement, Initiative)](items: list[T], plan: Plan) -> list[T]:
    """Attach the already-loaded plan so that get_absolute_url() costs no query per row."""
    for item in items:
        item.plan = plan
    return items


def plan_context(request: HttpRequest, plan: Plan) -> dict[str, object]:
    return {"plan": plan, "municipality": plan.municipality}


@require_GET
def plan_detail(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, standing = get_plan_and_standing(request.user, code, slug)
    public = not standing.member
    return render(
        request,
        "plans/plan_detail.html",
        {
            **plan_context(request, plan),
            "plan": plan.for_reader(public=public),
            "owners": list(plan.owners.all()),
            "tree": structure(plan),
            "plan_wide": actor_blocks(list(statement_queryset().filter(plan=plan).plan_wide())),
            "element_count": plan.elements.count(),
            "initiative_count": plan.initiatives.count(),
            "indicator_count": plan.indicators.count(),
            "challenge_count": plan.challenges.count(),
            "successors": list(plan.successors.visible(public=public)),
            "district_plans": list(plan.district_plans.visible(public=public)
                                   .select_related("area")),
        },
    )


@require_GET
def element_detail(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    element = get_element_for_user(request.user, code, slug, pk)
    plan = element.plan
    if request.GET.get("export") == "csv":
        return statements_csv(plan, f"{element.level_label}{element.number_label} {element.title}",
                              list(statement_queryset().filter(element=element)))
    return render(
        request,
        "plans/element_detail.html",
        {
            **plan_context(request, plan),
            "element": element,
            "ancestors": with_plan(element.ancestors(), plan),
            "children": list(element.children.all()),
            "initiatives": list(element.initiatives.filter(archived_at__isnull=True)),
            "repeats": list(element.placements.filter(initiative__archived_at__isnull=True)
                            .select_related("initiative__element")),
            "blocks": actor_blocks(list(statement_queryset().filter(element=element))),
            "indicators": list(Indicator.objects.filter(element=element).with_figures()),
            "challenges": list(element.challenges.all()),
        },
    )


@require_GET
def initiative_detail(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    initiative = get_initiative_for_user(request.user, code, slug, pk)
    plan = initiative.plan
    home = initiative.element
    home.plan = plan
    if request.GET.get("export") == "csv":
        return statements_csv(plan, f"{initiative.number_label} {initiative.title}",
                              list(statement_queryset().filter(initiative=initiative)))
    return render(
        request,
        "plans/initiative_detail.html",
        {
            **plan_context(request, plan),
            "initiative": initiative,
            "ancestors": with_plan([*home.ancestors(), home], plan),
            "placements": list(initiative.placements.select_related("element")),
            "responsible": list(initiative.responsible.all()),
            "blocks": actor_blocks(list(statement_queryset().filter(initiative=initiative))),
            "indicators": list(Indicator.objects.filter(initiative=initiative).with_figures()),
            "challenges": list(initiative.challenges.all()),
        },
    )


@require_GET
def challenge_matrix(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, standing = get_plan_and_standing(request.user, code, slug)
    can_edit = standing.can_edit_plan(plan)
    challenges = list(
        Challenge.objects.filter(plan=plan).prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("order", "id")),
            Prefetch("initiatives", queryset=Initiative.objects.select_related("plan__municipality")),
            Prefetch("elements", queryset=PlanElement.objects.select_related("plan__municipality")),
        )
    )
    columns: list[Initiative | PlanElement] = [
        *with_plan(list(plan.initiatives.filter(archived_at__isnull=True)), plan)]
    linked_elements = {e for c in challenges for e in c.elements.all()}
    columns += sorted(linked_elements, key=lambda e: (e.order, e.pk))
    rows = [
        {
            "challenge": c,
            "cells": [
                (col in c.initiatives.all()) if isinstance(col, Initiative)
                else (col in c.elements.all())
                for col in columns
            ],
            "answered": [*c.initiatives.all(), *c.elements.all()],
        }
        for c in challenges
    ]
    has_links = any(row["answered"] for row in rows)
    if request.GET.get("export") == "csv":
        return challenges_csv(plan, challenges)
    if can_edit:
        from sasaeai.plans.views_challenges import add_toggles

        add_toggles(rows, columns)
    return render(
        request,
        "plans/challenge_matrix.html",
        {**plan_context(request, plan), "rows": rows, "columns": columns, "has_links": has_links,
         "can_edit": can_edit},
    )


def challenges_csv(plan: Plan, challenges: list[Challenge]) -> HttpResponse:
    """課題, their evidence and the initiatives that answer them, one row per piece of evidence."""
    from sasaeai.lib.opendata import csv_response

    rows = []
    for c in challenges:
        linked: list[Initiative | PlanElement] = [*c.initiatives.all(), *c.elements.all()]
        answered = "、".join(f"{x.number_label} {x.title}".strip() for x in linked)
        evidence: list[Evidence | None] = [*c.evidence.all()] or [None]
        for e in evidence:
            rows.append([c.number_label, c.title, c.description,
                         e.get_kind_display() if e else "", e.text if e else "", answered])
    header = ["番号", "課題", "説明", "根拠の種類", "根拠", "対応する取組・項目"]
    source = f"{plan.municipality.name}「{plan.title}」課題と取組（ささえあい）"
    return csv_response(f"{plan.title}_課題.csv", header, rows, source=source)


def statements_csv(plan: Plan, subject: str, statements: list[ActorStatement]) -> HttpResponse:
    """What each actor does for one element or initiative, as open data."""
    from sasaeai.lib.opendata import csv_response

    rows = [[subject, block.actor.label, block.actor.get_sphere_display(), s.text, s.detail]
            for block in actor_blocks(statements) for s in block.statements]
    source = f"{plan.municipality.name}「{plan.title}」（ささえあい）"
    return csv_response(f"{subject[:40]}_主体ごとの取組.csv",
                        ["項目・取組", "主体", "自助・共助・公助", "内容", "補足"], rows, source=source)
