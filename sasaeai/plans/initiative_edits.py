"""Audited writes on a plan's 取組 (Initiative), their 再掲 (Placement) and what each actor does
(ActorStatement), for the 事務局's editor (issue #15, views_initiatives).

Every function takes keyword arguments and `by=user`, asks the standing itself (the plan's
事務局; a row of one owner of a shared plan only that owner's 事務局, ADR 0017), locks the row,
refuses a stale edit (`seen`, the fingerprint the form carried) and records an audit event with
the row's before and after in the same transaction. Many-to-many links (担当組織) are audited as
their own event, "plans.initiative.responsible", with the lists before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from sasaeai.accounts.access import Standing
from sasaeai.audit.actions import record, snapshot
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.undo import check_fresh, deletion_snapshot
from sasaeai.plans.editing import INITIATIVE_FIELDS, STATEMENT_FIELDS
from sasaeai.plans.models import (
    Actor,
    ActorStatement,
    Initiative,
    Placement,
    Plan,
    PlanElement,
)
from sasaeai.plans.ordering import swap_with_neighbour
from sasaeai.tenancy.models import Organization

NOT_SECRETARIAT = "計画を編集できるのは事務局です。"


def owner_names(plan: Plan, owner_ids: set[int]) -> str:
    return "・".join(o.name for o in plan.owners.all() if o.pk in owner_ids)


def refused_owned(plan: Plan, owner_ids: set[int]) -> str:
    return f"この内容を変更できるのは{owner_names(plan, owner_ids)}の事務局です。"


# Whose row is it (ADR 0017) -----------------------------------------------------------------

def initiative_owner_ids(plan: Plan, responsible_ids: set[int] | list[int]) -> set[int]:
    """The plan's owners among a 取組's responsible organisations."""
    return {o.pk for o in plan.owners.all()} & set(responsible_ids)


def actor_owner_ids(plan: Plan, actor: Actor) -> set[int]:
    """The plan's owners an actor speaks for: 社協 → the owners of kind 社協, 市 → the city's."""
    kind = {Actor.Kind.SHAKYO.value: Organization.Kind.SHAKYO.value,
            Actor.Kind.CITY.value: Organization.Kind.CITY.value}.get(actor.kind)
    if kind is None:
        return set()
    return {o.pk for o in plan.owners.all() if o.kind == kind}


def can_edit_initiative(by: Any, plan: Plan, initiative: Initiative) -> bool:
    ids = [o.pk for o in initiative.responsible.all()]
    return Standing.of(by, plan).can_edit_owned_row(plan, initiative_owner_ids(plan, ids))


def can_edit_statement(by: Any, plan: Plan, actor: Actor) -> bool:
    return Standing.of(by, plan).can_edit_owned_row(plan, actor_owner_ids(plan, actor))


def _require_owned(by: Any, plan: Plan, owner_ids: set[int]) -> None:
    standing = Standing.of(by, plan)
    if not standing.can_edit_plan(plan):
        raise PermissionDenied(NOT_SECRETARIAT)
    if not standing.can_edit_owned_row(plan, owner_ids):
        raise PermissionDenied(refused_owned(plan, owner_ids))


# 取組 -----------------------------------------------------------------------------------------

@dataclass
class InitiativeData:
    """What the form sends, already checked against the plan (ids of its own rows)."""

    element: PlanElement
    number_label: str
    title: str
    description: str
    is_priority: bool
    is_new: bool
    responsible: list[int]


def _check_number(plan: Plan, data: InitiativeData, pk: int | None) -> None:
    same = Initiative.objects.filter(element=data.element, number_label=data.number_label)
    if pk is not None:
        same = same.exclude(pk=pk)
    if data.number_label and same.exists():
        raise ValidationError({"number_label": f"「{data.element.heading}」には番号「{data.number_label}」"
                                               "の取組が既にあります。別の番号にしてください。"})


def _set_responsible(by: Any, plan: Plan, initiative: Initiative, wanted: list[int]) -> None:
    before = sorted(initiative.responsible.values_list("name", flat=True))
    if set(wanted) == set(initiative.responsible.values_list("pk", flat=True)):
        return
    initiative.responsible.set(sorted(set(wanted)))
    after = sorted(initiative.responsible.values_list("name", flat=True))
    record(by=by, action="plans.initiative.responsible", obj=initiative,
           before={"plan_id": plan.pk, "responsible": before},
           after={"plan_id": plan.pk, "responsible": after},
           municipality_code=plan.municipality.code,
           note=f"担当組織：{'・'.join(before) or 'なし'} → {'・'.join(after) or 'なし'}")


def _next_order(rows: Any) -> int:
    return (rows.aggregate(top=Max("order"))["top"] or 0) + 1


def _locked_plan(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().select_related("municipality").get(pk=plan.pk)


@transaction.atomic
def create_initiative(*, by: Any, plan: Plan, data: InitiativeData) -> AuditEvent:
    plan = _locked_plan(plan)
    _require_owned(by, plan, initiative_owner_ids(plan, data.responsible))
    _check_number(plan, data, None)
    order = _next_order(Initiative.objects.filter(element=data.element))
    try:
        with transaction.atomic():
            initiative = Initiative.objects.create(
                plan=plan, element=data.element, number_label=data.number_label,
                title=data.title, description=data.description, is_priority=data.is_priority,
                is_new=data.is_new, order=order)
    except IntegrityError as exc:
        raise ValidationError("同じ番号の取組が既にあります。別の番号にしてください。") from exc
    made = record(by=by, action="plans.initiative.create", obj=initiative, before=None,
                  after=snapshot(initiative), municipality_code=plan.municipality.code)
    _set_responsible(by, plan, initiative, data.responsible)
    return made


@transaction.atomic
def edit_initiative(*, by: Any, initiative: Initiative, data: InitiativeData, seen: str
                    ) -> AuditEvent | None:
    """Returns the event of the row's change (None when only 担当組織 changed, or nothing)."""
    plan = _locked_plan(initiative.plan)
    row = Initiative.objects.select_for_update().get(pk=initiative.pk, plan=plan)
    row.plan = plan
    current = [o.pk for o in row.responsible.all()]
    _require_owned(by, plan, initiative_owner_ids(plan, current))
    _require_owned(by, plan, initiative_owner_ids(plan, data.responsible))
    check_fresh(row, INITIATIVE_FIELDS, seen)
    _check_number(plan, data, row.pk)
    before = snapshot(row)
    moved = row.element_id != data.element.pk
    row.element = data.element
    row.number_label, row.title, row.description = data.number_label, data.title, data.description
    row.is_priority, row.is_new = data.is_priority, data.is_new
    if moved:
        row.order = _next_order(Initiative.objects.filter(element=data.element))
    made = None
    after = snapshot(row)
    if after != before:
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError as exc:
            raise ValidationError("同じ番号の取組が既にあります。別の番号にしてください。") from exc
        for placement in Placement.objects.filter(initiative=row, element=data.element):
            # Its new home is no longer a 再掲 of it.
            record(by=by, action="plans.placement.delete", obj=placement,
                   before={**snapshot(placement), "plan_id": plan.pk}, after=None,
                   municipality_code=plan.municipality.code,
                   note=f"掲載先を「{data.element.heading}」に移したため【再掲】を外しました。")
            placement.delete()
        made = record(by=by, action="plans.initiative.edit", obj=row, before=before,
                      after=snapshot(row), municipality_code=plan.municipality.code)
    _set_responsible(by, plan, row, data.responsible)
    return made


