"""The yearly cycle walked in a real browser by the people who do it, start to publication."""

import re

import pytest
from playwright.sync_api import expect

from sasaeai.progress import actions
from sasaeai.testing import PASSWORD, build_review, build_world
from sasaeai.tests.browser import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_walks_the_cycle_from_a_departments_entry_to_the_public_page(live_server, page):
    review = build_review(build_world())
    w, base = review.world, live_server.url

    # 担当課の田中 sees his tasks, writes his entry on 見守り and submits it.
    log_in(page, base, "tanaka", PASSWORD)
    page.get_by_role("link", name="わたしの作業").click()
    card = page.locator("article.task-card").filter(
        has=page.get_by_role("heading", name=re.compile("見守り活動の推進")))
    card.get_by_label("進捗状況").fill("見守り訪問を延べ120件行いました。")
    card.get_by_label("課題", exact=True).fill("訪問員の高齢化が進んでいます。")
    card.get_by_label("自己評価").select_option("B")
    card.get_by_role("button", name="この報告を提出").click()
    expect(card.get_by_text("提出しました。")).to_be_visible()
    log_out(page)

    # The other organizations answer (in this test, directly through the same actions).
    review.submit(review.cycle.entries.exclude(initiative=review.watch, organization=review.dept))

    # 事務局の佐藤 returns the 社協's サロン entry, which the 社協 then resubmits.
    log_in(page, base, "sato", PASSWORD)
    page.goto(base + review.cycle.get_absolute_url())
    page.get_by_role("row").filter(has_text="サロン活動の支援").filter(
        has_text="社会福祉協議会").get_by_role("link").click()
    page.get_by_label("差戻しの理由").fill("参加者数を書き加えてください。")
    page.get_by_role("button", name="差し戻す").click()
    expect(page.get_by_text("差し戻しました。")).to_be_visible()
    salon = review.entry(review.salon, review.shakyo)
    saved = actions.save_entry(by=w.suzuki, entry=salon,
                               data={"progress": "サロンを12か所で開き、延べ340人が参加しました。"},
                               expected_version=salon.version)
    saved.cycle = review.cycle
    actions.submit_entry(by=w.suzuki, entry=saved, expected_version=saved.version)

    # …compiles, and opens the committee review.
    page.goto(base + review.cycle.get_absolute_url())
    page.get_by_role("button", name="「取りまとめ」に進める").click()
    expect(page.get_by_text("状態を「取りまとめ」にしました。")).to_be_visible()
    page.get_by_role("button", name="「委員会審議」に進める").click()
    expect(page.get_by_text("状態を「委員会審議」にしました。")).to_be_visible()
    log_out(page)

    # 委員の高橋 rates 田中's entry and writes an opinion on it.
    log_in(page, base, "takahashi", PASSWORD)
    page.get_by_role("link", name="わたしの作業").click()
    page.get_by_role("link", name=re.compile("令和6年度")).click()
    page.get_by_role("row").filter(has_text="見守り活動の推進").filter(
        has_text="福祉課").get_by_role("link").click()
    page.get_by_label("委員会評価", exact=True).fill("B")
    page.get_by_label("評価の理由").fill("訪問件数は増えている。")
    page.get_by_role("button", name="委員会評価を保存する").click()
    expect(page.get_by_text("委員会評価を保存しました。")).to_be_visible()
    page.get_by_role("textbox", name="意見").fill("若い世代の訪問員を増やす工夫を求めます。")
    page.get_by_role("button", name="意見を登録する").click()
    expect(page.get_by_text("意見を登録しました。")).to_be_visible()
    log_out(page)

    # 事務局の佐藤 answers the opinion, confirms and publishes.
    log_in(page, base, "sato", PASSWORD)
    page.goto(base + review.cycle.get_absolute_url())
    page.get_by_label("市の考え方（回答）").fill("大学と連携して学生ボランティアを募ります。")
    page.get_by_role("button", name="回答を登録する").click()
    expect(page.get_by_text("回答を登録しました。")).to_be_visible()
    # 確定 and 公開 are two steps, each on a page of its own that asks for a tick.
    for step in ("確定", "公開"):
        page.get_by_role("button", name=f"「{step}」に進める").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"「{step}」にする")
        page.get_by_label("上の内容を確認しました。").check()
        page.get_by_role("button", name=f"「{step}」にする").click()
        expect(page.get_by_text(f"状態を「{step}」にしました。")).to_be_visible()
    staff_page, page = page, page.context.browser.new_page()  # the resident: another browser

    # A resident reads the confirmed summary with the opinion and the response.
    page.goto(base + review.cycle.get_absolute_url())
    page.get_by_role("link", name="進捗のまとめを見る").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("令和6年度")
    expect(page.get_by_text("見守り訪問を延べ120件行いました。")).to_be_visible()
    expect(page.get_by_text("サロンを12か所で開き、延べ340人が参加しました。")).to_be_visible()
    expect(page.get_by_text("若い世代の訪問員を増やす工夫を求めます。")).to_be_visible()
    expect(page.get_by_text("大学と連携して学生ボランティアを募ります。")).to_be_visible()
    expect(page.get_by_text("非公開")).to_have_count(0)

    # 佐藤 (still signed in) finds an error and withdraws the publication; the resident then
    # reads only that it was withdrawn, and why.
    staff_page.get_by_label("取り下げの理由").fill("参加者数の集計に誤りがあったため")
    staff_page.get_by_label(re.compile("公開を取り下げます")).check()
    staff_page.get_by_role("button", name="公開を取り下げる").click()
    expect(staff_page.get_by_text("公開を取り下げました。")).to_be_visible()
    page.goto(base + review.cycle.get_absolute_url())
    expect(page.get_by_text("参加者数の集計に誤りがあったため")).to_be_visible()
    expect(page.get_by_role("link", name="進捗のまとめを見る")).to_have_count(0)
    expect(page.get_by_text("見守り訪問を延べ120件行いました。")).to_have_count(0)
    page.close()
