"""Audited writes on a plan's actors (Actor: 「地域住民等ができること」 with its 自助・共助・公助),
for the 事務局's editor of what each actor does for the plan as a whole (issue #15, views_actors).

Every function takes keyword arguments and `by=user`, asks the standing itself (the plan's
事務局; an actor of the 社協 or of the city in a plan of two or more owners only that owner's
事務局, ADR 0017), locks the plan row, refuses a stale edit (`seen`) and records an audit event
with the row's before and after in the same transaction. An actor that still has statements is
not deleted: the 事務局 moves or deletes them first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sasaeai.audit.actions import record, snapshot
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.undo import check_fresh
from sasaeai.plans.editing import ACTOR_FIELDS
from sasaeai.plans.initiative_edits import (
    _locked_plan,
    _next_order,
    _require_owned,
    actor_owner_ids,
)
from sasaeai.plans.models import Actor, Plan
from sasaeai.plans.ordering import swap_with_neighbour

SAME_LABEL = "同じ見出しの主体が既にあります。別の見出しにしてください。"


@dataclass
class ActorData:
    """What the form sends, already checked (kind and sphere among the choices)."""

    kind: str
    label: str
    sphere: str
    sphere_label: str


def _check(plan: Plan, data: ActorData, pk: int | None) -> None:
    if not data.label.strip():
        raise ValidationError({"label": "見出しを入力してください。"})
    same = Actor.objects.filter(plan=plan, label=data.label)
    if pk is not None:
        same = same.exclude(pk=pk)
    if same.exists():
        raise ValidationError({"label": SAME_LABEL})


def _locked_actor(by: Any, plan: Plan, actor: Actor) -> tuple[Plan, Actor]:
    plan = _locked_plan(plan)
    row = Actor.objects.select_for_update().filter(pk=actor.pk, plan=plan).first()
    if row is None:
        raise ValidationError("この主体は既にありません。")
    row.plan = plan
    _require_owned(by, plan, actor_owner_ids(plan, row))
    return plan, row


@transaction.atomic
def create_actor(*, by: Any, plan: Plan, data: ActorData) -> AuditEvent:
    plan = _locked_plan(plan)
    _require_owned(by, plan, actor_owner_ids(plan, Actor(plan=plan, kind=data.kind)))
    _check(plan, data, None)
    try:
        with transaction.atomic():
            actor = Actor.objects.create(
                plan=plan, kind=data.kind, label=data.label, sphere=data.sphere,
                sphere_label=data.sphere_label, order=_next_order(Actor.objects.filter(plan=plan)))
    except IntegrityError as exc:
        raise ValidationError({"label": SAME_LABEL}) from exc
    return record(by=by, action="plans.actor.create", obj=actor, before=None,
                  after=snapshot(actor), municipality_code=plan.municipality.code)


@transaction.atomic
def edit_actor(*, by: Any, actor: Actor, data: ActorData, seen: str) -> AuditEvent | None:
    """None when nothing changed."""
    plan, row = _locked_actor(by, actor.plan, actor)
    # Turning it into the 社協's or the city's: the new owner must be one's own too.
    _require_owned(by, plan, actor_owner_ids(plan, Actor(plan=plan, kind=data.kind)))
    check_fresh(row, ACTOR_FIELDS, seen)
    _check(plan, data, row.pk)
    before = snapshot(row)
    row.kind, row.label, row.sphere, row.sphere_label = (
        data.kind, data.label, data.sphere, data.sphere_label)
    if snapshot(row) == before:
        return None
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        raise ValidationError({"label": SAME_LABEL}) from exc
    return record(by=by, action="plans.actor.edit", obj=row, before=before, after=snapshot(row),
                  municipality_code=plan.municipality.code)


@transaction.atomic
def move_actor(*, by: Any, actor: Actor, up: bool) -> AuditEvent | None:
    """Swap with the actor above or below (None at the end of the list). Orders are renumbered
    1… first, so that equal orders (as imported) move too."""
    plan, row = _locked_actor(by, actor.plan, actor)
    siblings = list(Actor.objects.select_for_update().filter(plan=plan).order_by("order", "id"))
    before = snapshot(row)
    mine = swap_with_neighbour(siblings, row.pk, up=up)
    if mine is None:
        return None
    return record(by=by, action="plans.actor.move", obj=mine, before=before,
                  after=snapshot(mine), municipality_code=plan.municipality.code,
                  note="上へ移動" if up else "下へ移動")


@transaction.atomic
def delete_actor(*, by: Any, actor: Actor) -> AuditEvent:
    plan, row = _locked_actor(by, actor.plan, actor)
    count = row.statements.count()  # type: ignore[attr-defined]
    if count:
        raise ValidationError(
            f"主体「{row.label}」には主体ごとの取組が{count}件あるため削除できません。"
            "先にそれらを別の主体に移すか削除してください。")
    made = record(by=by, action="plans.actor.delete", obj=row, before=snapshot(row), after=None,
                  municipality_code=plan.municipality.code)
    row.delete()
    return made
