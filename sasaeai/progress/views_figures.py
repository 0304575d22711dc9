"""Indicator figures asked in a cycle: the organisation's form, the 事務局's check."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from sasaeai.accounts.access import Standing, forbid_unless
from sasaeai.indicators.models import Indicator
from sasaeai.progress import actions_figures
from sasaeai.progress.access import get_figure_for_user
from sasaeai.progress.forms import FigureForm, ReturnForm, SettleForm, VersionForm
from sasaeai.progress.models import Cycle, FigureRequest


def render_figure(request: HttpRequest, figure: FigureRequest, cycle: Cycle, standing: Standing,
                  *, form: FigureForm | None = None, return_form: ReturnForm | None = None,
                  settle_form: SettleForm | None = None, status: int = 200) -> HttpResponse:
    editable = standing.can_edit_figure(figure, cycle)
    if form is None and editable:
        form = FigureForm(initial={
            "version": figure.version, "verbatim": figure.verbatim,
            "year": figure.year or cycle.fiscal_year or "",
            "figure_status": figure.figure_status if figure.verbatim else "",
            "note": figure.note})
    # Last year's figure and the target, beside the form.
    indicator = Indicator.objects.with_figures().get(pk=figure.indicator_id)
    # A conflict at 確定: the registered figure beside the reported one, and the 事務局's choice.
    settling = ((figure.is_conflict or settle_form is not None)
                and standing.can_settle_figure(figure, cycle))
    return render(request, "progress/figure_detail.html", {
        "plan": cycle.plan, "municipality": cycle.plan.municipality, "cycle": cycle,
        "standing": standing, "figure": figure.for_reader(public=not standing.member),
        "indicator": indicator, "latest": indicator.latest(), "target": indicator.final_target(),
        "form": form if editable else None,
        "return_form": (return_form or ReturnForm(initial={"version": figure.version}))
        if standing.can_return_figure(figure, cycle) else None,
        "can_accept": standing.can_accept_figure(figure, cycle),
        "registered": actions_figures.registered_for(figure) if figure.is_conflict else None,
        "settle_form": (settle_form or SettleForm(initial={"version": figure.version}))
        if settling else None,
    }, status=status)


@require_GET
def figure_detail(request: HttpRequest, code: str, slug: str, cycle_pk: int, pk: int
                  ) -> HttpResponse:
    figure, cycle, standing = get_figure_for_user(request.user, code, slug, cycle_pk, pk)
    return render_figure(request, figure, cycle, standing)


@require_POST
@login_required
def figure_save(request: HttpRequest, code: str, slug: str, cycle_pk: int, pk: int
                ) -> HttpResponse:
    figure, cycle, standing = get_figure_for_user(request.user, code, slug, cycle_pk, pk)
    forbid_unless(standing.can_edit_figure(figure, cycle), actions_figures.EDIT_DENIED)
    form = FigureForm(request.POST)
    if not form.is_valid():
        return render_figure(request, figure, cycle, standing, form=form, status=400)
    submit = "submit" in request.POST
    try:
        actions_figures.save_figure(by=request.user, figure=figure, data=form.cleaned_data,
                                    expected_version=form.cleaned_data["version"],
                                    submit=submit)
    except actions_figures.FigureConflict:
        messages.error(request, "他の人が先にこの実績値を更新しました。最新の内容を確認してください。")
    except ValidationError as exc:
        for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return render_figure(request, figure, cycle, standing, form=form, status=400)
    else:
        messages.success(request, "提出しました。" if submit else "保存しました。")
    return redirect(figure.get_absolute_url())


def run(request: HttpRequest, figure: FigureRequest, done: str, call: Any) -> HttpResponse:
    try:
        call()
    except actions_figures.FigureConflict:
        messages.error(request, "他の人が先にこの実績値を更新しました。最新の内容を確認してください。")
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(figure.get_absolute_url())


@require_POST
@login_required
def figure_return(request: HttpRequest, code: str, slug: str, cycle_pk: int, pk: int
                  ) -> HttpResponse:
    figure, cycle, standing = get_figure_for_user(request.user, code, slug, cycle_pk, pk)
    forbid_unless(standing.can_return_figure(figure, cycle), "この実績値は差し戻せません。")
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return render_figure(request, figure, cycle, standing, return_form=form, status=400)
    return run(request, figure, "差し戻しました。", lambda: actions_figures.return_figure(
        by=request.user, figure=figure, comment=form.cleaned_data["comment"],
        expected_version=form.cleaned_data["version"]))


@require_POST
@login_required
def figure_accept(request: HttpRequest, code: str, slug: str, cycle_pk: int, pk: int
                  ) -> HttpResponse:
    figure, cycle, standing = get_figure_for_user(request.user, code, slug, cycle_pk, pk)
    forbid_unless(standing.can_accept_figure(figure, cycle), "この実績値は確認済にできません。")
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else -1
    return run(request, figure, "確認済にしました。", lambda: actions_figures.accept_figure(
        by=request.user, figure=figure, expected_version=version))


@require_POST
@login_required
def figure_settle(request: HttpRequest, code: str, slug: str, cycle_pk: int, pk: int
                  ) -> HttpResponse:
    figure, cycle, standing = get_figure_for_user(request.user, code, slug, cycle_pk, pk)
    forbid_unless(standing.can_settle_figure(figure, cycle), actions_figures.SETTLE_DENIED)
    form = SettleForm(request.POST)
    if not form.is_valid():
        return render_figure(request, figure, cycle, standing, settle_form=form, status=400)
    data = form.cleaned_data
    done = ("報告の値で置き換えました。指標の実績値と判定に反映されます。"
            if data["choice"] == actions_figures.REPLACE else "登録済の値を残しました。")
    return run(request, figure, done, lambda: actions_figures.settle_figure(
        by=request.user, figure=figure, choice=data["choice"], reason=data["reason"],
        expected_version=data["version"]))