@transaction.atomic
def place_initiative(*, by: Any, initiative: Initiative, element: PlanElement, add: bool
                     ) -> AuditEvent:
    """Add or remove a 再掲 of the 取組 under another element of its plan."""
    plan = _locked_plan(initiative.plan)
    row = Initiative.objects.select_for_update().get(pk=initiative.pk, plan=plan)
    _require_owned(by, plan, initiative_owner_ids(plan, [o.pk for o in row.responsible.all()]))
    if element.plan_id != plan.pk:
        raise ValidationError("再掲先は同じ計画の項目を選んでください。")
    existing = Placement.objects.select_for_update().filter(initiative=row, element=element).first()
    if not add:
        if existing is None:
            raise ValidationError(f"「{element.heading}」への再掲はありません。")
        shot = {**snapshot(existing), "plan_id": plan.pk}
        made = record(by=by, action="plans.placement.delete", obj=existing, before=shot,
                      after=None, municipality_code=plan.municipality.code,
                      note=f"「{row}」の【再掲】を「{element.heading}」から外しました。")
        existing.delete()
        return made
    if element.pk == row.element_id:
        raise ValidationError("掲載先と同じ項目には再掲できません。")
    if existing is not None:
        raise ValidationError(f"「{element.heading}」には既に再掲しています。")
    order = _next_order(Placement.objects.filter(element=element))
    placement = Placement.objects.create(initiative=row, element=element, note="【再掲】",
                                         order=order)
    return record(by=by, action="plans.placement.create", obj=placement, before=None,
                  after={**snapshot(placement), "plan_id": plan.pk},
                  municipality_code=plan.municipality.code,
                  note=f"「{row}」を「{element.heading}」に再掲しました。")


