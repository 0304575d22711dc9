"""The 事務局's editor of a plan's 課題 (issue #15): the list of 課題, one 課題 with its evidence
and what answers it, the 課題 a 取組 answers, and the cells of the public 課題 × 取組 matrix
(a toggle each: htmx swaps the cell, without JavaScript the matrix comes back at the cell).

Every write is an action of plans.challenge_edits; the views read the form, show refusals in
Japanese and offer 「元に戻す」 after a change of a 課題 or its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sasaeai.accounts.access import Standing, forbid_unless, get_plan_and_standing
from sasaeai.audit.undo import StaleEdit, fingerprint
from sasaeai.lib.values import ascii_int
from sasaeai.plans import challenge_edits as edits
from sasaeai.plans.editing import CHALLENGE_FIELDS, EVIDENCE_FIELDS, back_to, offer_undo
from sasaeai.plans.models import Challenge, Evidence, Initiative, Plan, PlanElement

STALE = ("この項目は、あなたが開いた後に他の人が変更しました。何も保存していません。"
         "いま保存されている内容と、あなたの入力を並べて表示します。確かめてから、もう一度保存してください。")


def _plan(request: HttpRequest, code: str, slug: str) -> tuple[Plan, Standing]:
    plan, standing = get_plan_and_standing(request.user, code, slug)
    forbid_unless(standing.can_edit_plan(plan), edits.REFUSED)
    return plan, standing


def _challenge(request: HttpRequest, code: str, slug: str, pk: int
               ) -> tuple[Plan, Standing, Challenge]:
    plan, standing = _plan(request, code, slug)
    challenge = get_object_or_404(Challenge, plan=plan, pk=pk)
    challenge.plan = plan
    return plan, standing, challenge


def _ids(values: list[str]) -> set[int] | None:
    """Ids from checkboxes; None when one is not a number."""
    found = [ascii_int(v) for v in values]
    return None if any(n is None for n in found) else {n for n in found if n is not None}


def _list_url(plan: Plan) -> str:
    return reverse("plans:challenges_edit", args=[plan.municipality.code, plan.slug])


def _edit_url(plan: Plan, challenge: Challenge) -> str:
    return reverse("plans:challenge_edit", args=[plan.municipality.code, plan.slug, challenge.pk])


def _matrix_url(plan: Plan) -> str:
    return reverse("plans:challenges", args=[plan.municipality.code, plan.slug])


def _form(request: HttpRequest, keys: tuple[str, ...]) -> dict[str, str]:
    return {key: request.POST.get(key, "") for key in keys}


# The list ------------------------------------------------------------------------------------

def _render_list(request: HttpRequest, plan: Plan, standing: Standing,
                 typed: dict[str, str] | None = None, error: str = "",
                 status: int = 200) -> HttpResponse:
    challenges = Challenge.objects.filter(plan=plan).annotate(
        evidence_count=Count("evidence", distinct=True),
        element_count=Count("elements", distinct=True),
        initiative_count=Count("initiatives", distinct=True))
    return render(request, "plans/challenges/list.html", {
        "plan": plan, "municipality": plan.municipality, "standing": standing,
        "challenges": list(challenges), "typed": typed or {}, "error": error,
    }, status=status)


@require_GET
@login_required
def challenges_edit(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, standing = _plan(request, code, slug)
    return _render_list(request, plan, standing)


@require_POST
@login_required
def challenge_create(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, standing = _plan(request, code, slug)
    typed = _form(request, ("number_label", "title", "description"))
    try:
        event = edits.create_challenge(by=request.user, plan=plan, data=typed)
    except ValidationError as exc:
        return _render_list(request, plan, standing, typed, "".join(exc.messages), 400)
    offer_undo(request, plan, event, f"課題「{event.object_label}」を追加しました。")
    return HttpResponseRedirect(reverse("plans:challenge_edit",
                                        args=[code, slug, int(event.object_id)]))


# One 課題 ------------------------------------------------------------------------------------

@dataclass
class Choice:
    """One row of the checklist: an element or a 取組, under its place in the 体系."""

    kind: str  # "element" or "initiative"
    item: PlanElement | Initiative
    depth: int
    path: str
    checked: bool


def checklist(plan: Plan, elements_on: set[int], initiatives_on: set[int]
              ) -> list[tuple[PlanElement, list[Choice]]]:
    """The plan's elements and 取組 in the order of its 体系, grouped by the top elements."""
    elements = list(plan.elements.all())
    initiatives = list(plan.initiatives.all())
    children: dict[int | None, list[PlanElement]] = {}
    for element in elements:
        children.setdefault(element.parent_id, []).append(element)
    under: dict[int, list[Initiative]] = {}
    for initiative in initiatives:
        under.setdefault(initiative.element_id, []).append(initiative)
    known = {e.pk for e in elements}
    roots = [e for e in elements if e.parent_id not in known]
    groups = []

    def walk(element: PlanElement, depth: int, trail: list[str], rows: list[Choice]) -> None:
        path = " › ".join([*trail, str(element)])
        rows.append(Choice("element", element, depth, path, element.pk in elements_on))
        for initiative in under.get(element.pk, []):
            rows.append(Choice("initiative", initiative, depth + 1, path,
                               initiative.pk in initiatives_on))
        for child in children.get(element.pk, []):
            walk(child, depth + 1, [*trail, str(element)], rows)

    for root in roots:
        rows: list[Choice] = []
        walk(root, 0, [], rows)
        groups.append((root, rows))
    return groups


