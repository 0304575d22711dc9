"""「パスワードを忘れた場合」 in a real browser, the mail through a real SMTP server (issue #16).

小美玉市社会福祉協議会の鈴木 (omitama-shakyo) has forgotten her password. From the sign-in page
she follows 「パスワードを忘れた場合」, types her address and is told a mail was sent; the mail
arrives at the local SMTP server in Japanese, its link opens the page where she sets a new
password (a too-short one refused in Japanese first), and she signs in with it, her second
factor asked as before. An address nobody has gets the same page and no mail. Each page reads
well and is axe-clean at a laptop's and a phone's width.
"""

import os
import re
import tempfile

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from sasaeai.demo.loader import load_all
from sasaeai.testing_smtp import smtp_mailers
from sasaeai.tests.browser import looks_right, second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.path.join(tempfile.gettempdir(), "wp-password-reset")
ADDRESS = "omitama-shakyo@demo.sasaeai.invalid"
NEW = "ふれあいサロン2026-あおぞら"


@pytest.mark.parametrize("width", [1366, 390])
def test_suzuki_sets_a_new_password_from_the_mail_and_signs_in_with_it(
        live_server, browser, smtp_server, width):
    load_all(["omitama"])
    inbox, port = smtp_server
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    page = context.new_page()
    with override_settings(MAILERS=smtp_mailers(port), SASAEAI_BASE_URL=live_server.url):
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_role("link", name="パスワードを忘れた場合").click()
        expect(page.get_by_role("heading", name="パスワードを忘れた場合")).to_be_visible()
        looks_right(page, SHOTS, f"reset-{width}")
        page.get_by_label("登録しているメールアドレス").fill("nobody@example.jp")
        page.get_by_role("button", name="再設定のメールを送る").click()
        expect(page.get_by_role("heading", name="再設定のメールを送りました")).to_be_visible()
        assert inbox.received == []  # the same page, and nothing sent

        page.go_back()
        page.get_by_label("登録しているメールアドレス").fill(ADDRESS)
        page.get_by_role("button", name="再設定のメールを送る").click()
        expect(page.get_by_role("heading", name="再設定のメールを送りました")).to_be_visible()
        looks_right(page, SHOTS, f"sent-{width}")
        assert len(inbox.received) == 1
        mail, body = inbox.parsed()
        assert mail["To"] == ADDRESS and mail["Subject"] == "【ささえあい】パスワードの再設定のご案内"
        link = re.search(r"http://\S+/accounts/password/reset/\S+/", body)
        assert link is not None and link.group(0).startswith(live_server.url)

        page.goto(link.group(0))
        expect(page.get_by_role("heading", name="新しいパスワードの設定")).to_be_visible()
        assert "/reset/" in page.url and link.group(0).split("/")[-2] not in page.url  # token hidden
        page.get_by_label("新しいパスワード", exact=True).fill("みじかい")
        page.get_by_label("新しいパスワード（確認のためもう一度）").fill("みじかい")
        page.get_by_role("button", name="パスワードを設定する").click()
        expect(page.get_by_text("このパスワードは短すぎます")).to_be_visible()
        looks_right(page, SHOTS, f"refused-{width}")
        page.get_by_label("新しいパスワード", exact=True).fill(NEW)
        page.get_by_label("新しいパスワード（確認のためもう一度）").fill(NEW)
        page.get_by_role("button", name="パスワードを設定する").click()
        expect(page.get_by_role("heading", name="パスワードを設定しました")).to_be_visible()
        looks_right(page, SHOTS, f"complete-{width}")

        page.get_by_role("link", name="ログインする").click()
        page.get_by_label("ユーザー名").fill("omitama-shakyo")
        page.get_by_label("パスワード").fill(NEW)
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        second_factor(page, "omitama-shakyo")
        page.goto(live_server.url + "/accounts/profile/")
        expect(page.get_by_role("heading", name="所属と役割")).to_be_visible()
        expect(page.get_by_role("row", name="小美玉市 小美玉市社会福祉協議会 担当")).to_be_visible()
        looks_right(page, SHOTS, f"profile-{width}")
    context.close()
