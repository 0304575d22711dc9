from __future__ import annotations

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sasaeai.accounts.access import (
    get_municipalities_for_user,
    get_municipality_and_standing,
    member_municipality_ids,
    plans_for_user,
)
from sasaeai.plans.models import Plan
from sasaeai.tenancy.models import Area, Municipality, Organization

# The home page lists every municipality only while there are few; beyond that it offers the
# prefectures and a search, so it stays the same size with 5 municipalities or 1,741.
HOME_LIST_LIMIT = 60


def _with_plans(municipalities: QuerySet[Municipality], visible: QuerySet[Plan]
                ) -> QuerySet[Municipality]:
    return municipalities.prefetch_related(
        Prefetch("plans", queryset=visible.order_by("-start_fy", "title"), to_attr="visible_plans")
    ).order_by("code")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    visible = plans_for_user(request.user)
    reachable = get_municipalities_for_user(request.user)
    # PostgreSQL refuses NUL in a string; nobody searches for one.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:40]
    prefecture = request.GET.get("pref", "").replace("\x00", "").strip()[:10]
    prefectures = list(reachable.values("prefecture").annotate(count=Count("pk"), first=Min("code"))
                       .order_by("first"))
    total = sum(p["count"] for p in prefectures)
    if query:
        chosen = reachable.filter(Q(name__contains=query) | Q(kana__contains=query)
                                  | Q(code__startswith=query))
    elif prefecture:
        chosen = reachable.filter(prefecture=prefecture)
    elif total <= HOME_LIST_LIMIT:
        chosen = reachable
    else:
        chosen = reachable.none()
    shown = list(_with_plans(chosen, visible)[:HOME_LIST_LIMIT + 1])
    own_ids = member_municipality_ids(request.user)
    own = list(_with_plans(Municipality.objects.filter(pk__in=own_ids), visible)) if (
        own_ids and total > HOME_LIST_LIMIT) else []
    return render(request, "tenancy/home.html", {
        "municipalities": shown[:HOME_LIST_LIMIT], "more": len(shown) > HOME_LIST_LIMIT,
        "own": own, "prefectures": prefectures, "total": total, "query": query,
        "prefecture": prefecture, "browsing": bool(query or prefecture),
        "limit": HOME_LIST_LIMIT,
    })


def tree(nodes: list, parent_attr: str = "parent_id") -> list[dict]:
    """Nest an already-loaded list into [{"node": n, "children": [...]}, ...] without queries."""
    by_parent: dict[int | None, list] = {}
    for node in nodes:
        by_parent.setdefault(getattr(node, parent_attr), []).append(node)

    def build(parent_id: int | None) -> list[dict]:
        return [{"node": n, "children": build(n.pk)} for n in by_parent.get(parent_id, [])]

    return build(None)


@require_GET
def municipality(request: HttpRequest, code: str) -> HttpResponse:
    muni, standing = get_municipality_and_standing(request.user, code)
    member = standing.member
    plans = (
        plans_for_user(request.user)
        .filter(municipality=muni)
        .prefetch_related("owners")
        .select_related("predecessor", "parent")
        .order_by("-start_fy", "title")
    )
    shown = [p.for_reader(public=not member) for p in plans]
    if request.GET.get("export") == "csv":
        return plans_csv(muni, shown)
    organizations = list(Organization.objects.filter(municipality=muni))
    areas = list(Area.objects.filter(municipality=muni))
    return render(
        request,
        "tenancy/municipality.html",
        {
            "municipality": muni,
            "plans": shown,
            "organization_tree": tree(organizations),
            "area_tree": tree(areas),
            "area_count": len(areas),
            "has_sample_areas": any(a.is_sample_name for a in areas),
        },
    )


def plans_csv(muni: Municipality, plans: list[Plan]) -> HttpResponse:
    """The municipality's plans the reader may see, as open data."""
    from sasaeai.lib.opendata import csv_response

    rows = [[p.title, p.get_kind_display(), p.generation, p.start_fy or "", p.end_fy or "",
             p.period_label, "・".join(o.name for o in p.owners.all()), p.get_status_display(),
             p.predecessor.title if p.predecessor else ""] for p in plans]
    return csv_response(
        f"{muni.name}_計画.csv",
        ["計画名", "種類", "期・次", "開始年度", "終了年度", "計画期間", "策定主体", "状態", "前計画"], rows,
        source=f"{muni.name}（ささえあい）")
