"""Survey aggregation at national-survey size, against a bare polars group-by, in one run.

    python -m bench.survey [--respondents N] [--repeats R] [--strict]

The data: N respondents (default 1,000,000) × 30 questions coded "1".."5", "9" (無回答) and
some empty cells, an `area` column (20 areas) and a weight in 0.5–2.0, generated from a fixed
seed so every run times the same frame.

- Workload A (sasaeai): `tabulate_many` over the 30 questions by area, weighted, with shares,
  Kish's effective n and Wilson intervals.
- Floor B: a bare `group_by("area").agg(...)` of the same frame computing, per question, the
  number of valid answers and the weight of the answers "1"/"2": the least a tabulation needs.
  The target is set against B. B′, the same with `==` in place of `is_in` (a trick A also
  uses), is timed and recorded for reference as the stricter floor.

All are timed in the same process (1 warm-up each, then the repeats interleaved); the figure is
the median. Peak memory is measured in fresh child processes that read the frame
from an Arrow IPC file, so nothing of the generation is left in their heap: each resets its RSS
high-water mark, runs A (or, for comparison, B) once and reports how far its RSS rose above what
it held before. A's rise is set against the size of the frame's Arrow buffers
(`estimated_size()` is recorded too, but it undercounts text columns, see `main`).
One cell of A is checked against `lib.stats` computed independently; a mismatch fails the run.

Results are printed as a table and merged into bench/results.json (other keys are kept; each
entry records the number of respondents it was measured on).
No Django: tabulate.py and lib/stats.py import none.
"""

from __future__ import annotations

import argparse
import json
import math
import operator
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import reduce
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from bench.common import RESULTS, merge_results, print_table
from sasaeai.lib.stats import kish_effective_n, weighted_share, wilson_interval
from sasaeai.surveys.tabulate import tabulate_many

SEED = 20_250_601
RESPONDENTS = 1_000_000
QUESTIONS = 30
AREAS = 20
CODES = ["1", "2", "3", "4", "5", "9"]
OPTIONS = ["1", "2"]
MISSING = ["9"]
NULL_RATE = 0.02
NO_ANSWER_RATE = 0.03
MIB = 1024 * 1024
TIME_TARGET = 1.5
MEMORY_TARGET = 3.0
TOLERANCE = 1e-9


# -- data ---------------------------------------------------------------------------------------

def make_frame(respondents: int = RESPONDENTS, seed: int = SEED) -> pl.DataFrame:
    """The benchmark's microdata, the same for the same arguments."""
    rng = np.random.default_rng(seed)
    area_names = [f"地区{i + 1:02d}" for i in range(AREAS)]
    area_p = rng.dirichlet(np.full(AREAS, 4.0))
    columns: dict[str, Any] = {
        "area": rng.choice(AREAS, size=respondents, p=area_p).astype(np.uint8),
    }
    for i in range(QUESTIONS):
        # Each question its own answer profile; 9 about 3 %, empty about 2 %.
        answer_p = rng.dirichlet(np.full(5, 2.0)) * (1 - NO_ANSWER_RATE - NULL_RATE)
        p = np.append(answer_p, [NO_ANSWER_RATE, NULL_RATE])
        columns[f"q{i}"] = rng.choice(len(p), size=respondents, p=p / p.sum()).astype(np.uint8)
    columns["weight"] = rng.uniform(0.5, 2.0, size=respondents)
    codes: list[str | None] = [*CODES, None]
    return pl.DataFrame(columns).select(
        pl.col("area").replace_strict(list(range(AREAS)), area_names, return_dtype=pl.String),
        *(pl.col(f"q{i}").replace_strict(list(range(len(codes))), codes,
                                         return_dtype=pl.String)
          for i in range(QUESTIONS)),
        pl.col("weight").cast(pl.Float64),
    )


QUESTION_SPECS = [(f"q{i}", OPTIONS, MISSING) for i in range(QUESTIONS)]


# -- the two workloads --------------------------------------------------------------------------

def workload(frame: pl.DataFrame) -> pl.DataFrame:
    """A: sasaeai's tabulation of every question by area, weighted, with intervals."""
    return tabulate_many(frame, QUESTION_SPECS, by="area", weight="weight")


def floor(frame: pl.DataFrame) -> pl.DataFrame:
    """B: the bare group-by: valid answers and the weight of the chosen answers, per question."""
    aggs: list[pl.Expr] = []
    for question, options, missing in QUESTION_SPECS:
        column = pl.col(question)
        aggs += [
            (column.is_not_null() & ~column.is_in(missing)).sum().alias(f"{question}_n"),
            pl.col("weight").filter(column.is_in(options)).sum().alias(f"{question}_wh"),
        ]
    return frame.group_by("area").agg(aggs)


