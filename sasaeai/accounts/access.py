"""Who may see what. Every view gets its objects here; what a user may not see is a 404.

- Anonymous users see published plans (and the municipalities that have one).
- A member of any organization of a municipality sees all of that municipality's plans,
  published or not; nobody sees another municipality's unpublished plan.
- Superusers (the operator's back office) see everything.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from sasaeai.accounts.models import Membership
from sasaeai.plans.models import Initiative, Plan, PlanElement
from sasaeai.tenancy.models import Municipality


def member_municipality_ids(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_sasaeai_municipality_ids", None)
    if cached is None:
        cached = set(
            Membership.objects.filter(user=user).values_list(
                "organization__municipality_id", flat=True
            )
        )
        user._sasaeai_municipality_ids = cached
    return cached


def is_member(user: Any, municipality: Municipality) -> bool:
    return bool(getattr(user, "is_superuser", False)) or (
        municipality.pk in member_municipality_ids(user)
    )


def membership_roles(user: Any, municipality: Municipality) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Membership.objects.filter(user=user, organization__municipality=municipality)
        .values_list("role", flat=True)
    )


def plans_for_user(user: Any) -> QuerySet[Plan]:
    plans = Plan.objects.all()
    if getattr(user, "is_superuser", False):
        return plans
    return plans.filter(
        Q(status=Plan.Status.PUBLISHED) | Q(municipality_id__in=member_municipality_ids(user))
    )


def get_municipalities_for_user(user: Any) -> QuerySet[Municipality]:
    if getattr(user, "is_superuser", False):
        return Municipality.objects.all()
    return Municipality.objects.filter(
        Q(pk__in=member_municipality_ids(user))
        | Q(pk__in=Plan.objects.published().values("municipality_id"))
    )


def get_municipality_for_user(user: Any, code: str) -> Municipality:
    return get_object_or_404(get_municipalities_for_user(user), code=code)


def get_plan_for_user(user: Any, code: str, slug: str) -> Plan:
    return get_object_or_404(
        plans_for_user(user).select_related("municipality", "predecessor", "parent", "area"),
        municipality__code=code, slug=slug,
    )


def get_element_for_user(user: Any, code: str, slug: str, pk: int) -> PlanElement:
    plan = get_plan_for_user(user, code, slug)
    element = get_object_or_404(PlanElement.objects.select_related("parent"), plan=plan, pk=pk)
    element.plan = plan
    return element


def get_initiative_for_user(user: Any, code: str, slug: str, pk: int) -> Initiative:
    plan = get_plan_for_user(user, code, slug)
    initiative = get_object_or_404(
        Initiative.objects.select_related("element"), plan=plan, pk=pk
    )
    initiative.plan = plan
    return initiative


def is_secretariat(user: Any, municipality: Municipality) -> bool:
    """Whether the user runs this municipality's plans (事務局)."""
    return getattr(user, "is_authenticated", False) and Membership.objects.filter(
        user=user, organization__municipality=municipality, role=Membership.Role.SECRETARIAT
    ).exists()
