"""No input reaches a 5xx: every route of the inventory, fed hostile values in every key it reads.

Generated from the route inventory (`test_routes.inventory()`) and the permission matrix's estate
and rules (`test_permission_matrix`): for every route and every method it answers, each of
匿名の市民, 事務局の佐藤, 担当課の田中 and 委員の高橋 asks for an object they may use (where there is
one; else one they may not, which must be refused just as calmly).

Which keys a view reads is found by asking it once normally and recording every key looked up on
`request.GET`, `request.POST` and `request.FILES` (every lookup of a `MultiValueDict` during that
request; the query string and the body carry a marker so that the two can be told apart). Then
each key, one at a time with the others as in the normal request, and a key the view does not
know, gets every hostile value: digits of other scripts (² ① ፩ ⁰), 10**30 and negative numbers,
impossible dates, nothing, a megabyte, NUL, JSON nested 100,000 deep, mathtext; every file key
gets garbage bytes. Every path id is replaced by 10**30 as well.

Every answer is 2xx, 3xx or 4xx, never 5xx; a 4xx page says what went wrong in Japanese; and a
refused request (4xx) writes nothing. Each request runs in a savepoint that is rolled back, so
each starts from the same estate. SQLite accepts NUL in a string where PostgreSQL refuses it:
a query with NUL in a parameter is refused here too, as it would be in production.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError, connection, transaction
from django.test import Client
from django.utils.datastructures import MultiValueDict

from sasaeai.tests.permission_estate import Estate, Target, Who, build_estate
from sasaeai.tests.test_permission_matrix import (
    GET,
    POST,
    SPECS,
    targets_of,
    url_of,
    writes_watched,
)
from sasaeai.tests.test_routes import inventory

pytestmark = pytest.mark.django_db

PERSONAS = ("匿名の市民", "事務局の佐藤", "担当課の田中", "委員の高橋")
MATHTEXT = r"$\frac{1}$"
HUGE = str(10**30)
HOSTILE: dict[str, str] = {
    "superscript two": "²", "circled one": "①", "ethiopic digits": "፩፪", "superscript zero": "⁰",
    "huge": HUGE, "huge negative": "-" + HUGE, "negative": "-1",
    "impossible date": "2024-99-99", "impossible wareki": "令和99年13月", "empty": "",
    "a megabyte": "x" * 1_000_000, "NUL": "a\x00b", "deep JSON": "[" * 100_000 + "]" * 100_000,
    "mathtext": MATHTEXT,
}
HEAVY = frozenset({"a megabyte", "deep JSON"})
GARBAGE_FILES: dict[str, tuple[str, bytes]] = {
    "garbage xlsx": ("悪意.xlsx", bytes(range(256)) * 16),
    "garbage csv": ("悪意.csv", b"\xff\xfe\x00" + bytes(range(256)) * 16),
    "garbage json": ("悪意.json", b"\x00" * 64 + b"{"),
    "deep json": ("deep.json", b"[" * 200_000 + b"]" * 200_000),
    "mathtext csv": ("math.csv", f"指標,単位\n{MATHTEXT},{MATHTEXT}\n".encode()),
}
# Who is refused is refused before anything is read: one request, every key hostile, shows it.
REFUSED_VALUE = "²፩\x00" + HUGE
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
MAIN = re.compile(r"<main[^>]*>(.*?)</main>", re.S)
TAG = re.compile(r"<[^>]+>")
PROBE = "_hostile_probe"  # marks the query string and the body of a discovery request
PROBE_FILE = "_hostile_probe_file"  # and its files (request.FILES)


# ---------------------------------------------------------------------------------------------
# Which keys a view reads
# ---------------------------------------------------------------------------------------------

@dataclass
class KeysRead:
    query: set[str] = field(default_factory=set)
    form: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)

    def note(self, lookup_in: MultiValueDict, key: Any) -> None:
        if not isinstance(key, str) or key in {PROBE, PROBE_FILE}:
            return
        marker = dict.get(lookup_in, PROBE)  # the raw list, without recording a lookup
        if marker == [GET]:
            self.query.add(key)
        elif marker == [POST]:
            self.form.add(key)
        elif dict.get(lookup_in, PROBE_FILE) is not None:
            self.files.add(key)


@contextmanager
def keys_read() -> Iterator[KeysRead]:
    """Every key looked up on a marked MultiValueDict (QueryDict, FILES) while it is open.

    The marks keep out the other MultiValueDicts Django looks things up in (the URL resolver's
    names, for one)."""
    read = KeysRead()
    names = ("__getitem__", "get", "getlist", "__contains__")
    own = {name: vars(MultiValueDict).get(name) for name in names}

    def recording(original: Any) -> Any:
        def lookup(self: MultiValueDict, key: Any, *args: Any, **kwargs: Any) -> Any:
            read.note(self, key)
            return original(self, key, *args, **kwargs)
        return lookup

    for name in names:
        setattr(MultiValueDict, name, recording(getattr(MultiValueDict, name)))
    try:
        yield read
    finally:
        for name, original in own.items():
            if original is None:
                delattr(MultiValueDict, name)  # inherited from dict
            else:
                setattr(MultiValueDict, name, original)


@cache
def api_query_keys() -> frozenset[str]:
    """django-ninja reads the query as a whole, not key by key: its schema names the keys."""
    from sasaeai.api.api import api

    schema = api.get_openapi_schema()
    return frozenset(p["name"] for operations in schema["paths"].values()
                     for operation in operations.values() for p in operation.get("parameters", [])
                     if p["in"] == "query")


@contextmanager
def nul_refused_like_postgresql() -> Iterator[None]:
    def refuse(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        rows = params if many else [params]
        for row in rows or []:
            values = row.values() if isinstance(row, dict) else (row or [])
            if any(isinstance(v, str) and "\x00" in v for v in values):
                raise DataError("A string literal cannot contain NUL (0x00) characters.")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


# ---------------------------------------------------------------------------------------------
# Asking
# ---------------------------------------------------------------------------------------------

@dataclass
class Sweep:
    estate: Estate
    clients: dict[str, Client] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    requests: int = 0
    keys: dict[str, KeysRead] = field(default_factory=dict)

    def client(self, who: Who) -> Client:
        if who.name not in self.clients:
            client = Client(raise_request_exception=False)
            if who.user.is_authenticated:
                client.force_login(who.user)
            self.clients[who.name] = client
        return self.clients[who.name]

    def send(self, who: Who, route: str, method: str, url: str, query: dict[str, str],
             form: dict[str, Any], case: str) -> Any:
        self.requests += 1
        full = url + ("?" + urlencode(query) if query else "")
        client = self.client(who)
        sid = transaction.savepoint_create()
        try:
            with writes_watched() as writes, nul_refused_like_postgresql():
                response = client.get(full) if method == GET else client.post(full, form)
        finally:
            transaction.savepoint_rollback(sid)
        if route == "accounts:logout":  # signed out: sign in again
            del self.clients[who.name]
        self.judge(response, writes, f"{who.name} {method.upper()} {route} {case}")
        return response

    def judge(self, response: Any, writes: list[str], case: str) -> None:
        status = response.status_code
        if status >= 500:
            self.problems.append(f"{case} → {status}")
        elif status >= 400:
            if not JAPANESE.search(message_of(response)):
                self.problems.append(f"{case} → {status} without a Japanese message")
            if writes:
                self.problems.append(f"{case} → {status} but wrote {writes[:2]}")


def message_of(response: Any) -> str:
    """What a refusal says to the person: the page's main region without its markup (the
    header and footer are Japanese on every page and prove nothing), or the API's detail."""
    kind = response.get("Content-Type", "")
    body = response.content.decode("utf-8", "replace")
    if kind.startswith("application/json"):
        return str(json.loads(body).get("detail", "")) if body.startswith("{") else ""
    if not kind.startswith("text/html"):
        return body
    main = MAIN.search(body)
    return TAG.sub(" ", main.group(1) if main else body)


