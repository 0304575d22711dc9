"""What each organization reports in a cycle, its history, and the committee's opinions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from sasaeai.lib.projection import Projected
from sasaeai.plans.models import Initiative, PlanElement
from sasaeai.progress.models.cycles import Cycle
from sasaeai.tenancy.models import Organization


class EntryQuerySet(models.QuerySet["Entry"]):
    def for_cycle(self, cycle: Cycle) -> EntryQuerySet:
        return self.filter(cycle=cycle)

    def public(self) -> EntryQuerySet:
        """The entries the public sees: every entry of a public cycle, as the committee left
        it (see Entry.PRIVATE_FIELDS for what is never shown of them)."""
        return self.filter(cycle__in=Cycle.objects.public())

    def of_organization(self, organization: Organization) -> EntryQuerySet:
        return self.filter(organization=organization)

    def handed_in(self) -> EntryQuerySet:
        return self.filter(status__in=[Entry.Status.SUBMITTED, Entry.Status.ACCEPTED])

    def awaiting(self) -> EntryQuerySet:
        return self.filter(
            status__in=[Entry.Status.NOT_STARTED, Entry.Status.DRAFT, Entry.Status.RETURNED]
        )

    def blocking_review(self) -> EntryQuerySet:
        """Not handed in nor 「未提出のまま進める」: what keeps a cycle from 取りまとめ / 委員会審議."""
        return self.awaiting().filter(waiver_reason="")

    def with_corrections(self) -> EntryQuerySet:
        """Each entry's corrections after 確定 fetched at once (see Entry.corrections)."""
        return self.prefetch_related(models.Prefetch(
            "versions", queryset=EntryVersion.objects.filter(
                action=EntryVersion.Action.CORRECT).order_by("number"),
            to_attr="correction_versions"))

    def with_units(self) -> EntryQuerySet:
        """Each entry's subject with its parents in the 体系 fetched at once, for its
        `unit_label` (「1-1-① …」) without a query per level and entry (deeper 体系 still work,
        a query per further level)."""
        return self.select_related("element__parent__parent__parent",
                                   "initiative__element__parent__parent__parent")

    def in_plan_order(self) -> EntryQuerySet:
        return self.order_by(
            "initiative__element__order", "initiative__order", "element__order",
            "organization__order", "organization_id",
        )


class HandIn:
    """The states of something an organization writes and hands in to the 事務局 (a report, an
    indicator's figure): 未着手 → 下書き → 提出済 → 確認済, or 差戻し back to its writer."""

    status: str
    waiver_reason: str

    @property
    def is_editable(self) -> bool:
        """Whether it is still its organization's to write (not yet handed in)."""
        return self.status in {"not_started", "draft", "returned"}

    @property
    def is_submitted(self) -> bool:
        return self.status == "submitted"

    @property
    def is_handed_in(self) -> bool:
        """Submitted or accepted: the organization's finished text."""
        return self.status in {"submitted", "accepted"}

    @property
    def is_accepted(self) -> bool:
        return self.status == "accepted"

    @property
    def is_returned(self) -> bool:
        return self.status == "returned"

    @property
    def is_waived(self) -> bool:
        """Not handed in, and the 事務局 recorded 「未提出のまま進める」 with a reason: every
        output marks it so (one handed in afterwards no longer is)."""
        return bool(self.waiver_reason) and not self.is_handed_in

    @property
    def waived_reason(self) -> str:
        """What to print beside something not handed in that the cycle went on without."""
        return self.waiver_reason if self.is_waived else ""


