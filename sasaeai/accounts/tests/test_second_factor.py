"""The 事務局 signs in with a password and a code from an authenticator app (TOTP), or a recovery
code; nobody who needs the second factor reaches anything else before giving it.

These tests go through the real pages with `Client.post` to the sign-in form (Client.force_login
elsewhere in the suite counts both factors as given; see sasaeai/conftest.py).
"""

import re
from base64 import b32decode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sasaeai.audit.models import AuditEvent
from sasaeai.plans.models import Plan
from sasaeai.testing import PASSWORD, World
from sasaeai.tests.browser import current_code

pytestmark = pytest.mark.django_db
SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/"


def sign_in(username: str) -> tuple[Client, str]:
    """Sign in with the password on the way to /tasks/; where the client is sent next."""
    client = Client()
    response = client.post(reverse("accounts:login"),
                           {"username": username, "password": PASSWORD, "next": "/tasks/"})
    assert response.status_code == 302 and response["Location"] == "/tasks/"
    tasks = client.get("/tasks/")
    return client, tasks["Location"] if tasks.status_code == 302 else "/tasks/"


def setup_key(client: Client) -> str:
    page = client.get(SETUP).content.decode()
    secret = re.search(r'id="secret" value="([A-Z2-7 ]+)"', page)
    assert secret is not None
    return b32decode(secret.group(1).replace(" ", "")).hex()


def register(client: Client) -> list[str]:
    response = client.post(SETUP, {"code": current_code(setup_key(client)), "next": "/tasks/"})
    assert response.status_code == 200
    return re.findall(r"<li>([a-z2-9]{8})</li>", response.content.decode())


def test_the_secretariat_sets_up_an_authenticator_app_on_first_sign_in(world: World):
    sato, landing = sign_in("sato")
    assert landing == SETUP + "?next=%2Ftasks%2F"
    page = sato.get(landing)
    assert "二段階認証の設定" in page.content.decode() and "<svg" in page.content.decode()
    assert not TOTPDevice.objects.filter(user=world.sato).exists()  # GET changed nothing
    # A wrong code registers nothing.
    wrong = sato.post(SETUP, {"code": "000000"})
    assert wrong.status_code == 400 and "確認コードが正しくありません" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=world.sato).exists()
    session_before = sato.session.session_key
    codes = register(sato)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.filter(user=world.sato, confirmed=True).count() == 1
    assert sato.session.session_key != session_before  # a new session once both are given
    assert sato.get("/tasks/").status_code == 200
    event = AuditEvent.objects.get(action="accounts.second_factor.set_up")
    assert event.actor == world.sato and event.after == {"device": "認証アプリ",
                                                        "recovery_codes": 10}
    device = TOTPDevice.objects.get(user=world.sato)
    assert device.key not in str(event.after) + event.note


def test_with_an_app_the_secretariat_gives_its_code_and_goes_where_it_was_going(world: World):
    first, _ = sign_in("sato")
    register(first)
    device = TOTPDevice.objects.get(user=world.sato)
    sato, landing = sign_in("sato")
    assert landing == VERIFY + "?next=%2Ftasks%2F"
    response = sato.post(VERIFY, {"code": current_code(device.key, device.last_t),
                                  "next": "/tasks/"})
    assert response.status_code == 302 and response["Location"] == "/tasks/"
    assert sato.get("/479001/surveys/").status_code == 200


def test_before_the_code_nothing_else_is_reached_and_nothing_changes(world: World):
    first, _ = sign_in("sato")
    register(first)
    sato, _ = sign_in("sato")
    for url in ("/479001/surveys/", "/479001/dai4ji/", "/accounts/profile/", "/admin/"):
        response = sato.get(url)
        assert response.status_code == 302 and response["Location"].startswith(VERIFY), url
    response = sato.post("/479001/dai4ji/cycles/new/", {"fiscal_year": 2026})
    assert response.status_code == 302 and response["Location"] == VERIFY
    partial = sato.get("/479001/dai4ji/", headers={"HX-Request": "true"})
    assert partial["HX-Redirect"].startswith(VERIFY)
    # Nor can a second app be registered with the password alone.
    assert sato.get(SETUP)["Location"] == VERIFY
    assert sato.post(SETUP, {"code": "123456"})["Location"] == VERIFY
    assert TOTPDevice.objects.filter(user=world.sato).count() == 1
    assert Plan.objects.get(pk=world.draft.pk).cycles.count() == 0


def test_a_recovery_code_signs_in_once(world: World):
    first, _ = sign_in("sato")
    codes = register(first)
    sato, _ = sign_in("sato")
    response = sato.post(VERIFY, {"code": codes[0], "next": "/tasks/"})
    assert response["Location"] == "/tasks/"
    assert "残りは9個です" in sato.get("/tasks/").content.decode()
    again, _ = sign_in("sato")
    refused = again.post(VERIFY, {"code": codes[0]})
    assert refused.status_code == 400 and "確認コードが正しくありません" in refused.content.decode()


def test_new_recovery_codes_void_the_old_ones(world: World):
    first, _ = sign_in("sato")
    old = register(first)
    response = first.post(reverse("accounts:recovery_codes"))
    new = re.findall(r"<li>([a-z2-9]{8})</li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=world.sato)
               .values_list("token", flat=True)) == set(new)
    event = AuditEvent.objects.get(action="accounts.second_factor.recovery_codes")
    assert event.before == {"recovery_codes": 10} and event.after == {"recovery_codes": 10}


def test_wrong_codes_in_a_row_are_slowed_down(world: World):
    first, _ = sign_in("sato")
    register(first)
    device = TOTPDevice.objects.get(user=world.sato)
    sato, _ = sign_in("sato")
    for _ in range(3):
        sato.post(VERIFY, {"code": "000000"})
    device.refresh_from_db()
    response = sato.post(VERIFY, {"code": current_code(device.key, device.last_t)})
    assert response.status_code == 400
    assert "しばらく入力を受け付けません" in response.content.decode()


def test_a_department_member_signs_in_with_the_password_alone(world: World):
    tanaka, landing = sign_in("tanaka")
    assert landing == "/tasks/"
    assert tanaka.get("/tasks/").status_code == 200
    page = tanaka.get("/accounts/profile/").content.decode()
    assert "二段階認証は設定されていません" in page


def test_the_code_page_never_sends_anyone_off_site(world: World):
    first, _ = sign_in("sato")
    register(first)
    device = TOTPDevice.objects.get(user=world.sato)
    sato, _ = sign_in("sato")
    response = sato.post(VERIFY, {"code": current_code(device.key, device.last_t),
                                  "next": "https://evil.example/"})
    assert response["Location"] == "/"
