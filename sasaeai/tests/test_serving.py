"""`make run` serves as production does (config/serve.py): gunicorn with DEBUG off, static files
by WhiteNoise, the task worker beside it, and Japanese error pages that show nothing of the
code, the settings or the environment. The server is started here on a free loopback port over
a freshly migrated SQLite file, and stopped by the test."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
DEBUG_OUTPUT = ("Traceback", "URLconf", "DEBUG = True", "SECRET_KEY", "technical_500",
                "Request Method", "PATH")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children_of(pid: int) -> list[str]:
    """The command lines of the processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdecimal():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(cmdline)
    return found


class Site:
    def __init__(self, port: int, process: subprocess.Popen[bytes]) -> None:
        self.port = port
        self.process = process

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            connection.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    workdir = tmp_path_factory.mktemp("serve")
    env = {key: value for key, value in os.environ.items()
           if key not in {"DEBUG", "DATABASE_URL", "SASAEAI_ENV"}}
    env.update(SQLITE_PATH=str(workdir / "site.sqlite3"), PYTHONPATH=str(ROOT),
               DJANGO_SETTINGS_MODULE="config.settings", MPLCONFIGDIR=str(workdir))
    subprocess.run([sys.executable, "-m", "sasaeai", "migrate", "--no-input", "-v", "0"],
                   cwd=ROOT, env=env, check=True)
    port = free_port()
    log = (workdir / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "config.serve", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--threads", "2"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    site = Site(port, process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if site.request("GET", "/")[0] == 200:
                break
        except OSError:
            pass
        assert process.poll() is None, (workdir / "serve.log").read_text()
        time.sleep(0.3)
    else:
        pytest.fail("gunicorn が 60 秒以内に応答しませんでした")
    yield site
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    log.close()


def test_it_answers_an_unknown_path_with_the_japanese_404_page_and_no_debug_output(site: Site):
    status, headers, body = site.request("GET", "/no-such-page/at/all/")
    assert status == 404
    assert headers["content-type"].startswith("text/html")
    assert "ページが見つかりません" in body
    for leak in DEBUG_OUTPUT:
        assert leak not in body


def test_it_answers_a_foreign_host_with_the_japanese_400_page(site: Site):
    status, _headers, body = site.request("GET", "/", headers={"Host": "evil.example"})
    assert status == 400
    assert "リクエスト" in body
    assert "DisallowedHost" not in body and "ALLOWED_HOSTS" not in body


def test_it_serves_static_files_through_whitenoise(site: Site):
    status, headers, body = site.request("GET", "/static/sasaeai/site.css")
    assert status == 200
    assert headers["content-type"].startswith("text/css")
    assert body == (ROOT / "sasaeai/static/sasaeai/site.css").read_text()


def test_it_refuses_an_oversized_body_with_413_before_reading_it(site: Site):
    """The answer comes from the declared length: the server neither waits for nor reads the
    body (a browser sending 30 MB gets the page as soon as it reads the reply)."""
    limit = settings.SASAEAI_MAX_REQUEST_BYTES
    with socket.create_connection(("127.0.0.1", site.port), timeout=30) as conn:
        conn.sendall(b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     + f"Content-Length: {limit + 1}\r\n\r\n".encode() + b"x" * 65536)
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head
    assert "大きすぎ" in body.decode("utf-8")


def test_it_runs_the_task_worker_beside_the_server_and_stops_both(site: Site):
    children = children_of(site.process.pid)
    assert any("db_worker" in command for command in children), children
    assert any("gunicorn" in command for command in children), children
    site.process.send_signal(signal.SIGTERM)
    assert site.process.wait(timeout=30) == 0
    deadline = time.monotonic() + 10
    while children_of(site.process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert children_of(site.process.pid) == []


def test_the_413_page_carries_no_hop_by_hop_header_so_runserver_can_send_it(client):
    """`make dev` runs Django's wsgiref server, which answers 500 to a hop-by-hop header."""
    from wsgiref.util import is_hop_by_hop

    response = client.post("/accounts/login/", CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert response.status_code == 413
    assert [name for name in response.headers if is_hop_by_hop(name)] == []


def test_a_form_sent_without_its_csrf_token_gets_a_japanese_page(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/accounts/login/",
                                                     {"username": "sato", "password": "x"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "フォームの有効期限が切れました" in body and "何も保存していません" in body
    assert "CSRF verification failed" not in body
