"""The tenant (Municipality) and what belongs to it directly: organizations and areas."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse


def lg_code_check_digit(first_five: str) -> int:
    """The check digit of a 地方公共団体コード (総務省's modulus-11 rule, weights 6..2)."""
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def validate_lg_code(value: str) -> None:
    if len(value) != 6 or not value.isascii() or not value.isdigit():
        raise ValidationError("地方公共団体コードは半角数字6桁で入力してください。", code="format")
    if lg_code_check_digit(value[:5]) != int(value[5]):
        raise ValidationError(
            "地方公共団体コード「%(code)s」の検査数字が一致しません。", params={"code": value},
            code="check_digit",
        )


class Municipality(models.Model):
    """The tenant: every row of a plan reaches exactly one municipality."""

    code = models.CharField(
        "地方公共団体コード", max_length=6, unique=True, validators=[validate_lg_code],
        help_text="総務省の全国地方公共団体コード（検査数字を含む6桁）",
    )
    name = models.CharField("名称", max_length=40)
    kana = models.CharField(
        "ふりがな", max_length=80, blank=True,
        validators=[RegexValidator(r"^[\u3041-\u309f\u30fc\s]*$", "ひらがなで入力してください。")],
    )
    prefecture = models.CharField("都道府県", max_length=8)

    class Meta:
        verbose_name = "自治体"
        verbose_name_plural = "自治体"
        ordering = ["code"]
        constraints = [
            # The code is the public key of a tenant and appears in every URL.
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{6}$"), name="municipality_code_six_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefecture}{self.name}"

    def get_absolute_url(self) -> str:
        return reverse("tenancy:municipality", args=[self.code])


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def in_use(self) -> OrganizationQuerySet:
        """Those that may be given new work: not retired (機構改革)."""
        return self.filter(retired_at__isnull=True)


class Organization(models.Model):
    """A body that owns, runs or reports on a plan: the city, its 社協, a department, a committee."""

    class Kind(models.TextChoices):
        CITY = "city", "市町村"
        SHAKYO = "shakyo", "社会福祉協議会"
        DISTRICT_SHAKYO = "district_shakyo", "地区社協"
        DEPARTMENT = "department", "担当課"
        COMMITTEE = "committee", "審議会・委員会"
        COMMUNITY = "community", "地域団体"

    municipality = models.ForeignKey(
        Municipality, verbose_name="自治体", on_delete=models.CASCADE, related_name="organizations"
    )
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("略称", max_length=30, blank=True)
    kind = models.CharField("種別", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上位組織", on_delete=models.PROTECT, null=True, blank=True,
        related_name="children",
    )
    order = models.PositiveIntegerField("表示順", default=0)
    retired_at = models.DateTimeField(
        "廃止日時", null=True, blank=True,
        help_text="廃止した組織には新しい仕事が割り当てられません。過去の報告や記録は残ります。")
    merged_into = models.ForeignKey(
        "self", verbose_name="統合先", on_delete=models.PROTECT, null=True, blank=True,
        related_name="merged_from")

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = "組織"
        verbose_name_plural = "組織"
        ordering = ["municipality", "order", "id"]
        constraints = [
            # Names identify organizations in imports and Excel sheets.
            models.UniqueConstraint(fields=["municipality", "name"], name="organization_unique_name"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="organization_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    def clean(self) -> None:
        if self.parent_id and self.parent and self.parent.municipality_id != self.municipality_id:
            raise ValidationError({"parent": "上位組織は同じ自治体の組織を選んでください。"})


class AreaQuerySet(models.QuerySet["Area"]):
    def roots(self) -> AreaQuerySet:
        return self.filter(parent__isnull=True)


class Area(models.Model):
    """A 圏域: nested areas whose layer names each municipality chooses (全市 → 中学校区 → …)."""

    municipality = models.ForeignKey(
        Municipality, verbose_name="自治体", on_delete=models.CASCADE, related_name="areas"
    )
    name = models.CharField("名称", max_length=100)
    level_label = models.CharField("階層名", max_length=40, help_text="例：全市、中学校区、小学校区、町内会")
    parent = models.ForeignKey(
        "self", verbose_name="上位の圏域", on_delete=models.PROTECT, null=True, blank=True,
        related_name="children",
    )
    description = models.TextField("説明", blank=True)
    is_sample_name = models.BooleanField(
        "仮の名称", default=False, help_text="資料に件数しかなく、名称を仮に付けた圏域"
    )
    order = models.PositiveIntegerField("表示順", default=0)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = "圏域"
        verbose_name_plural = "圏域"
        ordering = ["municipality", "order", "id"]
        constraints = [
            # Two areas of one name under the same parent could not be told apart in an import.
            models.UniqueConstraint(
                fields=["municipality", "parent", "name"], name="area_unique_name_under_parent",
                condition=Q(parent__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["municipality", "name"], name="area_unique_root_name",
                condition=Q(parent__isnull=True),
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="area_not_own_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.level_label}）"

    def clean(self) -> None:
        if self.parent_id and self.parent:
            if self.parent.municipality_id != self.municipality_id:
                raise ValidationError({"parent": "上位の圏域は同じ自治体の圏域を選んでください。"})
            node: Area | None = self.parent
            while node is not None:
                if node.pk == self.pk:
                    raise ValidationError({"parent": "圏域の親子関係が循環しています。"})
                node = node.parent