def initiative_references(initiative: Initiative) -> list[str]:
    """What refers to the 取組 and would lose it (or its history) if it were deleted."""
    found: list[str] = []
    entries = initiative.entries.count()  # type: ignore[attr-defined]
    if entries:
        found.append(f"評価サイクルの報告 {entries}件")
    found += [f"成果指標「{i.name}」" for i in initiative.indicators.all()]  # type: ignore[attr-defined]
    found += [f"課題「{c}」" for c in initiative.challenges.all()]
    statements = initiative.statements.count()
    if statements:
        found.append(f"主体ごとの取組 {statements}件")
    found += [f"【再掲】「{p.element.heading}」" for p in initiative.placements.select_related("element")]
    return found


@transaction.atomic
def delete_initiative(*, by: Any, initiative: Initiative) -> AuditEvent:
    """Delete a 取組 nothing refers to; a 取組 of a published plan is archived instead (kept
    for its history and past reports, hidden from public pages)."""
    plan = _locked_plan(initiative.plan)
    row = Initiative.objects.select_for_update().filter(pk=initiative.pk, plan=plan).first()
    if row is None:
        raise ValidationError("この取組は既にありません。")
    _require_owned(by, plan, initiative_owner_ids(plan, [o.pk for o in row.responsible.all()]))
    if row.archived_at is not None:
        raise ValidationError("この取組は既に廃止しています。")
    before = snapshot(row)
    if plan.is_published:
        row.archived_at = timezone.now()
        row.save(update_fields=["archived_at"])
        return record(by=by, action="plans.initiative.archive", obj=row, before=before,
                      after=snapshot(row), municipality_code=plan.municipality.code,
                      note="公開中の計画のため、削除せず廃止にしました（公開ページには表示しません）。")
    found = initiative_references(row)
    if found:
        raise ValidationError(f"「{row}」は次のものから参照されているため削除できません：{'、'.join(found)}。")
    names = sorted(row.responsible.values_list("name", flat=True))
    made = record(by=by, action="plans.initiative.delete", obj=row,
                  before=deletion_snapshot(row), after=None,
                  municipality_code=plan.municipality.code,
                  note=f"担当組織：{'・'.join(names) or 'なし'}")
    row.delete()
    return made


# What each actor does -----------------------------------------------------------------------

def _statement_subject(statement: ActorStatement) -> dict[str, Any]:
    return {"element_id": statement.element_id, "initiative_id": statement.initiative_id}


