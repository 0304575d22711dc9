"""The 事務局's review on the cycle page: the reports and figures filtered by state, organisation
and 基本目標, and a checklist that accepts many handed-in ones at once."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from sasaeai.accounts.access import forbid_unless
from sasaeai.lib.values import ascii_int
from sasaeai.progress.access import get_cycle_for_user
from sasaeai.progress.actions_hand_in import accept_many
from sasaeai.progress.models import Cycle, Entry, FigureRequest
from sasaeai.progress.review import Filters


def review_context(cycle: Cycle, query: QueryDict, entries: list[Entry],
                   figures: list[FigureRequest], *, can_accept: bool) -> dict[str, Any]:
    """The filtered lists and what the filter form and the checklist need."""
    goals = cycle.plan.top_goals()
    filters = Filters.read(query)
    shown_entries = filters.entries(entries, goals)
    shown_figures = filters.figures(figures, goals)
    organizations = sorted({e.organization for e in entries} | {f.organization for f in figures},
                           key=lambda o: (o.order, o.pk))
    top = sorted({g for g in goals.values() if g is not None}, key=lambda g: (g.order, g.pk))
    return {
        "entries": shown_entries, "figures": shown_figures, "filters": filters,
        "filter_statuses": filters.statuses(), "filter_organizations": organizations,
        "filter_goals": top, "all_entry_count": len(entries),
        "can_accept_many": can_accept,
        "acceptable": (can_accept and any(e.is_submitted for e in shown_entries))
        or (can_accept and any(f.is_submitted for f in shown_figures)),
    }


@require_POST
@login_required
def cycle_accept_many(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    """確認済 for the reports and figures ticked on the cycle page."""
    cycle, standing = get_cycle_for_user(request.user, code, slug, pk)
    forbid_unless(standing.can_accept_many(cycle),
                  "まとめて確認済にできるのは、報告を集めている間の事務局です。")
    entry_ids = [n for n in map(ascii_int, request.POST.getlist("entries")) if n is not None]
    figure_ids = [n for n in map(ascii_int, request.POST.getlist("figures")) if n is not None]
    try:
        entries, figures = accept_many(by=request.user, cycle=cycle, entry_ids=entry_ids,
                                       figure_ids=figure_ids)
    except ValidationError as exc:
        messages.error(request, "確認済にできませんでした（何も変えていません）："
                       + "／".join(exc.messages))
    else:
        parts = [f"報告{len(entries)}件" if entries else "",
                 f"実績値{len(figures)}件" if figures else ""]
        messages.success(request, f"{'と'.join(p for p in parts if p)}を確認済にしました。")
    back = request.POST.get("back", "")
    return redirect(cycle.get_absolute_url() + (f"?{back}" if back.isascii() and
                                                 "//" not in back else "") + "#entries-h")
