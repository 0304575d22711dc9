"""The 事務局 keeps its municipality's organizations (issue #16): a department added after a
機構改革, a name changed (the old one kept in the audit trail and the organization's history).
Names are unique within a municipality: imports and workbooks name organizations."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from sasaeai.accounts.access import Standing
from sasaeai.audit.actions import record, snapshot
from sasaeai.lib.values import ascii_int
from sasaeai.tenancy.models import Municipality, Organization

FIELDS = ("name", "short_name", "kind", "parent_id")
STALE = "このページを開いた後に、他の人がこの組織を変更しました。一覧を開き直してください。何も変更していません。"


def _allowed(by: Any, municipality: Municipality) -> None:
    if not Standing.of(by, municipality).can_invite():
        raise PermissionDenied("組織を追加・変更できるのは、その自治体の事務局です。")


def organization_in(municipality: Municipality, pk: Any) -> Organization:
    found = (Organization.objects.filter(pk=pk, municipality=municipality).first()
             if ascii_int(str(pk)) is not None else None)
    if found is None:
        raise Http404("この組織は見つかりません。")
    return found


def _checked(municipality: Municipality, row: Organization) -> None:
    row.name, row.short_name = row.name.strip(), row.short_name.strip()
    if not row.name:
        raise ValidationError("組織の名称を入力してください。")
    taken = Organization.objects.filter(municipality=municipality, name=row.name)
    if row.pk is not None:
        taken = taken.exclude(pk=row.pk)
    if taken.exists():
        raise ValidationError(f"「{row.name}」という組織は既にあります。")
    if row.kind not in Organization.Kind.values:
        raise ValidationError("組織の種別を選んでください。")
    if row.parent_id is not None and (row.parent is None or row.parent.municipality_id != municipality.pk
                                      or row.parent_id == row.pk):
        raise ValidationError("上位組織は、この自治体の別の組織から選んでください。")
    row.full_clean()


def add_organization(*, by: Any, municipality: Municipality, name: str, kind: str,
                     short_name: str = "", parent: Organization | None = None) -> Organization:
    _allowed(by, municipality)
    last = Organization.objects.filter(municipality=municipality).order_by("-order").first()
    row = Organization(municipality=municipality, name=name, short_name=short_name, kind=kind,
                       parent=parent, order=(last.order + 10) if last else 0)
    _checked(municipality, row)
    with transaction.atomic():
        row.save()
        record(by=by, action="tenancy.organization.create", obj=row, after=snapshot(row),
               municipality_code=municipality.code)
    return row


def change_organization(*, by: Any, municipality: Municipality, organization: Organization,
                        name: str, short_name: str, kind: str, parent: Organization | None,
                        seen: str) -> Organization:
    """Rename (機構改革) or re-file an organization; `seen` is the name the page showed."""
    _allowed(by, municipality)
    with transaction.atomic():
        row = Organization.objects.select_for_update().filter(pk=organization.pk).first()
        if row is None or row.name != seen:
            raise ValidationError(STALE)
        before = snapshot(row)
        row.name, row.short_name, row.kind, row.parent = name, short_name, kind, parent
        _checked(municipality, row)
        row.save()
        record(by=by, action="tenancy.organization.edit", obj=row, before=before,
               after=snapshot(row), municipality_code=municipality.code)
    return row