class Entry(HandIn, Projected, models.Model):
    """What one organization reports for one initiative (or element) in one cycle.

    Public projection: entries of public cycles, without the return reason (差戻しの理由, for
    the municipality's members only) nor who last changed them or recorded the waiver. The
    waiver's reason (「未提出のまま進める」) and the corrections' dates and reasons are public:
    they are what keeps a published report honest. What an organization wrote but never handed
    in (a draft, or a returned report the cycle went on without) stays the members': the public
    reads that it was not handed in and why, not the text."""

    PRIVATE_FIELDS = frozenset({"return_comment", "updated_by", "waived_by"})
    # The longest text each written field takes, in characters: shown under the field with a
    # live count, and refused beyond it by the action (a form, a workbook, a plan file alike),
    # never cut. A 進捗管理表 cell of a few hundred characters is usual; these leave room.
    TEXT_LIMITS = {"results": 2000, "progress": 4000, "issues": 4000, "direction_text": 2000,
                   "results_unit": 20}
    # The report's own words and figures, shown to the public only once handed in.
    WRITTEN_FIELDS = ("results", "results_value", "results_unit", "progress", "issues",
                      "direction", "direction_text", "self_rating", "self_rating_verbatim")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未着手"
        DRAFT = "draft", "下書き"
        SUBMITTED = "submitted", "提出済"
        RETURNED = "returned", "差戻し"
        ACCEPTED = "accepted", "確認済"

    class Direction(models.TextChoices):
        EXPAND = "expand", "拡充"
        CONTINUE = "continue", "継続"
        REVIEW = "review", "見直し"
        REDUCE = "reduce", "縮小"
        ABOLISH = "abolish", "廃止"
        COMPLETE = "complete", "完了"
        UNSET = "", "未選択"

    cycle = models.ForeignKey(Cycle, verbose_name="評価サイクル", on_delete=models.CASCADE,
                              related_name="entries")
    initiative = models.ForeignKey(
        Initiative, verbose_name="取組", on_delete=models.PROTECT, null=True, blank=True,
        related_name="entries",
    )
    element = models.ForeignKey(
        PlanElement, verbose_name="項目", on_delete=models.PROTECT, null=True, blank=True,
        related_name="entries", help_text="項目の単位で報告する計画の場合",
    )
    organization = models.ForeignKey(
        Organization, verbose_name="報告する組織", on_delete=models.PROTECT, related_name="entries"
    )
    results = models.TextField("実績", blank=True)
    results_value = models.DecimalField(
        "実績（数値）", max_digits=14, decimal_places=4, null=True, blank=True
    )
    results_unit = models.CharField("実績の単位", max_length=20, blank=True)
    progress = models.TextField("進捗状況", blank=True)
    issues = models.TextField("課題", blank=True)
    direction = models.CharField(
        "今後の方向性", max_length=10, choices=Direction.choices, blank=True
    )
    direction_text = models.TextField("今後の方向性（内容）", blank=True)
    self_rating = models.CharField("自己評価", max_length=8, blank=True)
    self_rating_verbatim = models.CharField("自己評価（入力どおり）", max_length=20, blank=True)
    committee_rating = models.CharField("委員会評価", max_length=8, blank=True)
    committee_rating_verbatim = models.CharField(
        "委員会評価（入力どおり）", max_length=20, blank=True
    )
    committee_reason = models.TextField("委員会評価の理由", blank=True)
    status = models.CharField(
        "状態", max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    return_comment = models.TextField("差戻しの理由", blank=True)
    waiver_reason = models.TextField(
        "未提出のまま進める理由", blank=True,
        help_text="事務局が、この報告の提出を待たずに評価サイクルを進めると記録した理由",
    )
    waived_at = models.DateTimeField("未提出のまま進めると記録した日時", null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="未提出のまま進めると記録した人",
        on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    prefilled_from = models.ForeignKey(
        "self", verbose_name="前回の報告", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField("版", default=1)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="更新者", on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = "進捗報告"
        verbose_name_plural = "進捗報告"
        ordering = ["cycle", "id"]
        constraints = [
            # A report is about an initiative or an element, not both and not neither.
            models.CheckConstraint(
                condition=(Q(initiative__isnull=False) & Q(element__isnull=True))
                | (Q(initiative__isnull=True) & Q(element__isnull=False)),
                name="entry_one_subject",
            ),
            # One report per subject and organization in a cycle: nothing to merge by hand.
            models.UniqueConstraint(
                fields=["cycle", "initiative", "organization"], name="entry_unique_initiative",
                condition=Q(initiative__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["cycle", "element", "organization"], name="entry_unique_element",
                condition=Q(element__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject.unit_label}（{self.organization.label}）"

    def get_absolute_url(self) -> str:
        plan = self.cycle.plan
        return reverse(
            "progress:entry", args=[plan.municipality.code, plan.slug, self.cycle_id, self.pk]
        )

    def public_copy(self) -> Entry:
        shown = super().public_copy()
        if not self.is_handed_in:
            for name in self.WRITTEN_FIELDS:
                setattr(shown, name, None if name == "results_value" else "")
        return shown

    @property
    def self_rating_shown(self) -> str:
        """The 自己評価 as the scale writes it (「B」 for 「ｂ」 typed in Excel); the text as typed
        stays in self_rating_verbatim, and is shown only where no scale matched it."""
        return self.self_rating or self.self_rating_verbatim

    @property
    def committee_rating_shown(self) -> str:
        return self.committee_rating or self.committee_rating_verbatim

    @property
    def corrections(self) -> list[EntryVersion]:
        """The corrections after 確定, oldest first: each one's date (`at`) and `reason` are
        shown as 訂正 wherever the report is shown. Fetch many entries with
        EntryQuerySet.with_corrections() to avoid a query per entry."""
        fetched = getattr(self, "correction_versions", None)
        if fetched is not None:
            return list(fetched)
        return list(self.versions.filter(action=EntryVersion.Action.CORRECT).order_by("number"))

    @property
    def subject(self) -> Initiative | PlanElement:
        subject = self.initiative or self.element
        if subject is None:  # impossible: entry_one_subject
            raise ValueError("進捗報告の対象がありません。")
        return subject

    # The fields a report consists of: what a version stores, compares and restores.
    CONTENT_FIELDS = (
        "results", "results_value", "results_unit", "progress", "issues", "direction",
        "direction_text", "self_rating", "self_rating_verbatim", "committee_rating",
        "committee_rating_verbatim", "committee_reason",
    )

    def content(self) -> dict[str, str]:
        return {
            name: "" if getattr(self, name) is None else str(getattr(self, name))
            for name in self.CONTENT_FIELDS
        }


class EntryVersion(models.Model):
    """Every state an entry has been in, with who made it and why. Never changed afterwards."""

    class Action(models.TextChoices):
        CREATE = "create", "作成"
        SAVE = "save", "保存"
        SUBMIT = "submit", "提出"
        RETURN = "return", "差戻し"
        ACCEPT = "accept", "確認"
        RATE = "rate", "委員会評価"
        CORRECT = "correct", "確定後の訂正"
        RESTORE = "restore", "復元"
        IMPORT = "import", "Excelから取込"

    entry = models.ForeignKey(Entry, verbose_name="進捗報告", on_delete=models.CASCADE,
                              related_name="versions")
    number = models.PositiveIntegerField("版")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    content = models.JSONField("内容")
    status = models.CharField("状態", max_length=12, choices=Entry.Status.choices)
    reason = models.TextField("理由", blank=True)
    at = models.DateTimeField("日時", auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="実行者",
                           on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    by_label = models.CharField("実行者（表示名）", max_length=150, blank=True)

    class Meta:
        verbose_name = "進捗報告の版"
        verbose_name_plural = "進捗報告の版"
        ordering = ["entry", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="entry_version_unique"),
        ]

    def __str__(self) -> str:
        return f"第{self.number}版（{self.get_action_display()}）"


class OpinionQuerySet(models.QuerySet["Opinion"]):
    def public(self) -> OpinionQuerySet:
        """The opinions the public sees: those of public cycles, with their responses."""
        return self.filter(cycle__in=Cycle.objects.public())


class Opinion(Projected, models.Model):
    """A committee member's opinion, and the secretariat's official response (意見と市の考え方).

    Public projection: opinions of public cycles, without who wrote or answered them."""

    PRIVATE_FIELDS = frozenset({"author", "author_label", "responded_by"})

    cycle = models.ForeignKey(Cycle, verbose_name="評価サイクル", on_delete=models.CASCADE,
                              related_name="opinions")
    entry = models.ForeignKey(
        Entry, verbose_name="対象の報告", on_delete=models.CASCADE, null=True, blank=True,
        related_name="opinions", help_text="空欄は計画全体への意見",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="委員",
                               on_delete=models.SET_NULL, null=True, related_name="+")
    author_label = models.CharField("委員（表示名）", max_length=150, blank=True)
    text = models.TextField("意見")
    response = models.TextField("市の考え方（回答）", blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="回答者", on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    responded_at = models.DateTimeField("回答日時", null=True, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    version = models.PositiveIntegerField("版", default=1)

    objects = OpinionQuerySet.as_manager()

    class Meta:
        verbose_name = "委員会の意見"
        verbose_name_plural = "委員会の意見"
        ordering = ["cycle", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]
