"""The public site's own pages: search across a plan, and its 概要版."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from sasaeai.accounts.access import get_plan_for_user
from sasaeai.public.digest import digest_context, digest_pdf
from sasaeai.public.search import search_plan, terms_of

MAX_QUERY = 100


@require_GET
def plan_search(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, code, slug)
    query = request.GET.get("q", "").replace("\x00", "")[:MAX_QUERY]  # PostgreSQL refuses NUL
    groups = search_plan(plan, request.user, query) if query.strip() else []
    return render(request, "public/search.html", {
        "plan": plan, "municipality": plan.municipality, "query": query,
        "terms": terms_of(query), "groups": groups,
        "count": sum(len(g.hits) for g in groups),
    })


@require_GET
def plan_digest(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, code, slug)
    if request.GET.get("export") == "pdf":
        response = HttpResponse(digest_pdf(plan), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            True, f"{plan.title}_概要版.pdf".replace(" ", "_"))
        return response
    return render(request, "public/digest.html", digest_context(plan))
