"""Setting a cycle up: create it (saying which confirmed cycle it copies), edit its title, 年度,
dates and scale while 準備中 / 入力中, or delete one set up by mistake. The actions check and
record; these views only ask and show."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from sasaeai.accounts.access import Standing, forbid_unless, get_plan_and_standing
from sasaeai.plans.models import Plan
from sasaeai.progress import actions, actions_cycles
from sasaeai.progress.access import get_cycle_for_user
from sasaeai.progress.forms import CycleEditForm, CycleForm, VersionForm
from sasaeai.progress.models import Cycle


def add_errors(form: Form, exc: ValidationError) -> None:
    """A refusal naming a field is shown beside it; any other above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, "".join(exc.messages))


def prefill_context(plan: Plan) -> dict[str, Any]:
    """What the create form promises to copy: the cycle a new one is prefilled from."""
    source = actions.previous_confirmed_cycle(plan)
    return {"prefill_source": source,
            "prefill_count": source.entries.count() if source is not None else 0}


@require_POST
@login_required
def cycle_create(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, standing = get_plan_and_standing(request.user, code, slug)
    forbid_unless(standing.can_create_cycle(plan), "評価サイクルを作成できるのは事務局です。")
    form = CycleForm(request.POST)
    if form.is_valid():
        try:
            cycle = actions.create_cycle(by=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{cycle.display_title}を作成しました。")
            return redirect(cycle.get_absolute_url())
    cycles = [c for c in plan.cycles.all() if standing.can_view_cycle(c)]
    return render(request, "progress/cycle_list.html", {
        "plan": plan, "municipality": plan.municipality, "cycles": cycles,
        "standing": standing, "form": form, **prefill_context(plan),
    }, status=400)


def cycle_context(cycle: Cycle, standing: Standing, **more: Any) -> dict[str, Any]:
    plan = cycle.plan
    return {"plan": plan, "municipality": plan.municipality, "cycle": cycle,
            "standing": standing, **more}


@require_http_methods(["GET", "POST"])
@login_required
def cycle_edit(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    cycle, standing = get_cycle_for_user(request.user, code, slug, pk)
    forbid_unless(standing.can_edit_cycle(cycle), actions_cycles.EDIT_DENIED)
    municipality = cycle.plan.municipality
    if request.method == "GET":
        form = CycleEditForm(municipality=municipality, initial={
            "version": cycle.version, "title": cycle.title, "fiscal_year": cycle.fiscal_year,
            "entries_due": cycle.entries_due, "committee_meeting": cycle.committee_meeting})
        return render(request, "progress/cycle_edit.html", cycle_context(
            cycle, standing, form=form, rated=actions.has_ratings(cycle)))
    form = CycleEditForm(request.POST, municipality=municipality)
    if form.is_valid():
        try:
            actions_cycles.edit_cycle(by=request.user, cycle=cycle,
                                      expected_version=form.cleaned_data["version"],
                                      title=form.cleaned_data["title"],
                                      fiscal_year=form.cleaned_data["fiscal_year"],
                                      entries_due=form.cleaned_data["entries_due"],
                                      committee_meeting=form.cleaned_data["committee_meeting"],
                                      rating_scale=form.cleaned_data["rating_scale"])
        except actions.EntryConflict:
            form.add_error(None, "他の人が先にこの評価サイクルを変更しました。"
                                 "ページを読み込み直してから、もう一度変更してください。")
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "評価サイクルの設定を変更しました。")
            return redirect(cycle.get_absolute_url())
    return render(request, "progress/cycle_edit.html", cycle_context(
        cycle, standing, form=form, rated=actions.has_ratings(cycle)), status=400)


@require_http_methods(["GET", "POST"])
@login_required
def cycle_delete(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    """GET asks for confirmation (and says what would be deleted); POST deletes."""
    cycle, standing = get_cycle_for_user(request.user, code, slug, pk)
    forbid_unless(standing.can_delete_cycle(cycle), actions_cycles.DELETE_DENIED)
    handed_in = cycle.entries.filter(status__in=actions_cycles.HANDED_IN).count()
    context = cycle_context(cycle, standing, entry_count=cycle.entries.count(),
                            handed_in=handed_in,
                            form=VersionForm(initial={"version": cycle.version}))
    if request.method == "GET":
        return render(request, "progress/cycle_delete.html", context)
    form = VersionForm(request.POST)
    try:
        if not form.is_valid():
            raise actions.EntryConflict(cycle)
        actions_cycles.delete_cycle(by=request.user, cycle=cycle,
                                    expected_version=form.cleaned_data["version"])
    except actions.EntryConflict:
        messages.error(request, "他の人が先にこの評価サイクルを変更しました。内容を確かめてください。")
        return redirect(reverse("progress:cycle_delete", args=[code, slug, pk]))
    except ValidationError as exc:
        return render(request, "progress/cycle_delete.html",
                      {**context, "error": "".join(exc.messages)}, status=400)
    messages.success(request, f"{cycle.display_title}を削除しました。")
    return redirect("progress:cycles", code, slug)