def floor_equality(frame: pl.DataFrame) -> pl.DataFrame:
    """B′, for reference only: B with `==` in place of `is_in`, which polars runs about twice
    as fast on text (A uses the same trick, so B′ is the stricter floor). Same counts; its
    weight sums take another of polars' summation paths and differ in the last digit."""
    aggs: list[pl.Expr] = []
    for question, options, missing in QUESTION_SPECS:
        column = pl.col(question)
        hit = reduce(operator.or_, (column == code for code in options))
        aggs += [
            (column.is_not_null() & ~reduce(operator.or_, (column == code for code in missing)))
            .sum().alias(f"{question}_n"),
            pl.col("weight").filter(hit).sum().alias(f"{question}_wh"),
        ]
    return frame.group_by("area").agg(aggs)


RUNS: dict[str, Callable[[pl.DataFrame], pl.DataFrame]] = {
    "A": workload, "B": floor, "B′": floor_equality}


def time_runs(frame: pl.DataFrame, repeats: int) -> dict[str, list[float]]:
    """One warm-up each, then `repeats` rounds of A, B, B′ (interleaved, so drift hits all)."""
    def once(run: Callable[[pl.DataFrame], pl.DataFrame]) -> float:
        start = time.perf_counter()
        run(frame)
        return time.perf_counter() - start

    for run in RUNS.values():
        once(run)
    times: dict[str, list[float]] = {name: [] for name in RUNS}
    for _ in range(repeats):
        for name, run in RUNS.items():
            times[name].append(once(run))
    return times


# -- correctness --------------------------------------------------------------------------------

def check(frame: pl.DataFrame, table: pl.DataFrame, question: int = 7) -> None:
    """A's figures for one question, in the first respondent's area, against lib.stats computed
    from the raw rows."""
    area = frame["area"][0]
    name = f"q{question}"
    rows = frame.filter(pl.col("area") == area).select(name, "weight")
    answers: list[str | None] = rows[name].to_list()
    weights: list[float] = rows["weight"].to_list()
    valid = [(a, w) for a, w in zip(answers, weights, strict=True)
             if a is not None and a.strip() != "" and a not in MISSING]
    hits = [a in OPTIONS for a, _ in valid]
    valid_weights = [w for _, w in valid]
    share = weighted_share(hits, valid_weights)
    effective_n = kish_effective_n(valid_weights)
    low, high = wilson_interval(share * effective_n, effective_n)
    expected = {"n": len(valid), "count": sum(hits), "share": share,
                "effective_n": effective_n, "ci_low": low, "ci_high": high}

    [row] = table.filter(pl.col("group") == area).iter_rows(named=True)
    prefix = f"q{question}_"
    wrong = []
    for key, want in expected.items():
        got = row[prefix + key]
        # effective n is ~10⁴, so compare it relatively; fractions and counts absolutely.
        scale = abs(want) if key == "effective_n" else 1.0
        if got is None or not math.isclose(got, want, rel_tol=0, abs_tol=TOLERANCE * scale):
            wrong.append(f"{key}: tabulate_many {got!r} ≠ lib.stats {want!r}")
    if wrong:
        raise SystemExit(f"CORRECTNESS FAILURE ({name}, {area}):\n  " + "\n  ".join(wrong))
    print(f"check: {name} in {area} agrees with lib.stats (n={len(valid)}, share={share:.6f}, "
          f"CI {low:.6f}–{high:.6f}, tolerance {TOLERANCE:g})")


# -- memory (in a child process) ----------------------------------------------------------------

def _status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Linux: writing 5 to clear_refs resets the RSS high-water mark (VmHWM, ru_maxrss)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _rss_kib() -> int:
    rss = _status_kib("VmRSS")
    return rss if rss is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _settle(limit_s: float = 5.0) -> None:
    """Wait (at most `limit_s`) until the allocator has handed back what loading freed: reading
    the file briefly holds it twice, and the purge comes a moment later."""
    deadline = time.monotonic() + limit_s
    last = _rss_kib()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = _rss_kib()
        if last - now < 1024:
            return
        last = now


def child_memory(path: str, which: str) -> None:
    """Run in a fresh process: read the frame, run A (or B) once, print RSS figures as JSON.

    The frame is read from an uncompressed Arrow IPC file, so the only large allocation left
    before the run is the frame itself: no generation leftovers in the allocator's cache for
    the run to reuse unseen.
    """
    start_kib = _rss_kib()
    frame = pl.scan_ipc(path).collect()
    _settle()
    loaded_kib = _rss_kib()
    reset = _reset_peak()
    # Without the reset, ru_maxrss still holds the peak of reading the file: a lower bound.
    before_kib = _rss_kib() if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    (workload if which == "sasaeai" else floor)(frame)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({
        "estimated_bytes": frame.estimated_size(),
        "resident_input_kib": loaded_kib - start_kib,
        "before_kib": before_kib,
        "peak_kib": peak_kib,
        "method": "ru_maxrss after the run, high-water mark reset by /proc/self/clear_refs, "
        "minus RSS before" if reset else "ru_maxrss after the run minus ru_maxrss before",
    }))


