"""「新しい計画をつくる」: the 事務局 starts an empty 素案 and goes on in the plan's editors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sasaeai.accounts.access import get_municipality_for_plan_creator
from sasaeai.plans.creation import NewPlanForm, create_plan


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_municipality_for_plan_creator(request.user, code)
    form = NewPlanForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            plan = create_plan(by=request.user, municipality=municipality, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"「{plan.title}」を素案としてつくりました。体系・取組・指標をこの計画の編集ページから加えてください。")
            return redirect(plan.get_absolute_url())
    return render(request, "plans/plan_create.html", {"municipality": municipality, "form": form},
                  status=400 if form.errors else 200)
