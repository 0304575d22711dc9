"""Audited writes on a plan's reporting units: what is reported on, who reports on each unit,
and a new organisation to make responsible.

Each function takes keyword arguments and `by=user`, checks the standing itself, locks the plan
row, re-checks after the lock, refuses a save made from a page older than the last change (the
assignment version), and records an audit event in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from sasaeai.accounts.access import Standing
from sasaeai.audit.actions import record, snapshot
from sasaeai.plans.models import Initiative, Plan, ReportingAssignment
from sasaeai.plans.reporting import (
    NEW_ORGANIZATION_KINDS,
    assignment_version,
    level_choices,
    reporting_organizations,
    units,
)
from sasaeai.tenancy.models import Municipality, Organization

STALE = ("ページを開いた後に、他の人が報告の単位か割り当てを変更しました。"
         "何も保存していません。ページを読み込み直してから、もう一度操作してください。")


def _locked_plan(by: Any, plan: Plan, version: str) -> Plan:
    if not Standing.of(by, plan).can_assign_reporting(plan):
        raise PermissionDenied("報告の単位と担当を決められるのは事務局です。")
    locked = Plan.objects.select_for_update().select_related("municipality").get(pk=plan.pk)
    if not Standing.of(by, locked).can_assign_reporting(locked):
        raise PermissionDenied("報告の単位と担当を決められるのは事務局です。")
    if version != assignment_version(locked):
        raise ValidationError(STALE)
    return locked


@transaction.atomic
def choose_reporting_level(*, by: Any, plan: Plan, level: str, version: str) -> Plan:
    """Report on the plan's 取組 (level "") or on one level of its 体系. Assignments made for
    another level are kept: switching back finds them again."""
    locked = _locked_plan(by, plan, version)
    if level not in dict(level_choices(locked)):
        raise ValidationError("報告の単位は一覧から選んでください。")
    if level != locked.reporting_level:
        before = snapshot(locked)
        locked.reporting_level = level
        locked.save(update_fields=["reporting_level", "updated_at"])
        record(by=by, action="plans.reporting.level", obj=locked, before=before,
               after=snapshot(locked), municipality_code=locked.municipality.code,
               note=f"報告の単位：{dict(level_choices(locked))[level]}")
    return locked


@transaction.atomic
def save_reporting_assignments(
    *, by: Any, plan: Plan, rows: list[int], pairs: set[tuple[int, int]], version: str
) -> int:
    """Make `pairs` (unit id, organisation id) the assignments of the units in `rows` (the rows
    the page showed; others are left alone). A row whose organisations change becomes the
    事務局's own choice: its sample flags are cleared. Returns how many rows changed."""
    locked = _locked_plan(by, plan, version)
    current = {row.subject.pk: row for row in units(locked)}
    orgs = {o.pk: o for o in reporting_organizations(locked.municipality, locked)}
    if any(pk not in current for pk in rows):
        raise ValidationError("この計画の報告の単位ではない行が含まれています。ページを読み込み直してください。")
    for unit_id, org_id in pairs:
        if unit_id not in rows:
            raise ValidationError("表示していない行への割り当ては保存できません。")
        if org_id not in orgs:
            raise ValidationError("この自治体の報告できる組織から選んでください。")
    before: dict[str, list[str]] = {}
    after: dict[str, list[str]] = {}
    for unit_id in dict.fromkeys(rows):
        row = current[unit_id]
        wanted = {org for unit, org in pairs if unit == unit_id}
        if wanted == set(row.assigned):
            continue
        label = str(row.subject)
        before[label] = sorted(orgs[pk].name if pk in orgs else str(pk) for pk in row.assigned)
        after[label] = sorted(orgs[pk].name for pk in wanted)
        if isinstance(row.subject, Initiative):
            row.subject.responsible.set(sorted(wanted))
        else:
            ReportingAssignment.objects.filter(element=row.subject).exclude(
                organization_id__in=wanted).delete()
            ReportingAssignment.objects.filter(element=row.subject).update(is_sample=False)
            ReportingAssignment.objects.bulk_create(
                ReportingAssignment(plan=locked, element=row.subject, organization_id=org_id)
                for org_id in sorted(wanted - set(row.assigned))
            )
    if after:
        record(by=by, action="plans.reporting.assign", obj=locked, before=before, after=after,
               municipality_code=locked.municipality.code,
               note=f"{len(after)}件の報告の単位の担当を変更しました。")
    return len(after)


@transaction.atomic
def create_organization(
    *, by: Any, plan: Plan, name: str, kind: str = Organization.Kind.DEPARTMENT
) -> Organization:
    """A new organisation (usually a 担当課) of the plan's municipality, to assign units to.
    A department is placed under the city."""
    if not Standing.of(by, plan).can_manage_organizations():
        raise PermissionDenied("組織を追加できるのは事務局です。")
    municipality = plan.municipality
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "組織の名称を入力してください。"})
    if any(ord(c) < 32 for c in name):
        raise ValidationError({"name": "組織の名称に制御文字は使えません。"})
    if len(name) > 100:
        raise ValidationError({"name": "組織の名称は100文字以内で入力してください。"})
    if kind not in NEW_ORGANIZATION_KINDS:
        raise ValidationError({"kind": "種別は担当課・社会福祉協議会・地区社協から選んでください。"})
    # Two 事務局 adding the same name at once: the second waits here and then finds the first.
    Municipality.objects.select_for_update().get(pk=municipality.pk)
    existing = Organization.objects.filter(municipality=municipality)
    if existing.filter(name=name).exists():
        raise ValidationError({"name": f"「{name}」は既に登録されています。一覧から選んでください。"})
    city = existing.filter(kind=Organization.Kind.CITY).order_by("order", "id").first()
    order = (existing.aggregate(top=Max("order"))["top"] or 0) + 1
    organization = Organization.objects.create(
        municipality=municipality, name=name, kind=kind, order=order,
        parent=city if kind == Organization.Kind.DEPARTMENT else None,
    )
    record(by=by, action="tenancy.organization.create", obj=organization,
           after=snapshot(organization), municipality_code=municipality.code,
           note=f"報告の割り当て（{plan.title}）から追加")
    return organization
