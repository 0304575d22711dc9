"""A new plan started in the browser: an empty 素案 with its title, URL name, kind and owners,
to be built in the plan's editors (issue #15). Bringing a whole plan in at once stays the
workbook's and the plan file's (exchange)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from sasaeai.accounts.access import Standing
from sasaeai.audit.actions import record, snapshot
from sasaeai.lib.choices import IdChoices
from sasaeai.plans.models import RESERVED_SLUGS, Plan
from sasaeai.tenancy.models import Municipality, Organization

SLUG_HELP = "URLに使う半角の英小文字・数字・ハイフン（例：dai4ji）。公開後のURLになります。"


class NewPlanForm(forms.Form):
    title = forms.CharField(label="計画名", max_length=200)
    slug = forms.RegexField(
        label="URL名", max_length=60, regex=r"^[a-z0-9][a-z0-9-]*$", help_text=SLUG_HELP,
        error_messages={"invalid": "URL名は半角の英小文字・数字・ハイフンで、英数字から始めてください。"})
    kind = forms.ChoiceField(label="計画の種類", choices=Plan.Kind.choices)
    generation = forms.CharField(label="期・次", max_length=20, required=False,
                                 help_text="例：第4次、第2期")
    owners = IdChoices(
        label="策定主体", queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "策定主体を1つ以上選んでください。",
                        "invalid_choice": "策定主体は一覧から選んでください。",
                        "invalid_pk_value": "策定主体は一覧から選んでください。"})

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["owners"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            municipality=municipality,
            kind__in=[Organization.Kind.CITY, Organization.Kind.SHAKYO,
                     Organization.Kind.DISTRICT_SHAKYO]).order_by("order", "pk")

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise ValidationError(f"「{slug}」は自治体のページ（{RESERVED_SLUGS[slug]}）のURLに使われています。"
                                  "別のURL名にしてください。")
        if Plan.objects.filter(municipality=self.municipality, slug=slug).exists():
            raise ValidationError(f"{self.municipality.name}には、URL名「{slug}」の計画がすでにあります。")
        return slug


@transaction.atomic
def create_plan(*, by: Any, municipality: Municipality, data: dict[str, Any]) -> Plan:
    """Save an empty 素案 from NewPlanForm's cleaned data, and record it."""
    if not Standing.of(by, municipality).can_create_plan():
        raise PermissionDenied("新しい計画をつくれるのは、その自治体の事務局です。")
    owners = list(data["owners"])
    if any(o.municipality_id != municipality.pk for o in owners):
        raise ValidationError("策定主体は同じ自治体の組織を選んでください。")
    plan = Plan(municipality=municipality, title=data["title"], slug=data["slug"],
                kind=data["kind"], generation=data.get("generation", ""),
                status=Plan.Status.DRAFT)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:  # the same URL name taken at the same moment
        raise ValidationError(
            f"{municipality.name}には、URL名「{plan.slug}」の計画がすでにあります。") from exc
    plan.owners.set(owners)
    record(by=by, action="plans.plan.create", obj=plan, before=None, after=snapshot(plan),
           municipality_code=municipality.code,
           note="策定主体：" + "、".join(o.name for o in owners))
    return plan
