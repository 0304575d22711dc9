from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from sasaeai.progress.models import Cycle, Entry, FigureRequest, RatingScale
from sasaeai.progress.scales import PRESETS

TEXTAREA = forms.Textarea(attrs={"rows": 5})


class GradeField(forms.ChoiceField):
    """A choice of the scale's grades. A mark sent otherwise (Ｂ for B, from an older page or a
    script) is left to the action, which reads it against the scale (Ｃ and Ⅽ are C), keeps it
    as typed and explains in Japanese a mark the scale does not have."""

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)
        if len(value or "") > 20:
            raise forms.ValidationError("自己評価は評価の尺度の記号から選んでください。")


def limit_fields(form: forms.Form, limits: dict[str, int]) -> None:
    """Each text field's maximum said under it, with a live count (workbench.js): no
    `maxlength`, which would cut a pasted text without a word; the action refuses it whole."""
    for name, limit in limits.items():
        field = form.fields.get(name)
        if field is None:
            continue
        field.widget.attrs.pop("maxlength", None)
        field.widget.attrs["data-max-chars"] = str(limit)
        field.help_text = f"{limit:,}字まで"


class EntryForm(forms.Form):
    """What an organization writes for one unit. The 自己評価 is a choice of the cycle's scale's
    grades, and no field at all when the cycle has no scale (every mark would be refused). A
    grade chosen again keeps the text it was typed as (「Ｂ」 from a workbook stays 「Ｂ」)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    results = forms.CharField(label="実績", required=False, widget=TEXTAREA)
    results_value = forms.DecimalField(label="実績（数値）", required=False, max_digits=14,
                                       decimal_places=4)
    results_unit = forms.CharField(label="単位", required=False)
    progress = forms.CharField(label="進捗状況", required=False, widget=TEXTAREA)
    issues = forms.CharField(label="課題", required=False, widget=TEXTAREA)
    direction = forms.ChoiceField(label="今後の方向性", required=False,
                                  choices=Entry.Direction.choices)
    direction_text = forms.CharField(label="今後の方向性（内容）", required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    self_rating = GradeField(label="自己評価", required=False)

    def __init__(self, *args: Any, scale: RatingScale | None, kept: str = "",
                 **kwargs: Any) -> None:
        """`scale`: the cycle's rating scale; `kept`: the 自己評価 as it was typed so far."""
        super().__init__(*args, **kwargs)
        self.scale, self.kept = scale, kept
        limit_fields(self, Entry.TEXT_LIMITS)
        if scale is None:
            del self.fields["self_rating"]
            return
        field = self.fields["self_rating"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101  (declared above)
        field.choices = [("", "選択しない"), *((lv.code, str(lv)) for lv in scale.levels.all())]
        typed = self.initial.get("self_rating")
        level = scale.match(typed) if typed else None
        if level is not None:
            self.initial["self_rating"] = level.code

    def clean_self_rating(self) -> str:
        chosen: str = self.cleaned_data.get("self_rating") or ""
        if self.scale is None or not chosen or not self.kept:
            return chosen
        was, now = self.scale.match(self.kept), self.scale.match(chosen)
        return self.kept if was is not None and was == now else chosen


class CorrectionForm(EntryForm):
    reason = forms.CharField(label="訂正の理由", widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "訂正の理由を入力してください。"})


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReturnForm(VersionForm):
    comment = forms.CharField(label="差戻しの理由", widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": "差戻しの理由を入力してください。"})


class RatingForm(VersionForm):
    rating = forms.CharField(label="委員会評価", max_length=20)
    reason = forms.CharField(label="評価の理由", required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class OpinionForm(forms.Form):
    text = forms.CharField(label="意見", widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": "意見を入力してください。"})


class ResponseForm(VersionForm):
    response = forms.CharField(label="市の考え方（回答）", widget=forms.Textarea(attrs={"rows": 4}),
                               error_messages={"required": "回答を入力してください。"})


class CycleForm(forms.Form):
    fiscal_year = forms.IntegerField(label="評価対象年度（西暦）", min_value=1990, max_value=2100,
                                     help_text="例：令和6年度なら 2024")
    kind = forms.ChoiceField(label="種類", choices=Cycle.Kind.choices)
    entries_due = forms.DateField(label="入力期限", required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    committee_meeting = forms.DateField(label="委員会の開催日", required=False,
                                        widget=forms.DateInput(attrs={"type": "date"}))


class CycleEditForm(VersionForm):
    """The 事務局's changes to a cycle while it is 準備中 or 入力中."""

    title = forms.CharField(label="名称", required=False, max_length=200,
                            help_text="空欄なら「令和6年度 年次評価」のように年度から付けます。")
    fiscal_year = forms.IntegerField(label="評価対象年度（西暦）", required=False, min_value=1990,
                                     max_value=2100, help_text="例：令和6年度なら 2024")
    entries_due = forms.DateField(label="入力期限", required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    committee_meeting = forms.DateField(label="委員会の開催日", required=False,
                                        widget=forms.DateInput(attrs={"type": "date"}))
    rating_scale = forms.ModelChoiceField(
        label="評価の尺度", required=False, queryset=RatingScale.objects.none(),
        empty_label="変えない", help_text="自己評価・委員会評価が1件でも入力されると変えられません。")

    def __init__(self, *args: Any, municipality: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rating_scale"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  (declared above)
        field.queryset = municipality.rating_scales.all()


class MoveForm(VersionForm):
    to = forms.ChoiceField(choices=Cycle.Status.choices)
    # 確定 and 公開 are not undone by a click: the view asks for this on a page of its own.
    confirm = forms.BooleanField(required=False)


class ConfirmMoveForm(MoveForm):
    to = forms.ChoiceField(choices=Cycle.Status.choices, widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label="上の内容を確認しました。",
        error_messages={"required": "確認のチェックを入れてください。"})


class WaiveForm(forms.Form):
    """「未提出のまま進める」 for the chosen reports and indicator figures not handed in, with one
    reason. A plan with thirty units and two organisations on each leaves dozens unsubmitted:
    one tick takes them all."""

    every = forms.BooleanField(label="提出されていない報告をすべて選ぶ", required=False)
    entries = forms.TypedMultipleChoiceField(
        label="未提出のまま進める報告", coerce=int, widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "選べない報告が含まれています。ページを読み込み直してください。"})
    figures = forms.TypedMultipleChoiceField(
        label="未提出のまま進める指標の実績値", coerce=int, widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "選べない実績値が含まれています。ページを読み込み直してください。"})
    reason = forms.CharField(
        label="未提出のまま進める理由", widget=forms.Textarea(attrs={"rows": 2}),
        help_text="報告・実績値とともに、まとめ・委員会資料・公開ページに表示されます。",
        error_messages={"required": "未提出のまま進める理由を入力してください。"})

    def __init__(self, *args: Any, entries: list[Entry], figures: Sequence[FigureRequest] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, rows in (("entries", entries), ("figures", figures)):
            field = self.fields[name]
            assert isinstance(field, forms.TypedMultipleChoiceField)  # noqa: S101  (declared above)
            field.choices = [(r.pk, f"{r}（{r.get_status_display()}）") for r in rows]
        if not figures:
            del self.fields["figures"]
        if not entries:
            del self.fields["entries"]
        what = "報告・実績値" if entries and figures else "実績値" if figures else "報告"
        self.fields["every"].label = (
            f"提出されていない{what}をすべて選ぶ（{len(entries) + len(figures)}件）")
        self.listed = [e.pk for e in entries]
        self.listed_figures = [f.pk for f in figures]
        self.what = what

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned.setdefault("entries", [])
        cleaned.setdefault("figures", [])
        if cleaned.get("every"):
            cleaned["entries"] = self.listed
            cleaned["figures"] = self.listed_figures
        elif not cleaned["entries"] and not cleaned["figures"] and not self.errors.get(
                "entries") and not self.errors.get("figures"):
            self.add_error(None, f"未提出のまま進める{self.what}を選んでください。")
        return cleaned


class SettleForm(forms.Form):
    """The 事務局's choice on a figure that differed from the registered 実績値 at 確定."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    choice = forms.ChoiceField(
        label="どちらの値を採りますか", widget=forms.RadioSelect,
        choices=[("keep", "登録済の値を残す"), ("replace", "報告の値で置き換える")],
        error_messages={"required": "「登録済の値を残す」か「報告の値で置き換える」を選んでください。",
                        "invalid_choice": "「登録済の値を残す」か「報告の値で置き換える」を選んでください。"})
    reason = forms.CharField(
        label="理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
        help_text="実績値の記録に残り、評価サイクルの実績値とともに表示されます。",
        error_messages={"required": "どちらの値を採るか、その理由を入力してください。"})


class WithdrawForm(VersionForm):
    reason = forms.CharField(
        label="取り下げの理由", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="公開ページに、取り下げた日とともに表示されます。",
        error_messages={"required": "取り下げの理由を入力してください。"})
    confirm = forms.BooleanField(
        label="公開を取り下げます（公開ページには取り下げたことと理由だけが表示されます）。",
        error_messages={"required": "確認のチェックを入れてください。"})


class ScaleForm(forms.Form):
    """Choose the plan's rating scale: one of the municipality's, or a common shape."""

    scale = forms.ChoiceField(label="評価の尺度")

    def __init__(self, *args: Any, municipality: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        own = [(f"scale:{s.pk}", s.name) for s in municipality.rating_scales.all()]
        names = {name for _, name in own}
        presets = [(f"preset:{key}", name) for key, (name, _) in PRESETS.items()
                   if name not in names]
        field = self.fields["scale"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101  (declared above)
        field.choices = [("", "選んでください"), *own, *presets]


class FigureForm(VersionForm):
    """An indicator's figure for the year as its organisation writes it; the action reads the
    text (lib.values) and explains in Japanese what it cannot read."""

    verbatim = forms.CharField(label="実績値", max_length=200, required=False,
                               help_text="例：1,240人、45.3%、調査中")
    year = forms.CharField(label="年度（西暦）", max_length=4, required=False)
    figure_status = forms.ChoiceField(
        label="値の状態", required=False,
        choices=[("", "入力から判断"), ("measured", "実測"), ("estimated", "推計"),
                 ("surveying", "調査中"), ("not_surveyed", "未調査")])
    note = forms.CharField(label="注記", max_length=300, required=False)
