"""Audited writes on accounts: personal API keys, and whether notices come by e-mail."""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sasaeai.accounts.models import ApiToken, User
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


@transaction.atomic
def set_notice_mail(*, by: Any, on: bool) -> Any:
    """Turn the e-mails of one's own notices on or off (the notices stay on the task page)."""
    if not getattr(by, "is_authenticated", False):
        raise PermissionDenied("ログインしてください。")
    current = User.objects.select_for_update().get(pk=by.pk)
    if current.notice_mail != on:
        current.notice_mail = on
        current.save(update_fields=["notice_mail"])
        record(by=by, action="accounts.user.notice_mail", obj=current,
               before={"notice_mail": not on}, after={"notice_mail": on},
               note="お知らせのメールを受け取る" if on else "お知らせのメールを止める")
    by.notice_mail = on
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


# The second factor -------------------------------------------------------------------------

def needs_second_factor(user: Any) -> bool:
    """The 事務局, the operator's staff, and whoever has set up an authenticator app."""
    from django_otp import user_has_device

    from sasaeai.accounts.access import runs_anything

    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or runs_anything(user) or user_has_device(user))


def _new_recovery_codes(user: Any) -> list[str]:
    from django.conf import settings
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="回復コード", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.SASAEAI_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def set_up_second_factor(*, by: Any, key: str, code: str) -> tuple[Any, list[str]]:
    """Register an authenticator app whose first code `code` matches `key`; replaces any earlier
    app and recovery codes. Returns the device and the new recovery codes (shown once)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not getattr(by, "is_authenticated", False):
        raise PermissionDenied("ログインしてください。")
    device = TOTPDevice(user=by, name="認証アプリ", key=key, confirmed=True)
    # Checked here rather than by device.verify_token, which saves the device to count a miss.
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    code = code.strip().replace(" ", "")
    if not (code.isascii() and code.isdigit() and totp.verify(int(code), device.tolerance)):
        raise ValidationError({"code": "確認コードが正しくありません。認証アプリに表示されている"
                                       "6桁の数字を、表示が変わる前に入力してください。"})
    device.last_t = totp.t()  # this code may not be used again to sign in
    replaced = TOTPDevice.objects.filter(user=by).count()
    TOTPDevice.objects.filter(user=by).delete()
    device.save()
    codes = _new_recovery_codes(by)
    record(by=by, action="accounts.second_factor.set_up", obj=device,
           after={"device": device.name, "recovery_codes": len(codes)},
           note="認証アプリを置き換えました" if replaced else "")
    return device, codes


@transaction.atomic
def renew_recovery_codes(*, by: Any) -> list[str]:
    """Throw away the recovery codes left and make a new set (shown once)."""
    from django_otp.plugins.otp_static.models import StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=by, confirmed=True).first()
    if device is None:
        raise ValidationError("先に認証アプリを設定してください。")
    left = StaticToken.objects.filter(device__user=by).count()
    codes = _new_recovery_codes(by)
    record(by=by, action="accounts.second_factor.recovery_codes", obj=device,
           before={"recovery_codes": left}, after={"recovery_codes": len(codes)})
    return codes
