"""Citizen surveys (市民アンケート): rounds, their questions and options, the respondents'
answers, and indicators defined on a question.

The answers (microdata) stay with the 事務局 of the municipality: only aggregates leave this app,
as Observations of an indicator (with n, the interval and a breakdown whose small groups are
suppressed) or as tabulations on staff pages.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from sasaeai.indicators.models import Indicator, Observation, YearKindField
from sasaeai.lib.wareki import Year, YearKind, format_year
from sasaeai.plans.models import Plan
from sasaeai.surveys.microdata import ATTRIBUTE, IGNORED, KIND_LABELS, QUESTION, WEIGHT
from sasaeai.surveys.tabulate import DEFAULT_MIN_N
from sasaeai.tenancy.models import Municipality


class SurveyRoundQuerySet(models.QuerySet["SurveyRound"]):
    def for_municipality(self, municipality: Municipality) -> SurveyRoundQuerySet:
        return self.filter(municipality=municipality)


class SurveyRound(models.Model):
    """One survey as fielded: whom it asked, how, when, and how many answered."""

    municipality = models.ForeignKey(Municipality, verbose_name="自治体", on_delete=models.CASCADE,
                                     related_name="survey_rounds")
    name = models.CharField("調査名", max_length=200, help_text="例：令和5年度市民意識調査")
    year = models.PositiveSmallIntegerField("調査年（度）")
    year_kind = YearKindField("年・年度の別")
    population = models.CharField("調査対象（母集団）", max_length=300, blank=True,
                                  help_text="例：市内在住の18歳以上の市民")
    frame = models.CharField("抽出方法", max_length=300, blank=True,
                             help_text="例：住民基本台帳から無作為抽出")
    sample_size = models.PositiveIntegerField("配布数（標本数）", null=True, blank=True)
    mode = models.CharField("調査方法", max_length=200, blank=True,
                            help_text="例：郵送配布・郵送回収（Web回答併用）")
    fieldwork_start = models.DateField("調査期間（開始）", null=True, blank=True)
    fieldwork_end = models.DateField("調査期間（終了）", null=True, blank=True)
    valid_responses = models.PositiveIntegerField("有効回答数", default=0)
    plans = models.ManyToManyField(Plan, verbose_name="この調査を使う計画", blank=True,
                                   related_name="survey_rounds")
    weight_column = models.CharField("ウェイトの列", max_length=100, blank=True)
    min_group_n = models.PositiveSmallIntegerField(
        "集計を表示する最少の回答数", default=DEFAULT_MIN_N,
        help_text="回答数がこれより少ない区分は、割合などを表示しません（秘匿）。",
    )
    is_synthetic = models.BooleanField("合成データ", default=False,
                                       help_text="デモ用に生成したデータで、実際の調査ではありません。")
    source_filename = models.CharField("取り込んだファイル", max_length=200, blank=True)
    codebook_filename = models.CharField("コードブック", max_length=200, blank=True)
    file_digest = models.CharField("ファイルのハッシュ値", max_length=64, blank=True)
    note = models.TextField("備考", blank=True)
    version = models.PositiveIntegerField("版", default=1)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="取り込んだ人",
                                    on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    imported_at = models.DateTimeField("取り込み日時", auto_now_add=True)

    objects = SurveyRoundQuerySet.as_manager()

    class Meta:
        verbose_name = "調査"
        verbose_name_plural = "調査"
        ordering = ["municipality", "-year", "name"]
        constraints = [
            # Indicators and commands name a round by its name within the municipality.
            models.UniqueConstraint(fields=["municipality", "name"], name="survey_round_unique_name"),
            models.CheckConstraint(
                condition=Q(fieldwork_start__isnull=True) | Q(fieldwork_end__isnull=True)
                | Q(fieldwork_start__lte=models.F("fieldwork_end")),
                name="survey_round_fieldwork_in_order",
            ),
            models.CheckConstraint(condition=Q(min_group_n__gte=1),
                                   name="survey_round_min_group_n_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("surveys:detail", args=[self.municipality.code, self.pk])

    @property
    def year_label(self) -> str:
        return format_year(Year(self.year, YearKind(self.year_kind)))

    @property
    def response_rate(self) -> Decimal | None:
        """有効回答率 (%), when the number sent out is known."""
        if not self.sample_size:
            return None
        return (Decimal(self.valid_responses) * 100 / self.sample_size).quantize(Decimal("0.1"))


class Question(models.Model):
    """A column of the microdata: a question, an attribute of the respondent, or the weight."""

    class Kind(models.TextChoices):
        QUESTION = QUESTION, KIND_LABELS[QUESTION]
        ATTRIBUTE = ATTRIBUTE, KIND_LABELS[ATTRIBUTE]
        WEIGHT = WEIGHT, KIND_LABELS[WEIGHT]
        IGNORED = IGNORED, KIND_LABELS[IGNORED]

    round = models.ForeignKey(SurveyRound, verbose_name="調査", on_delete=models.CASCADE,
                              related_name="questions")
    column = models.CharField("列名", max_length=100)
    text = models.CharField("設問文", max_length=500)
    kind = models.CharField("区分", max_length=10, choices=Kind.choices, default=Kind.QUESTION)
    order = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "設問"
        verbose_name_plural = "設問"
        ordering = ["round", "order", "id"]
        constraints = [
            # The column name is how answers, measures and commands find a question.
            models.UniqueConstraint(fields=["round", "column"], name="question_unique_column"),
        ]

    def __str__(self) -> str:
        return f"{self.column}：{self.text}" if self.text != self.column else self.column

    def missing_codes(self) -> list[str]:
        return [o.code for o in self.options.all() if o.is_missing]


class Option(models.Model):
    """An answer option of a question: its code in the data and its label in the 調査票."""

    question = models.ForeignKey(Question, verbose_name="設問", on_delete=models.CASCADE,
                                 related_name="options")
    code = models.CharField("コード", max_length=100)
    label = models.CharField("選択肢", max_length=300)
    is_missing = models.BooleanField("無回答として扱う", default=False,
                                     help_text="割合の分母（有効回答）から除きます。")
    order = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "選択肢"
        verbose_name_plural = "選択肢"
        ordering = ["question", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="option_unique_code"),
        ]

    def __str__(self) -> str:
        return self.label if self.label == self.code else f"{self.code}．{self.label}"


class Respondent(models.Model):
    """One returned questionnaire: the answers as coded in the file, and its design weight."""

    round = models.ForeignKey(SurveyRound, verbose_name="調査", on_delete=models.CASCADE,
                              related_name="respondents")
    row_number = models.PositiveIntegerField("ファイルの行番号")
    weight = models.DecimalField("ウェイト", max_digits=14, decimal_places=6, null=True,
                                 blank=True)
    answers = models.JSONField("回答", default=dict, help_text="列名 → コード（空欄は含めない）")

    class Meta:
        verbose_name = "回答者"
        verbose_name_plural = "回答者"
        ordering = ["round", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "row_number"], name="respondent_unique_row"),
            models.CheckConstraint(condition=Q(weight__isnull=True) | Q(weight__gt=0),
                                   name="respondent_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.round}の{self.row_number}行目"


class SurveyMeasure(models.Model):
    """An indicator defined on a question: the share of valid answers in a set of options.

    Defined by the column name, so the same definition applies to every round that asked the
    question (令和元年度 and 令和5年度 both have 問5)."""

    indicator = models.OneToOneField(Indicator, verbose_name="指標", on_delete=models.CASCADE,
                                     related_name="survey_measure")
    column = models.CharField("設問（列名）", max_length=100)
    option_codes = models.JSONField("該当とする選択肢（コード）", default=list)
    options_label = models.CharField("該当とする選択肢", max_length=500,
                                     help_text="例：「十分に得られている」＋「どちらかといえば得られている」")
    weighted = models.BooleanField("ウェイトを使う", default=True,
                                   help_text="ウェイトのある調査では、重み付きの割合と有効標本数を使います。")
    breakdown_column = models.CharField("内訳の属性（列名）", max_length=100, blank=True,
                                        help_text="例：地区")
    version = models.PositiveIntegerField("版", default=1)

    class Meta:
        verbose_name = "調査による指標の定義"
        verbose_name_plural = "調査による指標の定義"

    def __str__(self) -> str:
        return f"{self.indicator}（{self.column}：{self.options_label}）"


class SurveyResult(models.Model):
    """A measure computed on one round: the Observation it produced and the test against the
    earlier value it was compared with."""

    measure = models.ForeignKey(SurveyMeasure, verbose_name="指標の定義", on_delete=models.CASCADE,
                                related_name="results")
    round = models.ForeignKey(SurveyRound, verbose_name="調査", on_delete=models.PROTECT,
                              related_name="results")
    observation = models.OneToOneField(Observation, verbose_name="観測値",
                                       on_delete=models.CASCADE, related_name="survey_result")
    n = models.PositiveIntegerField("有効回答数")
    count = models.PositiveIntegerField("該当数")
    share = models.DecimalField("割合", max_digits=12, decimal_places=10)
    ci_low = models.DecimalField("95%信頼区間の下限", max_digits=12, decimal_places=10)
    ci_high = models.DecimalField("95%信頼区間の上限", max_digits=12, decimal_places=10)
    weighted = models.BooleanField("重み付き", default=False)
    effective_n = models.DecimalField("有効標本数（Kish）", max_digits=14, decimal_places=4,
                                      null=True, blank=True)
    compared_with = models.ForeignKey(Observation, verbose_name="比較した値",
                                      on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+")
    difference_points = models.DecimalField("差（ポイント）", max_digits=10, decimal_places=4,
                                            null=True, blank=True)
    test_z = models.DecimalField("検定統計量 z", max_digits=12, decimal_places=4, null=True,
                                 blank=True)
    test_p = models.DecimalField("p値", max_digits=12, decimal_places=10, null=True, blank=True)
    critical_points = models.DecimalField("有意となる差の幅（ポイント）", max_digits=10,
                                          decimal_places=4, null=True, blank=True)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="計算した人",
                                    on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    computed_at = models.DateTimeField("計算日時", auto_now=True)

    class Meta:
        verbose_name = "調査による指標の値"
        verbose_name_plural = "調査による指標の値"
        ordering = ["measure", "round__year", "id"]
        constraints = [
            # One value of a measure per round: recomputing updates it.
            models.UniqueConstraint(fields=["measure", "round"], name="survey_result_unique"),
            models.CheckConstraint(condition=Q(count__lte=models.F("n")),
                                   name="survey_result_count_within_n"),
        ]

    def __str__(self) -> str:
        return f"{self.measure.indicator}（{self.round}）"

    @property
    def significant(self) -> bool | None:
        return None if self.test_p is None else self.test_p < Decimal("0.05")
