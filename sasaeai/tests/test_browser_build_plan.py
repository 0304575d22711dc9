"""Building a plan in the editors, in a real browser (issue #15's 「Done when」): 小美玉市の事務局の
佐藤 starts an empty 素案 from the municipality page and builds 基本目標1 of 第3次小美玉市地域福祉計画
in it as the printed plan has it: the 基本目標 with its explanation, its three 基本施策 and nine
施策の方向 (one 新規), what residents, the community and the city each do (自助・共助・公助, the
community's block printed 「互助・共助」), and the goal's three indicators with their targets. The plan
file of the new plan's branch then says what the demo plan's says: the same numbering, titles,
flags, actors, statements and indicators, item for item.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from sasaeai.demo.loader import DEMO_PASSWORD, load_all
from sasaeai.exchange.planjson import export_plan
from sasaeai.indicators.models import Indicator
from sasaeai.plans.models import ActorStatement, Plan, PlanElement, descendants
from sasaeai.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(tempfile.gettempdir()) / "build-plan"  # looked at by whoever changes the editors
CODE = "082368"


def demo() -> Plan:
    return Plan.objects.select_related("municipality").get(municipality__code=CODE, slug="dai3ji")


def goal_branch(plan: Plan) -> list[PlanElement]:
    """基本目標1 and everything under it, in the plan's order."""
    elements = list(plan.elements.order_by("order", "pk"))
    goal = next(e for e in elements if e.parent_id is None and e.number_label == "1")
    return [goal, *sorted(descendants(elements, goal), key=lambda e: (e.order, e.pk))]


def branch_of_plan_file(plan: Plan) -> dict[str, Any]:
    """What the plan file says of 基本目標1's branch, without the file's own keys and orders."""
    doc = export_plan(plan)
    by_key = {e["key"]: e for e in doc["elements"]}

    def path(key: str | None) -> tuple[str, ...]:
        chain: list[str] = []
        while key is not None:
            chain.insert(0, f'{by_key[key]["level_label"]}{by_key[key]["number_label"]}')
            key = by_key[key]["parent"]
        return tuple(chain)

    goal = next(e["key"] for e in doc["elements"]
                if e["parent"] is None and e["number_label"] == "1")
    branch = {k for k in by_key if path(k)[0] == path(goal)[0]}
    actors = {a["key"]: a for a in doc["actors"]}
    return {
        "elements": [(path(e["key"]), e["title"], e["description"], e["is_priority"], e["is_new"])
                     for e in doc["elements"] if e["key"] in branch],
        "actors": [(a["kind"], a["label"], a["sphere"], a["sphere_label"]) for a in doc["actors"]],
        "statements": [(actors[s["actor"]]["label"], s["text"], s["detail"])
                       for s in doc["statements"] if s["element"] is None
                       and s["initiative"] is None],
        "indicators": [(i["name"], i["unit"], i["polarity"], i["kind"], i["aggregation"],
                        i["source_kind"], i["source_text"], path(i["element"]),
                        [(t["year"], t["kind"], t["value"], t["verbatim"]) for t in i["targets"]])
                       for i in doc["indicators"] if i["element"] in branch],
    }


def row_name(element: PlanElement, branch: list[PlanElement]) -> str:
    """How the tree editor names a row in its buttons: level, then the numbers of the path."""
    by_pk = {e.pk: e for e in branch}
    numbers: list[str] = []
    node: PlanElement | None = element
    while node is not None:
        numbers.insert(0, node.number_label.rstrip("."))
        node = by_pk.get(node.parent_id) if node.parent_id else None
    return f"{element.level_label}{'-'.join(numbers)}"


def fill_element(page: Any, element: PlanElement) -> None:
    page.get_by_label("階層名（必須）").fill(element.level_label)
    page.get_by_label(re.compile("^番号")).fill(element.number_label)
    page.get_by_label("名称（必須）").fill(element.title)
    page.get_by_label("説明").fill(element.description)
    if element.is_priority:
        page.get_by_label("重点").check()
    if element.is_new:
        page.get_by_label("新規").check()
    page.get_by_role("button", name="追加する").click()
    expect(page.get_by_text(re.compile("を追加しました。"))).to_be_visible()


