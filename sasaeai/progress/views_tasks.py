"""わたしの作業: a department's year on one page (progress.workbench), each card saved in place
(htmx: drafts saved as one types, errors shown in the card) or, without JavaScript, by an
ordinary form that comes back to the page; several reports and figures handed in at once."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from sasaeai.accounts.access import duties_of, forbid_unless
from sasaeai.lib.values import ascii_int
from sasaeai.progress import actions, actions_figures
from sasaeai.progress.access import get_cycle_for_user, get_entry_for_user, get_figure_for_user
from sasaeai.progress.actions_hand_in import hand_in_many
from sasaeai.progress.models import Cycle, Entry, FigureRequest
from sasaeai.progress.workbench import (
    UnitCard,
    desks_for,
    entry_form,
    figure_form,
)

S = Cycle.Status
CONFLICT = "他の人が先に更新しました。ページを読み込み直して、最新の内容を確認してください。"


def tasks_page(request: HttpRequest, *, bound: dict[str, Any] | None = None,
               status: int = 200) -> HttpResponse:
    duties = duties_of(request.user)
    running = list(
        Cycle.objects.filter(plan__municipality_id__in=duties.running)
        .exclude(status=S.PUBLISHED).select_related("plan__municipality")
        .annotate(
            to_accept=Count("entries", filter=Q(entries__status=Entry.Status.SUBMITTED),
                            distinct=True),
            figures_to_accept=Count("figure_requests", distinct=True, filter=Q(
                figure_requests__status=FigureRequest.Status.SUBMITTED)),
            waiting=Count("entries", distinct=True, filter=Q(
                entries__status__in=[Entry.Status.NOT_STARTED, Entry.Status.DRAFT,
                                     Entry.Status.RETURNED], entries__waiver_reason="")),
            unanswered=Count("opinions", filter=Q(opinions__response=""), distinct=True))
        .order_by("entries_due", "id"))
    reviewing = list(
        Cycle.objects.filter(plan__municipality_id__in=duties.reviewing,
                             status=S.REVIEWING).select_related("plan__municipality"))
    return render(request, "progress/tasks.html", {
        "desks": desks_for(request.user, bound=bound), "running": running,
        "reviewing": reviewing, "today": timezone.localdate(),
    }, status=status)


@require_GET
@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """The reports and figures this user's organisations write now, editable in place; for the
    secretariat the cycles to follow, for the committee those under review."""
    return tasks_page(request)


def _back(kind: str, pk: int) -> HttpResponse:
    return redirect(reverse("tasks:mine") + f"#card-{kind}{pk}")


def _add_errors(form: Any, exc: ValidationError) -> None:
    for name, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        for error in errors:
            form.add_error(name if name in form.fields else None, error)


@require_POST
@login_required
def entry_inline(request: HttpRequest, code: str, slug: str, cycle_pk: int, pk: int
                 ) -> HttpResponse:
    """Save a report from its card (下書き), or save and hand it in (提出)."""
    entry, cycle, standing = get_entry_for_user(request.user, code, slug, cycle_pk, pk)
    forbid_unless(standing.can_edit_entry(entry, cycle), actions.EDIT_DENIED)
    form = entry_form(entry, request.POST)
    submit = "submit" in request.POST
    error = ""
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        action = actions.save_and_submit_entry if submit else actions.save_entry
        try:
            entry = action(by=request.user, entry=entry, data=data,
                           expected_version=form.cleaned_data["version"])
        except actions.EntryConflict:
            error = CONFLICT
        except ValidationError as exc:
            _add_errors(form, exc)
    return _answer(request, "e", entry.pk, form, submit=submit, error=error)


@require_POST
@login_required
def figure_inline(request: HttpRequest, code: str, slug: str, cycle_pk: int, pk: int
                  ) -> HttpResponse:
    """Save an indicator's figure from its card, or save and hand it in."""
    figure, cycle, standing = get_figure_for_user(request.user, code, slug, cycle_pk, pk)
    forbid_unless(standing.can_edit_figure(figure, cycle), actions_figures.EDIT_DENIED)
    form = figure_form(figure, request.POST)
    submit = "submit" in request.POST
    error = ""
    if form.is_valid():
        try:
            figure = actions_figures.save_figure(
                by=request.user, figure=figure, data=form.cleaned_data,
                expected_version=form.cleaned_data["version"], submit=submit)
        except actions_figures.FigureConflict:
            error = CONFLICT
        except ValidationError as exc:
            _add_errors(form, exc)
    return _answer(request, "f", figure.pk, form, submit=submit, error=error)


