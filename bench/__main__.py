"""Every benchmark of the project, in one run (`make bench`).

    python -m bench [--parts survey,dataset,pages,workflows] [--sizes small,national,sqlite]
                    [--seed N] [--repeats R] [--keep] [--reuse] [--profile] [--strict]

- survey: survey aggregation against a bare polars group-by (bench/survey.py, no database).
- dataset / pages / workflows: for each size, a fresh database is created, migrated
  (`python -m sasaeai migrate`) and filled by the generator (bench/national.py, timed: the
  dataset figure); then a child process per part runs against it with DATABASE_URL set
  (bench/pages.py, bench/workflows.py) and answers in JSON. The database is dropped afterwards
  unless --keep; --reuse keeps and reuses a database that is already there (skipping its
  generation; the dataset figure is then not updated).

Sizes: `small` (47 municipalities) and `national` (1,741) on PostgreSQL as sasaeai_bench_small
and sasaeai_bench_national; `sqlite` is the small size on SQLite (a file in /tmp). Queries per
page are compared between small and national on PostgreSQL.

Results are printed as a table and merged into bench/results.json (one key per figure).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from bench import pages, workflows
from bench.common import (
    create_database,
    database_exists,
    drop_database,
    figure,
    merge_results,
    print_table,
    run_child,
)
from bench.national import SEED, SIZES

PARTS = ("survey", "dataset", "pages", "workflows")
# size label → (generator size, engine, database name)
DATABASES = {
    "small": ("small", "postgresql", "sasaeai_bench_small"),
    "national": ("national", "postgresql", "sasaeai_bench_national"),
    "sqlite": ("small", "sqlite", "sasaeai_bench_small_sqlite"),
}
GENERATION_TARGET_S = 30 * 60


def dataset_figure(size: str, engine: str, answer: dict[str, Any]) -> dict[str, Any]:
    counts = answer["counts"]
    return figure(answer["total_s"], "s", floor=None, size=size, digits=1,
                  target=f"≤{GENERATION_TARGET_S // 60} min (minutes, not hours)",
                  met=answer["total_s"] <= GENERATION_TARGET_S, vendor=engine,
                  seed=answer["seed"], municipalities=answer["municipalities"],
                  rows=answer["rows"], entries=counts.get("progress_entry"),
                  initiatives=counts.get("plans_initiative"),
                  observations=counts.get("indicators_observation"),
                  load_s=answer["load_s"], counts=counts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default=",".join(PARTS))
    parser.add_argument("--sizes", default="small,national,sqlite")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--repeats", type=int, default=pages.REPEATS,
                        help="rounds of page requests")
    parser.add_argument("--keep", action="store_true", help="keep the bench databases")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse a bench database that exists (implies --keep)")
    parser.add_argument("--profile", action="store_true",
                        help="print a cProfile of every page (stderr)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    parts = [p for p in args.parts.split(",") if p]
    sizes = [s for s in args.sizes.split(",") if s]
    for part in parts:
        if part not in PARTS:
            parser.error(f"unknown part {part!r} (choose from {', '.join(PARTS)})")
    for size in sizes:
        if size not in DATABASES:
            parser.error(f"unknown size {size!r} (choose from {', '.join(DATABASES)})")

    figures: dict[str, dict[str, Any]] = {}
    if "survey" in parts:
        print("== survey", flush=True)
        from bench import survey

        if survey.main([]) != 0:
            return 1
        written = json.loads(survey.RESULTS.read_text(encoding="utf-8"))
        figures.update({k: v for k, v in written.items() if k.startswith("survey.")})

    measured_pages: dict[str, Any] = {}
    measured_flows: dict[str, Any] = {}
    for size in sizes if set(parts) & {"dataset", "pages", "workflows"} else []:
        generator_size, engine, database = DATABASES[size]
        print(f"== {size}: {SIZES[generator_size]:,} municipalities on {engine} ({database})",
              flush=True)
        started = time.perf_counter()
        if args.reuse and database_exists(database, engine):
            print("  reusing the existing database", flush=True)
        else:
            create_database(database, engine)
            print(f"  created and migrated in {time.perf_counter() - started:.0f} s",
                  flush=True)
            answer = run_child(["-m", "bench.national", "--size", generator_size, "--seed",
                                str(args.seed), "--json"], database=database, engine=engine)
            figures[f"dataset.{size}.generate_s"] = dataset_figure(size, engine, answer)
            print(f"  generated {answer['rows']:,} rows ({answer['counts']['progress_entry']:,} "
                  f"entries) in {answer['total_s']} s", flush=True)
        try:
            if "pages" in parts:
                print("  pages …", flush=True)
                extra = ["--profile"] if args.profile else []
                measured_pages[size] = run_child(
                    ["-m", "bench.pages", "--repeats", str(args.repeats), *extra],
                    database=database, engine=engine)
            if "workflows" in parts:
                print("  workflows …", flush=True)
                measured_flows[size] = run_child(["-m", "bench.workflows"], database=database,
                                                 engine=engine)
        finally:
            if not (args.keep or args.reuse):
                drop_database(database, engine)
    figures.update(pages.figures(measured_pages))
    figures.update(workflows.figures(measured_flows))

    print()
    print_table(figures)
    merge_results(figures)
    print("\nwritten to bench/results.json")
    if args.strict and not all(f.get("met") is not False for f in figures.values()):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