def normal_request(route: str, method: str, target: Target) -> tuple[dict[str, str],
                                                                      dict[str, Any]]:
    """The query and the form of an ordinary request, as the permission matrix sends it."""
    query = dict(parse_qsl(SPECS[route].query.lstrip("?")))
    form = {k: str(v) for k, v in target.data.items()} if method == POST else {}
    return query, form


def target_for(estate: Estate, who: Who, route: str, method: str) -> tuple[Target, bool]:
    """An object this persona may use through the route, else one it may not."""
    spec = SPECS[route]
    targets: list[Target] = targets_of(estate, spec.kind)
    allowed = next((t for t in targets if spec.rules[method](who, t)), None)
    return (allowed, True) if allowed is not None else (targets[0], False)


def sweep_route(sweep: Sweep, route: str) -> None:
    whos = [w for w in sweep.estate.personas() if w.name in PERSONAS]
    for method in SPECS[route].rules:
        swept: set[str] = set()  # keys already given every value alone, by an earlier persona
        for who in whos:
            swept |= sweep_as(sweep, who, route, method, swept)


def sweep_as(sweep: Sweep, who: Who, route: str, method: str, swept: set[str]) -> set[str]:
    """One persona's requests to one route; returns the keys it gave every value alone."""
    target, allowed = target_for(sweep.estate, who, route, method)
    url = url_of(route, target, "")
    query, form = normal_request(route, method, target)
    with keys_read() as read:
        probe_file = SimpleUploadedFile("probe.txt", b"probe")
        sweep.send(who, route, method, url, {**query, PROBE: GET},
                   {**form, PROBE: POST, PROBE_FILE: probe_file}, "normally")
    sweep.keys[f"{route} {method} {who.name}"] = read
    # What the view does not look up is an unknown key to it, swept below all in one request.
    in_query = read.query - read.files | (api_query_keys() if route.startswith("api:") else set())
    in_form = read.form - read.files if method == POST else set()
    if not allowed:
        sweep.send(who, route, method, url, {k: REFUSED_VALUE for k in in_query},
                   {k: REFUSED_VALUE for k in in_form}, "every key hostile")
        return set()
    # A key the view never looks up cannot matter to it, but to whatever reads every key: all
    # the unknown keys go in one request.
    unknown = {f"悪意の{name}": value for name, value in HOSTILE.items()}
    sweep.send(who, route, method, url, {**query, **unknown},
               {**form, **unknown} if method == POST else {}, "unknown keys")
    # Each key alone with every value, once per route; for the next persona (another path
    # through the same view) every key at once with each value.
    for name, value in HOSTILE.items():
        if name in HEAVY:
            # A megabyte or 100,000 brackets in every key at once: each field meets it, and the
            # request is one instead of one per key (these two are most of the sweep's time).
            sweep.send(who, route, method, url, {**query, **{k: value for k in in_query}},
                       {**form, **{k: value for k in in_form}}, f"every key={name}")
            continue
        if (in_query | in_form) & swept:
            sweep.send(who, route, method, url,
                       {**query, **{k: value for k in in_query & swept}},
                       {**form, **{k: value for k in in_form & swept}}, f"every key={name}")
        for key in sorted(in_query - swept):
            sweep.send(who, route, method, url, {**query, key: value}, form, f"?{key}={name}")
        for key in sorted(in_form - swept):
            sweep.send(who, route, method, url, query, {**form, key: value}, f"{key}={name}")
    for key in sorted(read.files):
        for name, (filename, data) in GARBAGE_FILES.items():
            upload = SimpleUploadedFile(filename, data)
            sweep.send(who, route, method, url, query, {**form, key: upload}, f"{key}={name}")
    if who.name == "事務局の佐藤":
        for kwarg, value in target.kwargs.items():
            if isinstance(value, int):
                huge = Target(target.muni, {**target.kwargs, kwarg: 10**30})
                sweep.send(who, route, method, url_of(route, huge, ""), query, form,
                           f"<{kwarg}>=10**30")
    return in_query | in_form


