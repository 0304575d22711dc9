"""「パスワードを忘れた場合」 and 「パスワードを変更する」: Django's own views, in Japanese, with
the answers, throttling and audit of sasaeai/accounts/passwords.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from sasaeai.accounts import passwords
from sasaeai.accounts.throttle import client_ip

HOURS = settings.PASSWORD_RESET_TIMEOUT // 3600


class ResetForm(PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.label = "登録しているメールアドレス"
        field.error_messages = {"required": "メールアドレスを入力してください。",
                                "invalid": "メールアドレスの形で入力してください（例：taro@city.example.lg.jp）。"}


class _PlainHelp:
    """The rules are said once on the page, in sentences (the validators' list would sit inside
    the field's paragraph)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for name in ("new_password1", "new_password2"):
            self.fields[name].help_text = ""  # type: ignore[attr-defined]
        self.fields["new_password2"].label = "新しいパスワード（確認のためもう一度）"  # type: ignore[attr-defined]


class NewPasswordForm(_PlainHelp, SetPasswordForm):
    pass


class ChangeForm(_PlainHelp, PasswordChangeForm):
    pass


class PasswordReset(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = ResetForm
    subject_template_name = "accounts/mail/password_reset_subject.txt"
    email_template_name = "accounts/mail/password_reset.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"hours": HOURS}

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        ip = client_ip(self.request)
        if not passwords.client_may_ask(ip):
            return render(self.request, "accounts/password_reset.html",
                          {"form": form, "throttled": True}, status=429)
        email = form.cleaned_data["email"]
        users = list(form.get_users(email))
        if passwords.reset_asked(email=email, ip=ip, users=users):
            self.extra_email_context = {"hours": HOURS,
                                        "base_url": settings.SASAEAI_BASE_URL.rstrip("/")}
            return super().form_valid(form)
        return super(auth_views.PasswordResetView, self).form_valid(form)


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        passwords.password_reset(user=form.user)
        return response


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = ChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        passwords.password_changed(user=form.user)
        messages.success(self.request, "パスワードを変更しました。他の端末でのログインは終了しました。")
        return response


password_reset = PasswordReset.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html", extra_context={"hours": HOURS})
password_reset_confirm = PasswordResetConfirm.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html")
password_change = PasswordChange.as_view()
