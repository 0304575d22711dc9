"""Headers and sessions: what a browser is told about every page, and how a session ends."""

import time

import pytest
from django.conf import settings
from django.test import Client

from sasaeai.testing import PASSWORD, World

pytestmark = pytest.mark.django_db


def test_every_page_carries_the_security_headers(world: World):
    response = Client().get("/479001/dai3ji/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    # Scripts only from our own origin: no inline script, so no nonce is needed (or sent).
    assert "script-src 'self';" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" not in response.get("Cache-Control", "")  # public pages may be cached


def test_staff_pages_are_never_stored_by_a_cache(world: World):
    sato = Client()
    sato.force_login(world.sato)
    for url in ("/479001/dai4ji/", "/tasks/", "/accounts/profile/", "/479001/surveys/"):
        assert "no-store" in sato.get(url)["Cache-Control"], url


def test_signing_in_gives_a_new_session_key_and_a_wrong_password_is_not_logged(world: World,
                                                                                caplog):
    client = Client()
    client.get("/accounts/login/")
    before = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    client.post("/accounts/login/", {"username": "sato", "password": "wrong-password-123"})
    assert "wrong-password-123" not in caplog.text
    client.get("/")
    anonymous_key = client.session.session_key
    response = client.post("/accounts/login/", {"username": "sato", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.session_key != anonymous_key  # rotated on sign-in (no fixation)
    assert PASSWORD not in caplog.text and before is not None


def test_a_session_ends_after_the_absolute_limit_whatever_the_activity(world: World):
    client = Client()
    client.force_login(world.sato)
    assert client.get("/tasks/").status_code == 200
    session = client.session
    session["sasaeai_signed_in_at"] = int(time.time()) - settings.SASAEAI_SESSION_ABSOLUTE - 1
    session.save()
    response = client.get("/tasks/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/tasks/").status_code == 302  # signed out for good
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE <= 2 * 60 * 60
