"""Guessing passwords is stopped (django-axes): five wrong passwords for one user name, or from
one address, lock it for 15 minutes with a page saying so in Japanese."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from sasaeai.accounts.throttle import client_ip
from sasaeai.testing import PASSWORD, World

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def attempt(username: str, password: str, address: str = "192.0.2.10") -> int:
    response = Client(REMOTE_ADDR=address).post(
        reverse("accounts:login"), {"username": username, "password": password})
    return response.status_code


def test_five_wrong_passwords_lock_the_name_even_against_the_right_one(world: World):
    for _ in range(4):
        assert attempt("tanaka", "間違ったパスワード") == 200  # the form again, with its message
    assert attempt("tanaka", "間違ったパスワード") == 429
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    response = elsewhere.post(LOGIN, {"username": "tanaka", "password": PASSWORD})
    assert response.status_code == 429
    page = response.content.decode()
    assert "ログインを一時停止しています" in page and "15分" in page and "5回" in page
    assert "_auth_user_id" not in elsewhere.session  # not signed in


def test_the_lock_lifts_after_the_cool_off(world: World):
    for _ in range(5):
        attempt("tanaka", "間違ったパスワード")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt("tanaka", PASSWORD) == 302


def test_a_success_clears_the_count(world: World):
    for _ in range(4):
        attempt("tanaka", "間違ったパスワード")
    assert attempt("tanaka", PASSWORD) == 302
    for _ in range(4):
        assert attempt("tanaka", "間違ったパスワード") == 200
    assert attempt("tanaka", PASSWORD) == 302


def test_one_address_trying_many_names_is_locked(world: World):
    for name in ("sato", "suzuki", "takahashi", "ito", "other"):
        attempt(name, "間違ったパスワード", address="203.0.113.5")
    assert attempt("tanaka", PASSWORD, address="203.0.113.5") == 429
    assert attempt("tanaka", PASSWORD, address="203.0.113.6") == 302


def test_no_attempt_record_keeps_the_password(world: World):
    attempt("tanaka", "秘密の間違いパスワード")
    record = AccessAttempt.objects.get()
    assert "秘密の間違いパスワード" not in str(record.post_data) + str(record.get_data)


@override_settings(SASAEAI_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_saw_counts_and_forged_ones_do_not():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2",
                                   HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.44")
    assert client_ip(request) == "192.0.2.44"  # 1.2.3.4 was written by the client itself
    bare = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")
    assert client_ip(bare) == "10.0.0.2"


def test_without_a_proxy_the_connection_address_counts():
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.9",
                                   HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "192.0.2.9"
