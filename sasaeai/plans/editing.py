"""What every editor of a plan shares (issue #15): the rows whose changes can be undone, the
「元に戻す」 offered after each change, and the check that an event belongs to the plan.

An editor's action records its write with `audit.actions.record(before=…, after=…)` and the view
calls `offer_undo(request, plan, event, "…を保存しました。")`: the next page shows the message
with a 「元に戻す」 button (`plans:undo`). Stale edits are refused with audit.undo.check_fresh
against the fingerprint the form carried (audit.undo.fingerprint).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.urls import reverse

from sasaeai.audit.models import AuditEvent
from sasaeai.audit.undo import undoable
from sasaeai.plans.models import (
    Actor,
    ActorStatement,
    Challenge,
    Evidence,
    Initiative,
    Placement,
    Plan,
    PlanElement,
)

SESSION_KEY = "sasaeai_undo_offer"

# What an editor may change on each row, as snapshot keys: what undo writes back.
PLAN_FIELDS = ("title", "kind", "generation", "philosophy", "philosophy_description", "summary",
               "status", "start_fy", "end_fy", "predecessor_id", "source_document",
               "contact_department", "contact_phone", "contact_email")
ELEMENT_FIELDS = ("parent_id", "level_label", "number_label", "title", "description", "order",
                  "is_priority", "is_new", "archived_at")
INITIATIVE_FIELDS = ("element_id", "number_label", "title", "description", "order",
                     "is_priority", "is_new", "archived_at")
STATEMENT_FIELDS = ("actor_id", "element_id", "initiative_id", "text", "detail", "order")
CHALLENGE_FIELDS = ("number_label", "title", "description", "order")
EVIDENCE_FIELDS = ("challenge_id", "kind", "text", "order")
PLACEMENT_FIELDS = ("initiative_id", "element_id", "note", "order")
ACTOR_FIELDS = ("kind", "label", "sphere", "sphere_label", "order")

# What undoing a deletion gives back beside the row (audit.undo.deletion_snapshot).
DELETED_WITH: dict[str, dict[str, Any]] = {
    "plans.Initiative": {"links": ("responsible",)},
    "plans.Challenge": {"links": ("elements", "initiatives"),
                        "children": (("plans.Evidence", "challenge_id"),)},
}


def register() -> None:
    """Called once from PlansConfig.ready: the plan's own rows can be undone."""
    for model, fields in ((Plan, PLAN_FIELDS), (PlanElement, ELEMENT_FIELDS),
                          (Initiative, INITIATIVE_FIELDS), (ActorStatement, STATEMENT_FIELDS),
                          (Challenge, CHALLENGE_FIELDS), (Placement, PLACEMENT_FIELDS),
                          (Evidence, EVIDENCE_FIELDS), (Actor, ACTOR_FIELDS)):
        concrete = {f.attname for f in model._meta.concrete_fields}
        undoable(model, tuple(name for name in fields if name in concrete),
                 **DELETED_WITH.get(model._meta.label, {}))


def belongs_to(event: AuditEvent, plan: Plan) -> bool:
    """Whether the audited change was made to this plan (its own row, or a row of it)."""
    if event.municipality_code != plan.municipality.code:
        return False
    if event.object_type == Plan._meta.label:
        return event.object_id == str(plan.pk)
    shot = event.after or event.before or {}
    return shot.get("plan_id") == plan.pk


def get_plan_change_for_user(user: Any, code: str, slug: str, event_id: int
                             ) -> tuple[AuditEvent, Plan, Any]:
    """A change made in this plan's editors, for a user who may edit the plan (403 otherwise);
    a change of another plan is not found (404)."""
    from django.shortcuts import get_object_or_404

    from sasaeai.accounts.access import forbid_unless, get_plan_and_standing, hide_unless

    plan, standing = get_plan_and_standing(user, code, slug)
    forbid_unless(standing.can_edit_plan(plan), "計画を編集できるのは事務局です。")
    event = get_object_or_404(AuditEvent, pk=event_id)
    hide_unless(belongs_to(event, plan), "この変更は見つかりません。")
    return event, plan, standing


VERBS = {"add": "追加", "create": "追加", "edit": "変更", "update": "変更", "move": "移動",
         "delete": "削除", "archive": "廃止", "restore": "廃止の取消", "renumber": "番号の振り直し",
         "reorder": "並べ替え", "responsible": "担当組織の変更", "owners": "策定主体の変更",
         "status": "状態の変更", "links": "対応の変更", "merge": "統合", "undo": "元に戻す",
         "level": "報告の単位の変更", "assign": "報告の担当の変更", "reporter": "報告する組織の変更",
         "import": "取り込み", "replace": "値の置き換え", "override": "判定の修正",
         "correct": "訂正", "revert": "以前の版に戻す"}


def change_label(event: AuditEvent) -> str:
    """What a change was, in words, for lists of changes (「計画の項目の移動」): the model's name
    and the verb of its action, never the action's code."""
    from django.apps import apps

    try:
        model = apps.get_model(event.object_type) if event.object_type else None
    except (LookupError, ValueError):
        model = None
    what = str(model._meta.verbose_name) if model is not None else ""
    verb = VERBS.get(event.action.rsplit(".", 1)[-1], "変更")
    return f"{what}の{verb}" if what else verb


def back_to(request: HttpRequest, default: str) -> str:
    """Where to go after a change: the page the form named (`next`) or came from, when it is a
    path on this site; the default otherwise. Never a view name: a hostile `next` is a path."""
    from django.utils.http import url_has_allowed_host_and_scheme

    for target in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if not target or any(ord(c) < 32 or ord(c) == 127 for c in target):
            continue
        if target.startswith(("http://", "https://")):
            if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
                return target
            continue
        if target.startswith("/") and not target.startswith(("//", "/\\")):
            return target
    return default


def offer_undo(request: HttpRequest, plan: Plan, event: AuditEvent, done: str) -> None:
    """Say what was done, and offer to undo it on the next page."""
    messages.success(request, done)
    request.session[SESSION_KEY] = {
        "url": reverse("plans:undo", args=[plan.municipality.code, plan.slug, event.pk]),
        "label": event.object_label[:80],
    }


def undo_offer(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the 「元に戻す」 of the change just made, shown once."""
    from django.conf import settings

    # A reader without a session (the public, whose pages are cached) is not asked about one.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return {}
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return {}
    return {"undo_offer": session.pop(SESSION_KEY)}
