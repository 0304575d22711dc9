"""A 事務局 brings a citizen survey in and turns it into an indicator value, in a real browser."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from sasaeai.indicators.models import Indicator, Observation, Target
from sasaeai.surveys.tests.conftest import CODEBOOK, microdata
from sasaeai.testing import PASSWORD, build_world
from sasaeai.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_imports_a_survey_defines_an_indicator_and_shows_value_interval_and_districts(
        live_server, page, tmp_path):
    w, base = build_world(), live_server.url
    indicator = Indicator.objects.create(plan=w.published, name="地域活動に参加している市民の割合",
                                         unit="%", source_text="市民意識調査")
    Observation.objects.create(indicator=indicator, role="baseline", year=2018,
                               value=Decimal("40.0"), verbatim="40.0%")
    Target.objects.create(indicator=indicator, year=2025, kind="value", value=Decimal("70.0"),
                          verbatim="70.0%")
    data, codebook = tmp_path / "令和5年度調査.csv", tmp_path / "コードブック.csv"
    data.write_bytes(microdata(90, 95, south=30))
    codebook.write_bytes(CODEBOOK)

    # 事務局の佐藤 finds the surveys from her municipality's page and uploads the file.
    log_in(page, base, "sato", PASSWORD)
    page.goto(base + "/479001/")
    page.get_by_role("link", name="調査の回答データと集計（事務局のみ）").click()
    page.get_by_role("link", name="調査の回答データを取り込む").click()
    page.get_by_label("回答データ（.csv または .xlsx、1行に1人）").set_input_files(str(data))
    page.get_by_label("コードブック（任意）").set_input_files(str(codebook))
    page.get_by_label("調査名").fill("令和5年度市民意識調査")
    page.get_by_label("調査年度（または年）").fill("令和5年度")
    page.get_by_label("配布数（標本数）").fill("700")
    page.get_by_label(w.published.title).check()
    page.get_by_role("button", name="読み取って確認する").click()
    expect(page.get_by_text("回答者322人、3列を読み取りました。")).to_be_visible()
    page.get_by_role("button", name="この内容で取り込む（322人）").click()
    expect(page.get_by_text("「令和5年度市民意識調査」の回答322人分を取り込みました。")).to_be_visible()
    expect(page.get_by_text("46.0%")).to_be_visible()  # 有効回答率 322 / 700

    # She tabulates 問1 by district, then records it as the indicator's 令和5年度 value.
    page.get_by_role("link", name=re.compile(r"集計する\s*（問1）")).click()
    page.get_by_label("1．参加している").check()
    page.get_by_label("内訳の属性").select_option(label="お住まいの地区")
    page.get_by_role("button", name="集計する").click()
    expect(page.get_by_role("row", name=re.compile("^東地区"))).to_contain_text("62.1%")  # 90/145
    page.get_by_label("指標", exact=True).select_option(
        label=f"地域活動に参加している市民の割合（{w.published.title}）")
    page.get_by_role("button", name="指標の値として登録する").click()

    # The indicator page shows the value with its interval, the districts and the judgement.
    expect(page.get_by_role("heading", name="地域活動に参加している市民の割合")).to_be_visible()
    expect(page.get_by_role("cell", name="95%信頼区間 58.6〜69.2%、n=312")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^南地区"))).to_contain_text("50.0%")  # 15/30
    expect(page.get_by_text("この調査の標本誤差（95%信頼区間")).to_be_visible()
    # 63.9% in 令和5年度 is past the straight line from 40.0% (平成30年度) to 70.0% (令和7年度).
    expect(page.locator(".judgement-line")).to_contain_text("順調")
    page.screenshot(path=str(tmp_path / "indicator.png"), full_page=True)
