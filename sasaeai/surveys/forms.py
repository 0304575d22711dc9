from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from sasaeai.indicators.models import Indicator
from sasaeai.lib.choices import IdChoices
from sasaeai.lib.wareki import WarekiError, YearKind, parse_year
from sasaeai.plans.models import Plan
from sasaeai.surveys.microdata import MAX_UPLOAD_BYTES
from sasaeai.surveys.models import Question, SurveyRound
from sasaeai.tenancy.models import Municipality

FILE_ERRORS = {"required": "アップロードするファイルを選んでください。", "empty": "ファイルが空です。",
               "invalid": "ファイルを受け取れませんでした。もう一度選んでください。"}
ACCEPT = {"accept": ".csv,.xlsx,text/csv,"
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _limited(upload: Any) -> Any:
    if upload is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"ファイルが大きすぎます。{MAX_UPLOAD_BYTES // 1024 // 1024}MBまでのファイルにしてください。")
    return upload


class PlanChoices(IdChoices):
    """Plans by id (an id no column can hold is refused before the query)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.error_messages["invalid_pk_value"] = "選べない計画が含まれています。"


class RoundForm(forms.Form):
    """What the 事務局 says about a round: the file cannot say whom it asked, or how."""

    name = forms.CharField(label="調査名", max_length=200,
                           error_messages={"required": "調査名を入力してください。"},
                           widget=forms.TextInput(attrs={"placeholder": "令和5年度市民意識調査"}))
    year = forms.CharField(label="調査年度（または年）", max_length=30,
                           help_text="例：令和5年度、2023年度、令和5年（暦年の調査）",
                           error_messages={"required": "調査の年度を入力してください。"})
    population = forms.CharField(label="調査対象（母集団）", required=False, max_length=300)
    frame = forms.CharField(label="抽出方法", required=False, max_length=300)
    sample_size = forms.IntegerField(label="配布数（標本数）", required=False, min_value=1)
    mode = forms.CharField(label="調査方法", required=False, max_length=200)
    fieldwork_start = forms.DateField(label="調査期間（開始）", required=False,
                                      help_text="例：2023/7/1、2023年7月1日")
    fieldwork_end = forms.DateField(label="調査期間（終了）", required=False)
    min_group_n = forms.IntegerField(label="集計を表示する最少の回答数", initial=10, min_value=1,
                                     max_value=1000,
                                     help_text="これより回答の少ない区分は割合を表示しません（秘匿）。")
    plans = PlanChoices(label="この調査を使う計画", required=False, queryset=Plan.objects.none(),
                        widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="備考", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["plans"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101
        field.queryset = Plan.objects.filter(municipality=municipality).order_by("-start_fy")

    def clean_year(self) -> tuple[int, str]:
        text = self.cleaned_data["year"].strip()
        try:
            year = parse_year(text)
        except WarekiError as exc:
            raise ValidationError(f"「{text}」を年度として読み取れません（{exc}）。") from exc
        if year.end is not None and year.end != year.start:
            raise ValidationError("調査の年度は1つにしてください。")
        kind = year.kind if year.kind != YearKind.UNSPECIFIED else YearKind.FISCAL
        return year.start, str(kind)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("fieldwork_start"), data.get("fieldwork_end")
        if start and end and start > end:
            self.add_error("fieldwork_end", "調査期間の終了が開始より前になっています。")
        return data


class ImportForm(RoundForm):
    """The round's microdata and (optional) codebook, with its description."""

    file = forms.FileField(label="回答データ（.csv または .xlsx、1行に1人）", error_messages=FILE_ERRORS,
                           widget=forms.ClearableFileInput(attrs=ACCEPT))
    codebook = forms.FileField(
        # FileInput: a ticked "clear" box of ClearableFileInput would make the upload False.
        label="コードブック（任意）", required=False, widget=forms.FileInput(attrs=ACCEPT),
        help_text="列名・設問文・区分・コード・選択肢・無回答の列がある表（ひな形をダウンロードできます）。"
                  "ないときは、見出しを設問、値を選択肢として読み込みます。",
    )
    weight_column = forms.CharField(label="ウェイトの列名（任意）", required=False, max_length=100,
                                    help_text="コードブックで区分を「ウェイト」にした列は指定不要です。")
    field_order = ["file", "codebook", "weight_column", "name", "year"]

    def clean_file(self) -> Any:
        return _limited(self.cleaned_data["file"])

    def clean_codebook(self) -> Any:
        return _limited(self.cleaned_data.get("codebook"))


class RoundEditForm(RoundForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class SelectionForm(forms.Form):
    """Which answers count, and by which attribute to break down: the tabulation on the round
    page (GET) and the definition of an indicator (POST) share it."""

    option_codes = forms.MultipleChoiceField(
        label="該当とする選択肢", choices=[], widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "該当とする選択肢を1つ以上選んでください。",
                        "invalid_choice": "選択肢「%(value)s」はこの設問にありません。"},
        help_text="例：「十分に得られている」と「どちらかといえば得られている」を合わせた割合。"
                  "無回答は分母から除きます。",
    )
    by = forms.ChoiceField(label="内訳の属性", choices=[], required=False)
    weighted = forms.BooleanField(label="ウェイトを使う", required=False)

    def __init__(self, *args: Any, survey: SurveyRound, question: Question,
                 attributes: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set("option_codes", [(o.code, str(o)) for o in question.options.all()
                                   if not o.is_missing])
        self._set("by", [("", "内訳なし")] + [(q.column, q.text) for q in attributes])
        if not survey.weight_column:
            self.fields.pop("weighted")

    def _set(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = choices


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.plan.title}）"


class MeasureForm(SelectionForm):
    """Define an indicator on the question: the share of the chosen options."""

    indicator = IndicatorChoiceField(label="指標", queryset=Indicator.objects.none(),
                                     empty_label="（指標を選んでください）",
                                       error_messages={"required": "指標を選んでください。"})
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, survey: SurveyRound, **kwargs: Any) -> None:
        super().__init__(*args, survey=survey, **kwargs)
        field = self.fields["indicator"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        plans = list(survey.plans.all()) or list(Plan.objects.filter(
            municipality=survey.municipality))
        field.queryset = (Indicator.objects.filter(plan__in=plans).select_related("plan")
                          .order_by("plan", "order", "id"))