def test_sato_builds_goal_1_of_omitama_from_an_empty_plan_and_its_plan_file_matches(
        live_server, browser):
    load_all(["omitama"])
    SHOTS.mkdir(exist_ok=True)
    expected_branch = goal_branch(demo())
    base = live_server.url
    context = browser.new_context(locale="ja-JP", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, base, "omitama-jimukyoku", DEMO_PASSWORD)

    # An empty 素案, from the municipality page.
    page.goto(f"{base}/{CODE}/")
    page.get_by_role("link", name=re.compile("新しい計画をつくる")).click()
    page.get_by_label("計画名").fill("第3次小美玉市地域福祉計画（編集画面で作成）")
    page.get_by_label("URL名").fill("rebuilt")
    page.get_by_label("計画の種類").select_option(label="地域福祉計画")
    page.get_by_label("小美玉市", exact=True).check()
    page.get_by_role("button", name="素案をつくる").click()
    expect(page.get_by_text(re.compile("素案としてつくりました"))).to_be_visible()
    rebuilt = Plan.objects.get(municipality__code=CODE, slug="rebuilt")

    # The 体系: the goal from 「最上位に項目を追加」, every other element from its parent's 「子を追加」.
    page.get_by_role("link", name="計画の編集").click()
    page.locator(".editor-sections").get_by_role("link", name="計画の体系").click()
    expect(page.get_by_role("heading", name="体系の編集")).to_be_visible()
    for element in expected_branch:
        if element.parent_id is None:
            page.get_by_role("button", name="最上位に項目を追加").click()
        else:
            parent = next(e for e in expected_branch if e.pk == element.parent_id)
            page.get_by_role("button", name=f"{row_name(parent, expected_branch)}に子を追加",
                             exact=True).click()
        fill_element(page, element)
    page.screenshot(path=str(SHOTS / "tree-1366.png"), full_page=True)

    # What each actor does, for the plan as a whole: first the three actors, then their lines.
    page.get_by_role("link", name="計画の編集").click()
    page.locator(".editor-sections").get_by_role(
        "link", name="計画全体の主体ごとの取組と主体").click()
    for actor in demo().actors.order_by("order", "pk"):
        form = page.locator("form[aria-labelledby=add-actor-h]")
        form.locator("[name=label]").fill(actor.label)
        form.locator("[name=kind]").select_option(actor.kind)
        form.locator("[name=sphere]").select_option(actor.sphere)
        form.locator("[name=sphere_label]").fill(actor.sphere_label)
        form.get_by_role("button", name="主体を追加").click()
        expect(page.get_by_role("listitem").filter(has_text=actor.label).first).to_be_visible()
    for statement in (ActorStatement.objects.filter(plan=demo()).plan_wide()
                      .select_related("actor").order_by("actor__order", "order", "pk")):
        form = page.locator("form[aria-labelledby=add-statement-h]")
        actor = statement.actor
        form.locator("[name=actor]").select_option(
            label=f"{actor.label}（{actor.sphere_text}）" if actor.sphere_text else actor.label)
        form.locator("[name=text]").fill(statement.text)
        form.locator("[name=detail]").fill(statement.detail)
        form.get_by_role("button", name="追加").click()
        expect(page.get_by_text(statement.text).first).to_be_visible()
    page.screenshot(path=str(SHOTS / "statements-1366.png"), full_page=True)

    # The goal's two indicators, each with its target as printed.
    goal_label = str(expected_branch[0])
    for indicator in Indicator.objects.filter(plan=demo(), element=expected_branch[0]
                                              ).order_by("order", "pk"):
        page.goto(f"{base}/{CODE}/rebuilt/indicators/add/")
        page.get_by_label("指標名").fill(indicator.name)
        page.get_by_label("単位").fill(indicator.unit)
        page.get_by_label("望ましい方向").select_option(indicator.polarity)
        if indicator.polarity_inferred:
            page.get_by_label("方向は推定").check()
        page.get_by_label("種類", exact=True).select_option(indicator.kind)
        page.get_by_label("集計方法").select_option(indicator.aggregation)
        page.get_by_label("出典の種類").select_option(indicator.source_kind)
        page.get_by_label("出典（表記どおり）").fill(indicator.source_text)
        page.get_by_label(re.compile("^対応する計画の項目")).select_option(label=goal_label)
        page.get_by_role("button", name="指標を追加する").click()
        for target in indicator.targets.all():
            page.locator("summary", has_text="目標値を追加する").click()
            page.get_by_label("目標年（度）").last.fill(f"{target.year}年")
            page.get_by_label("目標値（表記どおり）").last.fill(target.verbatim)
            page.get_by_role("button", name=re.compile("目標値を追加")).click()
            expect(page.get_by_text(re.compile("目標値を保存しました"))).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{base}/{CODE}/rebuilt/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "plan-390.png"), full_page=True)
    assert not errors

    built, printed = branch_of_plan_file(rebuilt), branch_of_plan_file(demo())
    assert built["elements"] == printed["elements"]
    assert built["actors"] == printed["actors"] and len(built["actors"]) == 3
    assert built["statements"] == printed["statements"] and len(built["statements"]) == 6
    assert len(built["elements"]) == 13
    assert built["indicators"] == printed["indicators"] and len(built["indicators"]) == 3
    assert ActorStatement.objects.filter(plan=rebuilt).count() == 6
