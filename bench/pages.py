"""Server time and SQL queries of the main pages, against the floor of a minimal page.

    python -m bench.pages [--repeats R] [--profile]     (against the configured, generated DB)

Run in a child process per database (see bench/__main__.py). Pages are requested in-process
through django.test.Client (no network, no server: the time is Django's — middleware, view,
queries, template — plus the test client's own small overhead, which the floor has too), with
DEBUG off and the project's middleware. The floor is a view rendering a small template through
the same engine and middleware (bench/urls.py); the site's empty layout (base.html) is timed too,
for reference. Each client (anonymous, the 事務局, a 担当) has its own floor, since a signed-in
request also loads and saves its session.

The pages are those of the first municipality of the dataset (the same at every size): its
municipality page, the plan page with its 体系図, a 基本目標's page (its branch of the 体系), the
indicator table, the progress summary and the 事務局's dashboard of the open cycle (報告 × 組織),
a 担当's task list, and as the public sees them the home page, the plan page, the 概要版 and two
lists of the read API. After 3 warm-up requests each, every round requests each page once, each
followed by its client's floor and layout, so drift hits all alike; the figures are the median
and the 95th percentile. Queries are counted (CaptureQueriesContext) on one more request, and
the slowest queries of that request are timed and kept.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.common import figure, percentile

REPEATS = 40
WARMUP = 3
TARGET_RATIO = 3.0


def _login(user: Any) -> Any:
    from django.apps import apps
    from django.test import Client

    client = Client()
    client.force_login(user)
    if apps.is_installed("django_otp"):  # the 事務局's second factor, as django_otp records it
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench",
                                                     defaults={"confirmed": True})
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def page_list() -> tuple[list[tuple[str, str, str]], dict[str, Any]]:
    from django.test import Client

    from bench.national import END_FY, SLUG, places
    from sasaeai.accounts.models import User
    from sasaeai.plans.models import Plan

    code = places()[0].code
    plan = Plan.objects.select_related("municipality").get(municipality__code=code, slug=SLUG)
    goal = plan.elements.filter(parent__isnull=True).order_by("order", "id").first()
    assert goal is not None  # noqa: S101
    cycle = plan.cycles.get(fiscal_year=END_FY)
    base = f"/{code}/{SLUG}/"
    clients = {
        "anonymous": Client(),
        "secretariat": _login(User.objects.get(username=f"b{code}-jimukyoku")),
        "staff": _login(User.objects.get(username=f"b{code}-tanto")),
    }
    pages = [
        ("municipality", "secretariat", f"/{code}/"),
        ("plan", "secretariat", base),
        ("element", "secretariat", f"{base}elements/{goal.pk}/"),
        ("indicators", "secretariat", f"{base}indicators/"),
        ("summary", "secretariat", f"{base}cycles/{cycle.pk}/summary/"),
        ("dashboard", "secretariat", f"{base}cycles/{cycle.pk}/"),
        ("tasks", "staff", "/tasks/"),
        ("public.home", "anonymous", "/"),
        ("public.plan", "anonymous", base),
        ("public.digest", "anonymous", f"{base}digest/"),
        ("api.municipalities", "anonymous", "/api/municipalities"),
        ("api.initiatives", "anonymous", f"/api/plans/{code}/{SLUG}/initiatives"),
    ]
    return pages, clients


def _timed(client: Any, url: str) -> tuple[float, Any]:
    start = time.perf_counter()
    response = client.get(url)
    return time.perf_counter() - start, response


def slow_queries(client: Any, url: str, keep: int = 3) -> tuple[int, list[dict[str, Any]]]:
    """The number of queries of one request, and its slowest ones with their times."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings: list[tuple[float, str]] = []

    def timer(execute: Callable[..., Any], sql: str, params: Any, many: bool,
              context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - start, sql))

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
        client.get(url)
    timings.sort(reverse=True)
    return len(captured), [{"ms": round(t * 1000, 3), "sql": sql[:300]}
                           for t, sql in timings[:keep]]


