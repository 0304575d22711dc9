"""The indicator editor's writes (issue #15): an indicator's definition, its targets and its
observations, and the merge of two indicators that turned out to be the same.

Every write is audited with the row's snapshot before and after and can be undone from
`plans:undo` (the rows are registered in IndicatorsConfig.ready). A target's or an observation's
event carries the plan's id beside the row's own fields (`plan_id`), so that
`plans.editing.belongs_to` finds the plan of a row whose own snapshot names only its indicator.

A merge keeps the surviving indicator, moves everything that refers to the other one (its
observations, targets, judgements, and any other app's rows: found from the model's relations,
so a later app's link is moved too) and deletes the other one, whose full snapshot and what
moved stay in the audit event `indicators.indicator.merge`; its old URL redirects to the
survivor (`merged_into`). Two figures for the same year that differ are never chosen between
silently: the merge is refused with the list, to be corrected or deleted first. The same figure
on both (the same year, status and value) is kept once, on the survivor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from sasaeai.accounts.access import Standing
from sasaeai.audit.actions import record, snapshot
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.undo import check_fresh, undoable
from sasaeai.indicators.models import Indicator, Observation, Target
from sasaeai.plans.models import Plan

INDICATOR_FIELDS = ("name", "unit", "polarity", "polarity_inferred", "kind", "aggregation",
                    "source_kind", "source_text", "source_organization_id",
                    "reporting_organization_id", "element_id", "initiative_id", "definition",
                    "rationale", "note")
TARGET_FIELDS = ("year", "year_kind", "kind", "value", "verbatim")
OBSERVATION_FIELDS = ("role", "year", "year_end", "year_kind", "value", "verbatim", "status",
                      "note")
MERGE_ACTION = "indicators.indicator.merge"


def register() -> None:
    """Called once from IndicatorsConfig.ready: the editor's rows can be undone."""
    undoable(Indicator, INDICATOR_FIELDS)
    undoable(Target, TARGET_FIELDS)
    undoable(Observation, OBSERVATION_FIELDS)


def _allowed(by: Any, plan: Plan) -> None:
    if not Standing.of(by, plan).can_edit_plan(plan):
        raise PermissionDenied("指標を編集できるのは事務局です。")


def _shot(row: Target | Observation, plan: Plan) -> dict[str, Any]:
    """A figure's snapshot, with its plan named for `belongs_to` (undo ignores the key)."""
    return {**snapshot(row), "plan_id": plan.pk}


def _name_taken(plan: Plan, name: str, pk: int | None) -> bool:
    same = Indicator.objects.filter(plan=plan, name=name)
    return (same.exclude(pk=pk) if pk is not None else same).exists()


# The definition -------------------------------------------------------------------------------

@transaction.atomic
def create_indicator(*, by: Any, plan: Plan, data: dict[str, Any]) -> AuditEvent:
    """A new indicator of the plan, listed last."""
    _allowed(by, plan)
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    if _name_taken(plan, data["name"], None):
        raise ValidationError({"name": "この計画には同じ名前の指標があります。"})
    order = Indicator.objects.for_plan(plan).aggregate(m=models.Max("order"))["m"] or 0
    indicator = Indicator(plan=plan, order=order + 1, **data)
    indicator.save()
    return record(by=by, action="indicators.indicator.add", obj=indicator, before=None,
                  after=snapshot(indicator), municipality_code=plan.municipality.code,
                  note=indicator.name)


@transaction.atomic
def edit_indicator(*, by: Any, indicator: Indicator, data: dict[str, Any], seen: str
                   ) -> AuditEvent:
    """Change an indicator's definition; refused (StaleEdit) when it changed since `seen`."""
    plan = indicator.plan
    _allowed(by, plan)
    current = Indicator.objects.select_for_update().get(pk=indicator.pk)
    check_fresh(current, INDICATOR_FIELDS, seen)
    if _name_taken(plan, data["name"], current.pk):
        raise ValidationError({"name": "この計画には同じ名前の指標があります。"})
    before = snapshot(current)
    for name, value in data.items():
        setattr(current, name, value)
    current.save()
    return record(by=by, action="indicators.indicator.edit", obj=current, before=before,
                  after=snapshot(current), municipality_code=plan.municipality.code,
                  note=current.name if before["name"] == current.name
                  else f"「{before['name']}」→「{current.name}」")


