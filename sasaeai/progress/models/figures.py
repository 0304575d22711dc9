"""The year's figure of an indicator, asked in a cycle of the organisation that reports it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from sasaeai.indicators.models import Indicator, Observation
from sasaeai.lib.projection import Projected
from sasaeai.progress.models.entries import HandIn
from sasaeai.tenancy.models import Organization


class FigureRequestQuerySet(models.QuerySet["FigureRequest"]):
    def awaiting(self) -> FigureRequestQuerySet:
        return self.filter(status__in=[FigureRequest.Status.NOT_STARTED,
                                       FigureRequest.Status.DRAFT,
                                       FigureRequest.Status.RETURNED])

    def blocking_review(self) -> FigureRequestQuerySet:
        """Not handed in nor 「未提出のまま進める」: what keeps a cycle from 取りまとめ / 委員会審議,
        as a report does."""
        return self.awaiting().filter(waiver_reason="")

    def in_plan_order(self) -> FigureRequestQuerySet:
        return self.order_by("indicator__order", "indicator_id")


class FigureRequest(HandIn, Projected, models.Model):
    """An indicator's figure for the cycle's year, asked of the organisation that reports it,
    handed in, checked by the 事務局 and, at 確定, registered as an observation (or left as a
    conflict when a different figure is already registered for that year).

    Public projection: without the return reason (差戻しの理由) nor who last changed it, recorded
    the waiver or settled a conflict. As with a report, a figure never handed in shows the
    public that it was not, and why (the waiver's reason), not the figure typed in the draft.
    How a conflict was settled, and why, is public: it is what keeps the 実績値 honest."""

    PRIVATE_FIELDS = frozenset({"return_comment", "updated_by", "waived_by", "settled_by"})
    # The figure as its organisation wrote it, shown to the public only once handed in.
    WRITTEN_FIELDS = ("verbatim", "value", "note")
    # A figure is 実測, 推計, 調査中 or 未調査; a 〇〇 placeholder belongs to a printed draft.
    FIGURE_STATUSES = frozenset(Observation.Status.values) - {Observation.Status.PLACEHOLDER}

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未着手"
        DRAFT = "draft", "下書き"
        SUBMITTED = "submitted", "提出済"
        RETURNED = "returned", "差戻し"
        ACCEPTED = "accepted", "確認済"

    class Landing(models.TextChoices):
        PENDING = "", "未登録"
        REGISTERED = "registered", "実績値として登録済"
        SAME = "same", "同じ値が登録済"
        CONFLICT = "conflict", "登録済の値と相違"
        KEPT = "kept", "登録済の値を採用"
        REPLACED = "replaced", "報告の値で置き換え"

    cycle = models.ForeignKey("progress.Cycle", verbose_name="評価サイクル",
                              on_delete=models.CASCADE, related_name="figure_requests")
    indicator = models.ForeignKey(Indicator, verbose_name="指標", on_delete=models.CASCADE,
                                  related_name="figure_requests")
    organization = models.ForeignKey(Organization, verbose_name="報告する組織",
                                     on_delete=models.PROTECT, related_name="figure_requests")
    status = models.CharField("状態", max_length=12, choices=Status.choices,
                              default=Status.NOT_STARTED)
    verbatim = models.CharField("実績値（入力どおり）", max_length=200, blank=True)
    value = models.DecimalField("実績値", max_digits=14, decimal_places=4, null=True, blank=True)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True,
                                            help_text="西暦（年度の始まる年）")
    figure_status = models.CharField("値の状態", max_length=14,
                                     choices=[c for c in Observation.Status.choices
                                              if c[0] != Observation.Status.PLACEHOLDER],
                                     default=Observation.Status.MEASURED)
    note = models.CharField("注記", max_length=300, blank=True)
    return_comment = models.TextField("差戻しの理由", blank=True)
    waiver_reason = models.TextField(
        "未提出のまま進める理由", blank=True,
        help_text="事務局が、この実績値の提出を待たずに評価サイクルを進めると記録した理由")
    waived_at = models.DateTimeField("未提出のまま進めると記録した日時", null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="未提出のまま進めると記録した人",
        on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    landing = models.CharField("実績値の登録", max_length=12, choices=Landing.choices,
                               blank=True, default=Landing.PENDING)
    observation = models.ForeignKey(Observation, verbose_name="登録した観測値",
                                    on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    settlement_reason = models.TextField(
        "相違の決着の理由", blank=True,
        help_text="登録済の値と相違したとき、事務局がどちらの値を採るか決めた理由")
    settled_at = models.DateTimeField("相違を決着した日時", null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="相違を決着した人",
        on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField("版", default=1)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="更新者",
                                   on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    objects = FigureRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "指標の実績値の照会"
        verbose_name_plural = "指標の実績値の照会"
        ordering = ["cycle", "indicator__order", "id"]
        constraints = [
            # One question per indicator in a cycle: nothing to merge by hand at 確定.
            models.UniqueConstraint(fields=["cycle", "indicator"],
                                    name="figure_request_unique_indicator"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}（{self.organization.label}）"

    def get_absolute_url(self) -> str:
        plan = self.indicator.plan
        return reverse("progress:figure",
                       args=[plan.municipality.code, plan.slug, self.cycle_id, self.pk])

    def public_copy(self) -> FigureRequest:
        shown = super().public_copy()
        if not self.is_handed_in:
            for name in self.WRITTEN_FIELDS:
                setattr(shown, name, None if name == "value" else "")
        return shown

    @property
    def is_conflict(self) -> bool:
        """Accepted, and a different figure was already registered for its year: not landed
        until the 事務局 settles it (登録済の値を残す / 報告の値で置き換える)."""
        return self.landing == self.Landing.CONFLICT

    @property
    def is_settled(self) -> bool:
        return self.landing in {self.Landing.KEPT, self.Landing.REPLACED}
