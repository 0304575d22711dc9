"""Users and what they may do: a Membership in an organization with a role."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from sasaeai.tenancy.models import Organization


class User(AbstractUser):
    """A person who signs in: 事務局 staff, a department's 担当, a committee member."""

    display_name = models.CharField("氏名", max_length=60, blank=True)
    notice_mail = models.BooleanField(
        "お知らせをメールでも受け取る", default=True,
        help_text="切っても、お知らせは「わたしの作業」に表示されます。")

    class Meta(AbstractUser.Meta):
        verbose_name = "利用者"
        verbose_name_plural = "利用者"

    def __str__(self) -> str:
        return self.display_name or self.username


class Membership(models.Model):
    """Why a user may see or do anything: membership of one organization, with one role."""

    class Role(models.TextChoices):
        SECRETARIAT = "secretariat", "事務局"
        STAFF = "staff", "担当"
        COMMITTEE = "committee", "委員"
        VIEWER = "viewer", "閲覧"

    user = models.ForeignKey(
        User, verbose_name="利用者", on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="組織", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("役割", max_length=20, choices=Role.choices)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "所属"
        verbose_name_plural = "所属"
        ordering = ["organization", "user"]
        constraints = [
            # One role per organization: a second role would make "what may she do" ambiguous.
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user}（{self.organization}・{self.get_role_display()}）"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal key for the read API: its holder sees through the API what they see in the
    browser. Only a hash is kept; the key itself is shown once, when it is made."""

    user = models.ForeignKey(User, verbose_name="利用者", on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField("名前", max_length=60, help_text="例：集計用スクリプト")
    prefix = models.CharField("先頭の文字", max_length=12, help_text="どのキーか見分けるため")
    secret_hash = models.CharField("キーのハッシュ値", max_length=64, unique=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    last_used_at = models.DateTimeField("最後に使った日時", null=True, blank=True)
    revoked_at = models.DateTimeField("無効にした日時", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "APIキー"
        verbose_name_plural = "APIキー"
        ordering = ["user", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> InvitationQuerySet:
        """Not yet accepted, not withdrawn and not expired."""
        from django.utils import timezone

        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                           expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An invitation by e-mail to join an organization with a role: a one-time link that works
    for 7 days. Only a hash of the link's key is kept. Accepting it makes an account (or, for
    who already has one, adds the membership to it)."""

    email = models.EmailField("メールアドレス")
    display_name = models.CharField("氏名", max_length=60, blank=True)
    organization = models.ForeignKey(Organization, verbose_name="組織", on_delete=models.CASCADE,
                                     related_name="invitations")
    role = models.CharField("役割", max_length=20, choices=Membership.Role.choices)
    key_hash = models.CharField("招待キーのハッシュ値", max_length=64, unique=True)
    invited_by = models.ForeignKey(User, verbose_name="招待した人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    invited_by_label = models.CharField("招待した人（当時の表示）", max_length=120, blank=True)
    created_at = models.DateTimeField("招待日時", auto_now_add=True)
    expires_at = models.DateTimeField("有効期限")
    accepted_at = models.DateTimeField("受諾日時", null=True, blank=True)
    accepted_by = models.ForeignKey(User, verbose_name="受諾した利用者", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField("取り消し日時", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "招待"
        verbose_name_plural = "招待"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email}（{self.organization}・{self.get_role_display()}）"

    @property
    def asks_second_factor(self) -> bool:
        """The invitee will register an authenticator app after signing up (the 事務局's)."""
        return self.role == Membership.Role.SECRETARIAT


class ScheduledChange(models.Model):
    """A row of a 人事異動 file dated after the day it was applied: kept until its day, when the
    task worker makes it (accounts/personnel.py)."""

    class Kind(models.TextChoices):
        ARRIVE = "arrive", "着任"
        LEAVE = "leave", "転出"
        CHANGE = "change", "変更"

    municipality = models.ForeignKey("tenancy.Municipality", verbose_name="自治体",
                                     on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("区分", max_length=10, choices=Kind.choices)
    display_name = models.CharField("氏名", max_length=60, blank=True)
    email = models.EmailField("メールアドレス")
    organization = models.ForeignKey(Organization, verbose_name="組織", on_delete=models.CASCADE,
                                     null=True, blank=True, related_name="+")
    role = models.CharField("役割", max_length=20, choices=Membership.Role.choices, blank=True)
    effective_on = models.DateField("異動日")
    source = models.CharField("ファイル名と行", max_length=200, blank=True)
    created_by = models.ForeignKey(User, verbose_name="登録した人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    applied_at = models.DateTimeField("反映日時", null=True, blank=True)
    outcome = models.TextField("結果", blank=True)

    class Meta:
        verbose_name = "予定された人事異動"
        verbose_name_plural = "予定された人事異動"
        ordering = ["effective_on", "id"]

    def __str__(self) -> str:
        return f"{self.effective_on} {self.get_kind_display()} {self.email}"
