"""The second factor: a code from an authenticator app (TOTP, RFC 6238) or a recovery code.

- /accounts/two-factor/: after the password, the 6-digit code (or a recovery code).
- /accounts/two-factor/setup/: the first time, or to change phones: a QR code and the key in
  text, confirmed by one code; the recovery codes are then shown once. Someone who has an app
  but has not given its code in this session cannot set up another (a stolen password must not
  be enough to replace the app).
- /accounts/profile/recovery-codes/: a new set of recovery codes, the old ones void.
The key being set up waits in the session, not the database: GET changes nothing.
"""

from __future__ import annotations

import logging
from base64 import b32encode
from binascii import unhexlify
from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from sasaeai.accounts import actions
from sasaeai.audit.security import who

logger = logging.getLogger("sasaeai.security")
SETUP_KEY = "_sasaeai_totp_key"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="確認コード", max_length=20,
        error_messages={"required": "確認コードを入力してください。"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True, "autocapitalize": "none"}),
        help_text="認証アプリに表示されている6桁の数字。スマートフォンが手元にないときは回復コード（8文字）。")


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path: redirect() reads anything else ("foo") as a URL name and raises.
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return "/"


def _verified(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)
    request.session.cycle_key()  # a new session key once both factors are given


@require_http_methods(["GET", "POST"])
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.is_verified():
        return redirect(_next(request))
    if not user_has_device(user):
        return redirect("accounts:two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip().replace(" ", "").replace("-", "")
        refused = ""
        # Six digits are the app's code; anything else a recovery code (so a recovery code never
        # counts as a miss against the app, and the other way round).
        kind = TOTPDevice if code.isascii() and code.isdigit() and len(code) == 6 else StaticDevice
        for device in (d for d in devices_for_user(user) if isinstance(d, kind)):
            allowed, _data = device.verify_is_allowed()
            if not allowed:
                refused = "続けて間違えたため、しばらく入力を受け付けません。少し待ってからもう一度入力してください。"
                continue
            if device.verify_token(code):
                _verified(request, device)
                if kind is StaticDevice:
                    left = StaticToken.objects.filter(device__user=user).count()
                    messages.warning(request, f"回復コードでログインしました。残りは{left}個です。"
                                              "使い切る前にプロフィールで作り直してください。")
                return redirect(_next(request))
        logger.warning("二段階認証の失敗 by %s", who(user))
        form.add_error("code", refused or "確認コードが正しくありません。")
    return render(request, "accounts/two_factor.html", {
        "form": form, "next": _next(request)}, status=400 if form.errors else 200)


class SetupForm(CodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "登録した認証アプリに表示されている6桁の数字。"


@require_http_methods(["GET", "POST"])
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user_has_device(user) and not user.is_verified():
        return redirect("accounts:two_factor")
    key = request.session.get(SETUP_KEY)
    if not key:
        key = request.session[SETUP_KEY] = default_key()
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = actions.set_up_second_factor(by=user, key=key,
                                                         code=form.cleaned_data["code"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            del request.session[SETUP_KEY]
            _verified(request, device)
            return render(request, "accounts/recovery_codes.html", {
                "codes": codes, "next": _next(request), "first": True})
    probe = TOTPDevice(user=user, name="認証アプリ", key=key)
    secret = b32encode(unhexlify(key)).decode()
    qr = segno.make(probe.config_url, error="m").svg_inline(scale=4, title="認証アプリ登録用のQRコード")
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "qr": qr, "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "next": _next(request), "replacing": user_has_device(user),
    }, status=400 if form.errors else 200)


@require_POST
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    try:
        codes = actions.renew_recovery_codes(by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:two_factor_setup")
    return render(request, "accounts/recovery_codes.html", {
        "codes": codes, "next": "/accounts/profile/", "first": False})