# Targets ---------------------------------------------------------------------------------------

def _target_year_taken(indicator: Indicator, data: dict[str, Any], pk: int | None) -> bool:
    if data.get("year") is None:
        return False
    same = Target.objects.filter(indicator=indicator, year=data["year"],
                                 year_kind=data["year_kind"])
    return (same.exclude(pk=pk) if pk is not None else same).exists()


@transaction.atomic
def save_target(*, by: Any, indicator: Indicator, data: dict[str, Any],
                target: Target | None = None, seen: str = "") -> AuditEvent:
    """Add a target (no `target`) or change one (refused when it changed since `seen`)."""
    plan = indicator.plan
    _allowed(by, plan)
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
    current = None
    if target is not None:
        current = Target.objects.select_for_update().filter(pk=target.pk,
                                                            indicator=indicator).first()
        if current is None:
            raise ValidationError("この目標値は既に削除されています。")
        check_fresh(current, TARGET_FIELDS, seen)
    if _target_year_taken(indicator, data, current.pk if current else None):
        raise ValidationError({"year": "この年（度）の目標値は既にあります。その行を修正してください。"})
    before = _shot(current, plan) if current else None
    row = current or Target(indicator=indicator)
    for name, value in data.items():
        setattr(row, name, value)
    row.save()
    row.refresh_from_db()  # the snapshot as the database holds it (15 → 15.0000)
    return record(by=by, action="indicators.target.edit" if current else "indicators.target.add",
                  obj=row, before=before, after=_shot(row, plan),
                  municipality_code=plan.municipality.code,
                  note=f"{indicator.name}：目標値「{row.verbatim}」")


@transaction.atomic
def delete_target(*, by: Any, target: Target, seen: str) -> AuditEvent:
    indicator = target.indicator
    plan = indicator.plan
    _allowed(by, plan)
    current = Target.objects.select_for_update().filter(pk=target.pk).first()
    if current is None:
        raise ValidationError("この目標値は既に削除されています。")
    check_fresh(current, TARGET_FIELDS, seen)
    made = record(by=by, action="indicators.target.delete", obj=current,
                  before=_shot(current, plan), after=None,
                  municipality_code=plan.municipality.code,
                  note=f"{indicator.name}：目標値「{current.verbatim}」を削除")
    current.delete()
    return made


# Observations ----------------------------------------------------------------------------------

@transaction.atomic
def add_observation(*, by: Any, indicator: Indicator, data: dict[str, Any]) -> AuditEvent:
    """A 基準値 or 実績値 typed in by the 事務局, with the text as written."""
    plan = indicator.plan
    _allowed(by, plan)
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
    if Observation.objects.filter(indicator=indicator, role=data["role"], year=data["year"],
                                  year_end=data.get("year_end"), area=None).exists():
        raise ValidationError({"year": "この年（度）の値は既に登録されています。"
                                       "その行を訂正してください。"})
    row = Observation(indicator=indicator, **data)
    row.save()
    row.refresh_from_db()
    return record(by=by, action="indicators.observation.add", obj=row, before=None,
                  after=_shot(row, plan), municipality_code=plan.municipality.code,
                  note=f"{indicator.name}：{row.get_role_display()}「{row.verbatim}」")


