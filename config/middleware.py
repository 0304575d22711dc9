"""Refuse a request body larger than any upload the site accepts, before anything reads it.

Django parses a multipart body (streaming files to disk) the first time anything touches
`request.POST`, and the CSRF check does so before any view runs: a 200 MB upload would be read
whole before the view's own size check could refuse it. This middleware sits before the CSRF
check and answers 413 from the declared length alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("sasaeai.db")


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit: int = settings.SASAEAI_MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        # A form's fields (not a file) beyond what Django parses (DATA_UPLOAD_MAX_MEMORY_SIZE)
        # would meet a bare 400 later: the same page as an oversized file, that says why.
        form = request.META.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded")
        fields_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if form and fields_limit is not None and length > fields_limit:
            limit = fields_limit
        if length > limit:
            page = render_to_string("413.html", {"limit_mb": max(1, limit // 1024 // 1024),
                                                 "form": form})
            # No `Connection: close`: a hop-by-hop header is the server's to set (wsgiref refuses
            # it with a 500; gunicorn drops it and discards the unread body itself).
            return HttpResponse(page, status=413)
        return self.get_response(request)


class StaffSessionMiddleware:
    """What a signed-in member sees is theirs: never stored by a browser or proxy cache
    (`Cache-Control: private, no-store`). And a session ends after SASAEAI_SESSION_ABSOLUTE
    seconds from sign-in however active it is (the idle limit is SESSION_COOKIE_AGE, renewed on
    each request)."""

    KEY = "sasaeai_signed_in_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        import time

        from django.contrib.auth import logout
        from django.shortcuts import redirect

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(self.KEY)
            now = int(time.time())
            if started is None:
                request.session[self.KEY] = now
            elif now - int(started) > settings.SASAEAI_SESSION_ABSOLUTE:
                logout(request)
                return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
        response = self.get_response(request)
        if user is not None and user.is_authenticated and not response.has_header(
                "Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response


class DatabaseRetryMiddleware:
    """A database restart costs a reader nothing and a writer nothing half-done (ADR 0009).

    - Before anything runs, the request waits for the database: a dead persistent connection is
      replaced (the health check) and a refused connection is tried again with a short backoff,
      up to SASAEAI_DB_WAIT_SECONDS. No statement has run yet, so this holds for writes too.
    - The sign-in state (session and user) is read here, before the other middleware and the
      view: a read for every method, tried once more on a fresh connection if the connection
      drops under it.
    - A GET or HEAD whose view meets a dropped connection is called once more on a fresh
      connection (`process_exception`: Django hands the view's exception to it before turning it
      into a 500). A write is never called again: its transaction was rolled back by the server
      with the connection, and the writer gets the 503 page saying so.
    - A database that stays unreachable answers 503 with a Japanese page, never a 500.
    """

    RETRIED_METHODS = frozenset({"GET", "HEAD"})
    VIEW = "_sasaeai_view"
    RETRIED = "_sasaeai_retried"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            wait_for_database()
            self.load_sign_in(request)
        except DatabaseUnavailable:
            return database_unavailable(request)
        return self.get_response(request)

    def load_sign_in(self, request: HttpRequest) -> None:
        user = getattr(request, "user", None)
        if user is None:
            return
        try:
            user.is_authenticated  # noqa: B018 - reads the session and the user
        except (OperationalError, InterfaceError) as exc:
            if not connection_lost(exc):
                raise
            logger.warning("接続が切れたため再試行します（ログイン状態の読込）: %s", exc)
            discard_broken_connections()
            wait_for_database()
            # Nothing was cached by the failed read (get_user and the session cache are set only
            # on success); a failure now is a database that is not there.
            try:
                user.is_authenticated  # noqa: B018
            except (OperationalError, InterfaceError) as again:
                if connection_lost(again):
                    raise DatabaseUnavailable from again
                raise

    def process_view(self, request: HttpRequest, view_func: Callable[..., HttpResponse],
                     view_args: tuple[Any, ...], view_kwargs: dict[str, Any]) -> None:
        setattr(request, self.VIEW, (view_func, view_args, view_kwargs))

    def process_exception(self, request: HttpRequest, exception: Exception
                          ) -> HttpResponse | None:
        if not connection_lost(exception):
            return None  # not ours, or a live connection refused a statement: an error (500)
        view = getattr(request, self.VIEW, None)
        if (request.method not in self.RETRIED_METHODS or view is None
                or getattr(request, self.RETRIED, False)
                or iscoroutinefunction(view[0])):
            logger.warning("データベースに接続できないため %s %s を中断しました: %s",
                           request.method, request.path, exception)
            discard_broken_connections()
            return database_unavailable(request)
        setattr(request, self.RETRIED, True)
        logger.warning("接続が切れたため %s %s を再試行します: %s", request.method, request.path,
                       exception)
        discard_broken_connections()
        try:
            wait_for_database()
            view_func, view_args, view_kwargs = view
            response = view_func(request, *view_args, **view_kwargs)
            render = getattr(response, "render", None)
            if callable(render) and not getattr(response, "is_rendered", True):
                response = render()
        except DatabaseUnavailable:
            return database_unavailable(request)
        except (OperationalError, InterfaceError) as again:
            if not connection_lost(again):
                raise
            discard_broken_connections()
            return database_unavailable(request)
        return response


class DatabaseUnavailable(Exception):
    """The database did not answer within SASAEAI_DB_WAIT_SECONDS."""


# Why a connection went away, as PostgreSQL says it: class 08 (connection exception), 57P01
# admin_shutdown (a restart's "terminating connection due to administrator command"), 57P02
# crash_shutdown, 57P03 cannot_connect_now ("the database system is starting up").
LOST_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})


def connection_lost(exc: BaseException) -> bool:
    """Whether `exc` means the connection is gone (dropped, refused, never made), as opposed to
    a live connection refusing one statement (a timeout, a deadlock, a lock): only the former is
    read again or answered with 503.

    Judged from the driver's error first, because by the time a view's exception arrives, a
    transaction's cleanup has already opened a fresh connection (Atomic.__exit__ closes the dead
    one and turns autocommit back on); then from the connections themselves."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    cause = exc.__cause__
    if cause is not None and hasattr(cause, "sqlstate"):  # psycopg
        state = cause.sqlstate
        # Client-side failures carry no SQLSTATE: the socket closed, the connect was refused.
        if state is None or state.startswith("08") or state in LOST_SQLSTATES:
            return True
    return any(conn.connection is None or not conn.is_usable()
               for conn in connections.all(initialized_only=True))


