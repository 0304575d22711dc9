"""`sasaeai backup` and `sasaeai restore`, run as an operator would, between real databases:
SQLite → SQLite always, and PostgreSQL → PostgreSQL and SQLite → PostgreSQL when the suite runs on
PostgreSQL. The restored database backs up to the same counts and the same canonical hash."""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

SASAEAI = [sys.executable, "-m", "sasaeai"]


def run(args: list[str], *, sqlite: Path | None = None, url: str = "") -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}}
    if sqlite is not None:
        env["SQLITE_PATH"] = str(sqlite)
    if url:
        env["DATABASE_URL"] = url
    done = subprocess.run([*SASAEAI, *args], env=env, capture_output=True, text=True,
                          check=False, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def backup_of(path: Path) -> dict:
    data: dict = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_a_backup_restores_into_an_empty_database_with_the_same_content(tmp_path):
    source = tmp_path / "source.sqlite3"
    run(["migrate", "-v0"], sqlite=source)
    run(["demo", "--only", "omitama", "shimotsuke"], sqlite=source)
    full = tmp_path / "full.json"
    assert "行をバックアップしました（all" in run(["backup", "--output", str(full)], sqlite=source)
    original = backup_of(full)
    assert original["counts"]["surveys.respondent"] == 2000  # the survey's answers go along
    assert "progress.cycle" in original["counts"]

    target = tmp_path / "target.sqlite3"
    run(["migrate", "-v0"], sqlite=target)
    assert "行数とハッシュ値は一致しています" in run(["restore", str(full)], sqlite=target)
    again = tmp_path / "again.json"
    run(["backup", "--output", str(again)], sqlite=target)
    assert (backup_of(again)["counts"], backup_of(again)["hash"]) == (original["counts"],
                                                                     original["hash"])
    # A second restore into a database that is no longer empty is refused, changing nothing.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"SQLITE_PATH": str(target)}
    refused = subprocess.run([*SASAEAI, "restore", str(full)], env=env, capture_output=True,
                             text=True, check=False)
    assert refused.returncode != 0 and "空ではありません" in refused.stderr

    # One municipality alone.
    one = tmp_path / "omitama.json"
    run(["backup", "--municipality", "082368", "--output", str(one)], sqlite=source)
    scoped = backup_of(one)
    assert scoped["scope"] == "082368" and "progress.cycle" not in scoped["counts"]
    alone = tmp_path / "alone.sqlite3"
    run(["migrate", "-v0"], sqlite=alone)
    run(["restore", str(one)], sqlite=alone)


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres")
                    or shutil.which("createdb") is None,
                    reason="PostgreSQL の回（.ci/run の2回目）で実行します")
def test_sqlite_and_postgresql_backups_cross_over_unchanged(tmp_path):
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    source = tmp_path / "source.sqlite3"
    run(["migrate", "-v0"], sqlite=source)
    run(["demo", "--only", "kurume"], sqlite=source)
    from_sqlite = tmp_path / "from_sqlite.json"
    run(["backup", "--output", str(from_sqlite)], sqlite=source)
    names = [f"sasaeai_restore_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    pg = {"PGHOST": "127.0.0.1", "PGUSER": "postgres"}
    try:
        for name in names:
            subprocess.run(["createdb", name], env=os.environ | pg, check=True)
        first, second = (f"{base}/{name}" for name in names)
        run(["migrate", "-v0"], url=first)
        run(["restore", str(from_sqlite)], url=first)  # SQLite → PostgreSQL
        from_pg = tmp_path / "from_pg.json"
        run(["backup", "--output", str(from_pg)], url=first)
        run(["migrate", "-v0"], url=second)
        run(["restore", str(from_pg)], url=second)  # PostgreSQL → PostgreSQL
        last = tmp_path / "last.json"
        run(["backup", "--output", str(last)], url=second)
        hashes = {backup_of(p)["hash"] for p in (from_sqlite, from_pg, last)}
        assert len(hashes) == 1
    finally:
        for name in names:
            subprocess.run(["dropdb", "--if-exists", name], env=os.environ | pg, check=False)


@pytest.mark.django_db
def test_times_keep_their_microseconds_and_many_to_many_keys_their_order(world):
    """Django's JSON encoder cuts times to milliseconds: a time 0.0005 s past the second would
    come back as a different text, and the restore's hash check would (rightly) refuse it."""
    import datetime

    from sasaeai.backup.backup import _records
    from sasaeai.plans.models import Plan

    moment = datetime.datetime(2026, 4, 1, 9, 0, 0, 500, tzinfo=datetime.UTC)
    Plan.objects.filter(pk=world.published.pk).update(updated_at=moment)
    [record] = _records(Plan.objects.filter(pk=world.published.pk))
    assert record["fields"]["updated_at"] == "2026-04-01T09:00:00.000500+00:00"
    assert record["fields"]["owners"] == sorted(record["fields"]["owners"])
