"""The figures of a load run or a restart drill: printed, and merged into bench/results.json."""

from __future__ import annotations

import argparse
import os
from collections import Counter
from typing import Any

from bench.common import figure, merge_results, percentile, print_table
from bench.load.browser import Recorder, Sample
from bench.load.drill import Restart
from bench.load.server import Site

PUBLIC_TARGET_MS = 300.0
STAFF_TARGET_MS = 500.0


def summarize(samples: list[Sample], group: str) -> dict[str, Any]:
    chosen = [s for s in samples if s.group == group]
    times = [(s.end - s.start) * 1000 for s in chosen]
    errors = sum(1 for s in chosen if s.error)
    return {
        "requests": len(chosen), "errors": errors,
        "error_rate": errors / len(chosen) if chosen else 0.0,
        "p50_ms": percentile(times, 0.5) if times else 0.0,
        "p95_ms": percentile(times, 0.95) if times else 0.0,
        "p99_ms": percentile(times, 0.99) if times else 0.0,
        "max_ms": max(times) if times else 0.0,
        "conflicts": sum(1 for s in chosen if s.note == "conflict"),
    }


def slowest(samples: list[Sample], group: str) -> list[tuple[str, int, float, float]]:
    by_kind: dict[str, list[float]] = {}
    for s in samples:
        if s.group == group:
            by_kind.setdefault(f"{s.method} {s.kind}", []).append((s.end - s.start) * 1000)
    return sorted(((k, len(v), percentile(v, 0.5), percentile(v, 0.95))
                   for k, v in by_kind.items()), key=lambda r: -r[3])

def report(args: argparse.Namespace, samples: list[Sample], recorder: Recorder,
           check: dict[str, Any], log: str, restart: Restart | None, run_start: float,
           run_end: float, site: Site) -> None:
    groups = {g: summarize(samples, g) for g in ("public", "staff", "login")}
    print()
    print(f"{'group':<8} {'requests':>8} {'errors':>6} {'rate':>7} {'p50 ms':>8} "
          f"{'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, g in groups.items():
        print(f"{name:<8} {g['requests']:>8} {g['errors']:>6} {g['error_rate']:>7.2%} "
              f"{g['p50_ms']:>8.1f} {g['p95_ms']:>8.1f} {g['p99_ms']:>8.1f} {g['max_ms']:>8.1f}")
    print()
    for group in ("public", "staff"):
        print(f"slowest {group} pages (kind, n, p50 ms, p95 ms):")
        for kind, n, p50, p95 in slowest(samples, group)[:5]:
            print(f"  {kind:<22} {n:>6} {p50:>8.1f} {p95:>8.1f}")
    total = len(samples)
    errors = sum(1 for s in samples if s.error)
    seconds = run_end - run_start
    statuses = Counter(s.status for s in samples)
    retried = log.count("を再試行します") + log.count("再試行します（")
    print(f"\n{total} requests in {seconds:.1f} s ({total / seconds:.1f}/s), statuses "
          f"{dict(sorted(statuses.items()))}; saves: {check['saves_ok']} ok, "
          f"{check['saves_conflict']} conflicts, {check['saves_failed']} failed; "
          f"reads retried on a fresh connection (server log): {retried}")
    setup = {"users": args.users, "staff": args.staff, "writers": args.writers,
             "seconds": args.seconds, "database": args.database,
             "server": f"gunicorn gthread {site.workers}×{site.threads}, keep-alive 10 s, "
                       "production settings",
             "total_requests": total, "loadavg_1min_after": round(os.getloadavg()[0], 2)}
    figures: dict[str, dict[str, Any]] = {}
    prefix = "load.restart." if restart is not None else "load."
    if restart is None:
        for group, target in (("public", PUBLIC_TARGET_MS), ("staff", STAFF_TARGET_MS)):
            g = groups[group]
            figures[f"load.{group}.p95_ms"] = figure(
                g["p95_ms"], "ms", floor=None, target=f"≤{target:g} ms",
                met=g["p95_ms"] <= target, digits=1, requests=g["requests"],
                errors=g["errors"], p50_ms=round(g["p50_ms"], 1), p99_ms=round(g["p99_ms"], 1),
                **setup)
        figures["load.error_rate"] = figure(
            errors / total if total else 0.0, "ratio", floor=None, target="0 errors",
            met=errors == 0, digits=6, errors=errors,
            by_group={g: groups[g]["errors"] for g in groups}, **setup)
        figures["load.login.p95_ms"] = figure(
            groups["login"]["p95_ms"], "ms", floor=None, target="reference (PBKDF2 by design)",
            met=None, digits=1, requests=groups["login"]["requests"], **setup)
    else:
        in_window = [s for s in samples if s.start <= restart.stopped and s.end >= restart.began]
        failed = [s for s in samples if s.error]
        window_ids = {id(s) for s in in_window}
        failed_in_flight = [s for s in failed if id(s) in window_ids]
        failed_after = [s for s in failed if s.start > restart.stopped]
        at_moment = [s for s in samples if s.start <= restart.began < s.end]
        print(f"restart: stop took {restart.stopped - restart.began:.2f} s, start "
              f"{restart.started - restart.stopped:.2f} s (at {restart.began - run_start:.1f} s); "
              f"in flight when the stop began {len(at_moment)}, during the stop "
              f"{len(in_window)}; failed {len(failed)} ({len(failed_in_flight)} of them in "
              f"flight, {len(failed_after)} started later)")
        for s in failed:
            print(f"  failed: {s.group} {s.method} {s.kind} {s.status} {s.note} at "
                  f"{s.start - run_start:.2f}–{s.end - run_start:.2f} s")
        drill = {**setup, "restart_at_s": round(restart.began - run_start, 2),
                 "stop_s": round(restart.stopped - restart.began, 2),
                 "start_s": round(restart.started - restart.stopped, 2),
                 "in_flight_at_stop": len(at_moment), "reads_retried": retried,
                 "writes_in_flight": sum(1 for s in in_window if s.method == "POST")}
        figures[prefix + "failed_requests"] = figure(
            len(failed), "requests", floor=None,
            target="only requests in flight at the restart", met=not failed_after,
            digits=0, failed_in_flight=len(failed_in_flight), failed_started_later=len(failed_after),
            failed_writes=sum(1 for s in failed if s.method == "POST"), **drill)
        figures[prefix + "in_flight"] = figure(
            len(in_window), "requests", floor=None, target="reference", met=None, digits=0,
            **drill)
        figures[prefix + "partial_writes"] = figure(
            len(check["problems"]), "entries", floor=None, target="0", met=not check["problems"],
            digits=0, entries=check["entries"], versions=check["versions"],
            saves_ok=check["saves_ok"], saves_failed=check["saves_failed"],
            saves_failed_but_committed=check["saves_failed_but_committed"], **drill)
        figures[prefix + "error_rate"] = figure(
            errors / total if total else 0.0, "ratio", floor=None, target="reference",
            met=None, digits=6, errors=errors, **drill)
    for problem in check["problems"][:20]:
        print("  partial write:", problem)
    print()
    print_table(figures)
    if not args.no_save:
        merge_results(figures)
        print("\nmerged into bench/results.json")

