"""The indicator editor (issue #15): the 事務局 changes an indicator's definition, its targets
and its observations in the browser, adds an indicator, and merges two that are the same.

Every form works without JavaScript (a POST, then a redirect). A refused input re-renders the
page with what was typed and a Japanese message (400); an edit made on a page that showed an
older state is refused with both versions (409)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from sasaeai.accounts.access import Standing, forbid_unless, get_plan_and_standing
from sasaeai.audit.undo import StaleEdit, fingerprint
from sasaeai.indicators import edits
from sasaeai.indicators.forms_edit import (
    CorrectionForm,
    IndicatorForm,
    ObservationForm,
    ReasonForm,
    TargetForm,
)
from sasaeai.indicators.models import Indicator, Observation, Target
from sasaeai.lib.values import ascii_int
from sasaeai.plans.editing import back_to, offer_undo
from sasaeai.plans.models import Plan

STALE = ("この項目は、あなたが開いた後に他の人が変更しました。何も保存していません。"
         "いま保存されている内容と、あなたの入力を並べて表示します。確認してから保存し直してください。")
REFUSED = "指標を編集できるのは事務局です。"


def _editable(request: HttpRequest, code: str, slug: str, pk: int | None = None
              ) -> tuple[Plan, Standing, Indicator | None]:
    plan, standing = get_plan_and_standing(request.user, code, slug)
    indicator = None
    if pk is not None:
        indicator = get_object_or_404(Indicator, plan=plan, pk=pk)
        indicator.plan = plan
    forbid_unless(standing.can_edit_plan(plan), REFUSED)
    return plan, standing, indicator


def edit_url(plan: Plan, indicator: Indicator) -> str:
    return reverse("indicators:edit", args=[plan.municipality.code, plan.slug, indicator.pk])


def _shown(row: models.Model, name: str) -> str:
    attname = name.removesuffix("_id")
    model_field = row._meta.get_field(attname)
    if getattr(model_field, "choices", None):
        value: Any = getattr(row, f"get_{attname}_display")()
    else:
        value = getattr(row, attname)
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    return "—" if value in (None, "") else str(value)


def _typed(form: Any, name: str) -> str:
    bound = form[name]
    value = bound.value()
    field = form.fields[name]
    if hasattr(field, "choices") and value not in (None, ""):
        labels = {str(k): v for k, v in field.choices}
        value = labels.get(str(value), value)
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    return "—" if value in (None, "") else str(value)


def _both(current: models.Model, form: Any, names: list[str]) -> list[tuple[str, str, str]]:
    """What is saved now beside what the user typed, field by field (for a 409)."""
    rows = []
    for name in names:
        label = str(form.fields[name].label) if name in form.fields else name
        saved = _shown(current, name) if hasattr(current, name) else "—"
        rows.append((label, saved, _typed(form, name) if name in form.fields else "—"))
    return rows


def _rows(indicator: Indicator) -> dict[str, Any]:
    targets = list(indicator.targets.all())
    observations = sorted(indicator.observations.all(), key=lambda o: (o.role, o.year or 0, o.pk))
    return {
        "targets": [{"row": t, "seen": fingerprint(t, edits.TARGET_FIELDS),
                     "form": TargetForm(prefix=f"t{t.pk}", initial={
                         "year": t.year_label, "verbatim": t.verbatim, "kind": t.kind,
                         "value": t.value.normalize() if t.value is not None else ""})}
                    for t in targets],
        "observations": [{"row": o, "seen": fingerprint(o, edits.OBSERVATION_FIELDS),
                          "form": CorrectionForm(prefix=f"o{o.pk}", initial={
                              "role": o.role, "year": o.year_label, "verbatim": o.verbatim,
                              "value": o.value.normalize() if o.value is not None else "",
                              "status": o.status, "note": o.note}),
                          "delete_form": ReasonForm(prefix=f"d{o.pk}")}
                         for o in observations],
    }


def _page(request: HttpRequest, plan: Plan, indicator: Indicator, *, status: int = 200,
          **context: Any) -> HttpResponse:
    rows = _rows(indicator)
    bound = context.pop("bound", None)  # (key, form): the form that was refused, as typed
    if bound is not None:
        key, form = bound
        for item in rows["targets"] + rows["observations"]:
            prefix = "t" if isinstance(item["row"], Target) else "o"
            if key == f"{prefix}{item['row'].pk}":
                item["form"] = form
                item["open"] = True
            if key == f"d{item['row'].pk}":
                item["delete_form"] = form
                item["open"] = True
    return render(request, "indicators/edit/editor.html", {
        "plan": plan, "municipality": plan.municipality, "indicator": indicator,
        "form": context.pop("form", None) or IndicatorForm(instance=indicator, plan=plan),
        "seen": context.pop("seen", fingerprint(indicator, edits.INDICATOR_FIELDS)),
        "new_target": (bound[1] if bound and bound[0] == "tnew" else TargetForm(prefix="tnew")),
        "new_observation": (bound[1] if bound and bound[0] == "onew"
                            else ObservationForm(prefix="onew")),
        "others": Indicator.objects.for_plan(plan).exclude(pk=indicator.pk).count(),
        **rows, **context,
    }, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def indicator_edit(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, _standing, indicator = _editable(request, code, slug, pk)
    assert indicator is not None  # noqa: S101 - a pk was given
    if request.method == "GET":
        return _page(request, plan, indicator)
    form = IndicatorForm(request.POST, instance=Indicator.objects.get(pk=indicator.pk), plan=plan)
    seen = request.POST.get("seen", "")
    if not form.is_valid():
        return _page(request, plan, indicator, form=form, seen=seen, status=400,
                     error="入力を確認してください。何も保存していません。")
    try:
        made = edits.edit_indicator(by=request.user, indicator=indicator, data=form.values(),
                                    seen=seen)
    except StaleEdit as exc:
        current = exc.current or indicator
        return _page(request, plan, indicator, form=form, status=409, error=STALE,
                     seen=fingerprint(current, edits.INDICATOR_FIELDS),
                     stale=_both(current, form, list(form.Meta.fields)))
    except ValidationError as exc:
        _add_errors(form, exc)
        return _page(request, plan, indicator, form=form, seen=seen, status=400,
                     error="入力を確認してください。何も保存していません。")
    offer_undo(request, plan, made, f"指標「{made.object_label}」を保存しました。")
    return HttpResponseRedirect(back_to(request, edit_url(plan, indicator)))


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_http_methods(["GET", "POST"])
@login_required
def indicator_add(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, _standing, _none = _editable(request, code, slug)
    form = IndicatorForm(request.POST or None, instance=Indicator(plan=plan), plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            made = edits.create_indicator(by=request.user, plan=plan, data=form.values())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            offer_undo(request, plan, made, f"指標「{made.object_label}」を追加しました。")
            return HttpResponseRedirect(reverse("indicators:edit", args=[
                plan.municipality.code, plan.slug, int(made.object_id)]))
    return render(request, "indicators/edit/add.html", {
        "plan": plan, "municipality": plan.municipality, "form": form,
    }, status=400 if form.is_bound else 200)


def _row_of(model: type[models.Model], request: HttpRequest, key: str, indicator: Indicator
            ) -> Any:
    pk = ascii_int(request.POST.get(key, ""), max_digits=12)
    return model._default_manager.filter(pk=pk, indicator=indicator).first() if pk else None


@require_POST
@login_required
def indicator_target(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    """Add (no `target`), change (`op=edit`) or delete (`op=delete`) one of the targets."""
    plan, _standing, indicator = _editable(request, code, slug, pk)
    assert indicator is not None  # noqa: S101
    target = _row_of(Target, request, "target", indicator)
    op = request.POST.get("op", "add")
    if op not in ("add", "edit", "delete") or (op != "add" and target is None):
        return _page(request, plan, indicator, status=400,
                     error="目標値が見つかりません（既に削除されたか、別の指標のものです）。")
    seen = request.POST.get("seen", "")
    key = f"t{target.pk}" if target else "tnew"
    form = TargetForm(request.POST, prefix=key)
    try:
        if op == "delete":
            made = edits.delete_target(by=request.user, target=target, seen=seen)
            done = "目標値を削除しました。"
        else:
            if not form.is_valid():
                return _page(request, plan, indicator, bound=(key, form), status=400,
                             error="目標値の入力を確認してください。何も保存していません。")
            made = edits.save_target(by=request.user, indicator=indicator,
                                     data=form.cleaned_data["target"], target=target, seen=seen)
            done = "目標値を保存しました。"
    except StaleEdit as exc:
        return _stale_figure(request, plan, indicator, exc, key, form)
    except ValidationError as exc:
        _add_errors(form, exc)
        return _page(request, plan, indicator, bound=(key, form), status=400,
                     error="".join(exc.messages))
    offer_undo(request, plan, made, done)
    return HttpResponseRedirect(edit_url(plan, indicator) + "#targets-h")


def _stale_figure(request: HttpRequest, plan: Plan, indicator: Indicator, exc: StaleEdit,
                  key: str, form: Any) -> HttpResponse:
    current = exc.current
    names = [n for n in ("role", "year", "verbatim", "kind", "value", "status", "note")
             if n in form.fields]
    stale = _both(current, form, names) if current is not None else []
    return _page(request, plan, indicator, bound=(key, form), status=409, error=STALE,
                 stale=stale)


@require_POST
@login_required
def indicator_observation(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    """Add (no `observation`), correct (`op=correct`, with a reason) or delete (`op=delete`,
    with a reason) one of the observed values."""
    plan, _standing, indicator = _editable(request, code, slug, pk)
    assert indicator is not None  # noqa: S101
    row = _row_of(Observation, request, "observation", indicator)
    op = request.POST.get("op", "add")
    if op not in ("add", "correct", "delete") or (op != "add" and row is None):
        return _page(request, plan, indicator, status=400,
                     error="値が見つかりません（既に削除されたか、別の指標のものです）。")
    seen = request.POST.get("seen", "")
    form: Any
    if op == "add":
        key, form = "onew", ObservationForm(request.POST, prefix="onew")
    elif op == "correct":
        key, form = f"o{row.pk}", CorrectionForm(request.POST, prefix=f"o{row.pk}")
    else:
        key, form = f"d{row.pk}", ReasonForm(request.POST, prefix=f"d{row.pk}")
    if not form.is_valid():
        return _page(request, plan, indicator, bound=(key, form), status=400,
                     error="値の入力を確認してください。何も保存していません。")
    try:
        if op == "add":
            made = edits.add_observation(by=request.user, indicator=indicator,
                                         data=form.cleaned_data["observation"])
            done = "値を登録しました。"
        elif op == "correct":
            made = edits.correct_observation(
                by=request.user, observation=row, data=form.cleaned_data["observation"],
                reason=form.cleaned_data["reason"], seen=seen)
            done = "値を訂正しました（訂正前の値と理由は履歴に残ります）。"
        else:
            made = edits.delete_observation(by=request.user, observation=row,
                                            reason=form.cleaned_data["reason"], seen=seen)
            done = "値を削除しました（削除した値と理由は履歴に残ります）。"
    except StaleEdit as exc:
        return _stale_figure(request, plan, indicator, exc, key, form)
    except ValidationError as exc:
        _add_errors(form, exc)
        return _page(request, plan, indicator, bound=(key, form), status=400,
                     error="".join(exc.messages))
    offer_undo(request, plan, made, done)
    return HttpResponseRedirect(edit_url(plan, indicator) + "#observations-h")


@require_http_methods(["GET", "POST"])
@login_required
def indicator_merge(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    """Choose the other indicator, see what moves, confirm: the other one is merged into this."""
    plan, _standing, indicator = _editable(request, code, slug, pk)
    assert indicator is not None  # noqa: S101
    source = request.POST if request.method == "POST" else request.GET
    candidates = list(Indicator.objects.for_plan(plan).exclude(pk=indicator.pk))
    other_pk = ascii_int(source.get("other", ""), max_digits=12)
    other = next((c for c in candidates if c.pk == other_pk), None)
    context: dict[str, Any] = {"plan": plan, "municipality": plan.municipality,
                               "indicator": indicator, "candidates": candidates, "other": other}
    status = 200
    if source.get("other") and other is None:
        context["error"] = "統合する指標を一覧から選んでください。"
        status = 400
    if other is not None:
        other.plan = plan
        context["preview"] = edits.plan_merge(indicator, other)
    if request.method == "POST" and other is not None:
        if source.get("confirm") != "1":
            context["error"] = "「統合する」の確認にチェックを入れてください。何も変更していません。"
            return render(request, "indicators/edit/merge.html", context, status=400)
        try:
            made = edits.merge_indicators(by=request.user, survivor=indicator, other=other)
        except ValidationError as exc:
            context["error"] = "統合できません。何も変更していません。"
            context["refusals"] = exc.messages
            return render(request, "indicators/edit/merge.html", context, status=409)
        from django.contrib import messages

        messages.success(request, made.note)
        return HttpResponseRedirect(reverse("indicators:detail", args=[
            plan.municipality.code, plan.slug, indicator.pk]))
    if request.method == "POST":
        context["error"] = context.get("error") or "統合する指標を一覧から選んでください。"
        status = 400
    return render(request, "indicators/edit/merge.html", context, status=status)
