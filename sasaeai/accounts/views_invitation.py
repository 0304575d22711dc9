"""An invitation's link (issue #16): who invites whom to what, and the form that makes the
account, or, for who is signed in with the invited address, the button that accepts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sasaeai.accounts import invitations

BACKEND = "django.contrib.auth.backends.ModelBackend"


class NewAccountForm(forms.Form):
    username = forms.RegexField(
        label="ログインID", max_length=150, regex=r"^[\w.@+-]+\Z",
        help_text="半角英数字と @ . + - _ で150文字まで（例：tanaka.fukushi）。ログインのたびに入力します。",
        error_messages={"required": "ログインIDを入力してください。",
                        "invalid": "ログインIDは半角英数字と @ . + - _ で入力してください。"})
    display_name = forms.CharField(label="氏名（画面に表示される名前）", max_length=60,
                                   error_messages={"required": "氏名を入力してください。"})
    password1 = forms.CharField(label="パスワード", strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}),
        error_messages={"required": "パスワードを入力してください。"})
    password2 = forms.CharField(label="パスワード（確認のためもう一度）", strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                error_messages={"required": "確認のため、パスワードをもう一度入力してください。"})

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "確認のためのパスワードが一致しません。")
        return data


def _page(request: HttpRequest, invitation: invitations.Invitation | None, key: str, *,
          form: NewAccountForm | None = None, errors: list[str] | None = None,
          status: int = 200) -> HttpResponse:
    context: dict[str, Any] = {"invitation": invitation, "errors": errors or [], "key": key}
    if invitation is not None:
        context["account_exists"] = invitations.account_exists(invitation)
        if form is None and not request.user.is_authenticated:
            form = NewAccountForm(initial={"display_name": invitation.display_name,
                                           "username": invitation.email.split("@")[0]})
        context["form"] = form
    response = render(request, "accounts/invitation.html", context,
                      status=404 if invitation is None else status)
    response["Cache-Control"] = "no-store"
    # The key is in the address: the site's Referrer-Policy (same-origin) keeps it from other
    # sites; "no-referrer" would make the browser send Origin: null and fail the CSRF check.
    return response


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, key: str) -> HttpResponse:
    found = invitations.find(key)
    if request.method == "GET" or found is None:
        return _page(request, found, key)
    if request.user.is_authenticated:
        try:
            membership = invitations.accept_as(by=request.user, key=key)
        except ValidationError as exc:
            return _page(request, found, key, errors=exc.messages, status=400)
        messages.success(request, f"{membership.organization}の{membership.get_role_display()}として登録しました。")
        return HttpResponseRedirect(reverse("tasks:mine"))
    form = NewAccountForm(request.POST)
    if not form.is_valid():
        return _page(request, found, key, form=form, status=400)
    try:
        user = invitations.accept_with_new_account(
            key=key, username=form.cleaned_data["username"],
            display_name=form.cleaned_data["display_name"], password=form.cleaned_data["password1"])
    except ValidationError as exc:
        return _page(request, found, key, form=form, errors=exc.messages, status=400)
    login(request, user, backend=BACKEND)
    messages.success(request, f"ようこそ、{user}さん。{found.organization}の{found.get_role_display()}として登録しました。")
    return HttpResponseRedirect(reverse("tasks:mine"))
