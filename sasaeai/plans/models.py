"""A community welfare plan and its structure (体系), actors' statements and 課題."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from sasaeai.lib.projection import Projected
from sasaeai.lib.wareki import format_fy
from sasaeai.tenancy.models import Area, Municipality, Organization

# Municipality pages that sit where a plan's slug would (/<code>/<slug>/): no plan may take them.
RESERVED_SLUGS = {"surveys": "市民アンケート", "import": "計画の取り込み", "new": "新しい計画の作成",
                  "people": "職員と組織"}


def joined_number(numbers: Iterable[str]) -> str:
    """The printed numbers of a unit and its parents as one: 「1」「1.」「①」 → 「1-1-①」."""
    return "-".join(n for n in (number.strip().rstrip(".．、。 ") for number in numbers) if n)


class ReportingSubject:
    """What a cycle's report is about (a 取組 or an element of the 体系), named in lists of many
    units by `unit_label`: a plan numbers 施策の方向 ①② again under every 基本施策 and 基本目標,
    so its own number alone is ambiguous; with its parents' numbers it is unique in the plan.
    Querysets of many fetch the parents with select_related (see EntryQuerySet.with_units)."""

    number_label: str
    title: str

    def number_path(self) -> list[str]:
        raise NotImplementedError

    @property
    def unit_number(self) -> str:
        """「1-1-①」: blank when the unit has no number of its own."""
        return joined_number(self.number_path()) if self.number_label.strip() else ""

    @property
    def unit_label(self) -> str:
        """「1-1-① 学校や地域における福祉教育の充実」: the unit wherever a list names it."""
        return f"{self.unit_number} {self.title}".strip()


class PlanQuerySet(models.QuerySet["Plan"]):
    def published(self) -> PlanQuerySet:
        return self.filter(status=Plan.Status.PUBLISHED)

    def public(self) -> PlanQuerySet:
        """The plans the public sees (the rows every other model's `public()` hangs from)."""
        return self.published()

    def visible(self, *, public: bool) -> PlanQuerySet:
        """Linked plans (successors, district plans) as a reader sees them: all of them for the
        municipality's members, the public ones for everyone else."""
        return self.public() if public else self


class Plan(Projected, models.Model):
    """One plan of one municipality, possibly owned by the city and its 社協 together.

    Public projection: published plans; a link to an unpublished predecessor or parent plan is
    cut (its title and slug are the municipality's own until it is published)."""

    PRIVATE_LINKS = frozenset({"predecessor", "parent"})

    class Kind(models.TextChoices):
        COMMUNITY = "community", "地域福祉計画"
        ACTIVITY = "activity", "地域福祉活動計画"
        INTEGRATED = "integrated", "一体的計画"
        DISTRICT = "district", "地区福祉活動計画"
        MULTILAYER = "multilayer", "重層的支援体制整備事業実施計画"

    class Status(models.TextChoices):
        DRAFT = "draft", "素案"
        ADOPTED = "adopted", "策定済"
        PUBLISHED = "published", "公開"

    municipality = models.ForeignKey(
        Municipality, verbose_name="自治体", on_delete=models.PROTECT, related_name="plans"
    )
    slug = models.SlugField(
        "URL名", max_length=60, help_text="URLに使う半角英数字（自治体内で一意）"
    )
    title = models.CharField("計画名", max_length=200)
    kind = models.CharField("計画の種類", max_length=20, choices=Kind.choices)
    owners = models.ManyToManyField(
        Organization, verbose_name="策定主体", related_name="owned_plans"
    )
    generation = models.CharField("期・次", max_length=20, blank=True, help_text="例：第3次、第4期")
    predecessor = models.ForeignKey(
        "self", verbose_name="前計画", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="successors",
    )
    parent = models.ForeignKey(
        "self", verbose_name="上位計画", on_delete=models.PROTECT, null=True, blank=True,
        related_name="district_plans", help_text="地区福祉活動計画の場合の上位計画",
    )
    area = models.ForeignKey(
        Area, verbose_name="対象圏域", on_delete=models.PROTECT, null=True, blank=True,
        related_name="plans",
    )
    start_fy = models.PositiveSmallIntegerField("計画期間（開始年度）", null=True, blank=True)
    end_fy = models.PositiveSmallIntegerField("計画期間（終了年度）", null=True, blank=True)
    philosophy = models.CharField("基本理念", max_length=200, blank=True)
    philosophy_description = models.TextField("基本理念の説明", blank=True)
    summary = models.TextField("計画の概要", blank=True)
    status = models.CharField(
        "状態", max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    source_document = models.CharField("出典資料", max_length=300, blank=True)
    contact_department = models.CharField(
        "問い合わせ先（課・係）", max_length=100, blank=True, help_text="公開ページに表示します"
    )
    contact_phone = models.CharField("問い合わせ先の電話番号", max_length=40, blank=True)
    contact_email = models.EmailField("問い合わせ先のメール", blank=True)
    reporting_level = models.CharField(
        "報告の単位", max_length=40, blank=True,
        help_text="空欄は取組。体系の階層名（施策の方向、重点目標、基本目標など）を選ぶとその階層の項目ごとに報告する",
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "計画"
        verbose_name_plural = "計画"
        ordering = ["municipality", "-start_fy", "title"]
        constraints = [
            # The slug is the plan's part of its public URL.
            models.UniqueConstraint(fields=["municipality", "slug"], name="plan_unique_slug"),
            # A period ends at or after it starts.
            models.CheckConstraint(
                condition=Q(start_fy__isnull=True) | Q(end_fy__isnull=True)
                | Q(end_fy__gte=models.F("start_fy")),
                name="plan_period_in_order",
            ),
            # Fiscal years are stored as AD years; anything else is a typing error.
            models.CheckConstraint(
                condition=(Q(start_fy__isnull=True) | Q(start_fy__range=(1947, 2200)))
                & (Q(end_fy__isnull=True) | Q(end_fy__range=(1947, 2200))),
                name="plan_fy_plausible",
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("id")), name="plan_not_own_predecessor"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", args=[self.municipality.code, self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def is_public(self) -> bool:
        return self.is_published

    @property
    def period_label(self) -> str:
        if self.start_fy is None or self.end_fy is None:
            return "計画期間の記載なし"
        return f"{format_fy(self.start_fy, ad=False)}〜{format_fy(self.end_fy, ad=False)}" + (
            f"（{self.start_fy}〜{self.end_fy}年度）"
        )

    def top_goals(self) -> dict[int | None, PlanElement | None]:
        """Every element's top-level element (its 基本目標), by element id, from one query: lists
        that group many rows by goal look each one up here instead of walking parents. No
        element (None) is the plan as a whole, which has no goal."""
        elements = {e.pk: e for e in self.elements.all()}
        for element in elements.values():
            element.plan = self  # links without a query each

        def top(node: PlanElement | None) -> PlanElement | None:
            seen: set[int] = set()
            while node is not None and node.parent_id is not None:
                if node.pk in seen:  # a loop of parents has no top
                    return None
                seen.add(node.pk)
                node = elements.get(node.parent_id)
            return node

        goals: dict[int | None, PlanElement | None] = {None: None}
        goals.update((pk, top(element)) for pk, element in elements.items())
        return goals

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for field in ("predecessor", "parent"):
            other = getattr(self, field)
            if other is not None and other.municipality_id != self.municipality_id:
                errors[field] = "同じ自治体の計画を選んでください。"
        if self.area is not None and self.area.municipality_id != self.municipality_id:
            errors["area"] = "同じ自治体の圏域を選んでください。"
        if self.kind == self.Kind.DISTRICT and self.area is None:
            errors["area"] = "地区福祉活動計画には対象圏域を指定してください。"
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = f"「{self.slug}」は自治体のページ（{RESERVED_SLUGS[self.slug]}）のURLに使われています。別のURL名にしてください。"
        if errors:
            raise ValidationError(errors)


# How deep a 体系 may nest: the editor refuses deeper (real plans use 3 to 5 levels).
MAX_DEPTH = 8


def archived_q(prefix: str = "") -> Q:
    """The rows archived (廃止) themselves or under an archived element, as one filter: `prefix`
    leads from the filtered row to its element ("" for an element, "element__" for a 取組)."""
    q = Q()
    path = prefix
    for _ in range(MAX_DEPTH):
        q |= Q(**{f"{path}archived_at__isnull": False})
        path += "parent__"
    return q


class PlanElementQuerySet(models.QuerySet["PlanElement"]):
    def roots(self) -> PlanElementQuerySet:
        return self.filter(parent__isnull=True)

    def current(self) -> PlanElementQuerySet:
        """What the plan holds now: without archived elements and what hangs under them."""
        return self.exclude(archived_q())


class InitiativeQuerySet(models.QuerySet["Initiative"]):
    def current(self) -> InitiativeQuerySet:
        """取組 not archived, whose home is not archived either."""
        return self.exclude(Q(archived_at__isnull=False) | archived_q("element__"))


class PlanElement(ReportingSubject, models.Model):
    """A node of the 体系: 基本目標, 基本施策, 施策の方向, 重点目標 … with the plan's own numbering."""

    plan = models.ForeignKey(
        Plan, verbose_name="計画", on_delete=models.CASCADE, related_name="elements"
    )
    parent = models.ForeignKey(
        "self", verbose_name="上位の項目", on_delete=models.CASCADE, null=True, blank=True,
        related_name="children",
    )
    level_label = models.CharField("階層名", max_length=40, help_text="例：基本目標、基本施策、施策の方向")
    number_label = models.CharField(
        "番号", max_length=30, blank=True, help_text="計画書に印字されたとおり（1、(1)、①、★重点目標①）"
    )
    title = models.CharField("名称", max_length=300)
    description = models.TextField("説明", blank=True)
    is_priority = models.BooleanField("重点", default=False)
    is_new = models.BooleanField("新規", default=False)
    order = models.PositiveIntegerField("表示順", default=0)
    archived_at = models.DateTimeField(
        "廃止日時", null=True, blank=True,
        help_text="公開後に体系から外した項目：履歴と過去の報告のために残す",
    )

    objects = PlanElementQuerySet.as_manager()

    class Meta:
        verbose_name = "計画の項目"
        verbose_name_plural = "計画の項目"
        ordering = ["plan", "order", "id"]
        constraints = [
            # Imports match elements by printed numbering: it must be unambiguous among siblings.
            models.UniqueConstraint(
                fields=["plan", "parent", "level_label", "number_label"],
                name="element_unique_number_under_parent",
                condition=Q(parent__isnull=False) & ~Q(number_label=""),
            ),
            models.UniqueConstraint(
                fields=["plan", "level_label", "number_label"],
                name="element_unique_number_at_root",
                condition=Q(parent__isnull=True) & ~Q(number_label=""),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="element_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level_label}{self.number_label} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse(
            "plans:element", args=[self.plan.municipality.code, self.plan.slug, self.pk]
        )

    @property
    def heading(self) -> str:
        """The element as printed: number then title (a 基本目標 adds its level name)."""
        return f"{self.number_label} {self.title}".strip()

    def clean(self) -> None:
        if self.parent is not None and self.parent.plan_id != self.plan_id:
            raise ValidationError({"parent": "上位の項目は同じ計画の項目を選んでください。"})

    def ancestors(self) -> list[PlanElement]:
        chain: list[PlanElement] = []
        node = self.parent
        seen = {self.pk}
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def number_path(self) -> list[str]:
        return [e.number_label for e in (*self.ancestors(), self)]


class Initiative(ReportingSubject, models.Model):
    """A 取組 (事業): the unit that is done and reported on, with one home in the 体系."""

    plan = models.ForeignKey(
        Plan, verbose_name="計画", on_delete=models.CASCADE, related_name="initiatives"
    )
    element = models.ForeignKey(
        PlanElement, verbose_name="掲載先の項目", on_delete=models.CASCADE,
        related_name="initiatives",
    )
    number_label = models.CharField("番号", max_length=30, blank=True)
    title = models.CharField("名称", max_length=300)
    description = models.TextField("説明", blank=True)
    is_priority = models.BooleanField("重点", default=False)
    is_new = models.BooleanField("新規", default=False)
    responsible = models.ManyToManyField(
        Organization, verbose_name="担当組織", blank=True, related_name="initiatives",
        help_text="進捗を報告する組織",
    )
    order = models.PositiveIntegerField("表示順", default=0)
    archived_at = models.DateTimeField(
        "廃止日時", null=True, blank=True,
        help_text="公開後に計画から外した取組：履歴と過去の報告のために残す",
    )

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = "取組"
        verbose_name_plural = "取組"
        ordering = ["plan", "order", "id"]
        constraints = [
            # Initiatives are matched by their number within their home element.
            models.UniqueConstraint(
                fields=["element", "number_label"], name="initiative_unique_number",
                condition=~Q(number_label=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number_label} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse(
            "plans:initiative", args=[self.plan.municipality.code, self.plan.slug, self.pk]
        )

    @property
    def heading(self) -> str:
        return str(self)

    def number_path(self) -> list[str]:
        return [*self.element.number_path(), self.number_label]

    def clean(self) -> None:
        if self.element_id and self.element.plan_id != self.plan_id:
            raise ValidationError({"element": "掲載先は同じ計画の項目を選んでください。"})


class ReportingAssignment(models.Model):
    """An organisation that reports on one element of the 体系 in each cycle, for plans whose
    reporting unit is a level of the 体系 (施策の方向, 重点目標 …). A plan that reports on its 取組
    keeps its assignments in `Initiative.responsible`, which the plan file and the API carry."""

    plan = models.ForeignKey(
        Plan, verbose_name="計画", on_delete=models.CASCADE, related_name="reporting_assignments"
    )
    element = models.ForeignKey(
        PlanElement, verbose_name="報告の単位", on_delete=models.CASCADE,
        related_name="reporting_assignments",
    )
    organization = models.ForeignKey(
        Organization, verbose_name="報告する組織", on_delete=models.PROTECT,
        related_name="reporting_assignments",
    )
    is_sample = models.BooleanField(
        "サンプル", default=False,
        help_text="資料に担当の記載がなく、デモ用に仮に割り当てたもの",
    )

    class Meta:
        verbose_name = "報告の割り当て"
        verbose_name_plural = "報告の割り当て"
        ordering = ["plan", "element__order", "organization__order", "id"]
        constraints = [
            # One organisation reports once per unit: a second row would make a second entry.
            models.UniqueConstraint(
                fields=["element", "organization"], name="reporting_assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.element}：{self.organization}"

    def clean(self) -> None:
        if self.element.plan_id != self.plan_id:
            raise ValidationError({"element": "同じ計画の項目を選んでください。"})
        if self.organization.municipality_id != self.plan.municipality_id:
            raise ValidationError({"organization": "同じ自治体の組織を選んでください。"})


class Placement(models.Model):
    """再掲: an initiative listed again under another element. It is still reported once."""

    initiative = models.ForeignKey(
        Initiative, verbose_name="取組", on_delete=models.CASCADE, related_name="placements"
    )
    element = models.ForeignKey(
        PlanElement, verbose_name="再掲先の項目", on_delete=models.CASCADE,
        related_name="placements",
    )
    note = models.CharField("表記", max_length=100, blank=True, help_text="例：【再掲】")
    order = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "再掲"
        verbose_name_plural = "再掲"
        ordering = ["element", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "element"], name="placement_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.initiative}【再掲】→ {self.element}"

    def clean(self) -> None:
        if self.initiative.plan_id != self.element.plan_id:
            raise ValidationError("再掲先は同じ計画の項目を選んでください。")
        if self.initiative.element_id == self.element_id:
            raise ValidationError("掲載先と同じ項目には再掲できません。")


class Actor(models.Model):
    """An actor block as a plan prints it (「地域住民等ができること」), with its sphere."""

    class Kind(models.TextChoices):
        RESIDENTS = "residents", "市民・地域住民等"
        COMMUNITY = "community", "地域の団体"
        BUSINESS = "business", "事業者・社会福祉法人"
        SHAKYO = "shakyo", "社協"
        CITY = "city", "市"
        EVERYONE = "everyone", "みんな（協働）"

    class Sphere(models.TextChoices):
        SELF = "self", "自助"
        MUTUAL = "mutual", "共助"
        PUBLIC = "public", "公助"
        UNSPECIFIED = "", "区分なし"

    plan = models.ForeignKey(
        Plan, verbose_name="計画", on_delete=models.CASCADE, related_name="actors"
    )
    kind = models.CharField("主体の種類", max_length=20, choices=Kind.choices)
    label = models.CharField("見出し", max_length=100, help_text="計画書の見出しのとおり")
    sphere = models.CharField(
        "自助・共助・公助", max_length=10, choices=Sphere.choices, blank=True
    )
    sphere_label = models.CharField(
        "区分の表記", max_length=20, blank=True, help_text="計画独自の表記（例：互助・共助）"
    )
    order = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "主体"
        verbose_name_plural = "主体"
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "label"], name="actor_unique_label"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def sphere_text(self) -> str:
        return self.sphere_label or (self.get_sphere_display() if self.sphere else "")


class ActorStatementQuerySet(models.QuerySet["ActorStatement"]):
    def plan_wide(self) -> ActorStatementQuerySet:
        return self.filter(element__isnull=True, initiative__isnull=True)


class ActorStatement(models.Model):
    """What one actor does, for the plan as a whole, an element or an initiative."""

    plan = models.ForeignKey(
        Plan, verbose_name="計画", on_delete=models.CASCADE, related_name="statements"
    )
    actor = models.ForeignKey(
        Actor, verbose_name="主体", on_delete=models.CASCADE, related_name="statements"
    )
    element = models.ForeignKey(
        PlanElement, verbose_name="項目", on_delete=models.CASCADE, null=True, blank=True,
        related_name="statements",
    )
    initiative = models.ForeignKey(
        Initiative, verbose_name="取組", on_delete=models.CASCADE, null=True, blank=True,
        related_name="statements",
    )
    text = models.TextField("内容")
    detail = models.TextField("補足", blank=True)
    repeat_of = models.ForeignKey(
        "self", verbose_name="再掲元", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="repeats",
    )
    repeat_note = models.CharField("再掲の表記", max_length=60, blank=True, help_text="例：【再掲 p○参照】")
    order = models.PositiveIntegerField("表示順", default=0)

    objects = ActorStatementQuerySet.as_manager()

    class Meta:
        verbose_name = "主体の取組内容"
        verbose_name_plural = "主体の取組内容"
        ordering = ["plan", "actor__order", "order", "id"]
        constraints = [
            # A statement belongs to the plan, to one element, or to one initiative, never both.
            models.CheckConstraint(
                condition=Q(element__isnull=True) | Q(initiative__isnull=True),
                name="statement_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_repeat(self) -> bool:
        return bool(self.repeat_of_id or self.repeat_note)

    def clean(self) -> None:
        for field in ("actor", "element", "initiative", "repeat_of"):
            other = getattr(self, field)
            if other is not None and other.plan_id != self.plan_id:
                raise ValidationError({field: "同じ計画のものを選んでください。"})


class Challenge(models.Model):
    """A 課題 with its evidence, linked to what answers it."""

    plan = models.ForeignKey(
        Plan, verbose_name="計画", on_delete=models.CASCADE, related_name="challenges"
    )
    number_label = models.CharField("番号", max_length=30, blank=True)
    title = models.CharField("課題", max_length=300)
    description = models.TextField("説明", blank=True)
    elements = models.ManyToManyField(
        PlanElement, verbose_name="対応する項目", blank=True, related_name="challenges"
    )
    initiatives = models.ManyToManyField(
        Initiative, verbose_name="対応する取組", blank=True, related_name="challenges"
    )
    order = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "課題"
        verbose_name_plural = "課題"
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number_label"], name="challenge_unique_number",
                condition=~Q(number_label=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number_label} {self.title}".strip()


class Evidence(models.Model):
    """One piece of what a 課題 rests on, and where it came from."""

    class Kind(models.TextChoices):
        STATISTICS = "statistics", "統計"
        HEARING = "hearing", "ヒアリング"
        WORKSHOP = "workshop", "ワークショップ"
        SURVEY = "survey", "アンケート"
        COUNCIL = "council", "協議会"
        UNSPECIFIED = "", "区分なし"

    challenge = models.ForeignKey(
        Challenge, verbose_name="課題", on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField("根拠の種類", max_length=20, choices=Kind.choices, blank=True)
    text = models.TextField("内容")
    order = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "課題の根拠"
        verbose_name_plural = "課題の根拠"
        ordering = ["challenge", "order", "id"]

    def __str__(self) -> str:
        return self.text[:40]


def descendants(elements: Iterable[PlanElement], root: PlanElement) -> list[PlanElement]:
    """Every element under root, from an already-loaded list (no query per level)."""
    by_parent: dict[int | None, list[PlanElement]] = {}
    for element in elements:
        by_parent.setdefault(element.parent_id, []).append(element)
    found: list[PlanElement] = []
    stack = list(by_parent.get(root.pk, []))
    while stack:
        node = stack.pop(0)
        found.append(node)
        stack.extend(by_parent.get(node.pk, []))
    return found
