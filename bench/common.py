"""What every benchmark shares: the results file, the printed table, percentiles, the bench
databases (created, migrated and dropped through the ordinary clients) and the child processes
that each run against one database with DATABASE_URL set."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).with_name("results.json")
PG_HOST = os.environ.get("PGHOST", "127.0.0.1")
PG_PORT = os.environ.get("PGPORT", "5432")
PG_USER = os.environ.get("PGUSER", "postgres")


# -- figures ------------------------------------------------------------------------------------

def merge_results(figures: dict[str, dict[str, Any]], path: Path = RESULTS) -> None:
    """Write `figures` into results.json, keeping every other key."""
    data: dict[str, Any] = {}
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
    data.update(figures)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                    encoding="utf-8")


def _number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def print_table(figures: dict[str, dict[str, Any]]) -> None:
    header = ("figure", "value", "unit", "floor", "ratio", "target", "met")
    rows = [header] + [
        (name, _number(f.get("value")), str(f.get("unit", "")), _number(f.get("floor")),
         "—" if f.get("ratio") is None else f"{f['ratio']:.2f}×", str(f.get("target", "")),
         "—" if f.get("met") is None else "yes" if f["met"] else "NO")
        for name, f in figures.items()
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for i, r in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))


def figure(value: float, unit: str, *, floor: float | None, target: str, met: bool | None,
           size: str | None = None, digits: int = 4, **extra: Any) -> dict[str, Any]:
    """One entry of results.json."""
    ratio = None if floor in (None, 0) or floor is None else round(value / floor, 3)
    return {"value": round(value, digits), "unit": unit,
            "floor": None if floor is None else round(floor, digits), "ratio": ratio,
            "target": target, "met": met, **({"size": size} if size else {}), **extra}


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) by linear interpolation between order statistics."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# -- databases ----------------------------------------------------------------------------------

def database_url(name: str) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def sqlite_path(name: str) -> Path:
    return Path(os.environ.get("TMPDIR", "/tmp")) / f"{name}.sqlite3"  # noqa: S108


def environment(*, database: str, engine: str) -> dict[str, str]:
    """The environment of a child that works on one bench database: production-like settings
    (DEBUG off), everything else as a developer's machine has it."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["DEBUG"] = "0"
    # matplotlib's font list is built on first use; a list built before the Japanese fonts were
    # installed lacks them (every chart then warns and falls back), so the bench keeps its own.
    env["MPLCONFIGDIR"] = str(Path(os.environ.get("TMPDIR", "/tmp")) / "sasaeai-bench-matplotlib")  # noqa: S108
    env.update(database_variables(database, engine))
    return env


def database_variables(database: str, engine: str) -> dict[str, str]:
    """The settings' environment variables that choose one bench database."""
    if engine == "postgresql":
        return {"DATABASE_URL": database_url(database)}
    return {"SQLITE_PATH": str(sqlite_path(database))}


def _pg_tool(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which(tool)
    if binary is None:
        raise SystemExit(f"{tool} not found: the bench needs the PostgreSQL client tools")
    return subprocess.run(  # noqa: S603
        [binary, "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, *args],
        capture_output=True, text=True, check=False)


def database_exists(database: str, engine: str) -> bool:
    if engine == "sqlite":
        return sqlite_path(database).exists()
    run = _pg_tool("psql", "-d", "postgres", "-lqtA")
    return database in {line.split("|")[0] for line in run.stdout.splitlines()}


def drop_database(database: str, engine: str) -> None:
    if engine == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(sqlite_path(database)) + suffix).unlink(missing_ok=True)
        return
    run = _pg_tool("dropdb", "--if-exists", "--force", database)
    if run.returncode != 0:
        raise SystemExit(f"dropdb {database}: {run.stderr.strip()}")


def create_database(database: str, engine: str) -> None:
    """A fresh, migrated database (an existing one of the name is dropped first)."""
    drop_database(database, engine)
    if engine == "postgresql":
        run = _pg_tool("createdb", database)
        if run.returncode != 0:
            raise SystemExit(f"createdb {database}: {run.stderr.strip()}")
    run_child(["-m", "sasaeai", "migrate", "--no-input", "-v", "0"], database=database,
              engine=engine, parse_json=False)


def run_child(args: list[str], *, database: str, engine: str, parse_json: bool = True,
              echo: bool = True) -> Any:
    """Run `python <args>` against one database; its stderr streams through, its last stdout
    line is its JSON answer."""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
        [sys.executable, *args], cwd=ROOT, env=environment(database=database, engine=engine),
        stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None  # noqa: S101
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line)
        if echo and not (parse_json and line.startswith("{")):
            print("    " + line.rstrip(), flush=True)
    if process.wait() != 0:
        raise SystemExit(f"{' '.join(args)} failed (exit {process.returncode})")
    if not parse_json:
        return None
    answer = [line for line in lines if line.startswith("{")]
    if not answer:
        raise SystemExit(f"{' '.join(args)} printed no JSON")
    return json.loads(answer[-1])


def setup_django(*, urlconf: str | None = None) -> None:
    """Configure Django in this (child) process for the database its environment names."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    if urlconf:
        settings.ROOT_URLCONF = urlconf
    django.setup()
