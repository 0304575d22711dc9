"""The signed-in user's own page: the second factor, e-mails of notices on or off, and personal
API keys made and revoked here."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from sasaeai.accounts import actions
from sasaeai.accounts.access import memberships_of
from sasaeai.accounts.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(label="キーの名前", max_length=60,
                           error_messages={"required": "キーの名前を入力してください。"},
                           help_text="何に使うキーか（例：集計用スクリプト）。")


def _page(request: HttpRequest, form: TokenForm, *, key: str = "", status: int = 200
          ) -> HttpResponse:
    from django_otp.plugins.otp_static.models import StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    tokens = ApiToken.objects.filter(user_id=request.user.pk or 0)
    response = render(request, "accounts/profile.html", {
        "form": form, "tokens": tokens, "new_key": key,
        "memberships": memberships_of(request.user),
        "second_factor": TOTPDevice.objects.filter(user_id=request.user.pk or 0,
                                                   confirmed=True).first(),
        "second_factor_required": actions.needs_second_factor(request.user),
        "recovery_codes_left": StaticToken.objects.filter(
            device__user_id=request.user.pk or 0).count(),
    }, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return _page(request, TokenForm())


@require_POST
@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        _token, key = actions.create_api_token(by=request.user, name=form.cleaned_data["name"])
    except ValidationError as exc:
        form.add_error(None, " ".join(exc.messages))
        return _page(request, form, status=400)
    return _page(request, TokenForm(), key=key)


@require_POST
@login_required
def notice_mail(request: HttpRequest) -> HttpResponse:
    """The profile page's switch: notices by e-mail too, or on the task page only."""
    on = request.POST.get("notice_mail") == "on"
    actions.set_notice_mail(by=request.user, on=on)
    messages.success(request, "お知らせをメールでも送ります。" if on
                     else "お知らせのメールを止めました。お知らせは「わたしの作業」に表示されます。")
    return redirect("accounts:profile")


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, user=request.user, pk=pk)
    actions.revoke_api_token(by=request.user, token=token)
    messages.success(request, f"APIキー「{token.name}」を無効にしました。")
    return redirect("accounts:profile")
