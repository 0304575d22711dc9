"""Opening a new municipality (issue #16): from its 地方公共団体コード, checked by its check
digit and against the national list (name, よみ and prefecture filled from it), with its city
(or, for a tenant that is a 社協 alone, its 社協) as the first organization, and an invitation
to its first 事務局. A wrong or taken code is refused in Japanese with nothing created. The
operator does it, from the command `sasaeai create_municipality` or its page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from sasaeai.accounts import invitations
from sasaeai.accounts.access import Standing
from sasaeai.accounts.models import Invitation, Membership
from sasaeai.audit.actions import record, snapshot
from sasaeai.tenancy.lgcodes import lookup
from sasaeai.tenancy.models import Municipality, Organization, validate_lg_code


@dataclass
class Opened:
    municipality: Municipality
    organization: Organization
    invitation: Invitation | None
    key: str = ""


def create_municipality(*, by: Any, code: str, name: str = "", kana: str = "",
                        prefecture: str = "", shakyo_only: bool = False,
                        secretariat_email: str = "", secretariat_name: str = "") -> Opened:
    if not Standing.of(by, None).can_create_municipality():
        raise PermissionDenied("自治体を作成できるのは運営者（システム管理者）です。")
    code = code.strip()
    validate_lg_code(code)
    known = lookup(code)
    name, kana, prefecture = name.strip(), kana.strip(), prefecture.strip()
    if known is not None:
        if name and name != known.name:
            raise ValidationError(f"地方公共団体コード {code} は{known.prefecture}{known.name}のコードです"
                                  f"（指定された名称「{name}」と違います）。")
        name, kana, prefecture = known.name, kana or known.kana, prefecture or known.prefecture
    elif not (name and prefecture):
        raise ValidationError(f"地方公共団体コード {code} は全国の一覧（2020年）にありません。"
                              "新しい団体の場合は、名称と都道府県も指定してください。")
    if Municipality.objects.filter(code=code).exists():
        raise ValidationError(f"地方公共団体コード {code}（{name}）の自治体は既にあります。")
    with transaction.atomic():
        municipality = Municipality(code=code, name=name, kana=kana, prefecture=prefecture)
        municipality.full_clean()
        municipality.save()
        record(by=by, action="tenancy.municipality.create", obj=municipality,
               after=snapshot(municipality), municipality_code=code)
        kind = Organization.Kind.SHAKYO if shakyo_only else Organization.Kind.CITY
        organization = Organization.objects.create(
            municipality=municipality, kind=kind,
            name=f"{name}社会福祉協議会" if shakyo_only else name)
        record(by=by, action="tenancy.organization.create", obj=organization,
               after=snapshot(organization), municipality_code=code)
        invitation, key = None, ""
        if secretariat_email:
            invitation, key = invitations.invite(
                by=by, organization=organization, email=secretariat_email,
                role=Membership.Role.SECRETARIAT, display_name=secretariat_name)
    return Opened(municipality, organization, invitation, key)
