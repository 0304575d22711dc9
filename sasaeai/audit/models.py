"""The audit trail: who changed what, when, for which organization, with before and after."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One write (or refused attempt). Never updated or deleted by the application."""

    at = models.DateTimeField("日時", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="実行者", on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    actor_label = models.CharField(
        "実行者（表示名）", max_length=150, blank=True, help_text="利用者削除後も残す名前"
    )
    municipality_code = models.CharField("自治体コード", max_length=6, blank=True, db_index=True)
    organization = models.CharField("組織", max_length=100, blank=True)
    action = models.CharField("操作", max_length=60)
    object_type = models.CharField("対象の種類", max_length=60, blank=True)
    object_id = models.CharField("対象のID", max_length=40, blank=True)
    object_label = models.CharField("対象", max_length=300, blank=True)
    before = models.JSONField("変更前", null=True, blank=True)
    after = models.JSONField("変更後", null=True, blank=True)
    note = models.TextField("備考", blank=True)
    undoes = models.ForeignKey(
        "self", verbose_name="元に戻した変更", on_delete=models.PROTECT, null=True, blank=True,
        related_name="undone_by", help_text="この記録が元に戻した変更（audit.undo）",
    )

    class Meta:
        verbose_name = "監査ログ"
        verbose_name_plural = "監査ログ"
        ordering = ["-at", "-id"]
        indexes = [
            # History of one object, newest first.
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"
