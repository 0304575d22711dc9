"""Passwords without the operator: a reset asked for by e-mail, a new password set from the
mail's link, one's own password changed on the profile page. Each is audited; asking for resets
is throttled per address and per client address, counted in the audit log itself (it is shared
by every app node, unlike a process's memory).

The answer to 「パスワードを忘れた場合」 is the same whether the address is known or not, and
whether its own limit was reached or not: only the client address's limit is shown (it says
nothing about any address typed)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.utils import timezone

from sasaeai.audit.actions import record
from sasaeai.audit.models import AuditEvent

RESET_ASKED = "accounts.password.reset_asked"
PER_ADDRESS = 3  # mails to one address within the window: a reset is not a way to flood an inbox
PER_CLIENT = 10  # requests from one client address within the window
WINDOW = timedelta(hours=1)


def address_key(email: str) -> str:
    """The typed address, folded and hashed: the log counts it without keeping it."""
    return hashlib.sha256(email.strip().casefold().encode()).hexdigest()[:32]


def _recent() -> Any:
    return AuditEvent.objects.filter(action=RESET_ASKED, at__gte=timezone.now() - WINDOW)


def client_may_ask(ip: str) -> bool:
    return _recent().filter(after__ip=ip).count() < PER_CLIENT


def reset_asked(*, email: str, ip: str, users: list[Any]) -> bool:
    """Record a request for a reset; whether its mails may be sent (the address's limit)."""
    key = address_key(email)
    may_send = bool(users) and _recent().filter(after__address=key, after__sent=True).count() < (
        PER_ADDRESS)
    record(by=None, action=RESET_ASKED, obj=users[0] if len(users) == 1 else None,
           after={"ip": ip, "address": key, "sent": may_send})
    return may_send


def password_reset(*, user: Any) -> None:
    """A new password set from the mail's link: audited, and the sign-in lockout of that
    account lifted (who proves the mailbox has earned another try)."""
    from axes.utils import reset

    record(by=user, action="accounts.password.reset", obj=user)
    reset(username=user.get_username())


def password_changed(*, user: Any) -> None:
    record(by=user, action="accounts.password.change", obj=user)
