"""A cycle: one review of a plan, and the states it passes through."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from sasaeai.lib.wareki import format_fy
from sasaeai.plans.models import Plan
from sasaeai.progress.models.scales import RatingScale
from sasaeai.tenancy.models import Organization


class CycleQuerySet(models.QuerySet["Cycle"]):
    def published(self) -> CycleQuerySet:
        return self.filter(status=Cycle.Status.PUBLISHED)

    def public(self) -> CycleQuerySet:
        """The cycles the public sees: published ones of published plans."""
        return self.published().filter(plan__status=Plan.Status.PUBLISHED)


class Cycle(models.Model):
    """One review of a plan: a fiscal year's 年次 review, or the 中間 / 最終 review."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", "年次"
        MIDTERM = "midterm", "中間"
        FINAL = "final", "最終"

    class Status(models.TextChoices):
        PREPARING = "preparing", "準備中"
        COLLECTING = "collecting", "入力中"
        COMPILING = "compiling", "取りまとめ"
        REVIEWING = "reviewing", "委員会審議"
        CONFIRMED = "confirmed", "確定"
        PUBLISHED = "published", "公開"
        # Off the line of steps: a publication taken back, shown to the public as a notice with
        # its date and reason until the 事務局 publishes the cycle again.
        WITHDRAWN = "withdrawn", "取り下げ"

    plan = models.ForeignKey(Plan, verbose_name="計画", on_delete=models.PROTECT, related_name="cycles")
    fiscal_year = models.PositiveSmallIntegerField(
        "評価対象年度", null=True, blank=True, help_text="西暦（年度の始まる年）"
    )
    kind = models.CharField("種類", max_length=10, choices=Kind.choices, default=Kind.ANNUAL)
    title = models.CharField("名称", max_length=200, blank=True)
    entries_due = models.DateField("入力期限", null=True, blank=True)
    committee_meeting = models.DateField("委員会の開催日", null=True, blank=True)
    status = models.CharField(
        "状態", max_length=12, choices=Status.choices, default=Status.PREPARING
    )
    rating_scale = models.ForeignKey(
        RatingScale, verbose_name="評価の尺度", on_delete=models.PROTECT, null=True, blank=True
    )
    confirmed_by = models.ForeignKey(
        Organization, verbose_name="確定した委員会", on_delete=models.PROTECT, null=True,
        blank=True, related_name="confirmed_cycles",
    )
    confirmed_at = models.DateTimeField("確定日時", null=True, blank=True)
    confirmation_note = models.TextField("確定の記載", blank=True)
    published_at = models.DateTimeField("公開日時", null=True, blank=True)
    withdrawn_at = models.DateTimeField("公開の取り下げ日時", null=True, blank=True)
    withdrawal_reason = models.TextField("公開の取り下げの理由", blank=True)
    version = models.PositiveIntegerField("版", default=1)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = "評価サイクル"
        verbose_name_plural = "評価サイクル"
        ordering = ["plan", "-fiscal_year", "-id"]
        constraints = [
            # One 年次 review per fiscal year; one 中間 and one 最終 per year at most.
            models.UniqueConstraint(
                fields=["plan", "fiscal_year", "kind"], name="cycle_unique_year",
                condition=Q(fiscal_year__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse(
            "progress:cycle", args=[self.plan.municipality.code, self.plan.slug, self.pk]
        )

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        year = format_fy(self.fiscal_year, ad=False) if self.fiscal_year else "年度の記載なし"
        return f"{year} {self.get_kind_display()}評価"

    @property
    def is_frozen(self) -> bool:
        """After 確定 nothing changes silently: only recorded corrections."""
        return self.status in {self.Status.CONFIRMED, self.Status.PUBLISHED,
                               self.Status.WITHDRAWN}

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_withdrawn(self) -> bool:
        """A publication taken back: the public sees only the notice of withdrawal."""
        return self.status == self.Status.WITHDRAWN

    @property
    def is_preparing(self) -> bool:
        """Still being set up by the 事務局: nobody else sees it yet."""
        return self.status == self.Status.PREPARING

    @property
    def is_open_for_input(self) -> bool:
        """入力中: the organizations write and submit their reports."""
        return self.status == self.Status.COLLECTING

    @property
    def is_adjustable(self) -> bool:
        """準備中 or 入力中: the 事務局 may still change its title, year and dates."""
        return self.status in {self.Status.PREPARING, self.Status.COLLECTING}

    @property
    def is_gathering(self) -> bool:
        """入力中 or 取りまとめ: the 事務局 still returns and accepts reports."""
        return self.status in {self.Status.COLLECTING, self.Status.COMPILING}

    @property
    def is_compiled(self) -> bool:
        """From 取りまとめ on, every organization's report is final enough to be read by all."""
        return self.status in {self.Status.COMPILING, self.Status.REVIEWING,
                               self.Status.CONFIRMED, self.Status.PUBLISHED,
                               self.Status.WITHDRAWN}

    @property
    def is_under_review(self) -> bool:
        """委員会審議: committee members rate and write opinions, the 事務局 answers."""
        return self.status == self.Status.REVIEWING

    @property
    def is_visible_to_committee(self) -> bool:
        return self.status in {self.Status.REVIEWING, self.Status.CONFIRMED,
                               self.Status.PUBLISHED, self.Status.WITHDRAWN}

    def step(self) -> int:
        return list(self.Status.values).index(self.status)

    def steps(self) -> list[tuple[str, bool]]:
        """Every stage's label and whether the cycle is at it (取り下げ only when it is there)."""
        return [(s.label, s == self.status) for s in self.Status
                if s != self.Status.WITHDRAWN or self.is_withdrawn]
