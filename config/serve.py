"""Serve sasaeai as production does: gunicorn with the task worker beside it.

`make run` calls `python -m config.serve --bind 127.0.0.1:8000`. DEBUG stays off unless the
developer asks for it (`DEBUG=1 make run`, or `make dev` for Django's autoreloading server):
an error then shows the Japanese 500 page, never a traceback with the settings and environment.
Static files are served by WhiteNoise from inside the application. The worker (`sasaeai
db_worker`, the committee packets) starts first and stops with the server, whichever ends first.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def gunicorn_command(bind: str, workers: int, threads: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", bind, "--workers", str(workers), "--worker-class", "gthread",
            "--threads", str(threads), "--timeout", "60", "--graceful-timeout", "10",
            # Longer than a browser's pause between clicks, so the connection is reused.
            "--keep-alive", "10",
            # gunicorn 27's control socket has one path per user: two servers would share it.
            "--no-control-socket",
            "--access-logfile", "-", "--error-logfile", "-", "--log-level", "info"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="gunicorn とタスクワーカーで配信します")
    parser.add_argument("--bind", default=os.environ.get("HOST", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 3)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", 4)))
    parser.add_argument("--no-worker", action="store_true",
                        help="タスクワーカーを起動しない（別に動かす場合）")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    children: list[subprocess.Popen[bytes]] = []
    if not args.no_worker:
        children.append(subprocess.Popen([sys.executable, "-m", "sasaeai", "db_worker"]))
    children.append(subprocess.Popen(gunicorn_command(args.bind, args.workers, args.threads)))  # noqa: S603

    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    for signum in STOP_SIGNALS:
        signal.signal(signum, stop)
    print(f"ささえあい: http://{args.bind}/ で配信しています（停止は Ctrl+C）", flush=True)
    code = 0
    while not stopping:
        ended = [child for child in children if child.poll() is not None]
        if ended:
            code = ended[0].returncode or 1
            break
        time.sleep(0.2)
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    return 0 if stopping else code


if __name__ == "__main__":
    raise SystemExit(main())
