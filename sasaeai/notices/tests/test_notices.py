"""Notices and their e-mails, with 下野市's personas: 社協の鈴木 (shimotsuke-shakyo) and
担当の田中 (shimotsuke-tanto). A notice is its recipient's: she alone marks it read (「既読にする」
on the task page); anyone else is told it does not exist."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.notices.delivery import send
from sasaeai.notices.models import Notice

pytestmark = pytest.mark.django_db


def user(suffix: str) -> User:
    return User.objects.get(username=f"shimotsuke-{suffix}")


def logged_in(who: User) -> Client:
    client = Client()
    client.force_login(who)
    return client


def returned(who: User, title: str, **kwargs) -> Notice:
    notice, = send(to=[who], kind=Notice.Kind.RETURNED, subject=f"【差戻し】報告「{title}」が差し戻されました",
                   body="差戻しの理由：回数を記入してください。", url="/092169/dai2ki/", **kwargs)
    return notice


def test_the_task_page_shows_unread_notices_first_and_marks_one_read():
    suzuki = user("shakyo")
    older = returned(suzuki, "見守り活動")
    newer = returned(suzuki, "ふれあいサロン")
    page = logged_in(suzuki).get(reverse("tasks:mine")).text
    assert "お知らせ（未読 2件）" in page and page.count("既読にする") == 2
    assert page.index("ふれあいサロン") < page.index("見守り活動")  # newest first
    response = logged_in(suzuki).post(reverse("notices:read", args=[newer.pk]))
    assert response.status_code == 302 and response["Location"] == "/tasks/#notices"
    newer.refresh_from_db()
    assert newer.read_at is not None
    assert AuditEvent.objects.filter(action="notices.notice.read", object_id=str(newer.pk),
                                     actor=suzuki).count() == 1
    page = logged_in(suzuki).get(reverse("tasks:mine")).text
    assert "お知らせ（未読 1件）" in page
    assert page.index("見守り活動") < page.index("ふれあいサロン")  # the unread one comes first
    # Marking it read again changes nothing.
    logged_in(suzuki).post(reverse("notices:read", args=[newer.pk]))
    assert AuditEvent.objects.filter(action="notices.notice.read").count() == 1
    older.refresh_from_db()
    assert older.read_at is None


def test_nobody_reads_or_marks_another_persons_notice():
    notice = returned(user("shakyo"), "見守り活動")
    tanaka = logged_in(user("tanto"))
    assert tanaka.post(reverse("notices:read", args=[notice.pk])).status_code == 404
    assert "見守り活動" not in tanaka.get(reverse("tasks:mine")).text
    notice.refresh_from_db()
    assert notice.read_at is None
    assert Client().post(reverse("notices:read", args=[notice.pk])).status_code == 302  # sign in
    assert tanaka.get(reverse("notices:read", args=[notice.pk])).status_code == 405


def test_notices_to_one_person_under_one_digest_go_as_one_mail_and_the_rest_apart(
        django_capture_on_commit_callbacks, mailoutbox):
    suzuki, tanaka = user("shakyo"), user("tanto")
    with django_capture_on_commit_callbacks(execute=True):
        for title in ("見守り活動", "ふれあいサロン"):
            send(to=[suzuki, tanaka], kind=Notice.Kind.RETURNED, subject=f"【差戻し】{title}",
                 body="直してください。", url="/092169/dai2ki/", digest="returned-1",
                 digest_subject="【差戻し】報告など{count}件が差し戻されました")
        returned(suzuki, "防災訓練")  # no digest: a mail of its own
    assert sorted((m.to[0].split("@")[0], m.subject) for m in mailoutbox) == [
        ("shimotsuke-shakyo", "【差戻し】報告「防災訓練」が差し戻されました"),
        ("shimotsuke-shakyo", "【差戻し】報告など2件が差し戻されました"),
        ("shimotsuke-tanto", "【差戻し】報告など2件が差し戻されました"),
    ]
    digest = next(m for m in mailoutbox if m.subject.endswith("2件が差し戻されました")
                  and m.to == ["shimotsuke-shakyo@demo.sasaeai.invalid"])
    assert digest.body.startswith(f"{suzuki} 様\n")
    assert "■ 1. 【差戻し】見守り活動" in digest.body and "■ 2. 【差戻し】ふれあいサロン" in digest.body
    assert "▶ http://127.0.0.1:8000/092169/dai2ki/" in digest.body
    assert "「プロフィール」で止められます：http://127.0.0.1:8000/accounts/profile/" in digest.body


def test_who_turned_mails_off_or_left_gets_no_mail(django_capture_on_commit_callbacks, mailoutbox):
    suzuki, tanaka = user("shakyo"), user("tanto")
    logged_in(suzuki).post(reverse("accounts:notice_mail"), {})
    assert AuditEvent.objects.filter(action="accounts.user.notice_mail", actor=suzuki).exists()
    tanaka.is_active = False
    tanaka.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        made = send(to=[User.objects.get(pk=suzuki.pk), tanaka], kind=Notice.Kind.CONFIRMED,
                    subject="【確定】評価が確定しました", body="ご確認ください。")
    assert mailoutbox == []
    assert [n.recipient for n in made] == [suzuki]  # a notice still, on her task page
    page = logged_in(suzuki).get(reverse("accounts:profile")).text
    assert 'name="notice_mail"' in page and "checked" not in page.split('name="notice_mail"')[1][:20]
    logged_in(suzuki).post(reverse("accounts:notice_mail"), {"notice_mail": "on"})
    assert User.objects.get(pk=suzuki.pk).notice_mail
