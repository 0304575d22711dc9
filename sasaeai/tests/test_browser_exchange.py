"""Getting a plan in, in a real browser: a 事務局 pastes an indicator table, then uploads the plan
workbook she edited."""

import re

import pytest
from playwright.sync_api import expect

from sasaeai.exchange.planjson import export_plan
from sasaeai.exchange.workbook import build_plan_workbook, parse_plan_workbook
from sasaeai.indicators.models import Indicator
from sasaeai.indicators.tests.test_tables import OTHER
from sasaeai.testing import PASSWORD, PlanElementFactory, build_world
from sasaeai.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_pastes_an_indicator_table_then_updates_the_plan_from_its_workbook(
        live_server, page, tmp_path):
    w, base = build_world(), live_server.url
    PlanElementFactory.create(plan=w.published, number_label="1", title="つながりのある地域づくり")

    log_in(page, base, "sato", PASSWORD)
    page.goto(base + "/479001/dai3ji/indicators/")
    page.get_by_role("link", name="指標の表を貼り付けて取り込む（事務局）").click()
    page.get_by_label("表の貼り付け").fill(OTHER)
    page.get_by_role("button", name="読み取って確認する").click()
    expect(page.get_by_text("3行を読み取りました。")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("孤立死の件数"))).to_contain_text(
        "低いほどよい（推定）")
    page.get_by_role("button", name="この内容で取り込む").click()
    expect(page.get_by_text("指標3件を新しく登録し、0件に値を追加しました。")).to_be_visible()
    assert Indicator.objects.filter(plan=w.published).count() == 3

    # She downloads the plan's workbook, writes a 設定理由, and uploads it over the plan.
    place = {"code": "479001", "name": "ささえ市", "prefecture": "沖縄県"}
    read = parse_plan_workbook(build_plan_workbook(export_plan(w.published, cycles=False)),
                               municipality=place)
    assert read.doc is not None
    read.doc["indicators"][1]["rationale"] = "孤立死をなくすことが計画の目標であるため"
    path = tmp_path / "ワークブック.xlsx"
    path.write_bytes(build_plan_workbook(read.doc))
    page.goto(base + "/479001/")
    page.get_by_role("link", name="計画を取り込む・更新する（ワークブック・計画ファイル）").click()
    page.get_by_label("計画のワークブック（.xlsx）または計画ファイル（.json）").set_input_files(str(path))
    page.get_by_label(f"「{w.published.title}」を更新する").check()
    page.get_by_role("button", name="読み取って確認する").click()
    expect(page.get_by_text(re.compile("を更新します：追加0件・変更1件"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("孤立死の件数"))).to_contain_text("設定理由")
    page.get_by_role("button", name="この内容で更新する").click()
    expect(page.get_by_text(re.compile("を更新しました（追加0件・変更1件）"))).to_be_visible()
    assert Indicator.objects.get(plan=w.published, name="孤立死の件数").rationale == (
        "孤立死をなくすことが計画の目標であるため")
