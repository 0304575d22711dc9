"""An item's history in the plan editor (issue #15): every audited change of one row of a plan
(the plan itself, an element of its 体系, a 取組, what an actor does, an actor, a 課題, an
indicator), newest first, each with who made it, when, and each changed field before and after
in words; and 「この版に戻す」 for any earlier version (audit.undo.revert): its values come back
as a new audited change, which can be undone in turn.

Where a row sits (its parent, its order, the element or 取組 it is placed under), whether it is
archived and the plan's status are not part of a version: each has its own control (move,
廃止を取消, 公開), and putting one row back among siblings that moved since would scatter them.
The page says so.

The rows are found through the audit registry by label, so indicators (an app above this one)
have a history page without plans importing them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from sasaeai.audit.models import AuditEvent
from sasaeai.audit.undo import REGISTRY, Undoable, values
from sasaeai.plans.editing import change_label
from sasaeai.plans.initiative_edits import can_edit_initiative, can_edit_statement
from sasaeai.plans.models import ActorStatement, Initiative, Plan

# The URL's word for each kind of row that has a history page, and the row's model label.
KINDS = {"plan": "plans.Plan", "element": "plans.PlanElement", "initiative": "plans.Initiative",
         "statement": "plans.ActorStatement", "actor": "plans.Actor",
         "challenge": "plans.Challenge", "indicator": "indicators.Indicator"}
LABELS = {label: kind for kind, label in KINDS.items()}

# Not part of a version (see the module docstring).
KEPT_IN_PLACE = frozenset({"parent_id", "order", "archived_at", "status", "plan_id",
                           "element_id", "initiative_id", "challenge_id"})
WHEN = "Y年n月j日 H:i"


def when(event: AuditEvent) -> str:
    return date_format(timezone.localtime(event.at), WHEN)


def kind_of(row: models.Model) -> str | None:
    return LABELS.get(row._meta.label)


def history_url(plan: Plan, row: models.Model) -> str:
    kind = kind_of(row)
    if kind is None:
        raise ValueError(f"no history page for {row._meta.label}")
    return reverse("plans:history", args=[plan.municipality.code, plan.slug, kind, row.pk])


def versioned_fields(entry: Undoable) -> tuple[str, ...]:
    """The registered fields a version gives back."""
    return tuple(name for name in entry.fields if name not in KEPT_IN_PLACE)


def _of_plan(row: models.Model, plan: Plan) -> bool:
    if isinstance(row, Plan):
        return row.pk == plan.pk
    return getattr(row, "plan_id", None) == plan.pk


def item_of(plan: Plan, kind: str, pk: int) -> tuple[models.Model, Undoable]:
    """The plan's row of that kind (404 for an unknown kind, another plan's row, or none)."""
    entry = REGISTRY.get(KINDS.get(kind, ""))
    if entry is None:
        raise Http404("この項目は見つかりません。")
    row = entry.model._default_manager.filter(pk=pk).first()
    if row is None or not _of_plan(row, plan):
        raise Http404("この項目は見つかりません。")
    return row, entry


def row_of(plan: Plan, event: AuditEvent) -> tuple[models.Model, Undoable]:
    """The row an audited change of this plan made, when it still exists and has a history."""
    kind = LABELS.get(event.object_type)
    if kind is None or not event.object_id.isdigit():
        raise Http404("この項目は見つかりません。")
    return item_of(plan, kind, int(event.object_id))


def may_revert(by: Any, plan: Plan, row: models.Model) -> bool:
    """Whether `by` may change this row (the editor's own rule for its kind, ADR 0017)."""
    if isinstance(row, Initiative):
        return can_edit_initiative(by, plan, row)
    if isinstance(row, ActorStatement):
        return can_edit_statement(by, plan, row.actor)
    return True  # the caller has checked Standing.can_edit_plan


@dataclass
class Shown:
    label: str
    before: str
    after: str


@dataclass
class Version:
    event: AuditEvent
    what: str
    when: str
    changes: list[Shown] = field(default_factory=list)
    current: bool = False  # the row holds this version's values now
    revertible: bool = False


class Words:
    """Values as the page shows them: choices by their label, yes/no for flags, a related
    row by its name (fetched once per model for the whole page), 「（なし）」 for nothing."""

    def __init__(self, model: type[models.Model], events: list[AuditEvent],
                 names: tuple[str, ...]) -> None:
        self.fields = {f.attname: f for f in model._meta.concrete_fields if f.attname in names}
        self.related: dict[str, dict[Any, str]] = {}
        for name, f in self.fields.items():
            if f.is_relation and f.related_model is not None:
                ids = {shot.get(name) for e in events for shot in (e.before, e.after)
                       if shot and shot.get(name) is not None}
                target = f.related_model
                if not isinstance(target, type):
                    continue
                self.related[name] = {o.pk: str(o) for o in
                                      target._default_manager.filter(pk__in=ids)}

    def label(self, name: str) -> str:
        f = self.fields[name]
        return str(getattr(f, "verbose_name", name))

    def of(self, name: str, value: Any) -> str:
        f = self.fields[name]
        if value is None or value == "":
            return "（なし）"
        if name in self.related:
            return self.related[name].get(value, "（削除済みの項目）")
        if isinstance(f, models.BooleanField):
            return "あり" if value else "なし"
        choices = dict(f.flatchoices) if f.choices else {}
        return str(choices.get(value, value))


def versions(row: models.Model, entry: Undoable, code: str) -> list[Version]:
    """The row's changes, newest first, each with its fields before and after in words."""
    events = list(AuditEvent.objects.filter(municipality_code=code,
                                            object_type=row._meta.label, object_id=str(row.pk))
                  .order_by("-at", "-id"))
    shown_fields = versioned_fields(entry)
    words = Words(type(row), events, entry.fields)
    now = values(row, list(shown_fields))
    found: list[Version] = []
    for event in events:
        before, after = event.before or {}, event.after or {}
        version = Version(event, change_label(event), when(event))
        for name in entry.fields:
            if name in words.fields and before.get(name) != after.get(name) and (
                    event.before is not None or after.get(name) not in (None, "", False)):
                version.changes.append(Shown(words.label(name), words.of(name, before.get(name)),
                                             words.of(name, after.get(name))))
        if event.after is not None:
            mine = {name: after[name] for name in shown_fields if name in after}
            version.current = bool(mine) and all(now[name] == value
                                                 for name, value in mine.items())
            version.revertible = bool(mine) and not version.current
        found.append(version)
    return found


def present(row: models.Model, entry: Undoable) -> list[Shown]:
    """The row's versioned fields as they are now."""
    names = versioned_fields(entry)
    now = values(row, list(names))
    words = Words(type(row), [AuditEvent(after=now)], names)
    return [Shown(words.label(name), "", words.of(name, now[name]))
            for name in names if name in words.fields]
