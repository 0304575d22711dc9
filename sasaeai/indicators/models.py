"""Outcome and activity indicators, their targets and their observed values."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q

from sasaeai.indicators.judgement import (
    DEFAULT_LABELS,
    Category,
    Goal,
    Judgement,
    Point,
    Rule,
    judge,
)
from sasaeai.lib.projection import Projected
from sasaeai.lib.wareki import Year, YearKind, format_year
from sasaeai.plans.models import Initiative, Plan, PlanElement
from sasaeai.tenancy.models import Area, Organization


class YearKindField(models.CharField):
    """Whether a year was written as 年度 (fiscal), 年 (calendar) or bare (H22)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("choices", [
            (YearKind.FISCAL.value, "年度"),
            (YearKind.CALENDAR.value, "年"),
            (YearKind.UNSPECIFIED.value, "年・年度の記載なし"),
        ])
        kwargs.setdefault("default", YearKind.FISCAL.value)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def for_plan(self, plan: Plan) -> IndicatorQuerySet:
        return self.filter(plan=plan)

    def with_figures(self) -> IndicatorQuerySet:
        return self.select_related("element", "initiative", "source_organization").prefetch_related(
            "observations", "targets"
        )


class Indicator(models.Model):
    """A measure of a plan: what is counted, which way is better, and where the figure comes from."""

    class Polarity(models.TextChoices):
        HIGHER = "higher", "高いほどよい"
        LOWER = "lower", "低いほどよい"
        BAND = "band", "一定の範囲がよい"

    class Kind(models.TextChoices):
        OUTCOME = "outcome", "成果"
        ACTIVITY = "activity", "活動"

    class Aggregation(models.TextChoices):
        FISCAL = "fiscal", "年度値"
        CUMULATIVE = "cumulative", "累計"
        POINT = "point", "時点値"
        AVERAGE = "average", "複数年平均"

    class SourceKind(models.TextChoices):
        SURVEY = "survey", "アンケート調査"
        RECORDS = "records", "業務統計"
        UNSPECIFIED = "", "記載なし"

    plan = models.ForeignKey(
        Plan, verbose_name="計画", on_delete=models.CASCADE, related_name="indicators"
    )
    element = models.ForeignKey(
        PlanElement, verbose_name="対応する項目", on_delete=models.SET_NULL, null=True,
        blank=True, related_name="indicators", help_text="空欄は計画全体の指標",
    )
    initiative = models.ForeignKey(
        Initiative, verbose_name="対応する取組", on_delete=models.SET_NULL, null=True,
        blank=True, related_name="indicators",
    )
    name = models.CharField("指標名", max_length=300, help_text="計画書に印字されたとおり")
    unit = models.CharField("単位", max_length=20, blank=True)
    polarity = models.CharField(
        "望ましい方向", max_length=10, choices=Polarity.choices, default=Polarity.HIGHER
    )
    polarity_inferred = models.BooleanField(
        "方向は推定", default=False, help_text="計画書に明記がなく推定した場合（要確認）"
    )
    kind = models.CharField("種類", max_length=10, choices=Kind.choices, default=Kind.OUTCOME)
    aggregation = models.CharField(
        "集計方法", max_length=12, choices=Aggregation.choices, default=Aggregation.FISCAL
    )
    source_kind = models.CharField(
        "出典の種類", max_length=10, choices=SourceKind.choices, blank=True
    )
    source_text = models.CharField("出典（表記どおり）", max_length=200, blank=True)
    source_organization = models.ForeignKey(
        Organization, verbose_name="出典の組織", on_delete=models.SET_NULL, null=True,
        blank=True, related_name="indicators",
    )
    reporting_organization = models.ForeignKey(
        Organization, verbose_name="実績を報告する組織", on_delete=models.SET_NULL, null=True,
        blank=True, related_name="reported_indicators",
        help_text="評価サイクルでこの組織に年度の実績値を照会します",
    )
    definition = models.TextField("定義", blank=True)
    rationale = models.TextField("設定理由", blank=True)
    note = models.TextField("注記", blank=True)
    order = models.PositiveIntegerField("表示順", default=0)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = "指標"
        verbose_name_plural = "指標"
        ordering = ["plan", "order", "id"]
        constraints = [
            # The printed name identifies an indicator in a plan's tables and imports.
            models.UniqueConstraint(fields=["plan", "name"], name="indicator_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        for field in ("element", "initiative"):
            other = getattr(self, field)
            if other is not None and other.plan_id != self.plan_id:
                raise ValidationError({field: "同じ計画のものを選んでください。"})

    # Figures are usually prefetched: these pick from the prefetched lists in Python.
    def baseline(self) -> Observation | None:
        found = [o for o in self.observations.all() if o.role == Observation.Role.BASELINE]
        return found[0] if found else None

    def latest(self) -> Observation | None:
        found = [o for o in self.observations.all() if o.role == Observation.Role.ACTUAL]
        return max(found, key=lambda o: (o.year or 0, o.pk)) if found else None

    def final_target(self) -> Target | None:
        found = list(self.targets.all())
        return max(found, key=lambda t: (t.year or 0, t.pk)) if found else None

    def actual_in(self, year: int) -> Observation | None:
        found = [o for o in self.observations.all()
                 if o.role == Observation.Role.ACTUAL and o.year == year]
        return found[-1] if found else None

    def judge(self, *, rule: Rule | None = None, year: int | None = None) -> Judgement:
        """The judgement of this indicator, computed from its prefetched figures."""
        baseline, target = self.baseline(), self.final_target()
        latest = self.actual_in(year) if year is not None else self.latest()
        higher = {self.Polarity.HIGHER: True, self.Polarity.LOWER: False}.get(
            Indicator.Polarity(self.polarity))
        return judge(
            unit=self.unit, higher_is_better=higher,
            survey=self.source_kind == self.SourceKind.SURVEY,
            baseline=baseline.as_point() if baseline else None,
            latest=latest.as_point() if latest else None,
            goal=target.as_goal() if target else None, rule=rule, evaluation_year=year,
        )


class Target(models.Model):
    """A 目標値: a value for a year, a bound, a direction only, 維持, or not (yet) set."""

    class Kind(models.TextChoices):
        VALUE = "value", "数値"
        AT_LEAST = "at_least", "以上"
        AT_MOST = "at_most", "以下"
        UP = "up", "↗（増加）"
        DOWN = "down", "↘（減少）"
        MAINTAIN = "maintain", "維持"
        NOT_SET = "not_set", "設定しない"
        PENDING = "pending", "検討中"

    indicator = models.ForeignKey(
        Indicator, verbose_name="指標", on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField("目標年（度）", null=True, blank=True)
    year_kind = YearKindField("年・年度の別")
    kind = models.CharField("目標の種類", max_length=10, choices=Kind.choices)
    value = models.DecimalField("目標値", max_digits=14, decimal_places=4, null=True, blank=True)
    verbatim = models.CharField("表記どおり", max_length=200, blank=True)

    class Meta:
        verbose_name = "目標値"
        verbose_name_plural = "目標値"
        ordering = ["indicator", "year", "id"]
        constraints = [
            # A numeric kind needs a number; a direction or "pending" must not pretend to have one.
            models.CheckConstraint(
                condition=(Q(kind__in=["value", "at_least", "at_most"]) & Q(value__isnull=False))
                | (~Q(kind__in=["value", "at_least", "at_most"]) & Q(value__isnull=True))
                | Q(kind="maintain"),
                name="target_value_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "year_kind"], name="target_unique_year",
                condition=Q(year__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.verbatim or self.get_kind_display()

    def as_goal(self) -> Goal:
        return Goal(kind=self.kind, value=self.value, year=self.year, year_kind=self.year_kind,
                    verbatim=self.verbatim)

    @property
    def year_label(self) -> str:
        if self.year is None:
            return ""
        return format_year(Year(self.year, YearKind(self.year_kind)))


class Observation(models.Model):
    """A measured value (基準値 or 実績値), with the text it came from and how it was measured."""

    class Role(models.TextChoices):
        BASELINE = "baseline", "基準値"
        ACTUAL = "actual", "実績値"

    class MarginBasis(models.TextChoices):
        PRINTED = "", "資料の記載"
        SAMPLING = "sampling", "標本誤差（95%信頼区間）"
        TWO_PROPORTION = "two_proportion", "基準値との差の検定（95%）"

    class Status(models.TextChoices):
        MEASURED = "measured", "実測"
        ESTIMATED = "estimated", "推計"
        SURVEYING = "surveying", "調査中"
        NOT_SURVEYED = "not_surveyed", "未調査"
        PLACEHOLDER = "placeholder", "未記入（〇〇）"

    indicator = models.ForeignKey(
        Indicator, verbose_name="指標", on_delete=models.CASCADE, related_name="observations"
    )
    role = models.CharField("区分", max_length=10, choices=Role.choices)
    year = models.PositiveSmallIntegerField("年（度）", null=True, blank=True)
    year_end = models.PositiveSmallIntegerField(
        "期間の終わりの年（度）", null=True, blank=True, help_text="複数年平均などの期間の値"
    )
    year_kind = YearKindField("年・年度の別")
    as_of = models.DateField("時点", null=True, blank=True)
    value = models.DecimalField("値", max_digits=14, decimal_places=4, null=True, blank=True)
    verbatim = models.CharField("表記どおり", max_length=200, blank=True)
    status = models.CharField(
        "状態", max_length=14, choices=Status.choices, default=Status.MEASURED
    )
    sample_size = models.PositiveIntegerField("回答数（n）", null=True, blank=True)
    margin = models.DecimalField(
        "誤差（±ポイント）", max_digits=8, decimal_places=4, null=True, blank=True
    )
    margin_basis = models.CharField(
        "誤差の根拠", max_length=16, choices=MarginBasis.choices, blank=True,
        default=MarginBasis.PRINTED,
    )
    ci_low = models.DecimalField("95%信頼区間の下限", max_digits=14, decimal_places=4,
                                 null=True, blank=True)
    ci_high = models.DecimalField("95%信頼区間の上限", max_digits=14, decimal_places=4,
                                  null=True, blank=True)
    breakdown_label = models.CharField("内訳の区分", max_length=100, blank=True,
                                       help_text="例：地区別")
    breakdown = models.JSONField(
        "内訳", default=list, blank=True,
        help_text="区分ごとの回答数・割合・信頼区間（少数の区分は秘匿済み）",
    )
    area = models.ForeignKey(
        Area, verbose_name="圏域", on_delete=models.PROTECT, null=True, blank=True,
        related_name="observations",
    )
    note = models.CharField("注記", max_length=300, blank=True)

    class Meta:
        verbose_name = "観測値"
        verbose_name_plural = "観測値"
        ordering = ["indicator", "year", "id"]
        constraints = [
            # A measured or estimated value has a number; "not measured" is never stored as zero.
            models.CheckConstraint(
                condition=(Q(status__in=["measured", "estimated"]) & Q(value__isnull=False))
                | (~Q(status__in=["measured", "estimated"]) & Q(value__isnull=True)),
                name="observation_value_matches_status",
            ),
            # An interval has its low end first; a margin is a width, never negative.
            models.CheckConstraint(
                condition=Q(ci_low__isnull=True) | Q(ci_high__isnull=True)
                | Q(ci_low__lte=models.F("ci_high")),
                name="observation_interval_in_order",
            ),
            models.CheckConstraint(
                condition=Q(year_end__isnull=True)
                | (Q(year__isnull=False) & Q(year_end__gte=models.F("year"))),
                name="observation_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.verbatim}"

    def as_point(self) -> Point:
        return Point(value=self.value, year=self.year, year_kind=self.year_kind,
                     year_end=self.year_end, status=self.status, verbatim=self.verbatim,
                     margin=self.margin, margin_basis=self.margin_basis)

    @property
    def is_measured(self) -> bool:
        return self.status == self.Status.MEASURED

    @property
    def year_label(self) -> str:
        if self.year is None:
            return ""
        return format_year(Year(self.year, YearKind(self.year_kind), end=self.year_end))


class JudgementRuleQuerySet(models.QuerySet["JudgementRule"]):
    def rule_for(self, plan: Plan) -> Rule:
        """The rule a plan's indicators are judged by: its own, or the default one."""
        found = self.filter(plan=plan).first()
        return found.as_rule() if found else Rule()


class JudgementRule(models.Model):
    """A plan's own rule for judging progress: its noise bands and its names for the categories."""

    plan = models.OneToOneField(Plan, verbose_name="計画", on_delete=models.CASCADE,
                                related_name="judgement_rule")
    survey_band_points = models.DecimalField(
        "調査値の誤差の目安（ポイント）", max_digits=5, decimal_places=2, default=Decimal(3),
        help_text="調査ごとの誤差がわからない場合に、この幅以内の変化を「横ばい」とみなします。",
    )
    other_band_percent = models.DecimalField(
        "調査以外の値の幅（基準値に対する%）", max_digits=5, decimal_places=2,
        default=Decimal(10),
    )
    label_achieved = models.CharField("「達成」の呼び名", max_length=20, default="達成")
    label_on_track = models.CharField("「順調」の呼び名", max_length=20, default="順調")
    label_improving = models.CharField("「改善」の呼び名", max_length=20, default="改善")
    label_flat = models.CharField("「横ばい」の呼び名", max_length=20, default="横ばい")
    label_worsening = models.CharField("「悪化」の呼び名", max_length=20, default="悪化")
    label_unjudgeable = models.CharField("「判定不能」の呼び名", max_length=20, default="判定不能")

    objects = JudgementRuleQuerySet.as_manager()

    class Meta:
        verbose_name = "判定の基準"
        verbose_name_plural = "判定の基準"
        constraints = [
            models.CheckConstraint(
                condition=Q(survey_band_points__gte=0) & Q(other_band_percent__gte=0),
                name="judgement_rule_bands_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan}の判定の基準"

    def as_rule(self) -> Rule:
        return Rule(
            survey_band_points=self.survey_band_points,
            other_band_percent=self.other_band_percent,
            labels={
                Category.ACHIEVED: self.label_achieved, Category.ON_TRACK: self.label_on_track,
                Category.IMPROVING: self.label_improving, Category.FLAT: self.label_flat,
                Category.WORSENING: self.label_worsening,
                Category.UNJUDGEABLE: self.label_unjudgeable,
            },
        )


class JudgementOverrideQuerySet(models.QuerySet["JudgementOverride"]):
    def current(self) -> JudgementOverrideQuerySet:
        """The override in force for each indicator and year: the newest. The older ones are
        superseded and stay in the history the members read."""
        newer = JudgementOverride.objects.filter(indicator=OuterRef("indicator")).filter(
            Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk")))
        return (self.filter(year__isnull=False)
                .exclude(Exists(newer.filter(year=OuterRef("year"))))
                | self.filter(year__isnull=True).exclude(Exists(newer.filter(year__isnull=True))))

    def public(self) -> JudgementOverrideQuerySet:
        """What the public sees of a (public) plan's overrides: the ones in force."""
        return self.current()


class JudgementOverride(Projected, models.Model):
    """The 事務局's judgement where it differs from the computed one: both are kept and shown.

    Public projection: the override in force (`current()`) with its category and reason, not
    who recorded it; superseded overrides only for the municipality's members."""

    PRIVATE_FIELDS = frozenset({"by", "by_label"})

    indicator = models.ForeignKey(Indicator, verbose_name="指標", on_delete=models.CASCADE,
                                  related_name="overrides")
    year = models.PositiveSmallIntegerField("評価年（度）", null=True, blank=True,
                                            help_text="空欄は最新の値に対する判定")
    category = models.CharField("判定", max_length=12,
                                choices=[(c.value, DEFAULT_LABELS[c]) for c in Category])
    computed_category = models.CharField("計算による判定", max_length=12,
                                         choices=[(c.value, DEFAULT_LABELS[c]) for c in Category])
    computed_sentence = models.TextField("計算による判定の説明")
    reason = models.TextField("理由")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="判定者",
                           on_delete=models.SET_NULL, null=True, related_name="+")
    by_label = models.CharField("判定者（表示名）", max_length=150, blank=True)
    at = models.DateTimeField("日時", auto_now_add=True)

    objects = JudgementOverrideQuerySet.as_manager()

    class Meta:
        verbose_name = "判定の修正"
        verbose_name_plural = "判定の修正"
        ordering = ["indicator", "-at", "-id"]

    def __str__(self) -> str:
        return f"{self.indicator}：{self.get_category_display()}"
