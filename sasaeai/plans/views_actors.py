"""The 事務局's page of what each actor does for the plan as a whole, and of the plan's actors
(issue #15).

Plan-wide statements (no element, no 取組: 小美玉市's 「普段からお互いにあいさつや困っている人への
声かけをする。」 under 市民一人ひとりができること) are added here and edited, moved and deleted with
the statement routes of views_initiatives, which come back here. The actors themselves
(「地域住民等ができること」, 自助・共助・公助) are listed, added, edited, moved and deleted on the same
page; the actor's id comes in the form. Every write is an action of plans.actor_edits.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from sasaeai.accounts.access import Standing, forbid_unless
from sasaeai.audit.undo import StaleEdit, fingerprint
from sasaeai.lib.values import ascii_int
from sasaeai.plans import actor_edits
from sasaeai.plans import initiative_edits as edits
from sasaeai.plans.editing import ACTOR_FIELDS, back_to, offer_undo
from sasaeai.plans.models import Actor, ActorStatement, Plan
from sasaeai.plans.views_initiatives import (
    STALE,
    StatementForm,
    _add_statement,
    _form_errors,
    _plan,
    _statement_blocks,
)

NO_ACTOR = "主体が見つかりません。一覧から選び直してください。何も変更していません。"


class ActorForm(forms.Form):
    kind = forms.ChoiceField(label="主体の種類", choices=Actor.Kind.choices)
    label = forms.CharField(label="見出し", max_length=100,
                            help_text="計画書の見出しのとおり（例：地域住民等ができること）")
    sphere = forms.ChoiceField(label="自助・共助・公助", choices=Actor.Sphere.choices,
                               required=False)
    sphere_label = forms.CharField(label="区分の表記", max_length=20, required=False,
                                   help_text="計画独自の表記があれば（例：互助・共助）")
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def data_for_action(self) -> actor_edits.ActorData:
        c = self.cleaned_data
        return actor_edits.ActorData(kind=c["kind"], label=c["label"].strip(),
                                     sphere=c["sphere"], sphere_label=c["sphere_label"].strip())


def _edit_form(actor: Actor, data: Any = None) -> ActorForm:
    initial = {"kind": actor.kind, "label": actor.label, "sphere": actor.sphere,
               "sphere_label": actor.sphere_label, "seen": fingerprint(actor, ACTOR_FIELDS)}
    return ActorForm(data, initial=initial, auto_id=f"actor-{actor.pk}-%s")


def _page(request: HttpRequest, plan: Plan, *, status: int = 200, add_form: ActorForm | None = None,
          editing: dict[str, Any] | None = None) -> HttpResponse:
    """The page; `editing` is the actor whose form came back (its pk, the form kept as typed,
    and when stale what is saved now)."""
    code, slug = plan.municipality.code, plan.slug
    statements = list(ActorStatement.objects.plan_wide().filter(plan=plan).select_related("actor"))
    actors = list(plan.actors.annotate(statement_count=Count("statements")))
    rows = []
    for actor in actors:
        mine = editing is not None and editing["pk"] == actor.pk
        rows.append({"actor": actor,
                     "may_edit": edits.can_edit_statement(request.user, plan, actor),
                     "form": editing["form"] if editing and mine else _edit_form(actor),
                     "open": mine, "stale": editing.get("stale") if editing and mine else None})
    return render(request, "plans/initiatives/plan_statements.html", {
        "plan": plan, "municipality": plan.municipality, "standing": Standing.of(request.user, plan),
        "blocks": _statement_blocks(request, plan, statements), "actors": actors,
        "form": StatementForm(plan),
        "add_url": reverse("plans:plan_statements", args=[code, slug]),
        "actor_rows": rows, "add_form": add_form or ActorForm(auto_id="new-actor-%s"),
        "here": reverse("plans:plan_statements", args=[code, slug]) + "#actors"}, status=status)


def _home(plan: Plan) -> str:
    return reverse("plans:plan_statements", args=[plan.municipality.code, plan.slug]) + "#actors"


def _may_speak_for(request: HttpRequest, plan: Plan, kind: str) -> None:
    """403 unless the user may edit an actor of this kind (the 社協's or the city's: its owner's
    事務局 in a shared plan, ADR 0017)."""
    actor = Actor(plan=plan, kind=kind)
    forbid_unless(edits.can_edit_statement(request.user, plan, actor),
                  edits.refused_owned(plan, edits.actor_owner_ids(plan, actor)))


def _posted_actor(request: HttpRequest, plan: Plan) -> Actor | None:
    pk = ascii_int(request.POST.get("actor", ""))
    actor = None if pk is None else plan.actors.filter(pk=pk).first()
    if actor is not None:
        actor.plan = plan
        _may_speak_for(request, plan, actor.kind)
    return actor


@require_http_methods(["GET", "POST"])
@login_required
def plan_statements(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, _standing = _plan(request, code, slug)
    if request.method == "POST":
        return _add_statement(request, plan,
                              reverse("plans:plan_statements", args=[code, slug]) + "#statements")
    return _page(request, plan)


@require_POST
@login_required
def actor_add(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, _standing = _plan(request, code, slug)
    form = ActorForm(request.POST, auto_id="new-actor-%s")
    if not form.is_valid():
        return _page(request, plan, status=400, add_form=form)
    data = form.data_for_action()
    _may_speak_for(request, plan, data.kind)
    try:
        made = actor_edits.create_actor(by=request.user, plan=plan, data=data)
    except ValidationError as exc:
        _form_errors(form, exc)
        return _page(request, plan, status=400, add_form=form)
    offer_undo(request, plan, made, f"主体「{data.label}」を追加しました。")
    return HttpResponseRedirect(back_to(request, _home(plan)))


@require_POST
@login_required
def actor_edit(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, _standing = _plan(request, code, slug)
    actor = _posted_actor(request, plan)
    if actor is None:
        messages.error(request, NO_ACTOR)
        return HttpResponseRedirect(_home(plan))
    form = _edit_form(actor, request.POST)
    if form.is_valid():
        data = form.data_for_action()
        _may_speak_for(request, plan, data.kind)
        try:
            made = actor_edits.edit_actor(by=request.user, actor=actor, data=data,
                                          seen=form.cleaned_data["seen"])
        except StaleEdit as stale:
            current = stale.current
            return _page(request, plan, status=409, editing={
                "pk": actor.pk, "form": form, "stale": {
                    "message": STALE, "current": current,
                    "seen": fingerprint(current, ACTOR_FIELDS) if current is not None else ""}})
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if made is None:
                messages.success(request, "変更はありませんでした。")
            else:
                offer_undo(request, plan, made, f"主体「{data.label}」を保存しました。")
            return HttpResponseRedirect(back_to(request, _home(plan)))
    return _page(request, plan, status=400, editing={"pk": actor.pk, "form": form})


@require_POST
@login_required
def actor_move(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, _standing = _plan(request, code, slug)
    actor = _posted_actor(request, plan)
    direction = request.POST.get("direction", "")
    if actor is None or direction not in {"up", "down"}:
        messages.error(request, NO_ACTOR if actor is None
                       else "移動の向きは「上へ」か「下へ」です。何も変更していません。")
        return HttpResponseRedirect(_home(plan))
    try:
        made = actor_edits.move_actor(by=request.user, actor=actor, up=direction == "up")
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
    else:
        if made is None:
            messages.info(request, "これ以上は移動できません。")
        else:
            offer_undo(request, plan, made, "主体の並び順を変更しました。")
    return HttpResponseRedirect(back_to(request, _home(plan)))


@require_POST
@login_required
def actor_delete(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, _standing = _plan(request, code, slug)
    actor = _posted_actor(request, plan)
    if actor is None:
        messages.error(request, NO_ACTOR)
        return HttpResponseRedirect(_home(plan))
    try:
        made = actor_edits.delete_actor(by=request.user, actor=actor)
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
    else:
        offer_undo(request, plan, made, f"主体「{actor.label}」を削除しました。")
    return HttpResponseRedirect(back_to(request, _home(plan)))
