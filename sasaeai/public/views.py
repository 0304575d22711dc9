"""The public site's own pages: search across a plan."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sasaeai.accounts.access import get_plan_for_user, is_member
from sasaeai.public.search import search_plan, terms_of

MAX_QUERY = 100


@require_GET
def plan_search(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, code, slug)
    query = request.GET.get("q", "")[:MAX_QUERY]
    groups = search_plan(plan, request.user, query) if query.strip() else []
    return render(request, "public/search.html", {
        "plan": plan, "municipality": plan.municipality, "query": query,
        "terms": terms_of(query), "groups": groups,
        "count": sum(len(g.hits) for g in groups),
        "is_member": is_member(request.user, plan.municipality),
    })
