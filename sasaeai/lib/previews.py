"""The one-time confirmation of an upload's preview.

Every upload (survey microdata, an indicator table, a plan, a 照会 workbook) is read twice: once
to show what it would do, and again when the user confirms. Nothing is saved in between but what
the upload needs to be read again (its bytes, its form fields), kept in the session under a token
that is good once, for a limited time, and only for the preview that was shown: a newer preview
in the same place (another tab, another file) replaces it, and the digest recorded at the
preview lets the confirmation refuse a result that is no longer the one the user saw.

The session is taken as a plain mapping, so this module needs no request and no Django.
"""

from __future__ import annotations

import base64
import secrets
import time
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

# Long enough to read a long preview and check it against the paper; short enough that a
# preview left open overnight is not applied to a plan that has moved on since.
TTL_SECONDS = 60 * 60
PREFIX = "preview:"


@dataclass(frozen=True)
class Pending:
    """A preview claimed by its token: what to read again, and the digest of what was shown."""

    digest: str
    payload: dict[str, Any]

    def shows(self, digest: str) -> bool:
        """Whether a result read again is still the one that was shown."""
        return _same(self.digest, digest)


def _same(a: str, b: str) -> bool:
    # compare_digest refuses non-ASCII str; a token typed into a form may be anything.
    return secrets.compare_digest(a.encode(), b.encode())


def stash(session: MutableMapping[str, Any], scope: str, *, digest: str,
          payload: Mapping[str, Any], now: float | None = None,
          ttl: float = TTL_SECONDS) -> str:
    """Keep a preview's payload under a new token, replacing any earlier preview of the scope.

    The payload must be what the session can store (JSON): bytes go through `pack`."""
    token = secrets.token_urlsafe(16)
    session[PREFIX + scope] = {
        "token": token, "digest": digest, "payload": dict(payload),
        "expires": (time.time() if now is None else now) + ttl,
    }
    return token


def claim(session: MutableMapping[str, Any], scope: str, token: str, *,
          digest: str | None = None, now: float | None = None) -> Pending | None:
    """The preview this token was given for, spent as it is claimed; None when there is none.

    Refused: no preview, an expired one, another token (a replaced or forged one: the pending
    preview stays for the tab that holds its token), and, when the confirmation form sends the
    digest it was shown, a different digest. A token that matches is spent even if the digest
    does not, so no token is ever good twice."""
    key = PREFIX + scope
    stored = session.get(key)
    if not isinstance(stored, dict):
        return None
    if float(stored.get("expires", 0)) < (time.time() if now is None else now):
        session.pop(key, None)
        return None
    if not _same(str(stored.get("token", "")), token):
        return None
    session.pop(key, None)
    pending = Pending(digest=str(stored.get("digest", "")), payload=dict(stored["payload"]))
    if digest is not None and not pending.shows(digest):
        return None
    return pending


def discard(session: MutableMapping[str, Any], scope: str) -> None:
    """Forget the scope's pending preview (a new upload, or one that cannot be applied)."""
    session.pop(PREFIX + scope, None)


def pack(data: bytes) -> str:
    """Bytes as the session can keep them."""
    return base64.b64encode(data).decode("ascii")


def unpack(text: str) -> bytes:
    return base64.b64decode(text)
