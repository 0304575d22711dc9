"""Undo a change from its audit event, and refuse a stale edit, for the rows apps register.

Every edit of the plan editor is an audited write with the row's `before` and `after` snapshot
(`audit.actions.snapshot`). Undoing it writes the `before` back, as a new audited write that
names what it undoes (`AuditEvent.undoes`), so that an undo can itself be undone. It is refused
when the row no longer holds the `after` (someone changed it since): nothing is overwritten
that the undoer has not seen.

- an update (before and after): the registered fields get their `before` values back;
- a creation (no before): the row is deleted again, unless something now refers to it;
- a deletion (no after): the row comes back with its id and fields; when the deleting action
  recorded `deletion_snapshot(row)`, also its registered many-to-many links (to rows that still
  exist) and its registered children deleted with it (a 課題's evidence).

Apps register their rows once (`undoable(Model, fields)`, in their AppConfig.ready or models);
audit imports no app.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError

from sasaeai.audit.actions import record, snapshot
from sasaeai.audit.models import AuditEvent


@dataclass(frozen=True)
class Undoable:
    model: type[models.Model]
    fields: tuple[str, ...]  # snapshot keys an edit may change (attnames for relations)
    links: tuple[str, ...] = ()  # many-to-many fields a deletion's undo gives back
    children: tuple[tuple[str, str], ...] = ()  # (label, foreign key) of rows deleted with it


REGISTRY: dict[str, Undoable] = {}
CHILDREN = "_children"
# Actions whose events an app undoes itself (one event that changed many rows): action → a
# function called like `undo`, under the event's lock, once it is known not undone yet.
UNDOERS: dict[str, Callable[..., AuditEvent]] = {}


def undoer(action: str, undo_it: Callable[..., AuditEvent]) -> None:
    UNDOERS[action] = undo_it


def undoable(model: type[models.Model], fields: tuple[str, ...] | list[str], *,
             links: tuple[str, ...] = (), children: tuple[tuple[str, str], ...] = ()) -> None:
    REGISTRY[model._meta.label] = Undoable(model, tuple(fields), links, children)


def deletion_snapshot(row: models.Model) -> dict[str, Any]:
    """What undoing the row's deletion gives back: its fields, the ids of its registered links
    and the snapshots of its registered children (deleted with it)."""
    entry = REGISTRY[row._meta.label]
    shot = snapshot(row)
    for name in entry.links:
        shot[name] = sorted(getattr(row, name).values_list("pk", flat=True))
    for label, key in entry.children:
        child = REGISTRY[label].model
        shot.setdefault(CHILDREN, {})[label] = [
            snapshot(c) for c in child._default_manager.filter(**{key: row.pk}).order_by("pk")]
    return shot


def _give_back_links_and_children(entry: Undoable, row: models.Model,
                                  before: dict[str, Any]) -> bool:
    """After a deletion's undo: the links to rows that still exist, and the children that are
    not back already. Whether anything came back."""
    any_back = False
    for name in entry.links:
        ids = before.get(name)
        if not isinstance(ids, list) or not ids:
            continue
        target = row._meta.get_field(name).related_model
        if not isinstance(target, type):
            continue
        existing = list(target._default_manager.filter(pk__in=ids))
        getattr(row, name).set(existing)
        any_back = any_back or bool(existing)
    for label, shots in (before.get(CHILDREN) or {}).items():
        child = REGISTRY.get(label)
        if child is None:
            continue
        attnames = {f.attname: f for f in child.model._meta.concrete_fields}
        for shot in shots:
            if child.model._default_manager.filter(pk=shot.get("id")).exists():
                continue
            _save_back(child.model(**{name: _restored(attnames[name], value)
                                      for name, value in shot.items() if name in attnames}),
                       force_insert=True)
            any_back = True
    return any_back


def values(row: models.Model, fields: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """The row's fields as its snapshot writes them (JSON-safe, comparable with an event's)."""
    shot = snapshot(row)
    return {name: shot.get(name) for name in fields}


def fingerprint(row: models.Model, fields: tuple[str, ...] | list[str]) -> str:
    """A short digest of what the form showed: sent back with the edit, compared under lock."""
    data = json.dumps(values(row, fields), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


class StaleEdit(Exception):
    """The row changed since the page showed it: nothing was written. `current` is the row as
    it is now, for the page to show beside what the user sent."""

    def __init__(self, current: models.Model | None) -> None:
        super().__init__("ページを開いた後に、他の人がこの内容を変更しました。何も保存していません。")
        self.current = current


def check_fresh(row: models.Model, fields: tuple[str, ...] | list[str], seen: str) -> None:
    """Refuse an edit made on a page that showed an older state of the (locked) row."""
    if seen != fingerprint(row, fields):
        raise StaleEdit(row)


def is_undone(event: AuditEvent) -> bool:
    return AuditEvent.objects.filter(undoes=event).exists()


def can_undo(event: AuditEvent) -> bool:
    """Whether the event is of a registered row and not undone yet (the row may still refuse)."""
    return event.object_type in REGISTRY and event.object_id != "" and not is_undone(event)


def dependents(row: models.Model) -> list[str]:
    """What deleting the row would delete or refuse for with it: undoing its creation never
    takes anything added since along (a cascade would do so silently)."""
    from django.db import router
    from django.db.models.deletion import Collector

    collector = Collector(using=router.db_for_write(type(row)))
    try:
        collector.collect([row])
    except (ProtectedError, RestrictedError) as exc:
        found = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", [])
        return sorted({str(o) for o in found})
    names = {str(o) for instances in collector.data.values() for o in instances if o != row}
    for queryset in collector.fast_deletes:
        names |= {str(o) for o in queryset[:20]}
    return sorted(names)


def _restored(field: models.Field[Any, Any], value: Any) -> Any:
    return None if value is None else field.to_python(value)


@transaction.atomic
def _save_back(row: models.Model, **kwargs: Any) -> None:
    """Save what undo wrote back, refusing in Japanese what the rows around it no longer allow:
    a parent deleted since (checked here: PostgreSQL would only refuse it at commit), or a
    number taken since (a unique constraint)."""
    for field in row._meta.concrete_fields:
        target = getattr(row, field.attname)
        related = field.related_model if field.is_relation else None
        if (target is not None and related is not None
                and not related._default_manager.filter(pk=target).exists()):
            raise ValidationError(f"{field.verbose_name}が既にないため、元に戻せません。")
    try:
        with transaction.atomic():
            row.save(**kwargs)
    except IntegrityError as exc:
        raise ValidationError("その後の変更と重なるため（同じ番号・名前が既にあるなど）、元に戻せません。"
                              "項目を直接編集してください。") from exc


@transaction.atomic
def undo(*, by: Any, event: AuditEvent, municipality_code: str) -> AuditEvent:
    """Write the event's `before` back (see the module docstring); the caller has decided that
    `by` may edit what the event changed. Returns the new event."""
    entry = REGISTRY.get(event.object_type)
    if entry is None or not event.object_id:
        raise ValidationError("この変更は元に戻せません。")
    AuditEvent.objects.select_for_update().filter(pk=event.pk).first()
    if is_undone(event):
        raise ValidationError("この変更は既に元に戻されています。")
    if event.action in UNDOERS:
        return UNDOERS[event.action](by=by, event=event, municipality_code=municipality_code)
    model, fields = entry.model, entry.fields
    row = model._default_manager.select_for_update().filter(pk=event.object_id).first()
    before, after = event.before, event.after
    attnames = {f.attname: f for f in model._meta.concrete_fields}
    if before is not None and after is not None:  # an update
        if row is None:
            raise ValidationError("この項目は既にありません。元に戻せません。")
        changed = [name for name in fields if name in after]
        if values(row, changed) != {name: after[name] for name in changed}:
            raise StaleEdit(row)
        shot = snapshot(row)
        for name in changed:
            setattr(row, name, _restored(attnames[name], before.get(name)))
        _save_back(row, update_fields=[attnames[name].name for name in changed])
        return record(by=by, action="audit.undo", obj=row, before=shot, after=snapshot(row),
                      municipality_code=municipality_code, undoes=event,
                      note=f"「{event.object_label}」の変更を元に戻しました。")
    if before is None and after is not None:  # a creation: delete again
        if row is None:
            raise ValidationError("この項目は既にありません。")
        if values(row, fields) != {name: after.get(name) for name in fields}:
            raise StaleEdit(row)
        shot, label = snapshot(row), str(row)
        made = record(by=by, action="audit.undo", obj=row, before=shot, after=None,
                      municipality_code=municipality_code, undoes=event,
                      note=f"「{label}」の追加を取り消しました。")
        found = dependents(row)
        if found:
            raise ValidationError(f"「{label}」には、その後に追加されたもの（{'、'.join(found[:10])}"
                                  f"{' ほか' if len(found) > 10 else ''}）があるため、追加を取り消せません。")
        row.delete()
        return made
    if before is not None and after is None:  # a deletion: bring it back
        if row is not None:
            raise ValidationError("この項目は既に戻されています。")
        restored = model(**{name: _restored(attnames[name], value)
                            for name, value in before.items() if name in attnames})
        _save_back(restored, force_insert=True)
        back = _give_back_links_and_children(entry, restored, before)
        return record(by=by, action="audit.undo", obj=restored, before=None,
                      after=snapshot(restored), municipality_code=municipality_code,
                      undoes=event, note=f"「{restored}」の削除を取り消しました"
                                         f"{'（対応づけ・担当組織・根拠も戻しました）' if back else ''}。")
    raise ValidationError("この変更は元に戻せません。")


@transaction.atomic
def revert(*, by: Any, event: AuditEvent, fields: tuple[str, ...] | list[str], seen: str,
           municipality_code: str, when: str) -> AuditEvent:
    """Give the row back the values it had right after `event` (an earlier version, from the
    item's history page), for `fields` only: a new audited change that can be undone in turn.
    Refused when the row changed since the page showed it (`seen`, its fingerprint), when it is
    gone, and when it already holds those values. `when` names the version in the note."""
    entry = REGISTRY.get(event.object_type)
    if entry is None or not event.object_id or event.after is None:
        raise ValidationError("この版には戻せません。")
    model = entry.model
    row = model._default_manager.select_for_update().filter(pk=event.object_id).first()
    if row is None:
        raise ValidationError("この項目は既にありません。")
    check_fresh(row, entry.fields, seen)
    attnames = {f.attname: f for f in model._meta.concrete_fields}
    wanted = {name: event.after[name] for name in fields
              if name in event.after and name in attnames and name in entry.fields}
    now = values(row, list(wanted))
    changed = [name for name, value in wanted.items() if now[name] != value]
    if not changed:
        raise ValidationError("いまの内容はこの版と同じです。何も変更していません。")
    shot = snapshot(row)
    for name in changed:
        setattr(row, name, _restored(attnames[name], wanted[name]))
    _save_back(row, update_fields=[attnames[name].name for name in changed])
    return record(by=by, action="audit.revert", obj=row, before=shot, after=snapshot(row),
                  municipality_code=municipality_code,
                  note=f"{when}の版に戻しました。")
