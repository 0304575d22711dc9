"""A notice to one person: what happened, what to do, and the page to do it on. Shown on the
person's task page (わたしの作業) and, unless they turned it off, sent by e-mail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class NoticeQuerySet(models.QuerySet["Notice"]):
    def for_user(self, user: Any) -> NoticeQuerySet:
        """A person's own notices: nobody reads another's (the rest answer 404)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NoticeQuerySet:
        return self.filter(read_at__isnull=True)

    def for_page(self) -> NoticeQuerySet:
        """Unread first, then the newest."""
        return self.order_by(models.F("read_at").asc(nulls_first=True), "-created_at", "-id")


class Notice(models.Model):
    class Kind(models.TextChoices):
        CYCLE_OPENED = "cycle_opened", "入力開始"
        RETURNED = "returned", "差戻し"
        DUE_SOON = "due_soon", "提出期限のお知らせ"
        OVERDUE = "overdue", "期限超過"
        REVIEW_OPENED = "review_opened", "委員会審議の開始"
        CONFIRMED = "confirmed", "確定"
        PUBLISHED = "published", "公開"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="宛先",
                                  on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField("種類", max_length=20, choices=Kind.choices)
    subject = models.CharField("件名", max_length=200)
    body = models.TextField("本文")
    url = models.CharField("開くページ", max_length=300, blank=True,
                           help_text="サイト内のパス（メールでは SASAEAI_BASE_URL を前に付けます）")
    created_at = models.DateTimeField("日時", auto_now_add=True)
    read_at = models.DateTimeField("既読にした日時", null=True, blank=True)
    mailed = models.BooleanField("メールで送った", default=False)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "お知らせ"
        verbose_name_plural = "お知らせ"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_recipient_read")]

    def __str__(self) -> str:
        return f"{self.recipient}：{self.subject}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def absolute_url(self) -> str:
        return absolute(self.url)


def absolute(path: str) -> str:
    """A link for an e-mail: the site's address (SASAEAI_BASE_URL) and the page's path."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.SASAEAI_BASE_URL.rstrip("/") + path
