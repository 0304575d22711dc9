"""Audited writes on accounts: personal API keys."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sasaeai.accounts.models import ApiToken
from sasaeai.audit.actions import record, snapshot

PREFIX = "sas_"
MAX_ACTIVE = 10


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_api_token(*, by: Any, name: str) -> tuple[ApiToken, str]:
    """A new key for `by`; returns the row and the key, which is never stored or shown again."""
    if not getattr(by, "is_authenticated", False):
        raise PermissionDenied("ログインしてください。")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "キーの名前を入力してください。"})
    if ApiToken.objects.filter(user=by).active().count() >= MAX_ACTIVE:
        raise ValidationError(f"有効なキーは{MAX_ACTIVE}個までです。使っていないキーを無効にしてください。")
    key = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=by, name=name[:60], prefix=key[:10],
                                    secret_hash=hash_key(key))
    record(by=by, action="accounts.api_token.create", obj=token, after=snapshot(token))
    return token, key


@transaction.atomic
def revoke_api_token(*, by: Any, token: ApiToken) -> ApiToken:
    if token.user_id != getattr(by, "pk", None):
        raise PermissionDenied("自分のキーだけを無効にできます。")
    current = ApiToken.objects.select_for_update().get(pk=token.pk)
    if current.revoked_at is None:
        before = snapshot(current)
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
        record(by=by, action="accounts.api_token.revoke", obj=current, before=before,
               after=snapshot(current))
    return current


def user_for_key(key: str) -> Any:
    """The user a key belongs to, or None for an unknown or revoked key."""
    if not key.startswith(PREFIX):
        return None
    token = ApiToken.objects.active().select_related("user").filter(
        secret_hash=hash_key(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
