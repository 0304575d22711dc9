"""Steps that browser tests share."""

import time
from base64 import b32decode
from binascii import hexlify

from django_otp.oath import TOTP


def current_code(key_hex: str, after_step: int = -1) -> str:
    """The code an authenticator app shows now for a key, never one of a step already used."""
    totp = TOTP(bytes.fromhex(key_hex), 30, 0, 6, 0)
    totp.time = time.time()
    if totp.t() <= after_step:
        totp.time += 30  # the next step's code, within the one step of tolerance
    return f"{totp.token():06d}"


def log_in(page, base_url: str, username: str, password: str) -> None:
    """Sign in with the password, then the second factor for who needs one."""
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    second_factor(page, username)


def second_factor(page, username: str) -> None:
    """On the second-factor pages, do as the person would: the first time, register an
    authenticator app from the key the setup page shows and continue past the recovery codes;
    later, type the code the registered app shows now."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.wait_for_load_state()
    if "/accounts/two-factor/setup/" in page.url:
        secret = page.get_by_label("キー").input_value().replace(" ", "")
        key_hex = hexlify(b32decode(secret)).decode()
        page.get_by_label("確認コード").fill(current_code(key_hex))
        page.get_by_role("button", name="登録する").click()
        page.get_by_role("heading", name="回復コード").wait_for()
        page.get_by_role("link", name="続ける").click()
    elif "/accounts/two-factor/" in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.get_by_label("確認コード").fill(current_code(device.key, device.last_t))
        page.get_by_role("button", name="確認する").click()
    else:
        return
    page.wait_for_url(lambda url: "/accounts/two-factor/" not in url)


def log_out(page) -> None:
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(lambda url: True)


def looks_right(page, shots: str, name: str) -> None:
    """A screenshot of the whole page to look at (in `shots`), no axe violation (WCAG 2.1 AA, as
    for the public pages) and nothing wider than the screen."""
    import os

    from axe_playwright_python.sync_playwright import Axe

    from sasaeai.tests.test_accessibility import OPTIONS

    os.makedirs(shots, exist_ok=True)
    page.screenshot(path=os.path.join(shots, f"{name}.png"), full_page=True)
    result = Axe().run(page, options=OPTIONS)
    assert result.violations_count == 0, result.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name
