"""機構改革 (issue #16): the 事務局 retires an organization that has no more work, or merges a
department into another. Merging moves what is still to come — its people and open invitations,
the 取組 and 体系 items it reports on, the indicators whose figure it reports, the plans it owns,
and its reports and figures not yet handed in to a cycle still being written — to the new
department; what it already handed in, and every closed cycle, stays under its own name, as it
was reported. The old organization is then retired (no new work; its history kept) and names
the one it went into. Lives here, above plans, indicators and progress, because it touches all
three; every change is the 事務局's, on locked rows, audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sasaeai.accounts import members
from sasaeai.accounts.models import Invitation, Membership
from sasaeai.accounts.organizations import STALE
from sasaeai.audit.actions import record
from sasaeai.indicators.models import Indicator
from sasaeai.plans.models import Initiative, Plan, ReportingAssignment
from sasaeai.progress.models import Cycle, Entry, FigureRequest
from sasaeai.tenancy.models import Municipality, Organization

OPEN = (Cycle.Status.PREPARING, Cycle.Status.COLLECTING)


def work_of(organization: Organization) -> list[str]:
    """What still gives the organization work, in words (at most a few of each kind)."""
    found: list[str] = []
    if (n := Membership.objects.filter(organization=organization).count()):
        found.append(f"所属している人（{n}人）")
    if (n := ReportingAssignment.objects.filter(organization=organization).count()):
        found.append(f"報告を担当する計画の項目（{n}件）")
    if (n := Initiative.objects.filter(responsible=organization).count()):
        found.append(f"担当している取組（{n}件）")
    if (n := Indicator.objects.filter(reporting_organization=organization).count()):
        found.append(f"実績値を報告する指標（{n}件）")
    if (n := Plan.objects.filter(owners=organization).count()):
        found.append(f"策定主体になっている計画（{n}件）")
    if (n := Entry.objects.filter(organization=organization, cycle__status__in=OPEN).count()):
        found.append(f"入力中の評価サイクルの報告（{n}件）")
    return found


def _locked(organization: Organization, seen: str) -> Organization:
    row = Organization.objects.select_for_update().filter(pk=organization.pk).first()
    if row is None or row.name != seen:
        raise ValidationError(STALE)
    if row.is_retired:
        raise ValidationError(f"「{row.name}」は既に廃止されています。")
    return row


def retire(*, by: Any, municipality: Municipality, organization: Organization,
           seen: str) -> Organization:
    """Retire an organization with no work left (a merge moves the work first)."""
    members.allowed(by, municipality)
    with transaction.atomic():
        row = _locked(organization, seen)
        left = work_of(row)
        if left:
            raise ValidationError(f"「{row.name}」にはまだ仕事があるため廃止できません：{'、'.join(left)}。"
                                  "別の組織に統合すると、これらを移してから廃止します。")
        if row.kind in (Organization.Kind.CITY, Organization.Kind.SHAKYO) and not (
                Organization.objects.filter(municipality=municipality, kind=row.kind,
                                            retired_at__isnull=True).exclude(pk=row.pk).exists()):
            raise ValidationError(f"「{row.name}」は{municipality.name}の{row.get_kind_display()}です。廃止できません。")
        row.retired_at = timezone.now()
        row.save(update_fields=["retired_at"])
        record(by=by, action="tenancy.organization.retire", obj=row,
               before={"retired_at": None}, after={"retired_at": row.retired_at.isoformat()},
               municipality_code=municipality.code)
    return row


def merge(*, by: Any, municipality: Municipality, organization: Organization,
          into: Organization, seen: str) -> dict[str, int]:
    """Move the organization's work to `into`, then retire it. Returns what moved, by kind."""
    members.allowed(by, municipality)
    if into.municipality_id != municipality.pk or into.pk == organization.pk or into.is_retired:
        raise ValidationError("統合先は、この自治体の廃止されていない別の組織から選んでください。")
    moved: dict[str, int] = {}
    with transaction.atomic():
        old = _locked(organization, seen)
        if old.kind in (Organization.Kind.CITY, Organization.Kind.SHAKYO):
            raise ValidationError(f"「{old.name}」は{old.get_kind_display()}です。統合できるのは課や団体です。")
        moved["所属"] = 0
        for membership in Membership.objects.select_for_update().filter(organization=old):
            if not Membership.objects.filter(user_id=membership.user_id, organization=into).exists():
                Membership.objects.create(user_id=membership.user_id, organization=into,
                                          role=membership.role)
                moved["所属"] += 1
            membership.delete()
        moved["招待"] = Invitation.objects.open().filter(organization=old).update(organization=into)
        moved["報告の割り当て"] = 0
        for assignment in ReportingAssignment.objects.select_for_update().filter(organization=old):
            if ReportingAssignment.objects.filter(element_id=assignment.element_id,
                                                  organization=into).exists():
                assignment.delete()
            else:
                assignment.organization = into
                assignment.save(update_fields=["organization"])
            moved["報告の割り当て"] += 1
        initiatives = list(Initiative.objects.filter(responsible=old))
        for initiative in initiatives:
            initiative.responsible.remove(old)
            initiative.responsible.add(into)
        moved["取組"] = len(initiatives)
        moved["指標"] = Indicator.objects.filter(reporting_organization=old).update(
            reporting_organization=into)
        plans = list(Plan.objects.filter(owners=old))
        for plan in plans:
            plan.owners.remove(old)
            plan.owners.add(into)
        moved["計画"] = len(plans)
        moved["報告"] = 0
        for entry in Entry.objects.select_for_update().filter(organization=old,
                                                              cycle__status__in=OPEN):
            same_unit = {"initiative": entry.initiative_id, "element": entry.element_id}
            taken = Entry.objects.filter(cycle_id=entry.cycle_id, organization=into,
                                         **same_unit).exists()
            if not entry.is_handed_in and not taken:
                entry.organization = into
                entry.save(update_fields=["organization"])
                moved["報告"] += 1
        moved["実績値"] = 0
        for figure in FigureRequest.objects.select_for_update().filter(organization=old,
                                                                       cycle__status__in=OPEN):
            if not figure.is_handed_in:
                figure.organization = into
                figure.save(update_fields=["organization"])
                moved["実績値"] += 1
        Organization.objects.filter(parent=old).update(parent=into)
        old.retired_at, old.merged_into = timezone.now(), into
        old.save(update_fields=["retired_at", "merged_into"])
        record(by=by, action="tenancy.organization.merge", obj=old,
               before={"retired_at": None, "merged_into": None},
               after={"retired_at": old.retired_at.isoformat(), "merged_into": into.name,
                      "moved": moved},
               municipality_code=municipality.code)
    return moved
