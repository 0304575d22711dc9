"""The 取組 editor in a real browser, on a laptop (1366 px) and a phone (390 px): ささえ市の事務局の
佐藤 opens 「① 見守り活動の推進」 from the list of 取組, makes 福祉課 responsible for it, lists it
again (【再掲】) under 基本目標2, adds what residents do and moves the new line to the top."""

import os

import pytest
from playwright.sync_api import expect

from sasaeai.plans.models import ActorStatement, Initiative, Placement
from sasaeai.testing import (
    PASSWORD,
    ActorFactory,
    ActorStatementFactory,
    InitiativeFactory,
    PlanElementFactory,
    build_world,
)
from sasaeai.tests.browser import log_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_sato_edits_an_initiative_its_repeat_and_its_statements(live_server, page, width,
                                                                 tmp_path):
    w = build_world()
    plan = w.published
    goal1 = PlanElementFactory.create(plan=plan, level_label="基本目標", number_label="1",
                                      title="安心して暮らせるまちづくり", order=1)
    goal2 = PlanElementFactory.create(plan=plan, level_label="基本目標", number_label="2",
                                      title="支えあう地域づくり", order=2)
    watch = InitiativeFactory.create(element=goal1, number_label="①", title="見守り活動の推進")
    residents = ActorFactory.create(plan=plan, label="市民ができること", sphere="self")
    ActorStatementFactory.create(plan=plan, actor=residents, initiative=watch, order=1,
                                 text="近所の高齢者に声をかけます。")
    shots = tmp_path / str(width)
    shots.mkdir()

    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server.url, "sato", PASSWORD)
    page.goto(f"{live_server.url}/{plan.municipality.code}/{plan.slug}/edit/initiatives/")
    expect(page.get_by_role("heading", name="取組の編集")).to_be_visible()
    page.screenshot(path=f"{shots}/list.png", full_page=True)
    page.get_by_role("link", name="① 見守り活動の推進").first.click()

    page.get_by_role("checkbox", name="福祉課").check()
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("を保存しました。")).to_be_visible()
    assert list(Initiative.objects.get(pk=watch.pk).responsible.values_list("name", flat=True)) \
        == ["福祉課"]

    page.get_by_label("再掲先の項目").select_option(label="基本目標2 支えあう地域づくり")
    page.get_by_role("button", name="再掲を追加").click()
    expect(page.get_by_text("【再掲】しました。")).to_be_visible()
    assert Placement.objects.filter(initiative=watch, element=goal2).exists()

    page.get_by_label("内容", exact=True).fill("地域の見守り活動に参加します。")
    page.get_by_role("button", name="追加", exact=True).click()
    expect(page.get_by_text("市民ができることの内容を追加しました。")).to_be_visible()
    page.get_by_role("button", name="上へ：地域の見守り活動に参加します。").click()
    expect(page.get_by_text("並び順を変更しました。")).to_be_visible()
    texts = list(ActorStatement.objects.filter(initiative=watch).order_by("order", "pk")
                 .values_list("text", flat=True))
    assert texts == ["地域の見守り活動に参加します。", "近所の高齢者に声をかけます。"]
    page.screenshot(path=f"{shots}/edit.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0

    page.goto(live_server.url + goal2.get_absolute_url())
    expect(page.get_by_text("【再掲】")).to_be_visible()
