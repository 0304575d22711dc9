"""The 事務局 manages its municipality's people (issue #16): roles changed, a membership ended,
an account stopped and started again, a lost authenticator reset. Every change is the 事務局's
(`Standing.can_invite`), made on locked rows, audited with before and after, and refused in
Japanese when it would leave the municipality without an active 事務局, when it reaches into
another municipality, or when the row changed since the page was opened. A person's past reports
and audit events keep their name and standing as they were (the audit trail's label)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Prefetch, QuerySet
from django.http import Http404

from sasaeai.accounts.access import Standing, forget_standing
from sasaeai.accounts.models import Invitation, Membership, User
from sasaeai.audit.actions import record
from sasaeai.lib.values import ascii_int
from sasaeai.tenancy.models import Municipality, Organization

Role = Membership.Role
LAST = "{m}の事務局がいなくなるため、できません。先に別の方を事務局にしてください。"


def allowed(by: Any, municipality: Municipality) -> None:
    if not Standing.of(by, municipality).can_invite():
        raise PermissionDenied("職員の管理ができるのは、その自治体の事務局です。")


def others_run_it(municipality: Municipality, *, but_user: Any = None,
                   but_membership: Any = None) -> bool:
    """Whether an active 事務局 remains once this person or membership is set aside."""
    rest = Membership.objects.filter(organization__municipality=municipality,
                                     role=Role.SECRETARIAT, user__is_active=True)
    if but_user is not None:
        rest = rest.exclude(user=but_user)
    if but_membership is not None:
        rest = rest.exclude(pk=but_membership.pk)
    return rest.exists()


@dataclass
class OrganizationPeople:
    organization: Organization
    memberships: list[Membership] = field(default_factory=list)


def people_of(municipality: Municipality) -> list[OrganizationPeople]:
    """The municipality's organizations in their order, each with its members (active first,
    then by role and name) — one query for the organizations and one for the members."""
    members = Membership.objects.select_related("user").prefetch_related(
        "user__totpdevice_set").order_by(
        "-user__is_active", "role", "user__display_name", "user__username")
    organizations = (Organization.objects.filter(municipality=municipality)
                     .select_related("merged_into").prefetch_related(Prefetch("memberships", queryset=members))
                     .order_by(F("retired_at").asc(nulls_first=True), "order", "id"))
    return [OrganizationPeople(o, list(o.memberships.all())) for o in organizations]


def open_invitations(municipality: Municipality) -> QuerySet[Invitation]:
    return (Invitation.objects.open().filter(organization__municipality=municipality)
            .select_related("organization").order_by("-created_at"))


def membership_in(municipality: Municipality, pk: Any) -> Membership:
    found = (Membership.objects.select_related("user", "organization")
             .filter(pk=pk, organization__municipality=municipality).first()
             if ascii_int(str(pk)) is not None else None)
    if found is None:
        raise Http404("この所属は見つかりません。")
    return found


def person_in(municipality: Municipality, pk: Any) -> User:
    found = (User.objects.filter(pk=pk, memberships__organization__municipality=municipality)
             .distinct().first() if ascii_int(str(pk)) is not None else None)
    if found is None:
        raise Http404("この職員は見つかりません。")
    return found


def change_role(*, by: Any, municipality: Municipality, membership: Membership, role: str,
                seen: str) -> Membership:
    allowed(by, municipality)
    if role not in Role.values:
        raise ValidationError("役割は 事務局・担当・委員・閲覧 から選んでください。")
    with transaction.atomic():
        row = Membership.objects.select_for_update().filter(pk=membership.pk).first()
        if row is None or row.role != seen:
            raise ValidationError("このページを開いた後に、他の人がこの所属を変更しました。一覧を開き直してください。何も変更していません。")
        if row.role == role:
            return row
        if row.role == Role.SECRETARIAT and not others_run_it(municipality, but_membership=row):
            raise ValidationError(LAST.format(m=municipality.name))
        before = {"role": row.role}
        row.role = role
        row.save(update_fields=["role"])
        record(by=by, action="accounts.membership.role", obj=row, before=before,
               after={"role": role}, municipality_code=municipality.code)
    forget_standing(row.user)
    return row


def end_membership(*, by: Any, municipality: Municipality, membership: Membership) -> None:
    """The person no longer belongs to the organization (moved to another section): their
    account stays, with whatever else they belong to; what they reported stays theirs."""
    allowed(by, municipality)
    with transaction.atomic():
        row = Membership.objects.select_for_update().filter(pk=membership.pk).first()
        if row is None:
            return
        if row.role == Role.SECRETARIAT and not others_run_it(municipality, but_membership=row):
            raise ValidationError(LAST.format(m=municipality.name))
        record(by=by, action="accounts.membership.end", obj=row,
               before={"user": row.user.get_username(), "organization": row.organization.name,
                       "role": row.role}, municipality_code=municipality.code)
        row.delete()


def set_active(*, by: Any, municipality: Municipality, person: User, active: bool) -> User:
    """Stop an account (who left: no sign-in, no mail) or start it again. Only for who belongs
    to this municipality alone; never oneself."""
    allowed(by, municipality)
    if person.pk == getattr(by, "pk", None):
        raise ValidationError("ご自身のアカウントは停止できません。")
    with transaction.atomic():
        row = User.objects.select_for_update().get(pk=person.pk)
        if row.is_active == active:
            return row
        if Membership.objects.filter(user=row).exclude(
                organization__municipality=municipality).exists():
            raise ValidationError(f"{row}さんは他の自治体にも所属しているため、アカウントは停止できません。"
                                  f"{municipality.name}の所属を外してください。")
        if not active and not others_run_it(municipality, but_user=row):
            raise ValidationError(LAST.format(m=municipality.name))
        row.is_active = active
        row.save(update_fields=["is_active"])
        record(by=by, action="accounts.user.activate" if active else "accounts.user.deactivate",
               obj=row, before={"is_active": not active}, after={"is_active": active},
               municipality_code=municipality.code)
    return row


def reset_second_factor(*, by: Any, municipality: Municipality, person: User) -> int:
    """Forget the person's authenticator app and recovery codes (a phone lost or replaced):
    they register one again at their next sign-in. Returns how many devices were removed."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    allowed(by, municipality)
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=person).delete()[0]
        StaticDevice.objects.filter(user=person).delete()
        record(by=by, action="accounts.second_factor.reset", obj=person,
               after={"removed": removed}, municipality_code=municipality.code)
    return removed


def withdraw_invitation(*, by: Any, municipality: Municipality, pk: Any) -> Invitation:
    from django.utils import timezone

    allowed(by, municipality)
    with transaction.atomic():
        row = (Invitation.objects.open().select_for_update()
               .filter(pk=pk, organization__municipality=municipality).first()
               if ascii_int(str(pk)) is not None else None)
        if row is None:
            raise Http404("この招待は見つからないか、既に使われています。")
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        record(by=by, action="accounts.invitation.withdraw", obj=row,
               municipality_code=municipality.code)
    return row