@transaction.atomic
def create_statement(*, by: Any, plan: Plan, actor: Actor, text: str, detail: str,
                     element: PlanElement | None = None, initiative: Initiative | None = None
                     ) -> AuditEvent:
    plan = _locked_plan(plan)
    _require_owned(by, plan, actor_owner_ids(plan, actor))
    for other in (actor, element, initiative):
        if other is not None and other.plan_id != plan.pk:
            raise ValidationError("同じ計画のものを選んでください。")
    if element is not None and initiative is not None:
        # Neither: what the actor does for the plan as a whole.
        raise ValidationError("主体ごとの取組は、項目か取組のどちらか一つ（または計画全体）に追加します。")
    if not text.strip():
        raise ValidationError({"text": "内容を入力してください。"})
    siblings = ActorStatement.objects.filter(plan=plan, actor=actor, element=element,
                                             initiative=initiative)
    order = _next_order(siblings)
    statement = ActorStatement.objects.create(plan=plan, actor=actor, element=element,
                                              initiative=initiative, text=text, detail=detail,
                                              order=order)
    return record(by=by, action="plans.statement.create", obj=statement, before=None,
                  after=snapshot(statement), municipality_code=plan.municipality.code,
                  note=f"{actor.label}")


def _locked_statement(by: Any, statement: ActorStatement) -> tuple[Plan, ActorStatement]:
    plan = _locked_plan(statement.plan)
    row = ActorStatement.objects.select_for_update().filter(pk=statement.pk, plan=plan).first()
    if row is None:
        raise ValidationError("この内容は既にありません。")
    actor = Actor.objects.get(pk=row.actor_id)
    _require_owned(by, plan, actor_owner_ids(plan, actor))
    return plan, row


@transaction.atomic
def edit_statement(*, by: Any, statement: ActorStatement, actor: Actor, text: str, detail: str,
                   seen: str) -> AuditEvent | None:
    plan, row = _locked_statement(by, statement)
    if actor.plan_id != plan.pk:
        raise ValidationError({"actor": "同じ計画の主体を選んでください。"})
    _require_owned(by, plan, actor_owner_ids(plan, actor))
    check_fresh(row, STATEMENT_FIELDS, seen)
    if not text.strip():
        raise ValidationError({"text": "内容を入力してください。"})
    before = snapshot(row)
    if row.actor_id != actor.pk:
        row.order = _next_order(ActorStatement.objects.filter(
            plan=plan, actor=actor, **_statement_subject(row)))
    row.actor, row.text, row.detail = actor, text, detail
    if snapshot(row) == before:
        return None
    row.save()
    return record(by=by, action="plans.statement.edit", obj=row, before=before,
                  after=snapshot(row), municipality_code=plan.municipality.code)


@transaction.atomic
def move_statement(*, by: Any, statement: ActorStatement, up: bool) -> AuditEvent | None:
    """Swap with the neighbour above or below among the same actor's statements of the same
    element or 取組 (None at the end of the list). Orders are renumbered 1… first, so that equal
    orders (as imported) move too."""
    plan, row = _locked_statement(by, statement)
    siblings = list(ActorStatement.objects.select_for_update().filter(
        plan=plan, actor_id=row.actor_id, **_statement_subject(row)).order_by("order", "id"))
    before = snapshot(row)
    mine = swap_with_neighbour(siblings, row.pk, up=up)
    if mine is None:
        return None
    return record(by=by, action="plans.statement.move", obj=mine, before=before,
                  after=snapshot(mine), municipality_code=plan.municipality.code,
                  note="上へ移動" if up else "下へ移動")


@transaction.atomic
def delete_statement(*, by: Any, statement: ActorStatement) -> AuditEvent:
    plan, row = _locked_statement(by, statement)
    if row.repeats.exists():
        raise ValidationError("この内容は他の箇所で【再掲】として参照されているため削除できません。")
    made = record(by=by, action="plans.statement.delete", obj=row, before=snapshot(row),
                  after=None, municipality_code=plan.municipality.code)
    row.delete()
    return made