def _reason(reason: str, what: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": f"{what}理由を入力してください。"})
    return reason[:500]


@transaction.atomic
def correct_observation(*, by: Any, observation: Observation, data: dict[str, Any],
                        reason: str, seen: str) -> AuditEvent:
    """Correct a registered figure, for a reason: the event keeps the old figure (before)."""
    indicator = observation.indicator
    plan = indicator.plan
    _allowed(by, plan)
    reason = _reason(reason, "訂正する")
    current = Observation.objects.select_for_update().filter(pk=observation.pk).first()
    if current is None:
        raise ValidationError("この値は既に削除されています。")
    check_fresh(current, OBSERVATION_FIELDS, seen)
    before = _shot(current, plan)
    for name, value in data.items():
        setattr(current, name, value)
    current.save()
    current.refresh_from_db()
    return record(by=by, action="indicators.observation.correct", obj=current, before=before,
                  after=_shot(current, plan), municipality_code=plan.municipality.code,
                  note=f"{indicator.name}：「{before['verbatim']}」→「{current.verbatim}」。"
                       f"理由：{reason}")


@transaction.atomic
def delete_observation(*, by: Any, observation: Observation, reason: str, seen: str
                       ) -> AuditEvent:
    indicator = observation.indicator
    plan = indicator.plan
    _allowed(by, plan)
    reason = _reason(reason, "削除する")
    current = Observation.objects.select_for_update().filter(pk=observation.pk).first()
    if current is None:
        raise ValidationError("この値は既に削除されています。")
    check_fresh(current, OBSERVATION_FIELDS, seen)
    made = record(by=by, action="indicators.observation.delete", obj=current,
                  before=_shot(current, plan), after=None,
                  municipality_code=plan.municipality.code,
                  note=f"{indicator.name}：{current.get_role_display()}「{current.verbatim}」を削除。"
                       f"理由：{reason}")
    current.delete()
    return made


# Merging two indicators ------------------------------------------------------------------------

@dataclass
class Move:
    """The rows of one kind that refer to the merged indicator."""

    label: str
    rows: list[str]


@dataclass
class MergePlan:
    survivor: Indicator
    other: Indicator
    moves: list[Move] = field(default_factory=list)
    kept_once: list[str] = field(default_factory=list)  # the same figure on both
    conflicts: list[str] = field(default_factory=list)
    # (the other's duplicate, the survivor's equal row) for observations and targets
    duplicates: list[tuple[models.Model, models.Model]] = field(default_factory=list)


def _obs_key(o: Observation) -> tuple[Any, ...]:
    return (o.role, o.year, o.year_end, o.area_id)  # 2015年度 and a bare H27 are one year


def _same_figure(a: Observation, b: Observation) -> bool:
    return a.status == b.status and a.value == b.value


def _reverse_relations(model: type[models.Model]) -> list[Any]:
    return [r for r in model._meta.related_objects if r.one_to_many or r.one_to_one]


def _unique_sets(rel: Any) -> list[list[str]]:
    """The other fields that, with the link to the indicator, must be unique on the related row."""
    name = rel.field.name
    if rel.one_to_one:
        return [[]]
    found = []
    for constraint in rel.related_model._meta.constraints:
        if (isinstance(constraint, models.UniqueConstraint) and constraint.condition is None
                and name in constraint.fields):
            found.append([f for f in constraint.fields if f != name])
    return found


def plan_merge(survivor: Indicator, other: Indicator) -> MergePlan:
    """What merging `other` into `survivor` would do, and what stands in its way."""
    plan = MergePlan(survivor=survivor, other=other)
    if survivor.pk == other.pk:
        plan.conflicts.append("同じ指標どうしは統合できません。")
        return plan
    if survivor.plan_id != other.plan_id:
        plan.conflicts.append("別の計画の指標とは統合できません。")
        return plan
    mine = list(survivor.observations.all())
    moved_obs = []
    for o in other.observations.all():
        same = [m for m in mine if _obs_key(m) == _obs_key(o)]
        label = f"{o.get_role_display()} {o.year_label or '年の記載なし'}「{o.verbatim}」"
        if not same:
            moved_obs.append(label)
        elif _same_figure(same[0], o):
            plan.kept_once.append(f"{label}（両方に同じ値）")
            plan.duplicates.append((o, same[0]))
        else:
            plan.conflicts.append(
                f"{label}：「{survivor.name}」には同じ年（度）の{o.get_role_display()}"
                f"「{same[0].verbatim}」があります。")
    targets = list(survivor.targets.all())
    moved_targets = []
    for t in other.targets.all():
        label = f"目標値 {t.year_label or '年の記載なし'}「{t.verbatim}」"
        same_t = [m for m in targets if t.year is not None
                  and m.year == t.year]
        if not same_t:
            moved_targets.append(label)
        elif (same_t[0].kind, same_t[0].value) == (t.kind, t.value):
            plan.kept_once.append(f"{label}（両方に同じ値）")
            plan.duplicates.append((t, same_t[0]))
        else:
            plan.conflicts.append(f"{label}：「{survivor.name}」には同じ年（度）の目標値"
                                  f"「{same_t[0].verbatim}」があります。")
    plan.moves += [Move("観測値（基準値・実績値）", moved_obs), Move("目標値", moved_targets)]
    for rel in _reverse_relations(Indicator):
        if rel.related_model in (Observation, Target):
            continue
        theirs = list(rel.related_model._default_manager.filter(**{rel.field.name: other}))
        if not theirs:
            continue
        ours = list(rel.related_model._default_manager.filter(**{rel.field.name: survivor}))
        verbose = str(rel.related_model._meta.verbose_name)
        for fields in _unique_sets(rel):
            for row in theirs:
                if any(all(getattr(row, f) == getattr(m, f) for f in fields) for m in ours):
                    plan.conflicts.append(f"{verbose}「{row}」：「{survivor.name}」にも同じものがあります。"
                                          "一方を削除するか、評価サイクルを確定してから統合してください。")
        plan.moves.append(Move(verbose, [str(r) for r in theirs]))
    return plan


def merged_into(plan: Plan, pk: int) -> Indicator | None:
    """The indicator that took over a merged (deleted) indicator of the plan, if any."""
    for _ in range(10):  # a survivor may itself have been merged later
        merge = AuditEvent.objects.filter(
            action=MERGE_ACTION, object_type=Indicator._meta.label, object_id=str(pk),
            municipality_code=plan.municipality.code).order_by("-pk").first()
        if merge is None or not isinstance(merge.after, dict):
            return None
        into = merge.after.get("merged_into_id")
        if not isinstance(into, int):
            return None
        pk = into
        found = Indicator.objects.filter(plan=plan, pk=pk).first()
        if found is not None:
            return found
    return None


def survivor_or_404(plan: Plan, pk: int) -> Indicator:
    """Where a merged indicator's old address leads; not found (404) for any other pk."""
    from sasaeai.accounts.access import hide_unless

    survivor = merged_into(plan, pk)
    hide_unless(survivor is not None, "指標が見つかりません。")
    assert survivor is not None  # noqa: S101 - hide_unless raised otherwise
    return survivor


def _repoint(model: type[models.Model], old: models.Model, new: models.Model) -> None:
    """What refers to a duplicate figure refers to the survivor's equal one instead."""
    for rel in _reverse_relations(model):
        manager = rel.related_model._default_manager
        if rel.one_to_one and manager.filter(**{rel.field.name: new}).exists():
            raise ValidationError(f"{rel.related_model._meta.verbose_name}が両方の値にあるため統合できません。")
        manager.filter(**{rel.field.name: old}).update(**{rel.field.name: new})


@transaction.atomic
def merge_indicators(*, by: Any, survivor: Indicator, other: Indicator) -> AuditEvent:
    """Merge `other` into `survivor` (see the module docstring); refused while figures differ."""
    plan = survivor.plan
    _allowed(by, plan)
    locked = {i.pk: i for i in Indicator.objects.select_for_update().filter(
        pk__in=[survivor.pk, other.pk], plan=plan).order_by("pk")}
    if survivor.pk not in locked or other.pk not in locked:
        raise ValidationError("統合する指標が見つかりません（既に統合・削除されています）。")
    survivor, other = locked[survivor.pk], locked[other.pk]
    survivor.plan = other.plan = plan
    merge = plan_merge(survivor, other)
    if merge.conflicts:
        raise ValidationError(merge.conflicts)
    before: dict[str, Any] = {
        **snapshot(other),
        "observations": [snapshot(o) for o in other.observations.all()],
        "targets": [snapshot(t) for t in other.targets.all()],
    }
    for duplicate, kept in merge.duplicates:
        _repoint(type(duplicate), duplicate, kept)
        duplicate.delete()
    moved: dict[str, list[int]] = {}
    for rel in _reverse_relations(Indicator):
        manager = rel.related_model._default_manager
        ids = list(manager.filter(**{rel.field.name: other}).values_list("pk", flat=True))
        if ids:
            manager.filter(pk__in=ids).update(**{rel.field.name: survivor})
            moved[rel.related_model._meta.label] = ids
    other_pk, other_name = other.pk, other.name
    made = record(by=by, action=MERGE_ACTION, obj=other, before=before,
                  after={"plan_id": plan.pk, "merged_into_id": survivor.pk,
                         "merged_into": survivor.name, "moved": moved,
                         "kept_once": merge.kept_once},
                  municipality_code=plan.municipality.code,
                  note=f"「{other_name}」を「{survivor.name}」に統合しました。")
    Indicator.objects.filter(pk=other_pk).delete()
    return made