# ---------------------------------------------------------------------------------------------
# The sweep
# ---------------------------------------------------------------------------------------------

ROUTE_GROUPS = {
    "public pages, the API and accounts": lambda r: not r.startswith(
        ("progress:", "surveys:", "exchange:", "indicators:", "packet")),
    "the 事務局's tools": lambda r: r.startswith(("surveys:", "exchange:", "indicators:")),
    "the progress cycle": lambda r: r.startswith(("progress:", "packet")),
}


def test_the_groups_cover_every_route_of_the_inventory_once():
    routes = [name for name, _ in inventory()]
    grouped = [r for r in routes for belongs in ROUTE_GROUPS.values() if belongs(r)]
    assert sorted(grouped) == sorted(routes) == sorted(SPECS)


@pytest.mark.parametrize("group", ROUTE_GROUPS)
def test_no_hostile_input_reaches_a_5xx(world: Any, group: str):
    estate = build_estate(world)
    sweep = Sweep(estate)
    routes = [name for name, _ in inventory() if ROUTE_GROUPS[group](name)]
    for route in routes:
        sweep_route(sweep, route)
    assert not sweep.problems, "\n".join(sweep.problems[:50])
    assert sweep.requests > len(routes) * len(HOSTILE)


def test_the_sweep_finds_the_keys_a_view_reads(world: Any):
    """The discovery itself: the indicator table reads ?fy, the opinion form reads entry and
    text, the plan upload reads its file, the API pages with limit and offset."""
    estate = build_estate(world)
    sweep = Sweep(estate)
    for route in ("indicators:table", "progress:opinion_create", "exchange:import"):
        sweep_route(sweep, route)
    assert "fy" in sweep.keys["indicators:table get 匿名の市民"].query
    assert {"entry", "text"} <= sweep.keys["progress:opinion_create post 委員の高橋"].form
    assert "file" in sweep.keys["exchange:import post 事務局の佐藤"].files
    assert {"limit", "offset"} <= api_query_keys()
    assert sweep.problems == []
