"""The forms of the 事務局's page of people and organizations (views_people.py)."""

from __future__ import annotations

from typing import Any

from django import forms

from sasaeai.accounts.models import Membership
from sasaeai.tenancy.models import Municipality, Organization

ROLE_HELP = ("事務局：計画と評価サイクルの運営・職員の管理（二段階認証が必要）／担当：自分の組織の報告・実績値の入力／"
             "委員：審議中の報告を読み、意見を書く／閲覧：読むだけ")


def _organizations(municipality: Municipality) -> Any:
    return Organization.objects.in_use().filter(municipality=municipality).order_by("order", "id")


class InviteForm(forms.Form):
    email = forms.EmailField(label="メールアドレス", error_messages={
        "required": "メールアドレスを入力してください。",
        "invalid": "メールアドレスの形で入力してください（例：taro@city.example.lg.jp）。"})
    display_name = forms.CharField(label="氏名", max_length=60, required=False,
                                   help_text="招待メールの宛名になります（本人が後で変えられます）。")
    organization = forms.ModelChoiceField(label="組織", queryset=Organization.objects.none(),
                                          empty_label="（選んでください）", error_messages={
                                              "required": "組織を選んでください。",
                                              "invalid_choice": "組織を一覧から選んでください。"})
    role = forms.ChoiceField(label="役割", choices=Membership.Role.choices, help_text=ROLE_HELP,
                             initial=Membership.Role.STAFF,
                             error_messages={"invalid_choice": "役割を一覧から選んでください。"})

    def __init__(self, municipality: Municipality, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _organizations(municipality)  # type: ignore[attr-defined]


class OrganizationForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100,
                           error_messages={"required": "組織の名称を入力してください。"})
    short_name = forms.CharField(label="略称", max_length=30, required=False)
    kind = forms.ChoiceField(label="種別", choices=Organization.Kind.choices,
                             initial=Organization.Kind.DEPARTMENT,
                             error_messages={"invalid_choice": "種別を一覧から選んでください。"})
    parent = forms.ModelChoiceField(label="上位組織", queryset=Organization.objects.none(),
                                    required=False, empty_label="（なし）",
                                    error_messages={"invalid_choice": "上位組織を一覧から選んでください。"})

    def __init__(self, municipality: Municipality, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _organizations(municipality)  # type: ignore[attr-defined]


ROLE_CHOICES = Membership.Role.choices
