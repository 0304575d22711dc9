"""「元に戻す」: undo a change made in a plan's editors, from the message after it or the
history page of the item."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from sasaeai.accounts.access import forbid_unless, get_plan_and_standing
from sasaeai.audit.undo import StaleEdit, fingerprint, revert, undo
from sasaeai.plans import history
from sasaeai.plans.editing import back_to, get_plan_change_for_user, offer_undo


@require_POST
@login_required
def undo_change(request: HttpRequest, code: str, slug: str, event_id: int) -> HttpResponse:
    event, plan, _standing = get_plan_change_for_user(request.user, code, slug, event_id)
    back = back_to(request, plan.get_absolute_url())
    try:
        made = undo(by=request.user, event=event, municipality_code=plan.municipality.code)
    except StaleEdit:
        messages.error(request, "この変更の後に、他の人が同じ項目を変更しています。元に戻していません。"
                                "項目の履歴から、戻したい版を選んでください。")
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
    else:
        offer_undo(request, plan, made, "元に戻しました。")
    return HttpResponseRedirect(back)


@require_GET
@login_required
def item_history(request: HttpRequest, code: str, slug: str, kind: str, pk: int) -> HttpResponse:
    """An item's changes, newest first, with 「この版に戻す」 for its earlier versions."""
    plan, standing = get_plan_and_standing(request.user, code, slug)
    forbid_unless(standing.can_edit_plan(plan), "計画を編集できるのは事務局です。")
    row, entry = history.item_of(plan, kind, pk)
    return render(request, "plans/history.html", {
        "plan": plan, "municipality": plan.municipality, "standing": standing, "item": row,
        "versions": history.versions(row, entry, plan.municipality.code),
        "present": history.present(row, entry), "seen": fingerprint(row, entry.fields),
        "may_revert": history.may_revert(request.user, plan, row),
        "here": history.history_url(plan, row)})


@require_POST
@login_required
def revert_version(request: HttpRequest, code: str, slug: str, event_id: int) -> HttpResponse:
    """Give an item back the values of an earlier version (from its history page)."""
    event, plan, _standing = get_plan_change_for_user(request.user, code, slug, event_id)
    row, entry = history.row_of(plan, event)
    forbid_unless(history.may_revert(request.user, plan, row),
                  "この項目を変更できるのは、その項目を受け持つ策定主体の事務局です。")
    back = history.history_url(plan, row)
    try:
        made = revert(by=request.user, event=event, fields=history.versioned_fields(entry),
                      seen=request.POST.get("seen", ""), municipality_code=plan.municipality.code,
                      when=history.when(event))
    except StaleEdit:
        messages.error(request, "このページを開いた後に、他の人がこの項目を変更しました。何も変更していません。"
                                "下の履歴で、いまの内容を確かめてから選び直してください。")
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
    else:
        offer_undo(request, plan, made, f"「{row}」を{history.when(event)}の版に戻しました。")
    return HttpResponseRedirect(back)
