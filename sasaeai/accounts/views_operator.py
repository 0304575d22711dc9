"""The operator opens a new municipality in the browser (issue #16): the same as
`sasaeai create_municipality` (accounts/onboarding.py), for who runs the installation."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from sasaeai.accounts.access import forbid_unless_operator
from sasaeai.accounts.onboarding import create_municipality


class MunicipalityForm(forms.Form):
    code = forms.CharField(label="地方公共団体コード", max_length=6, min_length=6,
                           help_text="検査数字を含む6桁（例：枚方市は 272108）。一覧にあるコードなら、名称・よみ・都道府県は自動で入ります。",
                           error_messages={"required": "地方公共団体コードを入力してください。",
                                           "min_length": "地方公共団体コードは半角数字6桁で入力してください。",
                                           "max_length": "地方公共団体コードは半角数字6桁で入力してください。"})
    name = forms.CharField(label="名称（一覧にないコードのとき）", max_length=40, required=False)
    kana = forms.CharField(label="よみ（ひらがな、一覧にないコードのとき）", max_length=80, required=False)
    prefecture = forms.CharField(label="都道府県（一覧にないコードのとき）", max_length=8, required=False)
    shakyo_only = forms.BooleanField(label="社会福祉協議会だけで使う（最初の組織を社協にする）",
                                     required=False)
    secretariat_email = forms.EmailField(
        label="最初の事務局のメールアドレス", required=False,
        help_text="招待のメールを送ります。空欄なら招待は送りません。",
        error_messages={"invalid": "メールアドレスの形で入力してください（例：taro@city.example.lg.jp）。"})
    secretariat_name = forms.CharField(label="最初の事務局の氏名", max_length=60, required=False)


@require_http_methods(["GET", "POST"])
@login_required
def municipality_create(request: HttpRequest) -> HttpResponse:
    forbid_unless_operator(request.user)
    form = MunicipalityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opened = create_municipality(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            m = opened.municipality
            sent = (f"{opened.invitation.email} に事務局への招待を送りました。"
                    if opened.invitation is not None else "事務局の招待は送っていません。")
            messages.success(request, f"{m.prefecture}{m.name}（{m.code}）を作成しました。{sent}")
            return HttpResponseRedirect(m.get_absolute_url())
    return render(request, "accounts/operator_municipality.html", {"form": form},
                  status=400 if request.method == "POST" else 200)
