"""The database-restart drill (ADR 0009): PostgreSQL stopped and started during the run, and
afterwards every entry's history checked for a partial write."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.common import PG_HOST, PG_PORT, PG_USER, sqlite_path


@dataclass
class Restart:
    cluster: str
    at: float
    began: float = 0.0
    stopped: float = 0.0
    started: float = 0.0
    output: list[str] = field(default_factory=list)


def restart_database(restart: Restart, run_start: float, stop: threading.Event) -> None:
    if stop.wait(max(0.0, run_start + restart.at - time.monotonic())):
        return
    version, name = restart.cluster.split("/")
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, name]
    restart.began = time.monotonic()
    run = subprocess.run([*command, "stop", "-m", "fast"],  # noqa: S603
                         capture_output=True, text=True, check=False)
    restart.stopped = time.monotonic()
    restart.output.append(run.stdout + run.stderr)
    run = subprocess.run([*command, "start"],  # noqa: S603
                         capture_output=True, text=True, check=False)
    restart.started = time.monotonic()
    restart.output.append(run.stdout + run.stderr)


# -- the check for partial writes ---------------------------------------------------------------

def rows(engine: str, database: str, sql: str) -> list[tuple[Any, ...]]:
    if engine == "postgresql":
        import psycopg

        with psycopg.connect(dbname=database, user=PG_USER, host=PG_HOST, port=PG_PORT) as c:
            return list(c.execute(sql).fetchall())  # type: ignore[arg-type]
    with contextlib.closing(sqlite3.connect(sqlite_path(database))) as c:
        return list(c.execute(sql).fetchall())


def as_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def check_writes(engine: str, database: str, saves: list[dict[str, Any]]) -> dict[str, Any]:
    """Every entry's history against the entry and the audit log:
    - versions 1..entry.version, each exactly once, the entry's content that of its last one;
    - each version after the first has exactly one audit event of its action whose `after`
      names that version, and no audit event names a version that is not there;
    - each save the client saw succeed (302) is in the history exactly once; one it saw fail is
      there at most once (once: committed, but the answer was lost with the connection)."""
    entries = {r[0]: (r[1], r[2]) for r in rows(
        engine, database, "SELECT id, version, progress FROM progress_entry")}
    versions: dict[int, list[tuple[int, str, dict[str, Any]]]] = {}
    for entry_id, number, action, content in rows(
            engine, database,
            "SELECT entry_id, number, action, content FROM progress_entryversion"):
        versions.setdefault(entry_id, []).append((number, action, as_json(content)))
    audits: Counter[tuple[int, int, str]] = Counter()
    for object_id, action, after in rows(
            engine, database,
            "SELECT object_id, action, after FROM audit_auditevent "
            "WHERE object_type = 'progress.Entry' AND action LIKE 'progress.entry.%'"):
        after = as_json(after) or {}
        audits[(int(object_id), int(after.get("version", 0)), action)] += 1
    problems: list[str] = []
    for entry_id, (version, progress) in entries.items():
        numbers = sorted(n for n, _, _ in versions.get(entry_id, []))
        if numbers != list(range(1, version + 1)):
            problems.append(f"entry {entry_id}: versions {numbers[-5:]} vs version {version}")
            continue
        last = max(versions[entry_id])
        if last[2].get("progress", "") != progress:
            problems.append(f"entry {entry_id}: content differs from version {last[0]}")
        for number, action, _ in versions[entry_id]:
            if number == 1:
                continue
            n = audits.pop((entry_id, number, f"progress.entry.{action}"), 0)
            if n != 1:
                problems.append(f"entry {entry_id} v{number} ({action}): {n} audit events")
    problems += [f"audit event for a missing version: entry {e} v{v} {a}"
                 for (e, v, a), n in audits.items() if n]
    texts: Counter[str] = Counter()
    for history in versions.values():
        for number, action, content in history:
            if action == "save" and number > 1:
                texts[content.get("progress", "")] += 1
    ok = [s for s in saves if s["status"] == 302]
    lost = [s for s in saves if s["status"] not in {302, 409}]
    problems += [f"save {s['text']} answered 302 but is in the history {texts[s['text']]}×"
                 for s in ok if texts[s["text"]] != 1]
    problems += [f"failed save {s['text']} is in the history {texts[s['text']]}×"
                 for s in lost if texts[s["text"]] > 1]
    return {"problems": problems, "entries": len(entries),
            "versions": sum(len(v) for v in versions.values()), "saves_ok": len(ok),
            "saves_conflict": sum(1 for s in saves if s["status"] == 409),
            "saves_failed": len(lost),
            "saves_failed_but_committed": sum(1 for s in lost if texts[s["text"]] == 1)}

