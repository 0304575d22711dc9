"""Rating scales: a municipality's scales (A〜D, ◎○△× …), their levels and the one a plan uses."""

from __future__ import annotations

from django.db import models

from sasaeai.lib.marks import normalize_mark
from sasaeai.plans.models import Plan
from sasaeai.tenancy.models import Municipality


class RatingScale(models.Model):
    """A municipality's rating scale (A〜D, ◎○△×, 5〜1 …), chosen per plan."""

    municipality = models.ForeignKey(
        Municipality, verbose_name="自治体", on_delete=models.CASCADE, related_name="rating_scales"
    )
    name = models.CharField("名称", max_length=60)
    description = models.TextField("説明", blank=True)

    class Meta:
        verbose_name = "評価の尺度"
        verbose_name_plural = "評価の尺度"
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="scale_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def match(self, typed: str) -> RatingLevel | None:
        """The level a typed mark means: exact after folding look-alikes, else a unique
        case-insensitive match (「b」 in an A/B/C scale), else None."""
        key = normalize_mark(typed)
        if not key:
            return None
        levels = list(self.levels.all())
        exact = [lv for lv in levels if normalize_mark(lv.code) == key]
        if exact:
            return exact[0]
        loose = [lv for lv in levels if normalize_mark(lv.code).casefold() == key.casefold()]
        return loose[0] if len(loose) == 1 else None


class RatingLevel(models.Model):
    scale = models.ForeignKey(
        RatingScale, verbose_name="尺度", on_delete=models.CASCADE, related_name="levels"
    )
    code = models.CharField("記号", max_length=8)
    label = models.CharField("名称", max_length=40, blank=True)
    definition = models.CharField("定義", max_length=300, blank=True)
    order = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "評価の段階"
        verbose_name_plural = "評価の段階"
        ordering = ["scale", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "code"], name="rating_level_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}（{self.label}）" if self.label else self.code


class PlanRatingScale(models.Model):
    """Which scale a plan's entries are rated on (a later plan generation may choose another)."""

    plan = models.OneToOneField(
        Plan, verbose_name="計画", on_delete=models.CASCADE, related_name="rating_choice"
    )
    scale = models.ForeignKey(RatingScale, verbose_name="尺度", on_delete=models.PROTECT)

    class Meta:
        verbose_name = "計画の評価尺度"
        verbose_name_plural = "計画の評価尺度"

    def __str__(self) -> str:
        return f"{self.plan}：{self.scale}"
