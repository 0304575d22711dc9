"""The indicator table judges every indicator; committees read the counts per 基本目標 first."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.indicators.models import Indicator, JudgementOverride, JudgementRule
from sasaeai.plans.models import Plan

pytestmark = pytest.mark.django_db


def omitama_table(query: str = "") -> str:
    return reverse("indicators:table", args=["082368", "dai3ji"]) + query


def test_it_counts_judgements_per_goal_before_the_tables():
    response = Client().get(omitama_table())
    assert response.status_code == 200
    goals = response.context["groups"]
    counts = {(g["goal"].number_label if g["goal"] else "全体"): {k: n for _, k, n in g["counts"]}
              for g in goals}
    assert counts["3"]["improving"] == 1  # 学区コミュニティ組織数
    assert counts["3"]["flat"] == 2
    assert sum(n for _, _, n in response.context["totals"]) == 10
    assert response.text.index("基本目標ごとの判定") < response.text.index("地域の防災訓練")
    assert "調査の誤差の目安（±3ポイント）の範囲内のため「横ばい」です。" in response.text


def test_it_uses_the_plans_own_rule_and_names():
    plan = Plan.objects.get(municipality__code="082368", slug="dai3ji")
    JudgementRule.objects.create(plan=plan, survey_band_points=1, label_flat="変化なし",
                                 label_improving="前進")
    page = Client().get(omitama_table()).text
    assert "変化なし" in page and "前進" in page
    assert "±1ポイント" in page


def test_it_says_not_measured_for_a_year_without_a_survey():
    response = Client().get(omitama_table("?fy=2021"))
    totals = {k: n for _, k, n in response.context["totals"]}
    assert totals["unjudgeable"] == 10


def test_it_keeps_the_computed_judgement_beside_the_secretariats():
    indicator = Indicator.objects.get(plan__slug="dai3ji", plan__municipality__code="082368",
                                      name="地域の自主防災組織")
    url = reverse("indicators:override", args=["082368", "dai3ji", indicator.pk])
    staff = Client()
    staff.force_login(User.objects.get(username="omitama-tanto"))
    assert staff.post(url, {"category": "on_track", "reason": "組織率は着実に上昇"}
                      ).status_code == 403
    sato = Client()
    sato.force_login(User.objects.get(username="omitama-jimukyoku"))
    response = sato.post(url, {"category": "on_track", "reason": ""}, follow=True)
    assert "判定と理由を入力してください。" in response.text
    assert not JudgementOverride.objects.exists()
    response = sato.post(url, {"category": "on_track", "reason": "組織率は着実に上昇"}, follow=True)
    override = JudgementOverride.objects.get()
    assert (override.category, override.computed_category) == ("on_track", "flat")
    assert "事務局が修正" in response.text and "計算による判定" in response.text
    assert "基準値の±10%" in response.text
    assert AuditEvent.objects.filter(action="indicators.judgement.override").exists()
    table = Client().get(omitama_table()).context["totals"]
    assert {k: n for _, k, n in table}["on_track"] == 1


def test_it_prints_every_indicator_judged_as_json(capsys):
    call_command("judge_indicators", "--plan", "402036/dai2ki", "--fy", "2018", "--json")
    data = json.loads(capsys.readouterr().out)
    rows = {r["name"]: r for r in data["indicators"]}
    consult = rows["地域包括支援センター等の相談件数"]
    assert consult["judgement"] == "achieved" and consult["label"] == "達成"
    assert consult["target"]["verbatim"] == "35,000 件以上"
    assert consult["target"]["kind"] == "at_least" and consult["target"]["value"] == 35000
    assert consult["baseline"]["year"] == 2011 and consult["latest"]["year"] == 2018
    assert rows["市民の意識の変化"]["latest"]["status"] == "surveying"
    assert rows["市民の意識の変化"]["judgement"] == "unjudgeable"
    assert all(r["sentence"].endswith("。") for r in data["indicators"])


def test_it_names_the_plan_it_cannot_find():
    with pytest.raises(CommandError, match="計画「999999/none」が見つかりません"):
        call_command("judge_indicators", "--plan", "999999/none")
