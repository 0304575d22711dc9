"""The 事務局's page of a plan's reporting units: what is reported on, and which organisations
report on each unit (a table of units × organisations, with filters and a bulk assignment)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from sasaeai.accounts.access import Standing, forbid_unless, get_plan_and_standing
from sasaeai.lib.values import ascii_int
from sasaeai.plans import actions, reporting
from sasaeai.plans.models import Plan
from sasaeai.tenancy.models import Organization

FILTERS = ("goal", "org", "unassigned")
REFUSED = "報告の単位と担当を決められるのは、この計画の事務局です。"


def _plan(request: HttpRequest, code: str, slug: str) -> tuple[Plan, Standing]:
    plan, standing = get_plan_and_standing(request.user, code, slug)
    forbid_unless(standing.can_assign_reporting(plan), REFUSED)
    return plan, standing


def _ids(values: list[str]) -> list[int]:
    return [n for n in (ascii_int(v) for v in values) if n is not None]


def _page_url(plan: Plan, query: str = "") -> str:
    """The page again, with the filters it was saved from (only those, and only as numbers)."""
    url = reverse("plans:reporting", args=[plan.municipality.code, plan.slug])
    kept = QueryDict(mutable=True)
    given = QueryDict(query[:500])
    for key in FILTERS:
        value = given.get(key, "")
        if ascii_int(value) is not None:
            kept[key] = value
    return f"{url}?{kept.urlencode()}" if kept else url


@require_GET
@login_required
def reporting_page(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, standing = _plan(request, code, slug)
    rows = reporting.units(plan)
    organizations = reporting.reporting_organizations(plan.municipality, plan)
    goals = [g for g in dict.fromkeys(row.goal for row in rows) if g is not None]
    goal_id = ascii_int(request.GET.get("goal", ""))
    org_id = ascii_int(request.GET.get("org", ""))
    unassigned = request.GET.get("unassigned") == "1"
    shown = [
        row for row in rows
        if (goal_id is None or (row.goal is not None and row.goal.pk == goal_id))
        and (org_id is None or org_id in row.assigned)
        and (not unassigned or not row.assigned)
    ]
    cells = [(row, [(o, o.pk in row.assigned) for o in organizations]) for row in shown]
    return render(request, "plans/reporting.html", {
        "plan": plan, "municipality": plan.municipality, "standing": standing,
        "choices": reporting.level_choices(plan), "level": reporting.level_label(plan),
        "version": reporting.assignment_version(plan), "organizations": organizations,
        "goals": goals, "goal_id": goal_id, "org_id": org_id, "unassigned": unassigned,
        "cells": cells, "total": len(rows), "owners": list(plan.owners.all()),
        "unassigned_count": sum(1 for row in rows if not row.assigned),
        "has_sample": any(row.is_sample for row in rows),
        "new_kinds": [(k.value, k.label) for k in reporting.NEW_ORGANIZATION_KINDS],
        "query": request.GET.urlencode(),
    })


@require_POST
@login_required
def reporting_level(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, _ = _plan(request, code, slug)
    try:
        actions.choose_reporting_level(by=request.user, plan=plan,
                                       level=request.POST.get("level", ""),
                                       version=request.POST.get("version", ""))
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
    else:
        messages.success(request, f"報告の単位を「{reporting.level_label(plan)}」にしました。"
                                  "次に作成する評価サイクルから使われます。")
    return redirect(_page_url(plan))


@require_POST
@login_required
def reporting_assign(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    """Saves the shown rows' checkboxes; organisation chosen in 「選択した行に割り当て」 is added to
    the selected rows in the same save."""
    plan, _ = _plan(request, code, slug)
    rows = _ids(request.POST.getlist("row"))
    pairs: set[tuple[int, int]] = set()
    for value in request.POST.getlist("a"):
        unit, _sep, org = value.partition(":")
        unit_id, org_id = ascii_int(unit), ascii_int(org)
        if unit_id is not None and org_id is not None:
            pairs.add((unit_id, org_id))
    bulk_org = ascii_int(request.POST.get("bulk_org", ""))
    selected = _ids(request.POST.getlist("selected"))
    if request.POST.get("do") == "bulk":
        if bulk_org is None:
            messages.error(request, "割り当てる組織を選んでください。何も保存していません。")
            return redirect(_page_url(plan, request.POST.get("query", "")))
        if not selected:
            messages.error(request, "割り当てる行を選んでください。何も保存していません。")
            return redirect(_page_url(plan, request.POST.get("query", "")))
        pairs |= {(unit_id, bulk_org) for unit_id in selected if unit_id in rows}
    try:
        changed = actions.save_reporting_assignments(
            by=request.user, plan=plan, rows=rows, pairs=pairs,
            version=request.POST.get("version", ""))
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
    else:
        messages.success(request, f"{changed}件の担当を保存しました。" if changed
                         else "変更はありませんでした。")
    return redirect(_page_url(plan, request.POST.get("query", "")))


@require_POST
@login_required
def reporting_organization(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, _ = _plan(request, code, slug)
    try:
        organization = actions.create_organization(
            by=request.user, plan=plan, name=request.POST.get("name", ""),
            kind=request.POST.get("kind", Organization.Kind.DEPARTMENT))
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
    else:
        messages.success(request, f"「{organization.name}」を追加しました。表の列から割り当てられます。")
    return redirect(_page_url(plan))
