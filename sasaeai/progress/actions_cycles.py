"""Audited writes on a cycle's setup: the 事務局 edits its title, 年度, dates and scale while it is
準備中 or 入力中, or deletes a cycle set up by mistake before any report is handed in. Creation and
the status steps live in progress.actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from sasaeai.accounts.access import Standing
from sasaeai.audit.actions import record, snapshot
from sasaeai.progress.actions import EntryConflict, has_ratings
from sasaeai.progress.cycle_rules import check_cycle
from sasaeai.progress.models import Cycle, Entry, RatingScale

EDIT_DENIED = "評価サイクルの名称・年度・日程を変えられるのは、準備中か入力中の間の事務局です。"
DELETE_DENIED = "評価サイクルを削除できるのは、準備中か入力中の間の事務局です。"
# Once an organization has handed a report in (even if it was returned since), the cycle holds
# its work: it is no longer a mistake to delete.
HANDED_IN = [Entry.Status.SUBMITTED, Entry.Status.RETURNED, Entry.Status.ACCEPTED]


def _locked(cycle: Cycle, expected_version: int) -> Cycle:
    current = (Cycle.objects.select_for_update(of=("self",))
               .select_related("plan__municipality", "rating_scale").get(pk=cycle.pk))
    if current.version != expected_version:
        raise EntryConflict(current)
    return current


@transaction.atomic
def edit_cycle(
    *, by: Any, cycle: Cycle, expected_version: int, title: str, fiscal_year: int | None,
    entries_due: date | None, committee_meeting: date | None,
    rating_scale: RatingScale | None = None,
) -> Cycle:
    if not Standing.of(by, cycle.plan).can_edit_cycle(cycle):
        raise PermissionDenied(EDIT_DENIED)
    current = _locked(cycle, expected_version)
    plan = current.plan
    if not Standing.of(by, plan).can_edit_cycle(current):
        raise PermissionDenied(EDIT_DENIED)
    if fiscal_year is not None and Cycle.objects.filter(
        plan=plan, fiscal_year=fiscal_year, kind=current.kind
    ).exclude(pk=current.pk).exists():
        raise ValidationError({"fiscal_year": "この年度・種類の評価サイクルは既にあります。"})
    check_cycle(plan=plan, fiscal_year=fiscal_year, entries_due=entries_due,
                committee_meeting=committee_meeting, creating=False, old_due=current.entries_due)
    fields = ["title", "fiscal_year", "entries_due", "committee_meeting", "version"]
    if rating_scale is not None and rating_scale.pk != current.rating_scale_id:
        if rating_scale.municipality_id != plan.municipality_id:
            raise ValidationError({"rating_scale": "この自治体の尺度を選んでください。"})
        if has_ratings(current):
            raise ValidationError({"rating_scale": (
                "既に自己評価か委員会評価が入力されているため、尺度は変えられません。")})
        current.rating_scale = rating_scale
        fields.append("rating_scale")
    before = snapshot(current)
    current.title = title.strip()
    current.fiscal_year = fiscal_year
    current.entries_due = entries_due
    current.committee_meeting = committee_meeting
    current.version += 1
    current.save(update_fields=fields)
    record(by=by, action="progress.cycle.edit", obj=current, before=before,
           after=snapshot(current), municipality_code=plan.municipality.code)
    return current


@transaction.atomic
def delete_cycle(*, by: Any, cycle: Cycle, expected_version: int) -> None:
    """Delete the cycle and its (unsubmitted) reports, with their versions and opinions."""
    if not Standing.of(by, cycle.plan).can_delete_cycle(cycle):
        raise PermissionDenied(DELETE_DENIED)
    current = _locked(cycle, expected_version)
    plan = current.plan
    if not Standing.of(by, plan).can_delete_cycle(current):
        raise PermissionDenied(DELETE_DENIED)
    handed_in = current.entries.filter(status__in=HANDED_IN).count()
    if handed_in:
        raise ValidationError(
            f"提出された報告が{handed_in}件あるため、この評価サイクルは削除できません。")
    before = snapshot(current)
    count = current.entries.count()
    record(by=by, action="progress.cycle.delete", obj=current, before=before,
           municipality_code=plan.municipality.code,
           note=f"{current.display_title}（報告 {count}件）を削除")
    current.delete()
