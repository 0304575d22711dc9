"""The 事務局's editor of a plan's 取組 and of what each actor does (issue #15).

A list of the 取組 under their home element (with their 【再掲】), a page per 取組 (its fields,
担当組織, 再掲 and statements), and a page of an element's statements. Every write is an action of
plans.initiative_edits; the views only read the form, ask the standing and answer.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from sasaeai.accounts.access import Standing, forbid_unless, get_plan_and_standing
from sasaeai.audit.undo import StaleEdit, fingerprint
from sasaeai.lib.values import ascii_int
from sasaeai.plans import initiative_edits as edits
from sasaeai.plans.editing import INITIATIVE_FIELDS, STATEMENT_FIELDS, back_to, offer_undo
from sasaeai.plans.models import (
    Actor,
    ActorStatement,
    Initiative,
    Placement,
    Plan,
    PlanElement,
)
from sasaeai.plans.views import actor_blocks
from sasaeai.tenancy.models import Organization

REFUSED = "取組と主体ごとの取組を編集できるのは、この計画の事務局です。"
STALE = ("この項目は、あなたが開いた後に他の人が変更しました。何も保存していません。"
         "下の「現在保存されている内容」を確かめ、入力した内容を見直してから保存してください。")


def _plan(request: HttpRequest, code: str, slug: str) -> tuple[Plan, Standing]:
    plan, standing = get_plan_and_standing(request.user, code, slug)
    forbid_unless(standing.can_edit_plan(plan), REFUSED)
    return plan, standing


def _elements(plan: Plan, *, archived: bool = False) -> list[tuple[PlanElement, str]]:
    """The plan's elements in 体系 order, each with its path (「1 › (1) › ① 見守り」); those
    taken out of the 体系 (archived) only when asked for (the list shows what hangs there)."""
    rows = plan.elements.all()
    elements = list(rows if archived else rows.filter(archived_at__isnull=True))
    by_id = {e.pk: e for e in elements}
    children: dict[int | None, list[PlanElement]] = {}
    for e in elements:
        children.setdefault(e.parent_id if e.parent_id in by_id else None, []).append(e)
    out: list[tuple[PlanElement, str]] = []

    def walk(parent: int | None, path: list[str], seen: set[int]) -> None:
        for e in children.get(parent, []):
            if e.pk in seen:
                continue
            label = f"{e.level_label}{e.number_label} {e.title}".strip()
            out.append((e, " › ".join([*path, label])))
            walk(e.pk, [*path, f"{e.level_label}{e.number_label}".strip() or e.title[:10]],
                 seen | {e.pk})

    walk(None, [], set())
    return out


def _organizations(plan: Plan) -> list[Organization]:
    return list(Organization.objects.in_use().filter(municipality=plan.municipality)
                .exclude(kind=Organization.Kind.COMMITTEE).order_by("order", "id"))


class InitiativeForm(forms.Form):
    element = forms.ChoiceField(label="掲載先の項目")
    number_label = forms.CharField(label="番号", max_length=30, required=False)
    title = forms.CharField(label="名称", max_length=300)
    description = forms.CharField(label="説明", max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    is_priority = forms.BooleanField(label="重点", required=False)
    is_new = forms.BooleanField(label="新規", required=False)
    responsible = forms.MultipleChoiceField(label="担当組織（進捗を報告する組織）", required=False,
                                            widget=forms.CheckboxSelectMultiple)
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, plan: Plan, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.element_rows = _elements(plan)
        cast(forms.ChoiceField, self.fields["element"]).choices = [(str(e.pk), path) for e, path in self.element_rows]
        self.orgs = _organizations(plan)
        cast(forms.ChoiceField, self.fields["responsible"]).choices = [(str(o.pk), o.name) for o in self.orgs]

    def data_for_action(self) -> edits.InitiativeData:
        c = self.cleaned_data
        element = next(e for e, _ in self.element_rows if str(e.pk) == c["element"])
        return edits.InitiativeData(
            element=element, number_label=c["number_label"].strip(), title=c["title"].strip(),
            description=c["description"], is_priority=c["is_priority"], is_new=c["is_new"],
            responsible=[int(v) for v in c["responsible"]])


def _initial(initiative: Initiative) -> dict[str, Any]:
    return {"element": str(initiative.element_id), "number_label": initiative.number_label,
            "title": initiative.title, "description": initiative.description,
            "is_priority": initiative.is_priority, "is_new": initiative.is_new,
            "responsible": [str(o.pk) for o in initiative.responsible.all()],
            "seen": fingerprint(initiative, INITIATIVE_FIELDS)}


def _form_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        form.add_error(None, exc)


# The list -----------------------------------------------------------------------------------

def _list_context(plan: Plan, standing: Standing, form: InitiativeForm | None = None
                  ) -> dict[str, Any]:
    initiatives = list(plan.initiatives.prefetch_related(
        Prefetch("responsible", queryset=Organization.objects.order_by("order", "id"))))
    placements = list(Placement.objects.filter(element__plan=plan).select_related("initiative"))
    by_home: dict[int, list[Initiative]] = {}
    for i in initiatives:
        by_home.setdefault(i.element_id, []).append(i)
    repeats: dict[int, list[Placement]] = {}
    for p in placements:
        repeats.setdefault(p.element_id, []).append(p)
    groups = [(e, path, by_home.get(e.pk, []), repeats.get(e.pk, []))
              for e, path in _elements(plan, archived=True)]
    return {"plan": plan, "municipality": plan.municipality, "standing": standing,
            "groups": [g for g in groups if g[2] or g[3]], "total": len(initiatives),
            "form": form or InitiativeForm(plan)}


@require_http_methods(["GET"])
@login_required
def initiatives_edit(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, standing = _plan(request, code, slug)
    return render(request, "plans/initiatives/list.html", _list_context(plan, standing))


@require_POST
@login_required
def initiative_add(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, standing = _plan(request, code, slug)
    form = InitiativeForm(plan, request.POST)
    if form.is_valid():
        try:
            made = edits.create_initiative(by=request.user, plan=plan,
                                           data=form.data_for_action())
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            offer_undo(request, plan, made, f"取組「{made.object_label}」を追加しました。")
            return HttpResponseRedirect(reverse("plans:initiative_edit",
                                                args=[code, slug, int(made.object_id)]))
    return render(request, "plans/initiatives/list.html", _list_context(plan, standing, form),
                  status=400)


# One 取組 -------------------------------------------------------------------------------------

def _initiative(request: HttpRequest, code: str, slug: str, pk: int
                ) -> tuple[Plan, Standing, Initiative]:
    plan, standing = _plan(request, code, slug)
    initiative = get_object_or_404(Initiative.objects.select_related("element"), plan=plan, pk=pk)
    initiative.plan = plan
    return plan, standing, initiative


def _actors(plan: Plan) -> list[Actor]:
    return list(plan.actors.all())


def _initiative_context(request: HttpRequest, plan: Plan, initiative: Initiative,
                        form: InitiativeForm, **extra: Any) -> dict[str, Any]:
    statements = list(ActorStatement.objects.filter(initiative=initiative).select_related("actor"))
    elements = form.element_rows
    placed = list(initiative.placements.select_related("element"))
    return {"plan": plan, "municipality": plan.municipality,
            "standing": Standing.of(request.user, plan), "initiative": initiative,
            "form": form, "may_edit": edits.can_edit_initiative(request.user, plan, initiative),
            "placements": placed,
            "place_choices": [(e, path) for e, path in elements
                              if e.pk != initiative.element_id
                              and e.pk not in {p.element_id for p in placed}],
            "blocks": _statement_blocks(request, plan, statements), "actors": _actors(plan),
            "add_url": reverse("plans:initiative_statements",
                               args=[plan.municipality.code, plan.slug, initiative.pk]),
            **extra}


def _statement_blocks(request: HttpRequest, plan: Plan, statements: list[ActorStatement]
                      ) -> list[Any]:
    blocks = actor_blocks(statements)
    for block in blocks:
        block.may_edit = edits.can_edit_statement(request.user, plan, block.actor)  # type: ignore[attr-defined]
    return blocks


@require_http_methods(["GET", "POST"])
@login_required
def initiative_edit(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, _standing, initiative = _initiative(request, code, slug, pk)
    if request.method == "GET":
        form = InitiativeForm(plan, initial=_initial(initiative))
        return render(request, "plans/initiatives/edit.html",
                      _initiative_context(request, plan, initiative, form))
    forbid_unless(edits.can_edit_initiative(request.user, plan, initiative),
                  edits.refused_owned(plan, edits.initiative_owner_ids(
                      plan, [o.pk for o in initiative.responsible.all()])))
    form = InitiativeForm(plan, request.POST)
    if form.is_valid():
        try:
            made = edits.edit_initiative(by=request.user, initiative=initiative,
                                         data=form.data_for_action(),
                                         seen=form.cleaned_data["seen"])
        except StaleEdit as stale:
            current = stale.current if isinstance(stale.current, Initiative) else initiative
            return render(request, "plans/initiatives/edit.html", _initiative_context(
                request, plan, initiative, form, stale=STALE, current=current,
                current_responsible=list(current.responsible.all()),
                fresh_seen=fingerprint(current, INITIATIVE_FIELDS)), status=409)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            default = reverse("plans:initiative_edit", args=[code, slug, pk])
            if made is not None:
                offer_undo(request, plan, made, f"取組「{made.object_label}」を保存しました。")
            else:
                messages.success(request, f"取組「{initiative}」を保存しました。")
            return HttpResponseRedirect(back_to(request, default))
    return render(request, "plans/initiatives/edit.html",
                  _initiative_context(request, plan, initiative, form), status=400)


@require_POST
@login_required
def initiative_placement(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, _standing, initiative = _initiative(request, code, slug, pk)
    default = reverse("plans:initiative_edit", args=[code, slug, pk])
    element_id = ascii_int(request.POST.get("element", ""))
    element = plan.elements.filter(pk=element_id).first() if element_id is not None else None
    if element is None:
        messages.error(request, "再掲先の項目を一覧から選んでください。何も保存していません。")
        return HttpResponseRedirect(default)
    add = request.POST.get("do") != "remove"
    try:
        made = edits.place_initiative(by=request.user, initiative=initiative, element=element,
                                      add=add)
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
    else:
        offer_undo(request, plan, made, f"「{element.heading}」に【再掲】しました。" if add
                   else f"「{element.heading}」の【再掲】を外しました。")
    return HttpResponseRedirect(default)


@require_http_methods(["GET", "POST"])
@login_required
def initiative_delete(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, _standing, initiative = _initiative(request, code, slug, pk)
    context = {"plan": plan, "municipality": plan.municipality, "initiative": initiative,
               "standing": Standing.of(request.user, plan), "references": edits.initiative_references(initiative),
               "archives": plan.is_published}
    if request.method == "GET":
        return render(request, "plans/initiatives/delete.html", context)
    try:
        made = edits.delete_initiative(by=request.user, initiative=initiative)
    except ValidationError as exc:
        return render(request, "plans/initiatives/delete.html",
                      {**context, "error": "".join(exc.messages)}, status=400)
    done = "廃止しました（公開ページには表示しません）。" if plan.is_published else "削除しました。"
    offer_undo(request, plan, made, f"取組「{made.object_label}」を{done}")
    return HttpResponseRedirect(reverse("plans:initiatives_edit", args=[code, slug]))


# What each actor does -----------------------------------------------------------------------

class StatementForm(forms.Form):
    actor = forms.ChoiceField(label="主体")
    text = forms.CharField(label="内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    detail = forms.CharField(label="補足", max_length=5000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, plan: Plan, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actors = _actors(plan)
        cast(forms.ChoiceField, self.fields["actor"]).choices = [
            (str(a.pk), f"{a.label}（{a.sphere_text}）" if a.sphere_text else a.label)
            for a in self.actors]

    def actor_row(self) -> Actor:
        return next(a for a in self.actors if str(a.pk) == self.cleaned_data["actor"])


def _add_statement(request: HttpRequest, plan: Plan, default: str, *,
                   element: PlanElement | None = None, initiative: Initiative | None = None
                   ) -> HttpResponse:
    form = StatementForm(plan, request.POST)
    if not form.is_valid():
        messages.error(request, "主体を選び、内容を入力してください（5000文字以内）。何も保存していません。")
        return HttpResponseRedirect(default)
    actor = form.actor_row()
    forbid_unless(edits.can_edit_statement(request.user, plan, actor),
                  edits.refused_owned(plan, edits.actor_owner_ids(plan, actor)))
    try:
        made = edits.create_statement(by=request.user, plan=plan, actor=actor,
                                      text=form.cleaned_data["text"],
                                      detail=form.cleaned_data["detail"],
                                      element=element, initiative=initiative)
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
    else:
        offer_undo(request, plan, made, f"{actor.label}の内容を追加しました。")
    return HttpResponseRedirect(back_to(request, default))


@require_POST
@login_required
def initiative_statements(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, _standing, initiative = _initiative(request, code, slug, pk)
    default = reverse("plans:initiative_edit", args=[code, slug, pk]) + "#statements"
    return _add_statement(request, plan, default, initiative=initiative)


@require_http_methods(["GET", "POST"])
@login_required
def statements_edit(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, _standing = _plan(request, code, slug)
    element = get_object_or_404(PlanElement, plan=plan, pk=pk)
    element.plan = plan
    default = reverse("plans:statements_edit", args=[code, slug, pk])
    if request.method == "POST":
        return _add_statement(request, plan, default, element=element)
    statements = list(ActorStatement.objects.filter(element=element).select_related("actor"))
    return render(request, "plans/initiatives/statements.html", {
        "plan": plan, "municipality": plan.municipality, "element": element,
        "standing": Standing.of(request.user, plan),
        "path": dict((e.pk, p) for e, p in _elements(plan)).get(element.pk, str(element)),
        "blocks": _statement_blocks(request, plan, statements), "actors": _actors(plan),
        "form": StatementForm(plan), "add_url": default})


def _statement(request: HttpRequest, code: str, slug: str, pk: int
               ) -> tuple[Plan, ActorStatement, str]:
    plan, _standing = _plan(request, code, slug)
    statement = get_object_or_404(
        ActorStatement.objects.select_related("actor", "element", "initiative"), plan=plan, pk=pk)
    statement.plan = plan
    if statement.initiative_id:
        home = reverse("plans:initiative_edit", args=[code, slug, statement.initiative_id])
    elif statement.element_id:
        home = reverse("plans:statements_edit", args=[code, slug, statement.element_id])
    else:
        home = reverse("plans:plan_statements", args=[code, slug])
    return plan, statement, home + "#statements"


def _may_change(request: HttpRequest, plan: Plan, statement: ActorStatement) -> None:
    forbid_unless(edits.can_edit_statement(request.user, plan, statement.actor),
                  edits.refused_owned(plan, edits.actor_owner_ids(plan, statement.actor)))


@require_http_methods(["GET", "POST"])
@login_required
def statement_edit(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, statement, home = _statement(request, code, slug, pk)
    context: dict[str, Any] = {"plan": plan, "municipality": plan.municipality,
                               "standing": Standing.of(request.user, plan),
                               "statement": statement, "home": home,
                               "may_edit": edits.can_edit_statement(request.user, plan,
                                                                    statement.actor)}
    if request.method == "GET":
        form = StatementForm(plan, initial={
            "actor": str(statement.actor_id), "text": statement.text, "detail": statement.detail,
            "seen": fingerprint(statement, STATEMENT_FIELDS)})
        return render(request, "plans/initiatives/statement_edit.html", {**context, "form": form})
    _may_change(request, plan, statement)
    form = StatementForm(plan, request.POST)
    if form.is_valid():
        try:
            made = edits.edit_statement(by=request.user, statement=statement,
                                        actor=form.actor_row(), text=form.cleaned_data["text"],
                                        detail=form.cleaned_data["detail"],
                                        seen=form.cleaned_data["seen"])
        except StaleEdit as stale:
            return render(request, "plans/initiatives/statement_edit.html", {
                **context, "form": form, "stale": STALE, "current": stale.current,
                "fresh_seen": fingerprint(stale.current, STATEMENT_FIELDS)
                if stale.current is not None else ""}, status=409)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if made is not None:
                offer_undo(request, plan, made, "主体ごとの取組を保存しました。")
            else:
                messages.success(request, "変更はありませんでした。")
            return HttpResponseRedirect(back_to(request, home))
    return render(request, "plans/initiatives/statement_edit.html", {**context, "form": form},
                  status=400)


@require_POST
@login_required
def statement_move(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, statement, home = _statement(request, code, slug, pk)
    _may_change(request, plan, statement)
    direction = request.POST.get("direction", "")
    if direction not in {"up", "down"}:
        messages.error(request, "移動の向きは「上へ」か「下へ」です。何も変更していません。")
        return HttpResponseRedirect(back_to(request, home))
    try:
        made = edits.move_statement(by=request.user, statement=statement, up=direction == "up")
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
    else:
        if made is None:
            messages.info(request, "これ以上は移動できません。")
        else:
            offer_undo(request, plan, made, "並び順を変更しました。")
    return HttpResponseRedirect(back_to(request, home))


@require_POST
@login_required
def statement_delete(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, statement, home = _statement(request, code, slug, pk)
    _may_change(request, plan, statement)
    try:
        made = edits.delete_statement(by=request.user, statement=statement)
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
    else:
        offer_undo(request, plan, made, f"{statement.actor.label}の内容を削除しました。")
    return HttpResponseRedirect(back_to(request, home))
