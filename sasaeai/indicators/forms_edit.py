"""The indicator editor's forms: what the 事務局 types, read into the model's values.

Years are read as plans write them (令和11年度, R11, 2029年度: `lib.wareki.parse_year`), figures
as they are printed (80%以上, ↗, 41.6%: `lib.values.parse_cell`), and the text as written is kept
beside the value read from it (`verbatim`)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

from django import forms

from sasaeai.indicators.models import Indicator, Observation, Target
from sasaeai.lib.values import parse_cell
from sasaeai.lib.wareki import WarekiError, Year, parse_year
from sasaeai.plans.models import Initiative, Plan, PlanElement
from sasaeai.tenancy.models import Organization

NUMERIC_TARGETS = {Target.Kind.VALUE, Target.Kind.AT_LEAST, Target.Kind.AT_MOST}
VALUED_STATUSES = {Observation.Status.MEASURED, Observation.Status.ESTIMATED}
NUMBER = re.compile(r"-?[0-9]{1,10}(\.[0-9]{1,4})?")
TYPED_DIGITS = re.compile(r"[-−－0-9０-９,，.．]+")  # not ① or ²: NFKC would read them as digits
NO_NUL = "使えない文字（制御文字）が含まれています。"


def _text(value: str) -> str:
    if any(ord(c) < 32 and c not in "\n\r\t" for c in value):
        raise forms.ValidationError(NO_NUL)
    return value.strip()


def read_number(text: str) -> Decimal | None:
    """A figure typed as 1,234.5 or １２３ (up to 10 digits and 4 decimals); None when blank."""
    folded = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    if not folded:
        return None
    if not NUMBER.fullmatch(folded) or not TYPED_DIGITS.fullmatch(text.strip()):
        raise forms.ValidationError("数値は数字で入力してください（例：80、12.5。小数は4桁まで）。")
    return Decimal(folded)


def read_year(text: str) -> Year | None:
    text = _text(text)
    if not text:
        return None
    try:
        return parse_year(text)
    except WarekiError as exc:
        raise forms.ValidationError(f"年（度）を読み取れません：{exc.reason}") from exc


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "polarity", "polarity_inferred", "kind", "aggregation",
                  "source_kind", "source_text", "source_organization", "reporting_organization",
                  "element", "initiative", "definition", "rationale", "note"]
        widgets = {name: forms.Textarea(attrs={"rows": 3})
                   for name in ("definition", "rationale", "note")}
        help_texts = {"source_text": "例：市民アンケート 問12、介護保険事業状況報告",
                      "name": "計画書に印字されたとおり"}
        error_messages = {"name": {"required": "指標名を入力してください。",
                                   "max_length": "指標名は300文字以内で入力してください。"}}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.filter(municipality_id=plan.municipality_id)
        choices = {"source_organization": orgs, "reporting_organization": orgs.in_use(),
                   "element": PlanElement.objects.filter(plan=plan),
                   "initiative": Initiative.objects.filter(element__plan=plan)}
        for name, queryset in choices.items():
            field = self.fields[name]
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = queryset
                field.empty_label = "（なし）"
                field.error_messages["invalid_choice"] = "一覧から選んでください。"
        for field in self.fields.values():
            if isinstance(field, forms.TypedChoiceField | forms.ChoiceField):
                field.error_messages["invalid_choice"] = "一覧から選んでください。"
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = f"{field.max_length}文字以内で入力してください。"
        self.fields["element"].label = "対応する計画の項目（空欄は計画全体）"
        _japanese_messages(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in data.items():
            if isinstance(value, str):
                try:
                    data[name] = _text(value)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return data

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def _japanese_messages(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        field.error_messages["null_characters_not_allowed"] = NO_NUL


class _FigureForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _japanese_messages(self)

    def clean_verbatim(self) -> str:
        return _text(self.cleaned_data["verbatim"])

    def clean_year(self) -> Year | None:
        return read_year(self.cleaned_data.get("year", ""))

    def clean_value(self) -> Decimal | None:
        return read_number(self.cleaned_data.get("value", ""))


class TargetForm(_FigureForm):
    year = forms.CharField(label="目標年（度）", required=False, max_length=40,
                           help_text="例：令和11年度、R11、2029年度。空欄は年の記載なし")
    verbatim = forms.CharField(label="目標値（表記どおり）", max_length=200,
                               help_text="例：80%以上、↗、現状の水準を維持",
                               error_messages={"required": "目標値を表記どおりに入力してください。",
                                               "max_length": "200文字以内で入力してください。"})
    kind = forms.ChoiceField(label="目標の種類", required=False,
                             choices=[("", "表記から判断する"), *Target.Kind.choices],
                             error_messages={"invalid_choice": "一覧から選んでください。"})
    value = forms.CharField(label="目標の数値", required=False, max_length=40,
                            help_text="空欄のときは表記から読み取ります")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        cell = parse_cell(data["verbatim"], as_target=True)
        year = data.get("year") or cell.year
        if year is not None and year.end is not None:
            self.add_error("year", "目標は一つの年（度）で入力してください。")
        kind = data.get("kind") or (cell.target_kind.value if cell.target_kind else "")
        if not kind:
            self.add_error("kind", "表記から目標の種類を読み取れません。目標の種類を選んでください。")
            return data
        value = data.get("value") if data.get("value") is not None else cell.value
        if kind in NUMERIC_TARGETS and value is None:
            self.add_error("value", "この種類の目標には数値が必要です。目標の数値を入力してください。")
        if kind not in NUMERIC_TARGETS and kind != Target.Kind.MAINTAIN:
            value = None
        if value is not None and abs(value) >= 10**10:
            self.add_error("value", "数値が大きすぎます。")
        data["target"] = {"year": year.start if year else None,
                          "year_kind": year.kind.value if year else "fiscal",
                          "kind": kind, "value": value, "verbatim": data["verbatim"]}
        return data


class ObservationForm(_FigureForm):
    role = forms.ChoiceField(label="区分", choices=Observation.Role.choices,
                             initial=Observation.Role.ACTUAL,
                             error_messages={"invalid_choice": "一覧から選んでください。",
                                             "required": "区分を選んでください。"})
    year = forms.CharField(label="年（度）", required=False, max_length=40,
                           help_text="例：令和6年度、R6、2024年度、H29年度~R元年度")
    verbatim = forms.CharField(label="値（表記どおり）", max_length=200,
                               help_text="例：41.6%、1,234人、調査中",
                               error_messages={"required": "値を表記どおりに入力してください。",
                                               "max_length": "200文字以内で入力してください。"})
    value = forms.CharField(label="数値", required=False, max_length=40,
                            help_text="空欄のときは表記から読み取ります")
    status = forms.ChoiceField(label="状態", choices=Observation.Status.choices,
                               initial=Observation.Status.MEASURED,
                               error_messages={"invalid_choice": "一覧から選んでください。",
                                               "required": "状態を選んでください。"})
    note = forms.CharField(label="注記", required=False, max_length=300,
                           error_messages={"max_length": "300文字以内で入力してください。"})

    def clean_note(self) -> str:
        return _text(self.cleaned_data.get("note", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        cell = parse_cell(data["verbatim"])
        year = data.get("year") or cell.year
        value = data.get("value") if data.get("value") is not None else cell.value
        status = data["status"]
        if status in VALUED_STATUSES and value is None:
            self.add_error("value", "値を数字で読み取れません。数値を入力するか、状態を「調査中」"
                                    "「未調査」などにしてください。")
        if status not in VALUED_STATUSES:
            value = None
        if value is not None and abs(value) >= 10**10:
            self.add_error("value", "数値が大きすぎます。")
        data["observation"] = {
            "role": data["role"], "year": year.start if year else None,
            "year_end": year.end if year else None,
            "year_kind": year.kind.value if year else "fiscal", "value": value,
            "verbatim": data["verbatim"], "status": status, "note": data.get("note", "")}
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=500,
                             widget=forms.TextInput(),
                             help_text="監査の記録に残ります（例：集計の誤りを訂正）",
                             error_messages={"required": "理由を入力してください。",
                                             "max_length": "500文字以内で入力してください。"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _japanese_messages(self)

    def clean_reason(self) -> str:
        return _text(self.cleaned_data["reason"])


class CorrectionForm(ObservationForm, ReasonForm):
    """A registered figure corrected, with the reason the audit trail keeps."""
