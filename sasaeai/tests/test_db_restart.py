"""A database restart costs a reader nothing and leaves no write half-done (ADR 0009).

On PostgreSQL the app's own connection is killed with pg_terminate_backend from a second
connection, between requests and in the middle of one: a GET still answers 200 (read again on a
fresh connection), a POST whose transaction loses its connection is refused with the 503 page and
writes nothing (no entry version, no history row, no audit event), and is never sent twice. Only
this test's own backend is terminated; the server is never restarted here. The 503 page for a
database that cannot be reached is checked on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError, connection, connections
from django.test import Client, override_settings

from sasaeai.audit.models import AuditEvent
from sasaeai.progress.models import Entry, EntryVersion
from sasaeai.testing import build_review, build_world

UNAVAILABLE = "データベースに接続できません"
NOT_SAVED = "保存されていない可能性があります"

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="接続の切断は PostgreSQL でだけ試せます")


def terminate_own_backend() -> int:
    """Kill this thread's connection from a second one, as a server restart would."""
    import psycopg

    conn = connections["default"]
    assert conn.connection is not None
    pid: int = conn.connection.info.backend_pid
    params = conn.settings_dict
    with psycopg.connect(dbname=params["NAME"], user=params["USER"], host=params["HOST"] or None,
                         port=params["PORT"] or None, password=params["PASSWORD"] or None,
                         autocommit=True) as killer:
        killer.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    return pid


@contextmanager
def kill_before(marker: str, *, kill: bool = True) -> Iterator[dict[str, int]]:
    """Count the statements containing `marker` (to see that nothing is sent twice) and, unless
    told not to, terminate the connection just before the first of them is sent."""
    seen = {"killed": 0, "sent": 0}

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool,
                context: dict[str, Any]) -> Any:
        if marker in sql:
            seen["sent"] += 1
            if kill and not seen["killed"]:
                seen["killed"] = terminate_own_backend()
        return execute(sql, params, many, context)

    with connections["default"].execute_wrapper(wrapper):
        yield seen


def backend_pid() -> int:
    conn = connections["default"]
    assert conn.connection is not None
    pid: int = conn.connection.info.backend_pid
    return pid


def signed_in_review() -> tuple[Client, Entry]:
    """田中 (担当, 福祉課) signed in, and his department's entry of a cycle open for input."""
    review = build_review(build_world())
    client = Client()
    client.force_login(review.world.tanaka)
    return client, review.entry(review.watch, review.dept)


def counts(entry: Entry) -> tuple[int, int, int]:
    return (Entry.objects.get(pk=entry.pk).version,
            EntryVersion.objects.filter(entry=entry).count(),
            AuditEvent.objects.filter(object_type="progress.Entry",
                                      object_id=str(entry.pk)).count())


# Both databases ---------------------------------------------------------------------------------

@override_settings(SASAEAI_DB_WAIT_SECONDS=0.3)
def test_unreachable_database_answers_503_in_japanese(db, client):
    with mock.patch.object(connections["default"], "ensure_connection",
                           side_effect=OperationalError("connection refused")):
        read = client.get("/")
        write = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert read.status_code == 503
    text = read.content.decode()
    assert UNAVAILABLE in text and "しばらくしてからもう一度お試しください" in text
    assert NOT_SAVED not in text
    assert read["Retry-After"] == "5"
    assert write.status_code == 503
    assert NOT_SAVED in write.content.decode()


def test_an_error_on_a_live_connection_is_not_retried(db, client):
    """A statement refused by a live database (a lock, a timeout) is an ordinary error: the view
    is not called again and nothing is dressed up as 503."""
    calls = {"n": 0}

    def refuse(execute: Callable[..., Any], sql: str, params: Any, many: bool,
               context: dict[str, Any]) -> Any:
        if "tenancy_municipality" in sql:
            calls["n"] += 1
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    with connections["default"].execute_wrapper(refuse), pytest.raises(OperationalError):
        client.get("/")
    assert calls["n"] == 1


# PostgreSQL: the connection really goes away -------------------------------------------------------

