"""The one-time token between an upload's preview and its confirmation.

The session here is a plain dict, as the views' session behaves for this module; the uploads'
own tests (surveys, indicators, exchange, progress) go through the pages.
"""

from __future__ import annotations

import json

from sasaeai.lib import previews

SCOPE = "indicators.table.7"
NOW = 1_700_000_000.0
# The text of a real table (長野市, 第3次): what an indicator import keeps between its two steps.
ROWS = [["指標", "基準値", "目標値"], ["地域の支え合い活動に参加している市民の割合", "41.6%", "50%"]]


def preview(session: dict, *, digest: str = "d1", rows: list | None = None,
            now: float = NOW) -> str:
    return previews.stash(session, SCOPE, digest=digest, payload={"rows": rows or ROWS}, now=now)


def test_it_gives_back_what_was_previewed_once():
    session: dict = {}
    token = preview(session)
    pending = previews.claim(session, SCOPE, token, now=NOW + 60)
    assert pending is not None and pending.payload == {"rows": ROWS} and pending.digest == "d1"
    assert pending.shows("d1") and not pending.shows("d2")
    # Replayed: the token was spent by the first confirmation.
    assert previews.claim(session, SCOPE, token, now=NOW + 61) is None
    assert session == {}


def test_it_refuses_an_expired_preview_and_forgets_it():
    session: dict = {}
    token = preview(session)
    assert previews.claim(session, SCOPE, token, now=NOW + previews.TTL_SECONDS + 1) is None
    assert session == {}


def test_it_refuses_a_wrong_token_and_keeps_the_preview_for_the_right_one():
    session: dict = {}
    token = preview(session)
    for wrong in ["", "x", token[:-1], "佐藤の確認", token + " "]:
        assert previews.claim(session, SCOPE, wrong, now=NOW) is None, wrong
    assert previews.claim(session, SCOPE, token, now=NOW) is not None


def test_it_refuses_a_confirmation_sent_for_another_digest_and_spends_the_token():
    session: dict = {}
    token = preview(session, digest="d1")
    assert previews.claim(session, SCOPE, token, digest="d2", now=NOW) is None
    assert previews.claim(session, SCOPE, token, digest="d1", now=NOW) is None
    token = preview(session, digest="d1")
    pending = previews.claim(session, SCOPE, token, digest="d1", now=NOW)
    assert pending is not None and pending.payload["rows"] == ROWS


def test_two_previews_in_two_tabs_confirm_only_the_latest():
    session: dict = {}
    first = preview(session, rows=ROWS[:1])
    second = preview(session, digest="d2", rows=ROWS)
    assert first != second
    # The first tab still shows the first table: confirming it must not apply the second.
    assert previews.claim(session, SCOPE, first, now=NOW) is None
    pending = previews.claim(session, SCOPE, second, now=NOW)
    assert pending is not None and pending.payload["rows"] == ROWS and pending.digest == "d2"


def test_previews_of_two_places_wait_side_by_side():
    session: dict = {}
    dept = previews.stash(session, "progress.workbook.3.11", digest="a", payload={}, now=NOW)
    shakyo = previews.stash(session, "progress.workbook.3.12", digest="b", payload={}, now=NOW)
    assert previews.claim(session, "progress.workbook.3.12", dept, now=NOW) is None
    assert previews.claim(session, "progress.workbook.3.11", dept, now=NOW) is not None
    assert previews.claim(session, "progress.workbook.3.12", shakyo, now=NOW) is not None


def test_discard_forgets_the_scope_only():
    session: dict = {}
    token = preview(session)
    other = previews.stash(session, "exchange.upload.1", digest="", payload={}, now=NOW)
    previews.discard(session, SCOPE)
    assert previews.claim(session, SCOPE, token, now=NOW) is None
    assert previews.claim(session, "exchange.upload.1", other, now=NOW) is not None


def test_what_it_keeps_survives_the_json_session_and_bytes_come_back_whole():
    session: dict = {}
    data = "回答者番号,問1\r\n1,1\r\n".encode("cp932") + bytes(range(256))
    token = previews.stash(session, SCOPE, digest="d", payload={"file": ["r5.csv", previews.pack(data)]},
                           now=NOW)
    session = json.loads(json.dumps(session))
    pending = previews.claim(session, SCOPE, token, now=NOW)
    assert pending is not None and previews.unpack(pending.payload["file"][1]) == data
