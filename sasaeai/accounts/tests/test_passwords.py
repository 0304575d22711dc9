"""Passwords without the operator (issue #16). 小美玉市社会福祉協議会の鈴木 (omitama-shakyo) has
forgotten her password: 「パスワードを忘れた場合」 on the sign-in page mails her a link that works
once, for a day; she sets a new password and signs in with it. The answer is the same for an
address nobody has, a deactivated account and an address asked for too often; only a client
asking too often is told to wait. 小美玉市の事務局の佐藤 changes her own password from her profile,
which also shows her organisations and roles. Every step is audited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from sasaeai.accounts import passwords
from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.demo.loader import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
SUZUKI = "omitama-shakyo"
ADDRESS = "omitama-shakyo@demo.sasaeai.invalid"
NEW = "ふれあいサロン2026-あおぞら"
DONE = "/accounts/password/reset/sent/"


def ask(address: str, ip: str = "192.0.2.20") -> Any:
    return Client(REMOTE_ADDR=ip).post(reverse("accounts:password_reset"), {"email": address})


def has_password(username: str, password: str) -> bool:
    return User.objects.get(username=username).check_password(password)


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def link_in(body: str) -> str:
    found = re.search(r"https?://\S+/accounts/password/reset/\S+/", body)
    assert found, body
    return found.group(0)


@override_settings(SASAEAI_BASE_URL="https://sasaeai.example.lg.jp")
def test_suzuki_resets_her_forgotten_password_from_the_mails_link(mailoutbox):
    login = Client().get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("accounts:password_reset")}"' in login and "パスワードを忘れた場合" in login

    response = ask(ADDRESS.upper())  # as typed, in capitals
    assert (response.status_code, response["Location"]) == (302, DONE)
    [mail] = mailoutbox
    assert mail.to == [ADDRESS] and mail.subject == "【ささえあい】パスワードの再設定のご案内"
    assert "24時間以内に1回だけ" in mail.body and f"ログインID：{SUZUKI}" in mail.body
    link = link_in(mail.body)
    assert link.startswith("https://sasaeai.example.lg.jp/accounts/password/reset/")

    suzuki = Client()
    page = suzuki.get(path_of(link), follow=True)
    assert "新しいパスワードの設定" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    short = suzuki.post(form_url, {"new_password1": "短い", "new_password2": "短い"})
    assert short.status_code == 200 and "このパスワードは短すぎます" in short.content.decode()
    assert has_password(SUZUKI, DEMO_PASSWORD)
    done = suzuki.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert has_password(SUZUKI, NEW)
    assert not has_password(SUZUKI, DEMO_PASSWORD)
    user = User.objects.get(username=SUZUKI)
    assert AuditEvent.objects.filter(action="accounts.password.reset", actor=user,
                                     object_id=str(user.pk)).count() == 1
    asked = AuditEvent.objects.get(action=passwords.RESET_ASKED)
    assert asked.object_id == str(user.pk) and (asked.after or {})["sent"] is True
    assert ADDRESS not in str(asked.after)  # counted by its hash, not kept

    again = Client().get(path_of(link), follow=True)
    assert "このリンクは使えません" in again.content.decode()  # once only


@pytest.mark.parametrize("address", ["nobody@example.jp", "omitama-etsuran@demo.sasaeai.invalid"])
def test_an_unknown_or_deactivated_address_gets_the_same_answer_and_no_mail(address, mailoutbox):
    User.objects.filter(username="omitama-etsuran").update(is_active=False)
    response = ask(address)
    assert (response.status_code, response["Location"]) == (302, DONE)
    assert mailoutbox == []
    assert (AuditEvent.objects.get(action=passwords.RESET_ASKED).after or {})["sent"] is False


def test_one_address_is_mailed_at_most_three_times_an_hour_with_the_same_answer(mailoutbox):
    for n in range(5):
        response = ask(ADDRESS, ip=f"192.0.2.{30 + n}")
        assert (response.status_code, response["Location"]) == (302, DONE)
    assert len(mailoutbox) == passwords.PER_ADDRESS == 3


def test_a_client_asking_too_often_is_told_to_wait_and_nothing_is_sent(mailoutbox):
    for n in range(passwords.PER_CLIENT):
        assert ask(f"someone{n}@example.jp").status_code == 302
    response = ask(ADDRESS)
    assert response.status_code == 429
    assert "1時間ほどおいてから" in response.content.decode()
    assert mailoutbox == []
    assert ask(ADDRESS, ip="198.51.100.9").status_code == 302  # another client is not held up


def test_a_bad_address_is_refused_in_japanese(mailoutbox):
    response = ask("メールアドレスではない")
    assert response.status_code == 200
    assert "メールアドレスの形で入力してください" in response.content.decode()
    assert AuditEvent.objects.filter(action=passwords.RESET_ASKED).count() == 0


def test_a_reset_lifts_the_sign_in_lockout_of_that_account(mailoutbox):
    for _ in range(5):
        Client(REMOTE_ADDR="203.0.113.40").post(reverse("accounts:login"),
                                                {"username": SUZUKI, "password": "違う"})
    locked = Client(REMOTE_ADDR="203.0.113.41").post(
        reverse("accounts:login"), {"username": SUZUKI, "password": DEMO_PASSWORD})
    assert locked.status_code == 429
    ask(ADDRESS)
    client = Client()
    page = client.get(path_of(link_in(mailoutbox[0].body)), follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    signed_in = Client(REMOTE_ADDR="203.0.113.41").post(
        reverse("accounts:login"), {"username": SUZUKI, "password": NEW})
    assert signed_in.status_code == 302


def test_sato_changes_her_own_password_from_her_profile():
    sato = User.objects.get(username="omitama-jimukyoku")
    client = Client()
    client.force_login(sato)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "所属と役割" in profile and "小美玉市" in profile and "事務局" in profile
    assert f'href="{reverse("accounts:password_change")}"' in profile

    wrong = client.post(reverse("accounts:password_change"), {
        "old_password": "違うパスワード", "new_password1": NEW, "new_password2": NEW})
    assert wrong.status_code == 200 and "元のパスワードが間違っています" in wrong.content.decode()
    mismatch = client.post(reverse("accounts:password_change"), {
        "old_password": DEMO_PASSWORD, "new_password1": NEW, "new_password2": NEW + "x"})
    assert mismatch.status_code == 200
    assert has_password("omitama-jimukyoku", DEMO_PASSWORD)

    done = client.post(reverse("accounts:password_change"), {
        "old_password": DEMO_PASSWORD, "new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "パスワードを変更しました" in done.content.decode()
    assert has_password("omitama-jimukyoku", NEW)
    assert client.get(reverse("accounts:profile")).status_code == 200  # still signed in here
    assert AuditEvent.objects.filter(action="accounts.password.change", actor=sato).count() == 1


def test_signed_out_nobody_reaches_the_change_page():
    response = Client().get(reverse("accounts:password_change"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
