"""The plan editor's hub and the plan's settings (issue #15): the 事務局 changes the plan's title,
period, owners, 基本理念, contact for residents… and its status (publishing it to residents,
after a confirmation that says what they will see)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sasaeai.accounts.access import Standing, forbid_unless, get_plan_and_standing
from sasaeai.audit.undo import StaleEdit, fingerprint
from sasaeai.plans import actions_settings as actions
from sasaeai.plans.editing import PLAN_FIELDS, back_to, offer_undo
from sasaeai.plans.models import Plan
from sasaeai.plans.settings_form import (
    PlanSettingsForm,
    plan_url,
    publication_preview,
    recent_changes,
    saved_and_typed,
)

STALE = ("この項目は、あなたが開いた後に他の人が変更しました。何も保存していません。"
         "下の「保存されている内容」と「あなたの入力」を見比べて、必要なら入力を直してからもう一度保存してください。")


def _plan(request: HttpRequest, code: str, slug: str) -> tuple[Plan, Standing]:
    plan, standing = get_plan_and_standing(request.user, code, slug)
    forbid_unless(standing.can_edit_plan(plan), actions.REFUSED)
    return plan, standing


def _context(request: HttpRequest, plan: Plan, standing: Standing, **extra: Any) -> dict[str, Any]:
    return {"plan": plan, "municipality": plan.municipality, "standing": standing,
            "seen": fingerprint(plan, PLAN_FIELDS), **extra}


@require_GET
@login_required
def plan_editor(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, standing = _plan(request, code, slug)
    return render(request, "plans/settings/editor.html", _context(
        request, plan, standing, changes=recent_changes(plan),
        here=plan_url(plan, "plans:edit")))


def _settings_page(request: HttpRequest, plan: Plan, standing: Standing, form: PlanSettingsForm,
                   status: int = 200, stale: list[tuple[str, str, str]] | None = None
                   ) -> HttpResponse:
    return render(request, "plans/settings/settings.html", _context(
        request, plan, standing, form=form, stale=stale, next_statuses=actions.next_statuses(plan),
        explanation=actions.EXPLANATIONS.get(plan.status, ""),
        here=plan_url(plan, "plans:settings")), status=status)


@require_http_methods(["GET", "POST"])
@login_required
def plan_settings(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, standing = _plan(request, code, slug)
    here = plan_url(plan, "plans:settings")
    if request.method != "POST":
        form = PlanSettingsForm(plan=plan, initial=PlanSettingsForm.initial_of(
            plan, fingerprint(plan, PLAN_FIELDS), actions.owners_version(plan)))
        return _settings_page(request, plan, standing, form)
    form = PlanSettingsForm(request.POST, plan=plan)
    if not form.is_valid():
        return _settings_page(request, plan, standing, form, status=400)
    data = form.cleaned_data
    try:
        edit, owners = actions.update_plan_settings(
            by=request.user, plan=plan, data=data, seen=data.get("seen", ""),
            seen_owners=data.get("seen_owners", ""))
    except StaleEdit as stale:
        current = stale.current if isinstance(stale.current, Plan) else plan
        # The page now shows what is saved: saving again (after looking) is a deliberate choice.
        kept = request.POST.copy()
        kept["seen"] = fingerprint(current, PLAN_FIELDS)
        kept["seen_owners"] = actions.owners_version(current)
        form = PlanSettingsForm(kept, plan=current)
        form.is_valid()
        form.add_error(None, STALE)
        return _settings_page(request, current, standing, form, status=409,
                              stale=saved_and_typed(current, request.POST))
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _settings_page(request, plan, standing, form, status=400)
    if edit is not None:
        offer_undo(request, plan, edit, "計画の設定を保存しました。"
                   + ("策定主体も変更しました（策定主体は元に戻す対象ではありません）。" if owners else ""))
    elif owners is not None:
        messages.success(request, "策定主体を保存しました。")
    else:
        messages.info(request, "変更はありませんでした。")
    return HttpResponseRedirect(back_to(request, here))


@require_POST
@login_required
def plan_status(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    """First POST: what the change will do (for 公開: what residents will see, and where).
    The POST with confirm=1 makes it."""
    plan, standing = _plan(request, code, slug)
    here = plan_url(plan, "plans:settings")
    status = request.POST.get("status", "")
    if not actions.may_become(plan, status):
        messages.error(request, f"「{plan.get_status_display()}」の計画は、その状態に変更できません。")
        return redirect(here)
    seen = request.POST.get("seen", "")
    if request.POST.get("confirm") != "1":
        return render(request, "plans/settings/status_confirm.html", _context(
            request, plan, standing, to=status, to_label=Plan.Status(status).label,
            verb=dict(actions.next_statuses(plan))[status], seen=seen,
            publishing=actions.publishes(plan, status), withdrawing=actions.withdraws(plan, status),
            explanation=actions.EXPLANATIONS[status],
            preview=publication_preview(plan, request.build_absolute_uri(plan.get_absolute_url())),
        ))
    try:
        event = actions.change_plan_status(by=request.user, plan=plan, status=status, seen=seen)
    except StaleEdit as stale:
        current = stale.current if isinstance(stale.current, Plan) else plan
        return render(request, "plans/settings/status_confirm.html", _context(
            request, current, standing, stale=True, to=status, to_label=Plan.Status(status).label,
            verb="", publishing=False, withdrawing=False, explanation=STALE,
            preview=None), status=409)
    except ValidationError as error:
        messages.error(request, "".join(error.messages))
        return redirect(here)
    offer_undo(request, plan, event, f"計画の状態を「{Plan.Status(status).label}」にしました。")
    return redirect(here)
