"""The synthetic 令和5年度 市民意識調査 of 小美玉市 in the demo: labelled, and feeding two indicators."""

import pytest
from django.core.management import call_command

from sasaeai.demo import synthetic_survey
from sasaeai.indicators.judgement import Category
from sasaeai.indicators.models import Indicator
from sasaeai.surveys.models import SurveyRound

pytestmark = pytest.mark.django_db


def test_it_is_there_once_and_says_it_is_synthetic():
    survey = SurveyRound.objects.get(municipality__code="082368")
    assert survey.name == "令和5年度市民意識調査（合成データ）" and survey.is_synthetic
    assert (survey.year, survey.valid_responses, survey.weight_column) == (2023, 2000, "ウェイト")
    assert "合成データ" in survey.population
    assert synthetic_survey.load() is False  # a second run changes nothing
    call_command("demo", "--only", "omitama", stdout=None)
    assert SurveyRound.objects.filter(municipality__code="082368").count() == 1


def test_it_is_the_same_file_every_time():
    assert synthetic_survey.microdata_csv() == synthetic_survey.microdata_csv()
    assert synthetic_survey.microdata_csv(seed=1) != synthetic_survey.microdata_csv()


def test_two_omitama_indicators_are_computed_from_it_with_intervals_and_districts():
    indicators = Indicator.objects.filter(plan__municipality__code="082368", plan__slug="dai3ji",
                                          observations__year=2023).with_figures().distinct()
    assert sorted(i.name for i in indicators) == sorted(n for n, _c, _o in synthetic_survey.MEASURES)
    for indicator in indicators:
        latest = indicator.latest()
        assert latest is not None and latest.year == 2023 and latest.year_kind == "fiscal"
        assert latest.ci_low is not None and latest.ci_high is not None
        assert latest.value is not None and latest.ci_low < latest.value < latest.ci_high
        assert latest.sample_size and latest.sample_size < 2000  # 無回答 left out
        assert "重み付き" in latest.note and "合成データ" in latest.note
        assert [g["label"] for g in latest.breakdown] == ["小川地区", "美野里地区", "玉里地区"]
        judgement = indicator.judge()
        assert judgement.category != Category.UNJUDGEABLE
        assert "この調査の標本誤差" in judgement.sentence
    # The 令和2年 judgement the plan's own table gives is still there, asked by year.
    participation = next(i for i in indicators if i.name.startswith("地域活動の参加状況"))
    assert participation.judge(year=2020).category == Category.FLAT
