"""The 体系 editor (issue #15): the 事務局 adds, renames, moves, deletes (or, once published,
archives) and renumbers the elements of a plan. Every control is a small POST form that works
without JavaScript (redirect back to the row); with htmx the tree is swapped in place. The writes
are in plans/tree.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sasaeai.accounts.access import Standing, forbid_unless, get_plan_and_standing
from sasaeai.audit.undo import StaleEdit, fingerprint
from sasaeai.lib.values import ascii_int
from sasaeai.plans import renumbering, tree
from sasaeai.plans.editing import ELEMENT_FIELDS, offer_undo
from sasaeai.plans.models import Plan, PlanElement

STALE = ("この項目は、あなたが開いた後に他の人が変更しました。何も保存していません。"
         "いま保存されている内容と、あなたの入力を見比べて、もう一度保存してください。")


def _plan(request: HttpRequest, code: str, slug: str) -> tuple[Plan, Standing]:
    plan, standing = get_plan_and_standing(request.user, code, slug)
    forbid_unless(standing.can_edit_plan(plan), tree.REFUSED)
    return plan, standing


def _element(plan: Plan, pk: int) -> PlanElement:
    element = PlanElement.objects.filter(plan=plan, pk=pk).first()
    if element is None:
        raise Http404("この計画にその項目はありません。")
    element.plan = plan
    return element


def _tree_url(plan: Plan, pk: int | None = None) -> str:
    url = reverse("plans:tree", args=[plan.municipality.code, plan.slug])
    return f"{url}#el-{pk}" if pk else url


def _context(plan: Plan, standing: Standing, **extra: Any) -> dict[str, Any]:
    return {"plan": plan, "municipality": plan.municipality, "standing": standing,
            "tree_url": _tree_url(plan), **extra}


def _tree_or_back(request: HttpRequest, plan: Plan, standing: Standing, pk: int | None
                  ) -> HttpResponse:
    """After a control: the tree partial for htmx, else back to the row."""
    if getattr(request, "htmx", False):
        return render(request, "plans/tree/tree.html",
                      _context(plan, standing, rows=tree.rows(plan), partial=True))
    return HttpResponseRedirect(_tree_url(plan, pk))


@require_GET
@login_required
def tree_page(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, standing = _plan(request, code, slug)
    return render(request, "plans/tree/page.html",
                  _context(plan, standing, rows=tree.rows(plan)))


def _default_level(plan: Plan, parent_id: int | None, after_id: int | None) -> str:
    elements = list(plan.elements.all())
    if after_id is not None:
        return next((e.level_label for e in elements if e.pk == after_id), "")
    children = [e for e in elements if e.parent_id == parent_id]
    if children:
        return children[0].level_label
    parent = next((e for e in elements if e.pk == parent_id), None)
    cousins = [e for e in elements if parent is not None and e.parent_id is not None
               and any(p.pk == e.parent_id and p.level_label == parent.level_label
                       for p in elements)]
    return cousins[0].level_label if cousins else "項目"


@require_POST
@login_required
def element_add(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    """「子を追加」「後に追加」 open the form (no title sent); the form adds the element."""
    plan, standing = _plan(request, code, slug)
    parent_id = ascii_int(request.POST.get("parent", ""))
    after_id = ascii_int(request.POST.get("after", ""))
    if "title" not in request.POST:
        near = after_id or parent_id
        where = _element(plan, near) if near else None
        return render(request, "plans/tree/add.html", _context(
            plan, standing, parent_id=parent_id, after_id=after_id, where=where,
            values={"level_label": _default_level(plan, parent_id, after_id)}))
    try:
        element, event = tree.add_element(by=request.user, plan=plan, parent_id=parent_id,
                                          after_id=after_id, data=request.POST.dict())
    except ValidationError as exc:
        return render(request, "plans/tree/add.html", _context(
            plan, standing, parent_id=parent_id, after_id=after_id, where=None,
            values=request.POST.dict(), errors=exc.messages), status=400)
    offer_undo(request, plan, event, f"「{element}」を追加しました。")
    return HttpResponseRedirect(_tree_url(plan, element.pk))


@require_http_methods(["GET", "POST"])
@login_required
def element_edit(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, standing = _plan(request, code, slug)
    element = _element(plan, pk)
    if request.method == "GET":
        return render(request, "plans/tree/edit.html", _context(
            plan, standing, element=element, seen=fingerprint(element, ELEMENT_FIELDS),
            values={name: getattr(element, name) for name in (
                "title", "level_label", "number_label", "description", "is_priority", "is_new")}))
    values = request.POST.dict()
    try:
        event = tree.edit_element(by=request.user, plan=plan, pk=pk, data=values,
                                  seen=request.POST.get("seen", ""))
    except StaleEdit as exc:
        current = exc.current
        return render(request, "plans/tree/edit.html", _context(
            plan, standing, element=current, seen=fingerprint(current, ELEMENT_FIELDS),  # type: ignore[arg-type]
            values=values, stale=True, errors=[STALE]), status=409)
    except ValidationError as exc:
        return render(request, "plans/tree/edit.html", _context(
            plan, standing, element=element, seen=request.POST.get("seen", "")[:40],
            values=values, errors=exc.messages), status=400)
    if event is None:
        messages.info(request, "変更はありませんでした。")
    else:
        offer_undo(request, plan, event, f"「{_element(plan, pk)}」を保存しました。")
    return HttpResponseRedirect(_tree_url(plan, pk))


@require_POST
@login_required
def element_move(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, standing = _plan(request, code, slug)
    _element(plan, pk)
    direction = request.POST.get("direction", "")
    parent_text = request.POST.get("parent", "")
    try:
        if not direction and parent_text and ascii_int(parent_text) is None:
            raise ValidationError("移動先の項目が見つかりません。ページを読み込み直してください。")
        position = ascii_int(request.POST.get("position", ""), max_digits=6)
        if not direction and position is None:
            raise ValidationError("移動の方向は、上へ・下へ・字下げ・字上げから選んでください。")
        moved = tree.move_element(by=request.user, plan=plan, pk=pk, direction=direction,
                                  parent_id=ascii_int(parent_text), position=position)
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
        return _tree_or_back(request, plan, standing, pk)
    renumber = reverse("plans:element_renumber", args=[code, slug, pk])
    parent = _element(plan, pk).parent_id
    if parent:
        renumber = reverse("plans:element_renumber", args=[code, slug, parent])
    done = format_html("移動しました。番号は入力どおりのままです{}。必要なら<a href=\"{}\">番号を振り直して"
                       "ください</a>。", f"（移動先に同じ番号があったため「{moved.blanked}」を空欄にしました）"
                       if moved.blanked else "", renumber)
    if moved.event is not None:
        offer_undo(request, plan, moved.event, done)
    return _tree_or_back(request, plan, standing, pk)


@require_http_methods(["GET", "POST"])
@login_required
def element_delete(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, standing = _plan(request, code, slug)
    element = _element(plan, pk)
    found = tree.referrers(element)
    if request.method == "GET":
        return render(request, "plans/tree/delete.html",
                      _context(plan, standing, element=element, found=found))
    try:
        if request.POST.get("restore") == "1":
            event = tree.restore_element(by=request.user, plan=plan, pk=pk)
            offer_undo(request, plan, event, f"「{element}」を元の体系に戻しました。")
            return _tree_or_back(request, plan, standing, pk)
        done = tree.delete_element(by=request.user, plan=plan, pk=pk)
    except ValidationError as exc:
        return render(request, "plans/tree/delete.html", _context(
            plan, standing, element=element, found=found, errors=exc.messages), status=400)
    if done.archived:
        offer_undo(request, plan, done.event, f"「{element}」を廃止しました（公開中の計画のため、"
                                              "履歴と過去の報告のために残し、公開ページには表示しません）。")
        return _tree_or_back(request, plan, standing, pk)
    offer_undo(request, plan, done.event, f"「{element}」を削除しました。")
    return _tree_or_back(request, plan, standing, element.parent_id)


@require_http_methods(["GET", "POST"])
@login_required
def element_renumber(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, standing = _plan(request, code, slug)
    element = _element(plan, pk)
    source = request.POST if request.method == "POST" else request.GET
    deep = source.get("deep") == "1"
    styles = [source.get(f"style{i}", "keep") for i in range(1, 6)]
    context = _context(plan, standing, element=element, deep=deep, styles=styles,
                       choices=renumbering.STYLES, depths=range(1, 6))
    try:
        items = renumbering.renumber_plan(plan, list(plan.elements.all()), pk, styles, deep)
    except ValidationError as exc:
        return render(request, "plans/tree/renumber.html",
                      {**context, "errors": exc.messages}, status=400)
    context.update(items=items, key=renumbering.preview_key(items),
                   levels=sorted({i.depth for i in items}) or [1],
                   picked="style1" in source)
    if request.method == "GET":
        return render(request, "plans/tree/renumber.html", context)
    try:
        changed, event = renumbering.renumber(by=request.user, plan=plan, pk=pk, styles=styles,
                                              deep=deep, key=request.POST.get("key", ""))
    except ValidationError as exc:
        return render(request, "plans/tree/renumber.html",
                      {**context, "errors": exc.messages}, status=409)
    if event is None:
        messages.info(request, "番号は変わりませんでした。")
    else:
        offer_undo(request, plan, event, f"{len(changed)}件の番号を振り直しました。")
    return HttpResponseRedirect(_tree_url(plan, pk))
