"""The indicator figures a cycle asked for, in every output of the 進捗のまとめ: 小美玉市's 防災管理課
(田中, omitama-tanto) reports 84.5% for 地域の自主防災組織 in 令和6年度; the 事務局 (佐藤) accepts it;
at 確定 it becomes the indicator's 実績値. The summary page, its CSV, xlsx and PDF, and the
committee packet carry the reported figure, its state and where it landed, beside the unit's
indicators with their latest value and judgement. The public sees a figure's value only once it
was handed in."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sasaeai.progress import actions_figures
from sasaeai.progress.models import Cycle
from sasaeai.progress.summaries import compile_summary
from sasaeai.progress.tests.test_figures import (
    BOUSAI,
    figure_of,
    logged_in,
    open_cycle,
    to_confirmed,
    user,
)
from sasaeai.reports.packet import render_packet
from sasaeai.reports.tests.test_packet_honest import pdf_text

pytestmark = pytest.mark.django_db
REPORTED = "令和6年度（2024年度） 84.5%"


def reported_and_confirmed() -> Cycle:
    cycle = open_cycle()
    figure = actions_figures.save_figure(
        by=user("tanto"), figure=figure_of(cycle, BOUSAI),
        data={"verbatim": "84.5%", "note": "4月1日現在"}, expected_version=1, submit=True)
    actions_figures.accept_figure(by=user("jimukyoku"), figure=figure,
                                  expected_version=figure.version)
    # Figures the department has not handed in are not what these tests are about.
    cycle.figure_requests.exclude(pk=figure.pk).update(status="accepted", verbatim="",
                                                       figure_status="not_surveyed")
    return to_confirmed(Cycle.objects.get(pk=cycle.pk))


def summary_url(cycle: Cycle) -> str:
    return reverse("progress:summary", args=["082368", "dai3ji", cycle.pk])


def test_the_summary_page_shows_the_reported_figure_its_landing_and_the_new_judgement():
    cycle = reported_and_confirmed()
    page = logged_in(user("jimukyoku")).get(summary_url(cycle)).text
    assert "成果指標の実績値の報告" in page
    assert "今回の報告（防災管理課）：令和6年度（2024年度） 84.5%・確認済・実績値として登録済" in page
    assert "4月1日現在" in page
    # The latest value of the indicator is now the reported one, under its 基本目標.
    assert "基本目標3の成果指標" in page
    assert f"{BOUSAI}：令和6年度（2024年度）の84.5%" in page


def test_the_csv_carries_the_figure_beside_every_report_of_its_goal():
    """小美玉市 measures its 基本目標 and reports on its 施策の方向: the goal's indicators are in
    a column of their own on every row of the goal."""
    cycle = reported_and_confirmed()
    response = logged_in(user("jimukyoku")).get(summary_url(cycle), {"export": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    goal3 = [r for r in rows if r["基本目標"].startswith("基本目標3")]
    assert goal3 and all(BOUSAI in r["基本目標の成果指標（最新値・判定）"] for r in goal3)
    assert not any(BOUSAI in r["基本目標の成果指標（最新値・判定）"] for r in rows
                   if not r["基本目標"].startswith("基本目標3"))
    lines = {line for r in goal3 for line in r["基本目標の成果指標（最新値・判定）"].splitlines()}
    assert any(line.startswith(f"{BOUSAI}：令和6年度（2024年度）の84.5%・")
               and line.endswith("／今回の報告（防災管理課）：令和6年度（2024年度） 84.5%・確認済・"
                                 "実績値として登録済") for line in lines), lines


def test_the_xlsx_has_a_sheet_of_the_figures_with_the_value_as_a_number():
    cycle = reported_and_confirmed()
    content = logged_in(user("jimukyoku")).get(summary_url(cycle), {"export": "xlsx"}).content
    sheet = load_workbook(io.BytesIO(content))["成果指標の実績値"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    bousai = dict(zip(header, next(r for r in rows if r[0] == BOUSAI), strict=True))
    assert bousai["報告する組織"] == "防災管理課" and bousai["状態"] == "確認済"
    assert bousai["年度"] == "令和6年度（2024年度）"
    assert bousai["実績値（入力どおり）"] == "84.5%" and bousai["実績値"] == 84.5
    assert bousai["値の状態"] == "実測" and bousai["注記"] == "4月1日現在"
    assert bousai["実績値の登録"] == "実績値として登録済"
    assert bousai["目標値"].startswith("90") and bousai["判定"]


def test_the_pdf_and_the_packet_print_the_figure(tmp_path):
    cycle = reported_and_confirmed()
    pdf = logged_in(user("jimukyoku")).get(summary_url(cycle), {"export": "pdf"}).content
    packet, _pages = render_packet(cycle, version=1)
    for content in (pdf, packet):
        text = "".join(pdf_text(content, tmp_path).split())
        assert "成果指標の実績値の報告" in text
        assert "今回の報告（防災管理課）：令和6年度（2024年度）84.5%" in text


def test_the_public_sees_the_state_of_a_figure_not_handed_in_but_never_its_value():
    cycle = open_cycle()
    actions_figures.save_figure(by=user("tanto"), figure=figure_of(cycle, BOUSAI),
                                data={"verbatim": "77.7%", "note": "下書きの注記"},
                                expected_version=1)
    public = compile_summary(cycle, public=True)
    figure = next(f for f in public.asked_figures if f.indicator.name == BOUSAI)
    assert figure.reported_text == "今回の報告（防災管理課）：下書き"
    members = compile_summary(cycle, public=False)
    mine = next(f for f in members.asked_figures if f.indicator.name == BOUSAI)
    assert "77.7%" in mine.reported_text


def test_a_waiver_reason_is_stated_once_however_many_reports_it_covers():
    from sasaeai.progress.actions_states import waive_entries

    cycle = open_cycle()
    waiting = list(cycle.entries.values_list("pk", flat=True)[:3])
    waive_entries(by=user("jimukyoku"), cycle=cycle, entry_ids=waiting,
                  reason="担当者の異動で提出が間に合わないため。")
    page = logged_in(user("jimukyoku")).get(summary_url(cycle)).text
    assert page.count("担当者の異動で提出が間に合わないため。") == 1
    assert "※1（3件）" in page and page.count("）※1</span>") == 3
    assert Client().get(summary_url(cycle)).status_code == 404  # not public while 入力中
