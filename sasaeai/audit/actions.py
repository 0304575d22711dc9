"""record(): the one way an audit event is written, inside the caller's transaction."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.db import models
from django.dispatch import Signal

from sasaeai.audit.models import AuditEvent

# Sent by `record` once the event is saved (inside the caller's transaction), with the event and
# the object it is about: who must be told of a write listens here (progress/notifications.py)
# instead of every action calling it.
recorded = Signal()

# Never copied into an audit event, whatever model they sit on.
SECRET_FIELDS = frozenset({"password", "token", "secret", "key", "secret_hash"})


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of a row, JSON-safe, secrets left out."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            continue
        value = field.value_from_object(instance)
        if isinstance(value, datetime.datetime | datetime.date | datetime.time):
            value = value.isoformat()
        elif isinstance(value, decimal.Decimal | uuid.UUID):
            value = str(value)
        data[field.attname if field.is_relation else field.name] = value
    return data


def standing(user: Any) -> list[tuple[str, str]]:
    """(organization, role) of each of the user's memberships: how the audit trail and the
    security log name who someone is."""
    from sasaeai.accounts.models import Membership

    return [(m.organization.name, m.get_role_display())
            for m in Membership.objects.filter(user=user).select_related("organization")]


def actor_label(by: Any) -> str:
    """Who acted, as they stood then: the name and each organization with its role, e.g.
    「事務局の佐藤（ささえ市・事務局）」 (memberships change; the trail keeps what held)."""
    if by is None:
        return "システム"
    if not getattr(by, "is_authenticated", False):
        return str(by)
    label = getattr(by, "_sasaeai_audit_label", None)
    if label is None:
        roles = "、".join(f"{org}・{role}" for org, role in standing(by))
        label = f"{by}（{roles}）" if roles else str(by)
        label = label if len(label) <= 150 else label[:149] + "…"
        by._sasaeai_audit_label = label
    return label


def event(
    *,
    by: Any,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    municipality_code: str = "",
    organization: str = "",
    note: str = "",
    undoes: AuditEvent | None = None,
) -> AuditEvent:
    """An audit event not yet saved: `record` saves one, `record_all` many at once."""
    user = by if getattr(by, "is_authenticated", False) else None
    return AuditEvent(
        actor=user,
        actor_label=actor_label(by),
        municipality_code=municipality_code,
        organization=organization,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_label=str(obj)[:300] if obj is not None else "",
        before=before,
        after=after,
        note=note,
        undoes=undoes,
    )


def record(**kwargs: Any) -> AuditEvent:
    """Write one audit event (see `event` for the arguments)."""
    made = event(**kwargs)
    made.save()
    recorded.send(sender=AuditEvent, event=made, obj=kwargs.get("obj"), by=kwargs.get("by"))
    return made


def record_all(events: list[AuditEvent]) -> list[AuditEvent]:
    """Write many audit events in one statement (an import of hundreds of rows)."""
    return AuditEvent.objects.bulk_create(events, batch_size=500)
