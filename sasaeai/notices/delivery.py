"""send(): tell people something. One notice per person at once, in the caller's transaction (a
write that is rolled back told nobody); the e-mails once that transaction commits, one per
person and digest, to whoever has not turned e-mails off on their profile page."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.mail import EmailMessage, mailers
from django.db import connection, transaction
from django.urls import reverse

from sasaeai.notices.models import Notice, absolute

logger = logging.getLogger("sasaeai.notices")
FOOTER = ("──\n"
          "このお知らせは「わたしの作業」にも表示されます：{tasks}\n"
          "メールでのお知らせは「プロフィール」で止められます：{profile}\n"
          "（このメールは ささえあい から自動で送信しています）\n")


@dataclass
class _Outbox:
    """The notices to mail when the current transaction commits, by person and digest."""

    groups: dict[tuple[int, str], list[Notice]] = field(default_factory=dict)
    recipients: dict[int, Any] = field(default_factory=dict)
    digests: dict[tuple[int, str], str] = field(default_factory=dict)
    done: bool = False

    def add(self, user: Any, notice: Notice, digest: str, digest_subject: str) -> None:
        key = (user.pk, digest or f"notice-{notice.pk}")
        self.recipients[user.pk] = user
        self.groups.setdefault(key, []).append(notice)
        self.digests[key] = digest_subject

    def flush(self) -> None:
        self.done = True
        outgoing: list[tuple[EmailMessage, list[Notice]]] = []
        for key, notices in self.groups.items():
            user = self.recipients[key[0]]
            if not getattr(user, "notice_mail", True) or not user.email:
                continue
            outgoing.append((compose(user, notices, self.digests[key]), notices))
        self.groups.clear()
        if not outgoing:
            return
        try:
            with mailers.default as mailer:
                mailer.send_messages([message for message, _ in outgoing])
        except Exception:  # a mail server down never undoes what was done; the notices stay
            logger.exception("お知らせのメールを送れませんでした（%d通）", len(outgoing))
            return
        Notice.objects.filter(pk__in=[n.pk for _, ns in outgoing for n in ns]).update(mailed=True)


_ATTR = "_sasaeai_notice_outbox"


def _outbox() -> _Outbox:
    """The outbox of the transaction under way (a new one when the last was sent or discarded)."""
    box: _Outbox | None = getattr(connection, _ATTR, None)
    if box is None or box.done or not any(item[1] == box.flush
                                          for item in connection.run_on_commit):
        box = _Outbox()
        setattr(connection, _ATTR, box)
        if connection.in_atomic_block:
            transaction.on_commit(box.flush, robust=True)
    return box


def compose(user: Any, notices: list[Notice], digest_subject: str) -> EmailMessage:
    """One e-mail: a notice as it is, or several as a digest under one subject."""
    lines = [f"{user} 様", ""]
    if len(notices) == 1:
        notice = notices[0]
        subject = notice.subject
        lines += [notice.body.rstrip(), "", f"▶ {notice.absolute_url}", ""]
    else:
        subject = (digest_subject or "【ささえあい】お知らせ{count}件").format(count=len(notices))
        lines += [f"お知らせが{len(notices)}件あります。", ""]
        for number, notice in enumerate(notices, start=1):
            lines += [f"■ {number}. {notice.subject}", notice.body.rstrip(),
                      f"▶ {notice.absolute_url}", ""]
    lines.append(FOOTER.format(tasks=absolute(reverse("tasks:mine")),
                               profile=absolute(reverse("accounts:profile"))))
    return EmailMessage(subject=subject, body="\n".join(lines), to=[user.email])


def send(*, to: Iterable[Any], kind: str, subject: str, body: str, url: str = "",
         digest: str = "", digest_subject: str = "") -> list[Notice]:
    """Tell each person in `to` (once each, active people only). Notices sent in one transaction
    to one person with the same `digest` key go as one e-mail titled `digest_subject` (its
    `{count}` replaced by their number), e.g. three reports of one organisation returned at once."""
    people = {user.pk: user for user in to if getattr(user, "is_active", False)}
    made = Notice.objects.bulk_create([
        Notice(recipient=user, kind=kind, subject=subject[:200], body=body, url=url[:300])
        for user in people.values()])
    box = _outbox()
    for user, notice in zip(people.values(), made, strict=True):
        box.add(user, notice, digest, digest_subject)
    if not connection.in_atomic_block:
        box.flush()
    return made
