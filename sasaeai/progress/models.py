"""The yearly progress cycle (進行管理): cycles, entries per initiative × organization, history,
rating scales, and the committee's opinions with the official responses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from sasaeai.lib.marks import normalize_mark
from sasaeai.lib.projection import Projected
from sasaeai.lib.wareki import format_fy
from sasaeai.plans.models import Initiative, Plan, PlanElement
from sasaeai.tenancy.models import Municipality, Organization


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

    def in_plan_order(self) -> EntryQuerySet:
        return self.order_by(
            "initiative__element__order", "initiative__order", "element__order",
            "organization__order", "organization_id",
        )


class Entry(Projected, models.Model):
    """What one organization reports for one initiative (or element) in one cycle.

    Public projection: entries of public cycles, without the return reason (差戻しの理由, for
    the municipality's members only) nor who last changed them or recorded the waiver. The
    waiver's reason (「未提出のまま進める」) and the corrections' dates and reasons are public:
    they are what keeps a published report honest."""

    PRIVATE_FIELDS = frozenset({"return_comment", "updated_by", "waived_by"})

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
        return f"{self.subject}（{self.organization.label}）"

    def get_absolute_url(self) -> str:
        plan = self.cycle.plan
        return reverse(
            "progress:entry", args=[plan.municipality.code, plan.slug, self.cycle_id, self.pk]
        )

    @property
    def is_editable(self) -> bool:
        """Whether the report is still its organization's to write (not yet handed in)."""
        return self.status in {self.Status.NOT_STARTED, self.Status.DRAFT, self.Status.RETURNED}

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_handed_in(self) -> bool:
        """Submitted or accepted: the organization's finished text."""
        return self.status in {self.Status.SUBMITTED, self.Status.ACCEPTED}

    @property
    def is_returned(self) -> bool:
        return self.status == self.Status.RETURNED

    @property
    def is_waived(self) -> bool:
        """Not handed in, and the 事務局 recorded 「未提出のまま進める」 with a reason: every
        output marks it so (a report handed in afterwards no longer is)."""
        return bool(self.waiver_reason) and not self.is_handed_in

    @property
    def waived_reason(self) -> str:
        """What to print beside an unsubmitted report the cycle went on without."""
        return self.waiver_reason if self.is_waived else ""

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


# Kept in its own module (this one is long); imported here so Django finds the model.
from sasaeai.progress.models_figures import FigureRequest as FigureRequest  # noqa: E402
