"""Effort, counted in a real browser so that a later change cannot quietly make the work longer.

小美玉市's 社会福祉課 (山本, a 担当) reports on ten 施策の方向 and keeps two indicators' figures. On
わたしの作業 it writes all twelve in place (drafts saved as it types), ticks them and hands them
in: at most 3 page loads and 30 clicks besides typing, at a laptop's and a phone's width. One
card is handed in from the keyboard alone. The 事務局 (佐藤) then accepts the 27 reports handed
in to the cycle in at most 5 clicks. axe finds nothing on either page.
"""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from sasaeai.accounts.models import Membership, User
from sasaeai.demo.loader import DEMO_PASSWORD, load_all
from sasaeai.indicators.models import Indicator
from sasaeai.plans.models import Plan, PlanElement, ReportingAssignment
from sasaeai.progress import actions
from sasaeai.progress.models import Cycle, Entry, FigureRequest
from sasaeai.tenancy.models import Organization
from sasaeai.tests.browser import log_in
from sasaeai.tests.test_accessibility import OPTIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIGURES = ("地域の自主防災組織", "学区コミュニティ組織数")


class Counted:
    """Clicks made and pages loaded (main-frame navigations) from the moment it is created."""

    def __init__(self, page) -> None:
        self.page, self.clicks, self.loads = page, 0, 0
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.loads += 1

    def click(self, locator) -> None:
        self.clicks += 1
        locator.click()


def welfare_department_with_twelve_things() -> tuple[Cycle, Organization]:
    """社会福祉課 answers for ten 施策の方向 and two indicators of the 令和6年度 cycle, 入力中;
    the other organisations have handed in 17 reports already."""
    load_all(["omitama"])
    plan = Plan.objects.get(municipality__code="082368", slug="dai3ji")
    welfare = Organization.objects.create(municipality=plan.municipality, name="社会福祉課",
                                          kind=Organization.Kind.DEPARTMENT, order=50)
    user = User.objects.create_user(username="omitama-fukushi", password=DEMO_PASSWORD,
                                    display_name="社会福祉課 山本")
    Membership.objects.create(user=user, organization=welfare, role=Membership.Role.STAFF)
    directions = PlanElement.objects.filter(plan=plan, level_label=plan.reporting_level
                                            ).order_by("parent__order", "order")[:10]
    ReportingAssignment.objects.bulk_create(
        ReportingAssignment(plan=plan, element=e, organization=welfare) for e in directions)
    Indicator.objects.filter(plan=plan, name__in=FIGURES).update(reporting_organization=welfare)
    sato = User.objects.get(username="omitama-jimukyoku")
    cycle = actions.create_cycle(by=sato, plan=plan, fiscal_year=2024,
                                 entries_due=timezone.localdate() + timedelta(days=14))
    cycle = actions.move_cycle(by=sato, cycle=cycle, to=Cycle.Status.COLLECTING,
                               expected_version=cycle.version)
    others = cycle.entries.exclude(organization=welfare).order_by("pk")[:17]
    Entry.objects.filter(pk__in=[e.pk for e in others]).update(
        status=Entry.Status.SUBMITTED, progress="計画どおり進めている。")
    return cycle, welfare


@pytest.mark.parametrize("width", [1366, 390])
def test_a_department_hands_in_its_year_and_the_secretariat_accepts_it_in_few_clicks(
        live_server, browser, width):
    cycle, welfare = welfare_department_with_twelve_things()
    assert cycle.entries.filter(organization=welfare).count() == 10
    assert cycle.figure_requests.filter(organization=welfare).count() == 2
    base = live_server.url
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, base, "omitama-fukushi", DEMO_PASSWORD)
    counted = Counted(page)

    page.goto(base + "/tasks/")
    cards = page.locator("article.task-card")
    expect(cards).to_have_count(12)
    axe = Axe()
    assert axe.run(page, options=OPTIONS).violations_count == 0, axe.run(
        page, options=OPTIONS).generate_report()
    for n in range(10):
        card = cards.nth(n)
        card.get_by_label("実績", exact=True).fill(f"民生委員と連携した訪問を{n + 1}地区で実施")
        card.get_by_label("進捗状況").fill("計画どおり進んでいる。")
        expect(card.get_by_text(re.compile("下書きを保存しました"))).to_be_visible()
    for n, value in ((10, "84.5%"), (11, "12組織")):
        card = cards.nth(n)
        card.get_by_label("実績値", exact=True).fill(value)
        expect(card.get_by_text(re.compile("下書きを保存しました"))).to_be_visible()

    # One card from the keyboard alone: its button reached with Tab and pressed with Enter.
    last = cards.nth(9)
    last.get_by_label("今後の方向性（内容）").focus()
    submit = last.get_by_role("button", name="この報告を提出")
    for _ in range(4):  # past 下書き保存
        page.keyboard.press("Tab")
        if submit.evaluate("b => b === document.activeElement"):
            break
    expect(submit).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("article.task-card").nth(9).get_by_text("提出しました。")).to_be_visible()

    # The other eleven: tick them all and hand them in.
    counted.click(page.get_by_label("すべて選ぶ"))
    counted.click(page.get_by_role("button", name="チェックしたものをまとめて提出"))
    expect(page.get_by_text("報告9件と実績値2件を提出しました。")).to_be_visible()
    assert counted.loads <= 3 and counted.clicks <= 30, (counted.loads, counted.clicks)
    assert cycle.entries.filter(organization=welfare, status=Entry.Status.SUBMITTED).count() == 10
    assert FigureRequest.objects.filter(cycle=cycle, organization=welfare,
                                        status=FigureRequest.Status.SUBMITTED).count() == 2
    context.close()

    # The 事務局 accepts the 27 reports handed in (and the two figures) in a few clicks.
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, base, "omitama-jimukyoku", DEMO_PASSWORD)
    counted = Counted(page)
    page.goto(base + cycle.get_absolute_url())
    assert axe.run(page, options=OPTIONS).violations_count == 0, axe.run(
        page, options=OPTIONS).generate_report()
    counted.click(page.get_by_label("表示中の提出済をすべて選ぶ"))
    counted.click(page.get_by_role("button", name="チェックしたものを確認済にする"))
    expect(page.get_by_text("報告27件と実績値2件を確認済にしました。")).to_be_visible()
    assert counted.clicks <= 5, counted.clicks
    assert cycle.entries.filter(status=Entry.Status.ACCEPTED).count() == 27
    context.close()
