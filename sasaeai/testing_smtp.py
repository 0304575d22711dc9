"""A real SMTP server for tests (aiosmtpd on a free loopback port, started and stopped by the
test that asks for it through the `smtp_server` fixture), and the mail settings that send
through it as production does: SMTP backend, UTF-8 Japanese."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__(message_class=EmailMessage)
        self.received: list[EmailMessage] = []

    def handle_message(self, message: EmailMessage) -> None:  # type: ignore[override]
        self.received.append(message)

    def parsed(self, n: int = -1) -> tuple[EmailMessage, str]:
        """A received mail as a reader's program reads it, and its plain text."""
        message = message_from_bytes(self.received[n].as_bytes(), policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        if body is None:
            raise ValueError("the mail has no plain text")
        return message, body.get_content()  # type: ignore[return-value, attr-defined]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def smtp_mailers(port: int, *, timeout: int = 10) -> dict[str, Any]:
    """`MAILERS` sending through the local server on `port`."""
    return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                        "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False,
                                    "timeout": timeout}}}


def running_smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
