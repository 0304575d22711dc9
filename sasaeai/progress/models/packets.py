"""Work around a cycle: reminders sent, and the committee packets made in the background."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from sasaeai.progress.models.cycles import Cycle
from sasaeai.tenancy.models import Organization


class Reminder(models.Model):
    """A reminder e-mail sent to an organization about its unsubmitted entries (sent once per
    kind and period, so a daily run never floods anyone)."""

    class Kind(models.TextChoices):
        BEFORE = "before", "期限前"
        OVERDUE = "overdue", "期限超過"

    cycle = models.ForeignKey(Cycle, verbose_name="評価サイクル", on_delete=models.CASCADE,
                              related_name="reminders")
    organization = models.ForeignKey(Organization, verbose_name="組織", on_delete=models.CASCADE,
                                     related_name="+")
    kind = models.CharField("種類", max_length=10, choices=Kind.choices)
    sent_on = models.DateField("送信日")
    recipients = models.PositiveIntegerField("宛先の数", default=0)
    entries = models.PositiveIntegerField("未提出の報告の数", default=0)

    class Meta:
        verbose_name = "督促メール"
        verbose_name_plural = "督促メール"
        ordering = ["-sent_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organization", "kind", "sent_on"],
                                    name="reminder_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.organization}（{self.get_kind_display()}・{self.sent_on}）"


class Packet(models.Model):
    """One version of a cycle's committee packet (委員会資料), made in the background.

    A version once made is never overwritten: regenerating after a change makes the next
    version, so the copy already handed to the committee stays as it was."""

    class Status(models.TextChoices):
        QUEUED = "queued", "作成待ち"
        RUNNING = "running", "作成中"
        DONE = "done", "完成"
        FAILED = "failed", "失敗"

    cycle = models.ForeignKey(Cycle, verbose_name="評価サイクル", on_delete=models.CASCADE,
                              related_name="packets")
    version = models.PositiveIntegerField("版")
    status = models.CharField("状態", max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("進み具合（%）", default=0)
    message = models.CharField("状況", max_length=300, blank=True)
    pdf = models.BinaryField("PDF", null=True, blank=True, editable=False)
    pages = models.PositiveIntegerField("ページ数", null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="依頼した人",
                                     on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    requested_at = models.DateTimeField("依頼日時", auto_now_add=True)
    finished_at = models.DateTimeField("完成日時", null=True, blank=True)

    class Meta:
        verbose_name = "委員会資料"
        verbose_name_plural = "委員会資料"
        ordering = ["cycle", "-version"]
        constraints = [
            # Versions are numbered per cycle and never reused.
            models.UniqueConstraint(fields=["cycle", "version"], name="packet_unique_version"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="packet_progress_range"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle}の委員会資料（第{self.version}版）"

    @property
    def working(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def has_failed(self) -> bool:
        return self.status == self.Status.FAILED
