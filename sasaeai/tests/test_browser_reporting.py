"""The reporting page in a real browser: 事務局の佐藤 makes one department responsible for five
施策の方向 in a handful of clicks, on a laptop (1366 px) and a phone (390 px)."""

import pytest
from playwright.sync_api import expect

from sasaeai.plans.models import ReportingAssignment
from sasaeai.tenancy.models import Organization
from sasaeai.testing import PASSWORD, PlanElementFactory, build_world
from sasaeai.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DIRECTIONS = ["福祉教育の充実", "世代間交流の推進", "見守り体制の充実", "相談支援体制の充実",
              "避難支援体制づくり", "権利擁護の普及"]


@pytest.mark.parametrize("width", [1366, 390])
def test_it_assigns_a_department_to_five_units_in_seven_clicks(live_server, page, width):
    w = build_world()
    plan = w.published
    plan.reporting_level = "施策の方向"
    plan.save(update_fields=["reporting_level"])
    goal = PlanElementFactory.create(plan=plan, level_label="基本目標", title="支えあう地域づくり")
    for number, title in enumerate(DIRECTIONS, start=1):
        PlanElementFactory.create(plan=plan, parent=goal, level_label="施策の方向",
                                  number_label=f"({number})", title=title, order=number)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server.url, "sato", PASSWORD)
    page.goto(live_server.url + plan.get_absolute_url())
    page.get_by_role("link", name="報告の単位と担当").click()
    expect(page.get_by_role("heading", name="報告の単位と担当")).to_be_visible()

    clicks = 0
    for title in DIRECTIONS[:5]:
        page.get_by_role("checkbox", name=f"{title} を選択").click()
        clicks += 1
    page.get_by_label("選択した行に割り当てる組織").select_option(label="福祉課")
    clicks += 1
    page.get_by_role("button", name="割り当てて保存").click()
    clicks += 1
    expect(page.get_by_text("5件の担当を保存しました。")).to_be_visible()
    assert clicks == 7

    welfare = Organization.objects.get(municipality=plan.municipality, name="福祉課")
    assert set(ReportingAssignment.objects.filter(organization=welfare).values_list(
        "element__title", flat=True)) == set(DIRECTIONS[:5])
    # The table stays usable on a phone: it scrolls inside its own region, not the page.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
