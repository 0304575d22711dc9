"""The cycle's state changes: moving it on or back (確定 and 公開 each on a confirmation page of
their own), going on without a report (「未提出のまま進める」) and withdrawing a publication."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sasaeai.accounts.access import Standing, forbid_unless
from sasaeai.progress import actions, actions_states
from sasaeai.progress.access import get_cycle_for_user
from sasaeai.progress.forms import ConfirmMoveForm, MoveForm, WaiveForm, WithdrawForm
from sasaeai.progress.models import Cycle, Entry, FigureRequest

S = Cycle.Status


def error_text(exc: ValidationError) -> str:
    return "".join(exc.messages)


def blocking_entries(cycle: Cycle) -> list[Entry]:
    entries = list(cycle.entries.blocking_review()
                   .select_related("initiative", "element", "organization").in_plan_order())
    for entry in entries:
        entry.cycle = cycle
    return entries


def blocking_figures(cycle: Cycle) -> list[FigureRequest]:
    figures = list(cycle.figure_requests.blocking_review()
                   .select_related("indicator", "organization").in_plan_order())
    for figure in figures:
        figure.cycle = cycle
    return figures


def states_context(cycle: Cycle, standing: Standing, *, waive_form: WaiveForm | None = None,
                   withdraw_form: WithdrawForm | None = None) -> dict[str, Any]:
    """What the cycle page shows of its state: what keeps it from moving on (and the form to go
    on without those reports and figures), the withdrawal form, and whether its content may be
    read."""
    waivable = standing.can_waive_entries(cycle)
    blockers = blocking_entries(cycle) if waivable else []
    figure_blockers = blocking_figures(cycle) if standing.can_waive_figures(cycle) else []
    return {
        "blockers": blockers,
        "figure_blockers": figure_blockers,
        "waive_form": (waive_form or WaiveForm(entries=blockers, figures=figure_blockers))
        if blockers or figure_blockers else None,
        "waived": list(cycle.entries.exclude(waiver_reason="")
                       .select_related("initiative", "element", "organization")
                       .in_plan_order()) if standing.member else [],
        "waived_figures": list(cycle.figure_requests.exclude(waiver_reason="")
                               .select_related("indicator", "organization")
                               .in_plan_order()) if standing.member else [],
        "withdraw_form": (withdraw_form or WithdrawForm(initial={"version": cycle.version}))
        if standing.can_withdraw_publication(cycle) else None,
        "can_read_content": standing.can_read_cycle_content(cycle),
        "forward_needs_confirmation": actions_states.needs_confirmation(
            actions.FORWARD.get(cycle.status)),
    }


def move_confirmation(request: HttpRequest, cycle: Cycle, standing: Standing,
                      form: ConfirmMoveForm, status: int = 200) -> HttpResponse:
    plan = cycle.plan
    to = S(str(form.data.get("to") if form.is_bound else form.initial["to"]))
    return render(request, "progress/cycle_move_confirm.html", {
        "plan": plan, "municipality": plan.municipality, "cycle": cycle, "standing": standing,
        "form": form, "to": to, "publishing": to == S.PUBLISHED,
        "entries": cycle.entries.count(),
        "waived": cycle.entries.exclude(waiver_reason="").count(),
        "waived_figures": cycle.figure_requests.awaiting().exclude(waiver_reason="").count(),
        "opinions": cycle.opinions.count(),
    }, status=status)


@require_POST
@login_required
def cycle_move(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    cycle, standing = get_cycle_for_user(request.user, code, slug, pk)
    forbid_unless(standing.can_manage_cycle(cycle), "評価サイクルの状態を変えられるのは事務局です。")
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "操作を受け付けられませんでした。ページを読み込み直してください。")
        return redirect(cycle.get_absolute_url())
    to, version = form.cleaned_data["to"], form.cleaned_data["version"]
    if actions_states.needs_confirmation(to) and not form.cleaned_data["confirm"]:
        # The button on the cycle page leads here; the move happens on the second POST, with
        # the box ticked.
        if "confirming" in request.POST:
            unticked = ConfirmMoveForm(request.POST)
            unticked.is_valid()
            return move_confirmation(request, cycle, standing, unticked, status=400)
        confirm = ConfirmMoveForm(initial={"to": to, "version": version})
        return move_confirmation(request, cycle, standing, confirm)
    try:
        moved = actions.move_cycle(by=request.user, cycle=cycle, to=to, expected_version=version)
    except actions.EntryConflict:
        messages.error(request, "他の人が先に状態を変更しました。最新の状態を確認してください。")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"状態を「{moved.get_status_display()}」にしました。")
    return redirect(cycle.get_absolute_url())


@require_POST
@login_required
def cycle_waive(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    cycle, standing = get_cycle_for_user(request.user, code, slug, pk)
    forbid_unless(standing.can_waive_entries(cycle), actions_states.WAIVE_DENIED)
    form = WaiveForm(request.POST, entries=blocking_entries(cycle),
                     figures=blocking_figures(cycle))
    if form.is_valid():
        try:
            done = actions_states.waive_waiting(
                by=request.user, cycle=cycle, entry_ids=form.cleaned_data["entries"],
                figure_ids=form.cleaned_data["figures"], reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            what = "、".join(text for count, text in (
                (len(done.entries), f"{len(done.entries)}件の報告"),
                (len(done.figures), f"{len(done.figures)}件の指標の実績値")) if count)
            messages.success(request, f"{what}を「未提出のまま進める」と記録しました。")
    else:
        messages.error(request, "".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(cycle.get_absolute_url() + "#blockers-h")


@require_POST
@login_required
def cycle_withdraw(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    cycle, standing = get_cycle_for_user(request.user, code, slug, pk)
    forbid_unless(standing.can_withdraw_publication(cycle),
                  "公開を取り下げられるのは、公開中の評価サイクルの事務局です。")
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(cycle.get_absolute_url() + "#withdraw-h")
    try:
        actions_states.withdraw_publication(
            by=request.user, cycle=cycle, reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"])
    except actions.EntryConflict:
        messages.error(request, "他の人が先に状態を変更しました。最新の状態を確認してください。")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "公開を取り下げました。公開ページには取り下げたことと理由が表示されます。")
    return redirect(cycle.get_absolute_url())
