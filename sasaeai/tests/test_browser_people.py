"""「職員と組織」 in a real browser (issue #16), the invitation through a real SMTP server.

小美玉市の事務局の佐藤 opens 職員と組織 from the municipality page, adds 福祉総務課 after a
機構改革 and invites 田中 to it as 担当. 田中 follows the mail's link, makes his account and sees
わたしの作業. Back on her page, 佐藤 finds him under 福祉総務課 and stops the account of 防災管理課's
担当, who left: that person can no longer sign in. axe-clean and no wider than the screen at a
laptop's and a phone's width.
"""

import os
import re
import tempfile

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from sasaeai.accounts.models import User
from sasaeai.demo.loader import DEMO_PASSWORD, load_all
from sasaeai.tenancy.models import Municipality, Organization
from sasaeai.testing_smtp import smtp_mailers
from sasaeai.tests.browser import log_in, looks_right

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.path.join(tempfile.gettempdir(), "wp-people")
TANAKA = "tanaka@city.omitama.example.jp"
PASSWORD = "おみたま福祉総務課-2026年度"


@pytest.mark.parametrize("width", [1366, 390])
def test_sato_invites_tanaka_to_a_new_department_and_stops_a_leaver(
        live_server, browser, smtp_server, width):
    load_all(["omitama"])
    inbox, port = smtp_server
    viewport = {"width": width, "height": 900}
    with override_settings(MAILERS=smtp_mailers(port), SASAEAI_BASE_URL=live_server.url):
        sato = browser.new_context(locale="ja-JP", viewport=viewport).new_page()
        log_in(sato, live_server.url, "omitama-jimukyoku", DEMO_PASSWORD)
        sato.goto(live_server.url + "/082368/")
        sato.get_by_role("link", name=re.compile("職員と組織の管理")).click()
        expect(sato.get_by_role("heading", name=re.compile("^職員と組織"))).to_be_visible()
        looks_right(sato, SHOTS, f"people-{width}")

        add = sato.locator("form", has=sato.get_by_role("button", name="組織を追加する"))
        add.get_by_label("名称").fill("福祉総務課")
        add.get_by_label("種別").select_option(label="担当課")
        add.get_by_role("button", name="組織を追加する").click()
        expect(sato.get_by_text("組織「福祉総務課」を追加しました。")).to_be_visible()

        invite = sato.locator("form", has=sato.get_by_role("button", name="招待を送る"))
        invite.get_by_label("メールアドレス").fill(TANAKA)
        invite.get_by_label("氏名").fill("田中 一郎")
        invite.get_by_label("組織").select_option(label="福祉総務課")
        invite.get_by_label("役割").select_option(label="担当")
        invite.get_by_role("button", name="招待を送る").click()
        expect(sato.get_by_text(re.compile("福祉総務課の担当への招待を送りました"))).to_be_visible()
        expect(sato.get_by_role("heading", name="返事を待っている招待（1件）")).to_be_visible()
        looks_right(sato, SHOTS, f"invited-{width}")

        assert len(inbox.received) == 1
        _mail, body = inbox.parsed()
        link = re.search(r"http://\S+/accounts/invitation/\S+/", body)
        assert link is not None
        tanaka = browser.new_context(locale="ja-JP", viewport=viewport).new_page()
        tanaka.goto(link.group(0))
        tanaka.get_by_label("ログインID").fill("omitama-tanaka")
        tanaka.get_by_label("パスワード", exact=True).fill(PASSWORD)
        tanaka.get_by_label("パスワード（確認のためもう一度）").fill(PASSWORD)
        tanaka.get_by_role("button", name="アカウントを作って招待を受ける").click()
        expect(tanaka.get_by_role("heading", name="わたしの作業")).to_be_visible()
        expect(tanaka.get_by_text("福祉総務課の担当として登録しました")).to_be_visible()

        sato.reload()
        department = sato.locator("section.org-block", has=sato.get_by_role(
            "heading", name=re.compile("^福祉総務課")))
        expect(department.get_by_text("田中 一郎", exact=True)).to_be_visible()
        expect(sato.get_by_role("heading", name="返事を待っている招待（0件）")).to_be_visible()
        leaver = sato.locator("section.org-block", has=sato.get_by_role(
            "heading", name=re.compile("^防災管理課")))
        leaver.get_by_role("button", name=re.compile("アカウントを停止")).click()
        expect(sato.get_by_text(re.compile("アカウントを停止しました"))).to_be_visible()
        looks_right(sato, SHOTS, f"stopped-{width}")

        gone = browser.new_context(locale="ja-JP", viewport=viewport).new_page()
        gone.goto(live_server.url + "/accounts/login/")
        gone.get_by_label("ユーザー名").fill("omitama-tanto")
        gone.get_by_label("パスワード").fill(DEMO_PASSWORD)
        gone.get_by_role("button", name="ログイン").click()
        expect(gone.get_by_role("heading", name="職員ログイン")).to_be_visible()
        assert "/accounts/login/" in gone.url


@pytest.mark.parametrize("width", [1366, 390])
def test_sato_moves_people_with_the_personnel_file(live_server, browser, tmp_path, width):
    """防災管理課's 担当 moves to 福祉総務課 and the committee member leaves, from one CSV file:
    the preview lists both rows; confirmed, the 担当 is under 福祉総務課 and the leaver is 停止中."""
    load_all(["omitama"])
    Organization.objects.create(municipality=Municipality.objects.get(code="082368"),
                                name="福祉総務課", kind="department")
    today = timezone.localdate().isoformat()
    moves = tmp_path / "人事異動.csv"
    moves.write_text("\n".join([
        "氏名,メールアドレス,組織,役割,異動日,区分",
        f",omitama-tanto@demo.sasaeai.invalid,防災管理課,,{today},転出",
        f"防災管理課 田中,omitama-tanto@demo.sasaeai.invalid,福祉総務課,担当,{today},着任",
        f",omitama-iin@demo.sasaeai.invalid,,,{today},転出"]), encoding="utf-8")
    sato = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900}).new_page()
    log_in(sato, live_server.url, "omitama-jimukyoku", DEMO_PASSWORD)
    sato.goto(live_server.url + "/082368/people/")
    sato.get_by_role("link", name=re.compile("人事異動ファイルで")).click()
    looks_right(sato, SHOTS, f"personnel-{width}")
    sato.get_by_label("人事異動ファイル（.xlsx または .csv）").set_input_files(str(moves))
    sato.get_by_role("button", name="読み取って確認する").click()
    expect(sato.get_by_role("heading", name="反映する内容（3件）")).to_be_visible()
    looks_right(sato, SHOTS, f"personnel-preview-{width}")
    sato.get_by_role("button", name="反映する").click()
    expect(sato.get_by_text("人事異動を反映しました（すぐに反映3件・予約0件）。")).to_be_visible()
    moved = sato.locator("section.org-block", has=sato.get_by_role(
        "heading", name=re.compile("^福祉総務課")))
    expect(moved.get_by_text("防災管理課 田中", exact=True)).to_be_visible()
    committee = sato.locator("li.inactive", has=sato.get_by_text("小美玉市 高橋", exact=True))
    expect(committee).to_have_count(0)  # no membership left here: not listed at all
    assert not User.objects.get(username="omitama-iin").is_active
