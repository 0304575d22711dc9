"""What a plan reports on in each cycle (its reporting units) and who reports on each.

A plan reports on its 取組 (`Plan.reporting_level` blank) or on one level of its 体系, named as the
plan names it (施策の方向, 重点目標, 基本目標 …). The cycle asks every assigned organisation of
every unit for one report; a unit nobody is assigned to is reported by the plan's owners, as
before units could be assigned.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sasaeai.plans.models import Initiative, Plan, PlanElement, ReportingAssignment
from sasaeai.plans.tree import archived_ids
from sasaeai.tenancy.models import Municipality, Organization

INITIATIVES = ""
# The organisations that write reports; committees and community groups read and comment.
REPORTING_KINDS = (
    Organization.Kind.CITY, Organization.Kind.SHAKYO, Organization.Kind.DISTRICT_SHAKYO,
    Organization.Kind.DEPARTMENT,
)
# What the 事務局 may create from the reporting page (the city itself exists already).
NEW_ORGANIZATION_KINDS = (
    Organization.Kind.DEPARTMENT, Organization.Kind.SHAKYO, Organization.Kind.DISTRICT_SHAKYO,
)


@dataclass
class Unit:
    """One row of the reporting page: a subject, the element it sits under at the top of the
    体系 (for the filter), and its assigned organisations with their sample flags."""

    subject: Initiative | PlanElement
    goal: PlanElement | None
    assigned: dict[int, bool] = field(default_factory=dict)  # organisation id → is_sample

    @property
    def kind(self) -> str:
        return "initiative" if isinstance(self.subject, Initiative) else "element"

    @property
    def is_sample(self) -> bool:
        return any(self.assigned.values())


def _depths(elements: list[PlanElement]) -> dict[int, int]:
    by_id = {e.pk: e for e in elements}
    depths: dict[int, int] = {}
    for element in elements:
        depth, node, seen = 0, element, set()
        while node.parent_id is not None and node.parent_id in by_id and node.pk not in seen:
            seen.add(node.pk)
            depth += 1
            node = by_id[node.parent_id]
        depths[element.pk] = depth
    return depths


def level_choices(plan: Plan) -> list[tuple[str, str]]:
    """(value, label) of every reporting unit the plan can have: its 取組, then each level of its
    体系 from the top down, by the plan's own names."""
    elements = list(plan.elements.all())
    depths = _depths(elements)
    levels: dict[str, int] = {}
    for element in elements:
        levels[element.level_label] = min(levels.get(element.level_label, 99), depths[element.pk])
    first = "取組" if plan.initiatives.exists() else "最下層の項目（取組が登録されていません）"
    ordered = sorted(levels, key=lambda name: (levels[name], name))
    return [(INITIATIVES, first), *((name, name) for name in ordered)]


def level_label(plan: Plan) -> str:
    return dict(level_choices(plan)).get(plan.reporting_level, plan.reporting_level)


def units(plan: Plan) -> list[Unit]:
    """The plan's reporting units in the order of the plan, with their assignments."""
    elements = list(plan.elements.all())
    by_id = {e.pk: e for e in elements}
    for element in elements:  # parents linked without a query each, for `unit_label`
        if element.parent_id in by_id:
            element.parent = by_id[element.parent_id]
    goals = plan.top_goals()
    if plan.reporting_level == INITIATIVES and plan.initiatives.exists():
        rows = [Unit(i, goals.get(i.element_id)) for i in
                plan.initiatives.prefetch_related("responsible").order_by("order", "id")]
        for row in rows:
            row.subject.element = by_id[row.subject.element_id]  # type: ignore[union-attr]
        for row in rows:
            row.assigned = {o.pk: False for o in row.subject.responsible.all()}  # type: ignore[union-attr, misc]
        return rows
    archived = archived_ids(elements)  # 廃止 elements are asked no new report
    elements = [e for e in elements if e.pk not in archived]
    if plan.reporting_level == INITIATIVES:
        parents = {e.parent_id for e in elements}
        chosen = [e for e in elements if e.pk not in parents]
    else:
        chosen = [e for e in elements if e.level_label == plan.reporting_level]
    rows = [Unit(e, goals.get(e.pk)) for e in chosen]
    by_element = {row.subject.pk: row for row in rows}
    for element_id, org_id, sample in ReportingAssignment.objects.filter(plan=plan).values_list(
        "element_id", "organization_id", "is_sample"
    ):
        if element_id in by_element:
            by_element[element_id].assigned[org_id] = sample
    return rows


def reporting_units(plan: Plan) -> list[tuple[str, Initiative | PlanElement, list[Organization]]]:
    """(kind, subject, organisations) for each unit a new cycle asks a report on: the assigned
    organisations, or the plan's owners where nobody is assigned."""
    owners = list(plan.owners.all())
    organizations = {o.pk: o for o in Organization.objects.filter(municipality=plan.municipality)}
    return [
        (row.kind, row.subject, [organizations[pk] for pk in sorted(
            row.assigned, key=lambda pk: (organizations[pk].order, pk))] or owners)
        for row in units(plan)
    ]


def assignment_version(plan: Plan) -> str:
    """A fingerprint of the plan's reporting unit and every assignment: the page carries it and a
    save made from an older page (someone else saved meanwhile) is refused."""
    initiative_pairs = sorted(Initiative.responsible.through.objects.filter(
        initiative__plan=plan).values_list("initiative_id", "organization_id"))
    element_pairs = sorted(ReportingAssignment.objects.filter(plan=plan).values_list(
        "element_id", "organization_id", "is_sample"))
    text = repr((plan.reporting_level, initiative_pairs, element_pairs))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def reporting_organizations(municipality: Municipality, plan: Plan | None = None) -> list[
        Organization]:
    """The organisations that can be made responsible: the municipality's city, 社協 and
    departments, and any other organisation already assigned on the plan."""
    orgs = Organization.objects.in_use().filter(municipality=municipality)
    if plan is None:
        return list(orgs.filter(kind__in=REPORTING_KINDS))
    assigned = set(ReportingAssignment.objects.filter(plan=plan).values_list(
        "organization_id", flat=True))
    assigned |= set(Initiative.responsible.through.objects.filter(
        initiative__plan=plan).values_list("organization_id", flat=True))
    return [o for o in orgs if o.kind in REPORTING_KINDS or o.pk in assigned]