def _answer(request: HttpRequest, letter: str, pk: int, form: Any, *, submit: bool,
            error: str) -> HttpResponse:
    """After a card's save: the card again (htmx), or わたしの作業 with a message, or with the
    form and its errors (400) when JavaScript is off. `letter` is the card's anchor: e or f."""
    saved = form.is_valid() and not form.errors and not error
    if not is_htmx(request):
        if saved:
            messages.success(request, "提出しました。" if submit else "下書きを保存しました。")
            return _back(letter, pk)
        if error:
            messages.error(request, error)
            return _back(letter, pk)
        return tasks_page(request, bound={f"{letter}{pk}": form}, status=400)
    return _render_card(request, "unit" if letter == "e" else "figure", pk, saved=saved,
                        submit=submit, error=error, form=None if saved else form)


def is_htmx(request: HttpRequest) -> bool:
    """A request htmx made (django-htmx's middleware reads its header)."""
    return bool(getattr(request, "htmx", False))


def form_error_text(form: Any) -> str:
    """「実績（数値）：数値を入力してください。」 for every error of the form, in one line."""
    parts: list[str] = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        prefix = f"{field.label}：" if field is not None else ""
        parts.extend(f"{prefix}{error}" for error in errors)
    return "／".join(parts)


def _render_card(request: HttpRequest, kind: str, pk: int, *, saved: bool, submit: bool,
                 error: str, form: Any) -> HttpResponse:
    """After 提出: the card again as the page shows it now (handed in, or its errors in place
    with what was typed). After a draft saved as one types or by 下書き保存: only the new version
    and the line under the fields (「下書きを保存しました」, or why it could not be saved), so
    that the text being typed is left alone."""
    key = ("e" if kind == "unit" else "f") + str(pk)
    desks = desks_for(request.user, bound={key: form} if form is not None else None)
    found = next(((d, c) for d in desks for c in (d.units if kind == "unit" else d.figures)
                  if (c.entry.pk if isinstance(c, UnitCard) else c.figure.pk) == pk), None)
    if found is None:  # no longer open for writing (the cycle moved on): the page says so
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    desk, card = found
    if not saved and not error and form is not None:
        error = "保存できませんでした：" + form_error_text(form)
    if submit:
        # The card as it is now, and the desk's counts above it (提出済 n／m件) out of band.
        response = render(request, f"progress/includes/task_cards.html#{kind}-card", {
            "card": card, "just_submitted": saved})
        response.write(render_to_string("progress/tasks.html#desk-meta",
                                        {"desk": desk, "oob": True}, request=request))
        return response
    return render(request, "progress/includes/task_cards.html#saved", {
        "card": card, "saved_at": timezone.localtime() if saved else None, "error": error})


@require_POST
@login_required
def hand_in(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    """Hand in the reports and figures ticked on the page, as they were last saved."""
    cycle, standing = get_cycle_for_user(request.user, code, slug, pk)
    forbid_unless(standing.can_hand_in(cycle),
                  "まとめて提出できるのは、入力中の評価サイクルで報告を書く組織の人です。")
    entry_ids = [n for n in (ascii_int(v) for v in request.POST.getlist("entries"))
                 if n is not None]
    figure_ids = [n for n in (ascii_int(v) for v in request.POST.getlist("figures"))
                  if n is not None]
    try:
        entries, figures = hand_in_many(by=request.user, cycle=cycle, entry_ids=entry_ids,
                                        figure_ids=figure_ids)
    except ValidationError as exc:
        messages.error(request, "提出できませんでした（何も提出していません）："
                       + "／".join(exc.messages))
    else:
        parts = [f"報告{len(entries)}件" if entries else "",
                 f"実績値{len(figures)}件" if figures else ""]
        messages.success(request, f"{'と'.join(p for p in parts if p)}を提出しました。")
    return redirect(reverse("tasks:mine") + f"#desk-{cycle.pk}")

