"""A new municipality's first 事務局 signs up from the invitation mail, in a real browser, the
mail through a real SMTP server (issue #16).

The operator signs in, opens 「自治体を追加する」 from the home page and creates 枚方市 from its code
alone (272108; a mistyped 272107 refused first), inviting 山田. The mail
arrives in Japanese; its link shows who invites her to what; she chooses her login ID and a
password (a mismatched confirmation refused first), registers her authenticator app as every
事務局 must, and lands on わたしの作業 of 枚方市, signed in. The link then works no more. Every
page axe-clean and no wider than the screen at a laptop's and a phone's width.
"""

import os
import re
import tempfile

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from sasaeai.accounts.models import User
from sasaeai.testing_smtp import smtp_mailers
from sasaeai.tests.browser import log_in, looks_right, second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.path.join(tempfile.gettempdir(), "wp-onboarding")
YAMADA = "yamada@city.hirakata.example.jp"
PASSWORD = "ひらかた市役所-地域福祉-2026"
OPERATOR_PASSWORD = "運営者のパスワード-2026"


@pytest.mark.parametrize("width", [1366, 390])
def test_yamada_signs_up_from_the_invitation_with_her_authenticator(
        live_server, browser, smtp_server, width):
    inbox, port = smtp_server
    User.objects.create_superuser("unei-kobayashi", "kobayashi@example.jp", OPERATOR_PASSWORD)
    with override_settings(MAILERS=smtp_mailers(port), SASAEAI_BASE_URL=live_server.url):
        operator = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
        page = operator.new_page()
        log_in(page, live_server.url, "unei-kobayashi", OPERATOR_PASSWORD)
        page.goto(live_server.url + "/")
        page.get_by_role("link", name="自治体を追加する（運営者）").click()
        page.get_by_label("地方公共団体コード").fill("272107")
        page.get_by_role("button", name="自治体を作成する").click()
        expect(page.get_by_text("地方公共団体コード「272107」の検査数字が一致しません。")).to_be_visible()
        looks_right(page, SHOTS, f"operator-{width}")
        page.get_by_label("地方公共団体コード").fill("272108")
        page.get_by_label("最初の事務局のメールアドレス").fill(YAMADA)
        page.get_by_label("最初の事務局の氏名").fill("山田 花子")
        page.get_by_role("button", name="自治体を作成する").click()
        expect(page.get_by_text(re.compile("大阪府枚方市（272108）を作成しました"))).to_be_visible()
        assert page.url.endswith("/272108/")
        operator.close()
    assert len(inbox.received) == 1
    mail, body = inbox.parsed()
    assert mail["To"] == YAMADA and "枚方市" in str(mail["Subject"])
    link = re.search(r"http://\S+/accounts/invitation/\S+/", body)
    assert link is not None

    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(link.group(0))
    expect(page.get_by_role("heading", name="ささえあいへの招待")).to_be_visible()
    expect(page.get_by_text("大阪府枚方市")).to_be_visible()
    looks_right(page, SHOTS, f"invitation-{width}")
    page.get_by_label("ログインID").fill("hirakata-yamada")
    page.get_by_label("パスワード", exact=True).fill(PASSWORD)
    page.get_by_label("パスワード（確認のためもう一度）").fill(PASSWORD + "x")
    page.get_by_role("button", name="アカウントを作って招待を受ける").click()
    expect(page.get_by_text("確認のためのパスワードが一致しません。")).to_be_visible()
    looks_right(page, SHOTS, f"refused-{width}")
    page.get_by_label("パスワード", exact=True).fill(PASSWORD)
    page.get_by_label("パスワード（確認のためもう一度）").fill(PASSWORD)
    page.get_by_role("button", name="アカウントを作って招待を受ける").click()
    page.wait_for_url(lambda url: "/accounts/two-factor/setup/" in url)
    looks_right(page, SHOTS, f"two-factor-{width}")
    second_factor(page, "hirakata-yamada")
    expect(page.get_by_role("heading", name="わたしの作業")).to_be_visible()
    expect(page.get_by_text("山田 花子 さん")).to_be_visible()
    looks_right(page, SHOTS, f"tasks-{width}")

    page.goto(link.group(0))
    expect(page.get_by_text("この招待は使えません")).to_be_visible()
    context.close()