@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_read_survives_a_connection_killed_between_requests():
    client, entry = signed_in_review()
    url = entry.get_absolute_url()
    assert client.get(url).status_code == 200
    killed = terminate_own_backend()
    response = client.get(url)
    assert response.status_code == 200
    assert "見守り活動の推進" in response.content.decode()
    assert backend_pid() != killed


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_read_survives_a_connection_killed_during_the_view():
    client, entry = signed_in_review()
    url = entry.get_absolute_url()
    assert client.get(url).status_code == 200
    with kill_before('FROM "progress_entry"') as seen:
        response = client.get(url)
    assert seen["killed"], "the connection was never killed"
    assert response.status_code == 200
    assert "見守り活動の推進" in response.content.decode()
    assert seen["sent"] >= 2  # the view ran again on the new connection


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_public_read_survives_a_connection_killed_during_the_view():
    review = build_review(build_world())
    plan = review.world.published
    client = Client()
    url = f"/{plan.municipality.code}/{plan.slug}/"
    assert client.get(url).status_code == 200
    with kill_before('FROM "plans_plan"') as seen:
        response = client.get(url)
    assert seen["killed"]
    assert response.status_code == 200
    assert plan.title in response.content.decode()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_write_that_loses_its_connection_is_refused_and_leaves_nothing():
    client, entry = signed_in_review()
    url = entry.get_absolute_url()
    assert client.get(url).status_code == 200
    before = counts(entry)
    # The last statement of the save's transaction: the entry row and its version are already
    # written (uncommitted) when the connection goes.
    with kill_before('INSERT INTO "audit_auditevent"') as seen:
        response = client.post(url + "save/", {"version": entry.version,
                                               "progress": "切断中の保存"})
    assert seen["killed"]
    assert seen["sent"] == 1  # never sent again
    assert response.status_code == 503
    assert NOT_SAVED in response.content.decode()
    assert counts(entry) == before
    assert not Entry.objects.filter(pk=entry.pk, progress="切断中の保存").exists()
    # The writer opens the page again and saves: exactly one new version.
    page = client.get(url)
    assert page.status_code == 200
    saved = client.post(url + "save/", {"version": entry.version, "progress": "保存し直し"})
    assert saved.status_code == 302
    version, history, audit = counts(entry)
    assert (version, history, audit) == (before[0] + 1, before[1] + 1, before[2] + 1)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_write_after_a_connection_killed_between_requests_is_saved_once():
    """A connection that died while idle is replaced before the write begins: the write runs
    once, whole."""
    client, entry = signed_in_review()
    url = entry.get_absolute_url()
    assert client.get(url).status_code == 200
    before = counts(entry)
    terminate_own_backend()
    with kill_before('UPDATE "progress_entry"', kill=False) as seen:
        response = client.post(url + "save/", {"version": entry.version, "progress": "再接続後"})
    assert response.status_code == 302
    assert seen["sent"] == 1
    assert counts(entry) == (before[0] + 1, before[1] + 1, before[2] + 1)
    latest = EntryVersion.objects.filter(entry=entry).order_by("-number").first()
    assert latest is not None and latest.content["progress"] == "再接続後"


@postgresql_only
@pytest.mark.django_db(transaction=True)
@override_settings(SASAEAI_DB_WAIT_SECONDS=0.5)
def test_refused_connection_answers_503_after_a_short_wait():
    client = Client()
    connections["default"].close()
    with mock.patch.object(connections["default"], "connect",
                           side_effect=OperationalError("connection refused")) as connect:
        response = client.get("/")
    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()
    assert connect.call_count >= 3  # tried again with a backoff, not given up at once
    assert client.get("/").status_code == 200  # and the server is back


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_refused_connection_that_comes_back_within_the_wait_costs_nothing():
    client = Client()
    conn = connections["default"]
    conn.close()
    real_connect = conn.connect
    attempts = {"n": 0}

    def flaky() -> None:
        attempts["n"] += 1
        if attempts["n"] <= 3:
            raise OperationalError("the database system is starting up")
        real_connect()

    with mock.patch.object(conn, "connect", side_effect=flaky):
        response = client.get("/")
    assert response.status_code == 200
    assert attempts["n"] == 4
