"""Audited writes that keep a cycle's state honest: going on without a report or an indicator
figure (「未提出のまま進める」) and withdrawing a publication (取り下げ). The same rules as progress.actions: keyword arguments,
`by=user`, the permission checked here, one transaction, the row locked and its state checked
again after the lock, an audit event always.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sasaeai.accounts.access import Standing
from sasaeai.audit.actions import record, snapshot
from sasaeai.progress.actions import EntryConflict
from sasaeai.progress.models import Cycle, Entry, FigureRequest

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


WAIVE_DENIED = "「未提出のまま進める」を記録できるのは、報告を集めている間の事務局です。"


@dataclass
class Waived:
    """What one 「未提出のまま進める」 recorded: reports and indicator figures."""

    entries: list[Entry] = field(default_factory=list)
    figures: list[FigureRequest] = field(default_factory=list)


def _rows(model: type[Entry] | type[FigureRequest], cycle: Cycle, ids: list[int], what: str
          ) -> list[Any]:
    """The chosen rows, locked, each one of this cycle and not handed in."""
    if not ids:
        return []
    rows: list[Any] = list(
        model.objects.select_for_update(of=("self",)).select_related("organization")
        .filter(cycle=cycle, pk__in=ids).order_by("id"))
    if len(rows) != len(set(ids)):
        raise ValidationError(f"この評価サイクルにない{what}が選ばれています。")
    handed_in = [r for r in rows if r.is_handed_in]
    if handed_in:
        raise ValidationError(
            f"提出済の{what}が{len(handed_in)}件含まれています（{handed_in[0]}）。"
            f"未提出のまま進められるのは、未着手・下書き・差戻しの{what}だけです。")
    return rows


@transaction.atomic
def waive_waiting(*, by: Any, cycle: Cycle, entry_ids: list[int], figure_ids: list[int],
                  reason: str) -> Waived:
    """Record, for each of these reports and indicator figures not handed in, that the cycle
    goes on without it and why: one reason, one transaction, an audit event for each. The
    reason is shown with it wherever it appears; one handed in later is no longer marked
    (HandIn.is_waived)."""
    if not Standing.of(by, cycle.plan).can_waive_entries(cycle):
        raise PermissionDenied(WAIVE_DENIED)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "未提出のまま進める理由を入力してください。"})
    if not entry_ids and not figure_ids:
        raise ValidationError({"entries": "未提出のまま進める報告または実績値を選んでください。"})
    current = _locked_cycle(cycle, None)
    standing = Standing.of(by, current.plan)
    if not (standing.can_waive_entries(current)
            and (not figure_ids or standing.can_waive_figures(current))):
        raise PermissionDenied("この評価サイクルは、もう報告を集めていません。")
    done = Waived(entries=_rows(Entry, current, entry_ids, "報告"),
                  figures=_rows(FigureRequest, current, figure_ids, "実績値"))
    now = timezone.now()
    who = by if getattr(by, "is_authenticated", False) else None
    for kind, rows in (("entry", done.entries), ("figure", done.figures)):
        for row in rows:
            row.cycle = current
            before = snapshot(row)
            row.waiver_reason, row.waived_at, row.waived_by = reason, now, who
            row.save(update_fields=["waiver_reason", "waived_at", "waived_by"])
            record(by=by, action=f"progress.{kind}.waive", obj=row, before=before,
                   after=snapshot(row), municipality_code=current.plan.municipality.code,
                   organization=row.organization.name, note=reason)
    return done


def waive_entries(*, by: Any, cycle: Cycle, entry_ids: list[int], reason: str) -> list[Entry]:
    """「未提出のまま進める」 for reports only (see waive_waiting)."""
    if not entry_ids and Standing.of(by, cycle.plan).can_waive_entries(cycle) and reason.strip():
        raise ValidationError({"entries": "未提出のまま進める報告を選んでください。"})
    return waive_waiting(by=by, cycle=cycle, entry_ids=entry_ids, figure_ids=[],
                         reason=reason).entries


def waive_figures(*, by: Any, cycle: Cycle, figure_ids: list[int], reason: str
                  ) -> list[FigureRequest]:
    """「未提出のまま進める」 for indicator figures only (see waive_waiting)."""
    if not figure_ids and Standing.of(by, cycle.plan).can_waive_figures(cycle) and reason.strip():
        raise ValidationError({"figures": "未提出のまま進める実績値を選んでください。"})
    return waive_waiting(by=by, cycle=cycle, entry_ids=[], figure_ids=figure_ids,
                         reason=reason).figures


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