def _render_challenge(request: HttpRequest, plan: Plan, standing: Standing,
                      challenge: Challenge, *, typed: dict[str, str] | None = None,
                      current: Challenge | None = None, error: str = "",
                      evidence_typed: dict[str, Any] | None = None,
                      status: int = 200) -> HttpResponse:
    evidence = list(Evidence.objects.filter(challenge=challenge).order_by("order", "pk"))
    for e in evidence:
        e.seen = fingerprint(e, EVIDENCE_FIELDS)  # type: ignore[attr-defined]
    elements_on = set(challenge.elements.values_list("pk", flat=True))
    initiatives_on = set(challenge.initiatives.values_list("pk", flat=True))
    fresh = current or challenge
    return render(request, "plans/challenges/edit.html", {
        "plan": plan, "municipality": plan.municipality, "standing": standing,
        "challenge": challenge, "current": current, "error": error,
        "form": typed or {f: getattr(challenge, f) for f in ("number_label", "title",
                                                             "description")},
        "seen": fingerprint(fresh, CHALLENGE_FIELDS),
        "evidence": evidence, "kinds": Evidence.Kind.choices,
        "evidence_typed": evidence_typed or {},
        "groups": checklist(plan, elements_on, initiatives_on),
        "link_count": len(elements_on) + len(initiatives_on),
    }, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def challenge_edit(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, standing, challenge = _challenge(request, code, slug, pk)
    if request.method == "GET":
        return _render_challenge(request, plan, standing, challenge)
    typed = _form(request, ("number_label", "title", "description"))
    try:
        event = edits.edit_challenge(by=request.user, challenge=challenge,
                                     seen=request.POST.get("seen", ""), data=typed)
    except StaleEdit:
        current = Challenge.objects.get(pk=challenge.pk)
        return _render_challenge(request, plan, standing, challenge, typed=typed,
                                 current=current, error=STALE, status=409)
    except ValidationError as exc:
        return _render_challenge(request, plan, standing, challenge, typed=typed,
                                 error="".join(exc.messages), status=400)
    if event is None:
        messages.info(request, "変更はありませんでした。")
    else:
        offer_undo(request, plan, event, "課題を保存しました。")
    return HttpResponseRedirect(_edit_url(plan, challenge))


@require_POST
@login_required
def challenge_links(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, _standing, challenge = _challenge(request, code, slug, pk)
    element_ids = _ids(request.POST.getlist("element"))
    initiative_ids = _ids(request.POST.getlist("initiative"))
    if element_ids is None or initiative_ids is None:
        messages.error(request, "選んだ項目・取組が読み取れません。何も保存していません。")
        return HttpResponseRedirect(_edit_url(plan, challenge) + "#links")
    try:
        event = edits.set_challenge_links(by=request.user, challenge=challenge,
                                          element_ids=element_ids, initiative_ids=initiative_ids)
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
    else:
        messages.success(request, "対応する項目・取組を保存しました。" if event
                         else "変更はありませんでした。")
    return HttpResponseRedirect(_edit_url(plan, challenge) + "#links")


@require_http_methods(["GET", "POST"])
@login_required
def challenge_delete(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, standing, challenge = _challenge(request, code, slug, pk)
    if request.method == "GET":
        return render(request, "plans/challenges/delete.html", {
            "plan": plan, "municipality": plan.municipality, "standing": standing,
            "challenge": challenge,
            "evidence": list(challenge.evidence.order_by("order", "pk")),
            "elements": list(challenge.elements.all()),
            "initiatives": list(challenge.initiatives.all()),
        })
    event = edits.delete_challenge(by=request.user, challenge=challenge)
    offer_undo(request, plan, event, f"課題「{event.object_label}」を削除しました。")
    return HttpResponseRedirect(_list_url(plan))


# Evidence ------------------------------------------------------------------------------------

def _evidence_done(request: HttpRequest, plan: Plan, challenge: Challenge,
                   event: Any, done: str) -> HttpResponse:
    if event is None:
        messages.info(request, "変更はありませんでした。")
    else:
        offer_undo(request, plan, event, done)
    return HttpResponseRedirect(_edit_url(plan, challenge) + "#evidence")


@require_POST
@login_required
def evidence_add(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, standing, challenge = _challenge(request, code, slug, pk)
    typed = _form(request, ("kind", "text"))
    try:
        event = edits.add_evidence(by=request.user, challenge=challenge, data=typed)
    except ValidationError as exc:
        return _render_challenge(request, plan, standing, challenge, error="".join(exc.messages),
                                 evidence_typed={"new": typed}, status=400)
    return _evidence_done(request, plan, challenge, event, "根拠を追加しました。")


@require_POST
@login_required
def evidence_edit(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, standing, challenge = _challenge(request, code, slug, pk)
    evidence_id = ascii_int(request.POST.get("evidence", ""))
    typed = _form(request, ("kind", "text"))
    try:
        event = edits.edit_evidence(by=request.user, challenge=challenge, evidence_id=evidence_id,
                                    seen=request.POST.get("evidence_seen", ""), data=typed)
    except StaleEdit as stale:
        current = stale.current
        return _render_challenge(request, plan, standing, challenge, error=STALE, status=409,
                                 evidence_typed={"id": evidence_id, **typed,
                                                 "current": current})
    except ValidationError as exc:
        return _render_challenge(request, plan, standing, challenge, error="".join(exc.messages),
                                 evidence_typed={"id": evidence_id, **typed}, status=400)
    return _evidence_done(request, plan, challenge, event, "根拠を保存しました。")


@require_POST
@login_required
def evidence_move(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, _standing, challenge = _challenge(request, code, slug, pk)
    direction = request.POST.get("direction", "")
    if direction not in {"up", "down"}:
        messages.error(request, "移動の向きが読み取れません。何も変更していません。")
        return HttpResponseRedirect(_edit_url(plan, challenge) + "#evidence")
    try:
        event = edits.move_evidence(by=request.user, challenge=challenge,
                                    evidence_id=ascii_int(request.POST.get("evidence", "")),
                                    up=direction == "up")
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
        return HttpResponseRedirect(_edit_url(plan, challenge) + "#evidence")
    return _evidence_done(request, plan, challenge, event, "根拠の順番を変えました。")


@require_POST
@login_required
def evidence_delete(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, _standing, challenge = _challenge(request, code, slug, pk)
    try:
        event = edits.delete_evidence(by=request.user, challenge=challenge,
                                      evidence_id=ascii_int(request.POST.get("evidence", "")))
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
        return HttpResponseRedirect(_edit_url(plan, challenge) + "#evidence")
    return _evidence_done(request, plan, challenge, event, "根拠を削除しました。")


# From the 取組's side, and the matrix ------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@login_required
def initiative_challenges(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, standing = _plan(request, code, slug)
    initiative = get_object_or_404(Initiative.objects.select_related("element"), plan=plan, pk=pk)
    initiative.plan = plan
    if request.method == "POST":
        chosen = _ids(request.POST.getlist("challenge"))
        if chosen is None:
            messages.error(request, "選んだ課題が読み取れません。何も保存していません。")
        else:
            try:
                changed = edits.set_initiative_challenges(by=request.user, initiative=initiative,
                                                          challenge_ids=chosen)
            except ValidationError as exc:
                messages.error(request, "".join(exc.messages))
            else:
                messages.success(request, f"{changed}件の課題との対応を保存しました。" if changed
                                 else "変更はありませんでした。")
        return HttpResponseRedirect(back_to(request, request.path))
    linked = set(initiative.challenges.values_list("pk", flat=True))
    return render(request, "plans/challenges/initiative.html", {
        "plan": plan, "municipality": plan.municipality, "standing": standing,
        "initiative": initiative,
        "choices": [(c, c.pk in linked) for c in Challenge.objects.filter(plan=plan)],
    })


def cell_label(challenge: Challenge, initiative: Initiative) -> str:
    """「課題①と取組(1) つながりの構築を結ぶ」: the toggle's name (aria-pressed says whether)."""
    name = challenge.number_label or f"「{challenge.title[:40]}」"
    target = f"{initiative.number_label} {initiative.title}".strip()
    return f"{name}と取組{target}を結ぶ"


@require_POST
@login_required
def challenge_cell(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, _standing = _plan(request, code, slug)
    challenge_id = ascii_int(request.POST.get("challenge", ""))
    initiative_id = ascii_int(request.POST.get("initiative", ""))
    on = request.POST.get("on", "")
    if challenge_id is None or initiative_id is None or on not in {"1", "0"}:
        messages.error(request, "課題と取組が読み取れません。何も変更していません。")
        return HttpResponseRedirect(_matrix_url(plan))
    challenge = get_object_or_404(Challenge, plan=plan, pk=challenge_id)
    initiative = get_object_or_404(Initiative, plan=plan, pk=initiative_id)
    challenge.plan = plan
    initiative.plan = plan
    edits.set_cell(by=request.user, challenge=challenge, initiative=initiative, on=on == "1")
    if getattr(request, "htmx", False):
        linked = challenge.initiatives.filter(pk=initiative.pk).exists()
        return render(request, "plans/challenges/cell.html", {
            "plan": plan, "municipality": plan.municipality,
            "cell": matrix_cell(challenge, initiative, linked)})
    messages.success(request, "課題と取組の対応を保存しました。")
    return HttpResponseRedirect(f"{_matrix_url(plan)}#cell-{challenge.pk}-{initiative.pk}")


def matrix_cell(challenge: Challenge, initiative: Initiative, on: bool) -> dict[str, Any]:
    """What the editable cell template needs."""
    return {"challenge": challenge, "initiative": initiative, "on": on,
            "label": cell_label(challenge, initiative)}


def add_toggles(rows: list[dict[str, Any]], columns: list[Initiative | PlanElement]) -> None:
    """The public matrix's rows for an editor: each 取組's cell becomes a toggle (an element's
    cell stays a mark: elements are linked on the 課題's page)."""
    for row in rows:
        row["edit_cells"] = [
            matrix_cell(row["challenge"], col, on) if isinstance(col, Initiative)
            else {"on": on, "fixed": True}
            for col, on in zip(columns, row["cells"], strict=True)
        ]
