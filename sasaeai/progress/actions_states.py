"""Audited writes that keep a cycle's state honest: going on without a report (「未提出のまま進める」)
and withdrawing a publication (取り下げ). The same rules as progress.actions: keyword arguments,
`by=user`, the permission checked here, one transaction, the row locked and its state checked
again after the lock, an audit event always.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sasaeai.accounts.access import Standing
from sasaeai.audit.actions import record, snapshot
from sasaeai.progress.actions import EntryConflict
from sasaeai.progress.models import Cycle, Entry

S = Cycle.Status
# Steps the 事務局 does not take with one click: the page asks for an explicit confirmation.
IRREVERSIBLE = frozenset({S.CONFIRMED, S.PUBLISHED})


def needs_confirmation(to: str | None) -> bool:
    return to in IRREVERSIBLE


def _locked_cycle(cycle: Cycle, expected_version: int | None) -> Cycle:
    current = Cycle.objects.select_for_update().get(pk=cycle.pk)
    current.plan = cycle.plan
    if expected_version is not None and current.version != expected_version:
        raise EntryConflict(current)
    return current


@transaction.atomic
def waive_entries(*, by: Any, cycle: Cycle, entry_ids: list[int], reason: str) -> list[Entry]:
    """Record, for each of these reports not handed in, that the cycle goes on without it and
    why. The reason is shown with the report wherever it appears; a report handed in later is
    no longer marked (Entry.is_waived)."""
    if not Standing.of(by, cycle.plan).can_waive_entries(cycle):
        raise PermissionDenied("「未提出のまま進める」を記録できるのは、報告を集めている間の事務局です。")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "未提出のまま進める理由を入力してください。"})
    if not entry_ids:
        raise ValidationError({"entries": "未提出のまま進める報告を選んでください。"})
    current = _locked_cycle(cycle, None)
    if not Standing.of(by, current.plan).can_waive_entries(current):
        raise PermissionDenied("この評価サイクルは、もう報告を集めていません。")
    entries = list(Entry.objects.select_for_update().select_related("organization")
                   .filter(cycle=current, pk__in=entry_ids).order_by("id"))
    if len(entries) != len(set(entry_ids)):
        raise ValidationError("この評価サイクルにない報告が選ばれています。")
    handed_in = [e for e in entries if e.is_handed_in]
    if handed_in:
        raise ValidationError(
            f"提出済の報告が{len(handed_in)}件含まれています（{handed_in[0]}）。"
            "未提出のまま進められるのは、未着手・下書き・差戻しの報告だけです。")
    now = timezone.now()
    for entry in entries:
        entry.cycle = current
        before = snapshot(entry)
        entry.waiver_reason = reason
        entry.waived_at = now
        entry.waived_by = by if getattr(by, "is_authenticated", False) else None
        entry.save(update_fields=["waiver_reason", "waived_at", "waived_by"])
        record(by=by, action="progress.entry.waive", obj=entry, before=before,
               after=snapshot(entry), municipality_code=current.plan.municipality.code,
               organization=entry.organization.name, note=reason)
    return entries


@transaction.atomic
def withdraw_publication(*, by: Any, cycle: Cycle, reason: str, expected_version: int) -> Cycle:
    """Take a publication back: the public then sees that it was withdrawn, when and why, and
    nothing of its content, until the 事務局 publishes it again."""
    if not Standing.of(by, cycle.plan).can_withdraw_publication(cycle):
        raise PermissionDenied("公開を取り下げられるのは、公開中の評価サイクルの事務局です。")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "取り下げの理由を入力してください。"})
    current = _locked_cycle(cycle, expected_version)
    if not Standing.of(by, current.plan).can_withdraw_publication(current):
        raise ValidationError("この評価サイクルは公開中ではありません。")
    before = snapshot(current)
    current.status = S.WITHDRAWN
    current.withdrawn_at = timezone.now()
    current.withdrawal_reason = reason
    current.version += 1
    current.save(update_fields=["status", "withdrawn_at", "withdrawal_reason", "version"])
    record(by=by, action="progress.cycle.withdraw", obj=current, before=before,
           after=snapshot(current), municipality_code=current.plan.municipality.code,
           note=reason)
    return current
