"""Invitations by e-mail (issue #16): the 事務局 (or the operator, for a new municipality's
first 事務局) invites someone to an organization with a role; the mail's link works once, for 7
days; following it, the invitee makes an account with a password, or, already having one,
signs in and accepts, which adds the membership. Only a hash of the link's key is kept. A new
invitation to the same address and organization withdraws the one before. Every step audited."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sasaeai.accounts.access import Standing, forget_standing
from sasaeai.accounts.models import Invitation, Membership, User
from sasaeai.audit.actions import actor_label, record
from sasaeai.tenancy.models import Organization

logger = logging.getLogger("sasaeai.accounts")
VALID_FOR = timedelta(days=7)
OPERATOR = "ささえあいの運営者"  # who invites from the command line
UNUSABLE = "この招待は使えません。既に使われたか、取り消されたか、期限（7日）が切れています。招待した事務局に、もう一度招待するよう依頼してください。"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _facts(invitation: Invitation) -> dict[str, Any]:
    """What the audit trail keeps of an invitation (never its key)."""
    return {"email": invitation.email, "display_name": invitation.display_name,
            "organization": invitation.organization.name, "role": invitation.role,
            "expires_at": invitation.expires_at.isoformat()}


def invite(*, by: Any, organization: Organization, email: str, role: str,
           display_name: str = "") -> tuple[Invitation, str]:
    """Invite `email` to `organization` as `role`; the mail goes once the transaction commits.
    Returns the invitation and its key (the link's last part, shown nowhere else)."""
    if not Standing.of(by, organization).can_invite(organization):
        raise PermissionDenied("この組織に人を招待できるのは、その自治体の事務局です。")
    if organization.is_retired:
        raise ValidationError(f"「{organization.name}」は廃止されています。廃止されていない組織に招待してください。")
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError("メールアドレスの形で入力してください（例：taro@city.example.lg.jp）。") from exc
    if role not in Membership.Role.values:
        raise ValidationError("役割は 事務局・担当・委員・閲覧 から選んでください。")
    if Membership.objects.filter(organization=organization, user__email__iexact=email,
                                 user__is_active=True).exists():
        raise ValidationError(f"{email} の方は、既に{organization}に所属しています。役割の変更は「職員」の一覧からできます。")
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        earlier = list(Invitation.objects.open().select_for_update().filter(
            organization=organization, email__iexact=email))
        for old in earlier:
            old.revoked_at = now
            old.save(update_fields=["revoked_at"])
            record(by=by, action="accounts.invitation.replace", obj=old,
                   municipality_code=organization.municipality.code,
                   note="同じ宛先への新しい招待で置き換え")
        invitation = Invitation.objects.create(
            email=email, display_name=display_name.strip(), organization=organization, role=role,
            key_hash=key_hash(key), expires_at=now + VALID_FOR,
            invited_by=by if getattr(by, "is_authenticated", False) else None,
            invited_by_label=actor_label(by) if by is not None else OPERATOR)
        record(by=by, action="accounts.invitation.create", obj=invitation,
               after=_facts(invitation), municipality_code=organization.municipality.code)
        transaction.on_commit(lambda: send_invitation(invitation, key))
    return invitation, key


def link(key: str) -> str:
    return settings.SASAEAI_BASE_URL.rstrip("/") + reverse("accounts:invitation", args=[key])


def send_invitation(invitation: Invitation, key: str) -> bool:
    """The invitation's mail; a mail server that is down is logged (the invitation stands and
    can be sent again by inviting again)."""
    organization = invitation.organization
    municipality = organization.municipality
    expires = timezone.localtime(invitation.expires_at)
    body = (f"{invitation.display_name or invitation.email} 様\n\n"
            f"{municipality.name}の地域福祉計画の進行管理システム「ささえあい」に、"
            f"{organization.name}の{invitation.get_role_display()}として招待されました。\n"
            f"招待した人：{invitation.invited_by_label}\n\n"
            "次のリンクを開いて、ログインIDとパスワードを決めてください"
            "（既にアカウントをお持ちの方は、ログインしてから招待を受けてください）。\n"
            f"このリンクは {expires:%Y年%-m月%-d日 %H:%M} まで、1回だけ使えます。\n\n"
            f"{link(key)}\n\n"
            "このメールにお心当たりのない場合は、破棄してください。\n"
            "──\n（このメールは ささえあい から自動で送信しています。返信はできません）\n")
    message = EmailMessage(subject=f"【ささえあい】{municipality.name} {organization.name}への招待",
                           body=body, to=[invitation.email])
    try:
        message.send()
    except Exception:  # the invitation stands; inviting again sends a new link
        logger.exception("招待のメールを送れませんでした（招待 %s）", invitation.pk)
        return False
    return True


def find(key: str) -> Invitation | None:
    """The open invitation of a link's key, or None."""
    if not key or len(key) > 100:
        return None
    return (Invitation.objects.open().select_related("organization__municipality")
            .filter(key_hash=key_hash(key)).first())


def account_exists(invitation: Invitation) -> bool:
    return User.objects.filter(email__iexact=invitation.email, is_active=True).exists()


def _locked(key: str) -> Invitation:
    invitation = (Invitation.objects.open().select_for_update()
                  .filter(key_hash=key_hash(key)).first()) if key else None
    if invitation is None:
        raise ValidationError(UNUSABLE)
    return invitation


def _accepted(invitation: Invitation, user: Any) -> None:
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    forget_standing(user)
    record(by=user, action="accounts.invitation.accept", obj=invitation,
           after={"user": user.get_username(), **_facts(invitation)},
           municipality_code=invitation.organization.municipality.code)


def accept_with_new_account(*, key: str, username: str, display_name: str,
                            password: str) -> Any:
    """Make the invitee's account from the invitation: its address, the chosen login ID, name
    and password, and the membership it offers."""
    with transaction.atomic():
        invitation = _locked(key)
        username = username.strip()
        if account_exists(invitation):
            raise ValidationError(f"{invitation.email} のアカウントが既にあります。ログインしてから招待を受けてください。")
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(f"ログインID「{username}」は既に使われています。別のIDにしてください。")
        user = User(username=username, email=invitation.email, display_name=display_name.strip())
        password_validation.validate_password(password, user)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        Membership.objects.create(user=user, organization=invitation.organization,
                                  role=invitation.role)
        _accepted(invitation, user)
    return user


def accept_as(*, by: Any, key: str) -> Membership:
    """The signed-in invitee accepts: the membership is added to their account (its role set
    to the invitation's when they already belong to the organization)."""
    with transaction.atomic():
        invitation = _locked(key)
        if (by.email or "").casefold() != invitation.email.casefold():
            raise ValidationError(f"この招待は {invitation.email} あてです。そのメールアドレスのアカウントでログインしてください。")
        membership, created = Membership.objects.get_or_create(
            user=by, organization=invitation.organization, defaults={"role": invitation.role})
        if not created and membership.role != invitation.role:
            before = {"role": membership.role}
            membership.role = invitation.role
            membership.save(update_fields=["role"])
            record(by=by, action="accounts.membership.role", obj=membership, before=before,
                   after={"role": membership.role},
                   municipality_code=invitation.organization.municipality.code,
                   note="招待により役割を変更")
        _accepted(invitation, by)
    return membership
