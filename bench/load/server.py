"""The app under test: a production-configured copy of the site served by gunicorn on loopback,
its demo data and static files."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from bench.common import ROOT, database_variables


@dataclass
class Site:
    engine: str
    database: str
    port: int
    workers: int
    threads: int
    workdir: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def app_environment(engine: str, database: str, workdir: Path) -> dict[str, str]:
    """Production settings, with STATIC_ROOT moved to a temporary directory (a two-line settings
    module there imports config.settings and changes nothing else)."""
    (workdir / "load_settings.py").write_text(
        "from config.settings import *  # noqa: F403\n"
        f"STATIC_ROOT = {str(workdir / 'static')!r}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "SQLITE_PATH", "DEBUG", "SECURE_SSL_REDIRECT"}}
    env.update({
        "SASAEAI_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "load_settings",
        "PYTHONPATH": os.pathsep.join([str(workdir), str(ROOT)]),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    })
    env.update(database_variables(database, engine))
    return env


def manage(env: dict[str, str], *args: str) -> str:
    run = subprocess.run([sys.executable, "-m", "sasaeai", *args], cwd=ROOT, env=env,  # noqa: S603
                         capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise SystemExit(f"sasaeai {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}")
    return run.stdout


def demo_logins(output: str) -> tuple[str, list[str]]:
    """The demo's shared password and its user names, as `sasaeai demo` prints them."""
    password = re.search(r"パスワード（全員共通）：(\S+)", output)
    if password is None:
        raise SystemExit("`sasaeai demo` printed no password")
    users = re.findall(r"^\s+(\w+-\w+)\s", output, flags=re.MULTILINE)
    return password.group(1), users


def start_site(site: Site) -> None:
    site.log = site.workdir / "gunicorn.log"
    with site.log.open("wb") as log:
        site.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "config.wsgi:application",
             "--bind", f"127.0.0.1:{site.port}", "--workers", str(site.workers),
             "--worker-class", "gthread", "--threads", str(site.threads),
             "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning",
             # Longer than any think time: gunicorn's default (2 s) closes idle keep-alive
             # connections while a client is about to reuse them, a race a browser hides by
             # retrying and requests reports as ConnectionError (a proxy in front holds the
             # client's connections in production).
             "--keep-alive", "10"],
            cwd=ROOT, env=site.env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.RequestException):
            if requests.get(site.base + "/", headers={"X-Forwarded-Proto": "https"},
                            timeout=5).status_code == 200:
                return
        if site.process.poll() is not None:
            raise SystemExit(f"gunicorn exited: see {site.log}")
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_site(site: Site) -> None:
    if site.process is not None and site.process.poll() is None:
        site.process.terminate()
        try:
            site.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            site.process.kill()
            site.process.wait()