def discard_broken_connections() -> None:
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and conn.in_atomic_block:
            continue  # never replaced under an open transaction: it must fail as a whole
        if conn.connection is None or not conn.is_usable():
            conn.close()


def wait_for_database() -> None:
    """Make sure every configured database has a usable connection, trying again with a short
    backoff while the server is away (a restart refuses connections for a second or two)."""
    budget: float = getattr(settings, "SASAEAI_DB_WAIT_SECONDS", 3.0)
    deadline = time.monotonic() + budget
    for alias in connections:
        conn = connections[alias]
        delay = 0.05
        while True:
            try:
                conn.close_if_health_check_failed()
                conn.ensure_connection()
                break
            except (OperationalError, InterfaceError) as exc:
                if conn.connection is not None and not conn.in_atomic_block:
                    conn.close()
                if time.monotonic() + delay > deadline:
                    raise DatabaseUnavailable from exc
                time.sleep(delay)
                delay = min(delay * 2, 0.4)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 page, drawn without the database (no user, no messages: nothing is read)."""
    page = render_to_string("503.html", {
        "write": request.method not in DatabaseRetryMiddleware.RETRIED_METHODS,
        "csp_nonce": getattr(request, "csp_nonce", None),
    })
    response = HttpResponse(page, status=503)
    response["Retry-After"] = "5"
    response["Cache-Control"] = "no-store"
    return response
