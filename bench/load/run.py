"""The command: prepare the site and the users' pages, run the users (and the restart), report."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import bench.load
from bench.common import create_database, drop_database
from bench.load.browser import Browser, Recorder, crawl, save_form
from bench.load.drill import Restart, check_writes, restart_database
from bench.load.report import report
from bench.load.server import (
    Site,
    app_environment,
    demo_logins,
    free_port,
    manage,
    start_site,
    stop_site,
)
from bench.load.users import Plan, public_user, staff_user


def prepare(site: Site, users: int, staff: int, writers: int) -> Plan:
    print("  demo data …", flush=True)
    password, logins = demo_logins(manage(site.env, "demo", "--allow-production"))
    print("  static files …", flush=True)
    manage(site.env, "collectstatic", "--no-input", "-v", "0")
    start_site(site)
    print(f"  gunicorn on {site.base}: {site.workers} workers × {site.threads} threads "
          f"(gthread), log {site.log}", flush=True)
    anonymous = Browser(site.base, None, "crawl")
    public, _ = crawl(anonymous, ["/"], limit=700)
    # Staff: the 担当 of every demo city and the 社協 of 久留米市 (never 事務局: see the brief on
    # TOTP); the writers are 久留米市's, whose cycle is open for input.
    readers = [u for u in logins if u.endswith("-tanto")]
    writer_logins: list[str] = [u for u in ("kurume-tanto", "kurume-shakyo") if u in logins]
    staff_found: dict[str, dict[str, list[str]]] = {}
    writable: dict[str, list[str]] = {}
    for username in dict.fromkeys([*readers, *writer_logins]):
        browser = Browser(site.base, None, "crawl")
        why = browser.sign_in(username, password)
        if why:
            raise SystemExit(f"{username} cannot sign in: {why}")
        home = browser.request("GET", "/tasks/", kind="crawl")
        codes = sorted({m for m in re.findall(r'href="/(\d{6})/', home.text if home else "")})
        found, pages = crawl(browser, ["/tasks/", *[f"/{c}/" for c in codes]], limit=160,
                             within=f"/{codes[0]}/" if codes else None)
        staff_found[username] = found
        writable[username] = [p for p, page in pages.items() if save_form(page)]
        print(f"  {username}: {sum(len(v) for v in found.values())} pages, "
              f"{len(writable[username])} entries it may edit", flush=True)
    return Plan(public, staff_found, writable, password, readers, writer_logins)


def run_load(site: Site, plan: Plan, *, users: int, staff: int, writers: int, seconds: float,
             restart: Restart | None) -> tuple[Recorder, float, float]:
    recorder = Recorder()
    stop = threading.Event()
    threads: list[threading.Thread] = []
    writer_entries: dict[int, tuple[str, list[str]]] = {}
    # Writers: each gets its own share of its login's entries, so that they never race.
    by_login: dict[str, list[int]] = {}
    for n in range(writers):
        login = plan.writers[n % len(plan.writers)]
        by_login.setdefault(login, []).append(n)
    for login, numbers in by_login.items():
        entries = plan.writable.get(login, [])
        for i, n in enumerate(numbers):
            writer_entries[n] = (login, entries[i::len(numbers)])
    run_start = time.monotonic()
    for n in range(users):
        if n < writers:
            login, entries = writer_entries[n]
            target: Any = staff_user
            args: tuple[Any, ...] = (n, site.base, plan, recorder, stop, login, entries)
        elif n < staff:
            login = plan.readers[(n - writers) % len(plan.readers)]
            target, args = staff_user, (n, site.base, plan, recorder, stop, login, [])
        else:
            target, args = public_user, (n, site.base, plan, recorder, stop)
        threads.append(threading.Thread(target=target, args=args, daemon=True))
    restarter = None
    if restart is not None:
        restarter = threading.Thread(target=restart_database, args=(restart, run_start, stop),
                                     daemon=True)
        restarter.start()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=90)
    if restarter is not None:
        restarter.join(timeout=60)
    return recorder, run_start, time.monotonic()


def main(argv: list[str] | None = None) -> int:
    # The package's docstring describes the command; argparse would name it "__main__.py".
    description = bench.load.__doc__.split("\n\n")[0] if bench.load.__doc__ else None
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=description)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--staff", type=int, default=15, help="signed-in users among them")
    parser.add_argument("--writers", type=int, default=6, help="staff who save entries")
    parser.add_argument("--restart-at", type=float, default=None,
                        help="stop and start PostgreSQL this many seconds into the run")
    parser.add_argument("--cluster", default=os.environ.get("PGCLUSTER", "15/main"),
                        help="the pg_ctlcluster VERSION/NAME serving PGHOST:PGPORT")
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--no-save", action="store_true", help="do not write results.json")
    args = parser.parse_args(argv)
    engine = "postgresql" if args.database == "postgres" else "sqlite"
    if args.restart_at is not None and engine != "postgresql":
        parser.error("--restart-at needs --database postgres")
    database = f"sasaeai_load_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="sasaeai_load_"))
    site = Site(engine, database, free_port(), args.workers, args.threads, workdir,
                app_environment(engine, database, workdir))
    restart = Restart(args.cluster, args.restart_at) if args.restart_at is not None else None
    print(f"load: {args.users} users ({args.staff} staff, {args.writers} writers) × "
          f"{args.seconds:g} s on {engine} {database}"
          + (f", PostgreSQL {args.cluster} restarted at {args.restart_at:g} s" if restart else ""),
          flush=True)
    try:
        print("  database …", flush=True)
        create_database(database, engine)
        plan = prepare(site, args.users, args.staff, args.writers)
        recorder, run_start, run_end = run_load(
            site, plan, users=args.users, staff=args.staff, writers=args.writers,
            seconds=args.seconds, restart=restart)
        stop_site(site)
        check = check_writes(engine, database, recorder.saves)
        log = site.log.read_text(encoding="utf-8", errors="replace") if site.log else ""
    finally:
        stop_site(site)
        if not args.keep:
            drop_database(database, engine)
            shutil.rmtree(workdir, ignore_errors=True)
    samples = recorder.samples
    report(args, samples, recorder, check, log, restart, run_start, run_end, site)
    return 0

