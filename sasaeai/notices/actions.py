"""Marking a notice read: the recipient only (the view fetches it through `for_user`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from sasaeai.audit.actions import record
from sasaeai.notices.models import Notice


@transaction.atomic
def mark_read(*, by: Any, notice: Notice) -> Notice:
    current = Notice.objects.select_for_update().get(pk=notice.pk)
    if current.recipient_id != getattr(by, "pk", None):
        raise PermissionDenied("他の人のお知らせは既読にできません。")
    if current.read_at is not None:
        return current  # already read: nothing changes
    current.read_at = timezone.now()
    current.save(update_fields=["read_at"])
    record(by=by, action="notices.notice.read", obj=current, note=current.subject[:200])
    return current