def measure(repeats: int = REPEATS, profile: bool = False) -> dict[str, Any]:
    from django.db import connection

    pages, clients = page_list()
    for name, who, url in pages:
        response = clients[who].get(url)
        if response.status_code != 200:
            raise SystemExit(f"{name} ({who}) {url}: status {response.status_code} "
                             f"{response.get('Location', '')}")
    floors = {who: "/__bench__/floor/" for who in clients}
    for who, client in clients.items():
        for url in (floors[who], "/__bench__/layout/"):
            if client.get(url).status_code != 200:
                raise SystemExit(f"floor {url} ({who}) failed")

    for _ in range(WARMUP):
        for _name, who, url in pages:
            clients[who].get(url)
            clients[who].get(floors[who])
            clients[who].get("/__bench__/layout/")
    times: dict[str, list[float]] = {name: [] for name, _, _ in pages}
    floor_times: dict[str, list[float]] = {who: [] for who in clients}
    layout_times: dict[str, list[float]] = {who: [] for who in clients}
    sizes: dict[str, int] = {}
    for _ in range(repeats):
        for name, who, url in pages:
            elapsed, response = _timed(clients[who], url)
            times[name].append(elapsed)
            sizes[name] = len(response.content)
            floor_times[who].append(_timed(clients[who], floors[who])[0])
            layout_times[who].append(_timed(clients[who], "/__bench__/layout/")[0])

    result: dict[str, Any] = {"vendor": connection.vendor, "repeats": repeats, "pages": {},
                              "floors": {}}
    for who in clients:
        queries, _ = slow_queries(clients[who], floors[who])
        result["floors"][who] = {
            "median_ms": statistics.median(floor_times[who]) * 1000,
            "p95_ms": percentile(floor_times[who], 0.95) * 1000,
            "layout_median_ms": statistics.median(layout_times[who]) * 1000,
            "layout_p95_ms": percentile(layout_times[who], 0.95) * 1000,
            "queries": queries,
        }
    for name, who, url in pages:
        queries, slowest = slow_queries(clients[who], url)
        result["pages"][name] = {
            "who": who, "url": url, "bytes": sizes[name], "queries": queries,
            "median_ms": statistics.median(times[name]) * 1000,
            "p95_ms": percentile(times[name], 0.95) * 1000,
            "max_ms": max(times[name]) * 1000, "slowest_queries": slowest,
        }
    if profile:
        for name, who, url in pages:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(5):
                clients[who].get(url)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
            print(f"--- profile: {name} ({who}) {url}, 5 requests, by own time", file=sys.stderr)
            print(out.getvalue(), file=sys.stderr)
    return result


def figures(measured: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """results.json entries from the children's answers, by size ("small", "national", …)."""
    found: dict[str, dict[str, Any]] = {}
    for size, answer in measured.items():
        for name, page in answer["pages"].items():
            floor = answer["floors"][page["who"]]
            ratio = page["p95_ms"] / floor["p95_ms"]
            found[f"pages.{name}.{size}.p95_ms"] = figure(
                page["p95_ms"], "ms", floor=floor["p95_ms"], size=size,
                target=f"≤{TARGET_RATIO:g}× floor" + ("" if size == "national" else
                                                      " (target set at national size)"),
                met=ratio <= TARGET_RATIO, digits=2,
                median_ms=round(page["median_ms"], 2),
                floor_median_ms=round(floor["median_ms"], 2),
                ratio_median=round(page["median_ms"] / floor["median_ms"], 2),
                floor_layout_p95_ms=round(floor["layout_p95_ms"], 2),
                ratio_to_layout=round(page["p95_ms"] / floor["layout_p95_ms"], 2),
                who=page["who"], url=page["url"], queries=page["queries"],
                bytes=page["bytes"], repeats=answer["repeats"], vendor=answer["vendor"],
                slowest_query_ms=page["slowest_queries"][0]["ms"] if page["slowest_queries"]
                else None)
    by_vendor: dict[str, dict[str, dict[str, Any]]] = {}
    for size, answer in measured.items():
        by_vendor.setdefault(answer["vendor"], {})[size] = answer
    postgres = by_vendor.get("postgresql", {})
    if "small" in postgres and "national" in postgres:
        small, national = postgres["small"], postgres["national"]
        for name, page in national["pages"].items():
            before = small["pages"][name]["queries"]
            after = page["queries"]
            found[f"pages.{name}.queries"] = figure(
                after, "queries", floor=before, target="= small size", met=after == before,
                digits=0, size="national", small=before, national=after,
                floor_is="queries of the same page at small size",
                growth_p95=round(page["p95_ms"] / small["pages"][name]["p95_ms"], 2))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of 5 requests per page to stderr")
    args = parser.parse_args(argv)
    from bench.common import setup_django

    setup_django(urlconf="bench.urls")
    print(json.dumps(measure(args.repeats, args.profile), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