def measure_memory(frame: pl.DataFrame) -> dict[str, dict[str, Any]]:
    """Peak RSS increase of A and of B, each in its own fresh process."""
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="sasaeai-bench-") as tmp:
        path = Path(tmp) / "frame.arrow"
        frame.write_ipc(path, compression="uncompressed")
        for which in ("sasaeai", "floor"):
            # Our own module under our own interpreter, with a path we just created.
            run = subprocess.run(  # noqa: S603
                [sys.executable, "-m", "bench.survey", "--child-memory", str(path), which],
                capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent,
            )
            figures: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
            figures["ipc_bytes"] = path.stat().st_size
            figures["peak_mib"] = (figures["peak_kib"] - figures["before_kib"]) / 1024
            results[which] = figures
    return results


# -- report -------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.survey", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, default=RESPONDENTS)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when a target is not met")
    parser.add_argument("--child-memory", nargs=2, metavar=("IPC", "WORKLOAD"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_memory:
        child_memory(*args.child_memory)
        return 0
    if args.respondents < 1 or args.repeats < 1:
        parser.error("--respondents and --repeats must be at least 1")

    start = time.perf_counter()
    frame = make_frame(args.respondents)
    print(f"data: {frame.height:,} respondents × {QUESTIONS} questions, {AREAS} areas "
          f"(built in {time.perf_counter() - start:.1f} s; polars {pl.__version__}, "
          f"{pl.thread_pool_size()} threads)")

    check(frame, workload(frame))
    times = time_runs(frame, args.repeats)
    labels = {"A": "A  sasaeai", "B": "B  floor", "B′": "B′ floor, == for is_in"}
    for name, runs in times.items():
        print(f"{labels[name]:<24} s: " + " ".join(f"{t:.3f}" for t in runs))
    median_a, median_b, median_b2 = (statistics.median(times[k]) for k in ("A", "B", "B′"))
    print(f"medians: A {median_a:.3f} s, B {median_b:.3f} s (A/B {median_a / median_b:.2f}×), "
          f"B′ {median_b2:.3f} s (A/B′ {median_a / median_b2:.2f}×, for reference)")

    memory = measure_memory(frame)
    mine, bare = memory["sasaeai"], memory["floor"]
    peak_mib = mine["peak_mib"]
    # The input's size is that of its Arrow buffers, as written to the uncompressed IPC file
    # (reading it back adds a little more to RSS). `estimated_size()` is recorded too, but it
    # counts about a byte per one-character string where the Arrow view holding it takes 16,
    # so it understates this frame about tenfold.
    input_mib = mine["ipc_bytes"] / MIB
    resident_mib = mine["resident_input_kib"] / 1024
    estimated_mib = mine["estimated_bytes"] / MIB
    print(f"input: {input_mib:.0f} MiB of Arrow buffers ({resident_mib:.0f} MiB of RSS once "
          f"read; estimated_size() says {estimated_mib:.0f} MiB)")
    print(f"peak RSS increase: A {peak_mib:.0f} MiB (RSS {mine['before_kib'] / 1024:.0f} → "
          f"{mine['peak_kib'] / 1024:.0f} MiB), B {bare['peak_mib']:.0f} MiB; {mine['method']}")

    common = {"respondents": frame.height, "questions": QUESTIONS, "groups": AREAS}
    figures: dict[str, dict[str, Any]] = {
        "survey.aggregate.median_s": {
            "value": round(median_a, 4), "unit": "s", "floor": round(median_b, 4),
            "ratio": round(median_a / median_b, 3), "target": f"≤{TIME_TARGET}× floor",
            "met": median_a / median_b <= TIME_TARGET,
            "floor_equality_s": round(median_b2, 4),
            "ratio_to_floor_equality": round(median_a / median_b2, 3),
            **common,
        },
        "survey.aggregate.peak_memory": {
            "value": round(peak_mib, 1), "unit": "MiB", "floor": round(input_mib, 1),
            "ratio": round(peak_mib / input_mib, 3), "target": f"≤{MEMORY_TARGET:g}× input",
            "met": peak_mib / input_mib <= MEMORY_TARGET,
            "floor_peak_mib": round(bare["peak_mib"], 1),
            "input_resident_mib": round(resident_mib, 1),
            "input_estimated_size_mib": round(estimated_mib, 1),
            "ratio_to_estimated_size": round(peak_mib / estimated_mib, 3),
            **common,
        },
    }
    print()
    print_table(figures)
    merge_results(figures)
    print(f"\nwritten to {RESULTS}")
    if args.strict and not all(f["met"] for f in figures.values()):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
