"""Importing a survey and computing indicators from it: all or nothing, audited, explained."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sasaeai.audit.models import AuditEvent
from sasaeai.indicators.judgement import Category
from sasaeai.indicators.models import Indicator, Observation
from sasaeai.lib.stats import two_proportion_test, wilson_interval
from sasaeai.surveys import actions
from sasaeai.surveys.microdata import parse_survey
from sasaeai.surveys.models import Respondent, SurveyResult, SurveyRound
from sasaeai.surveys.tests.conftest import CODEBOOK, SurveyWorld, import_round, microdata

pytestmark = pytest.mark.django_db


def define(s: SurveyWorld, **kwargs):
    return actions.define_measure(by=s.world.sato, indicator=s.indicator, survey=s.survey,
                                  column="問1", option_codes=["1"],
                                  breakdown_column="地区", **kwargs)


def test_it_imports_the_round_whole(surveyed: SurveyWorld):
    survey = surveyed.survey
    assert survey.valid_responses == 300
    assert survey.response_rate == Decimal("50.0")
    assert Respondent.objects.filter(round=survey).count() == 300
    assert [q.column for q in survey.questions.all()] == ["番号", "地区", "問1"]
    event = AuditEvent.objects.get(action="surveys.round.import", object_id=str(survey.pk))
    assert event.after is not None and event.after["respondents"] == 300
    assert event.actor == surveyed.world.sato


def test_a_file_with_errors_saves_nothing(world):
    bad = microdata(60, 60).replace(b"\r\n3,1,1\r\n", b"\r\n3,1,7\r\n")
    parsed = parse_survey(bad, "bad.csv", codebook=CODEBOOK, codebook_name="cb.csv")
    assert parsed.errors == ["4行目・列「問1」：「7」はコードブックの選択肢（1、2、9）にありません。"]
    with pytest.raises(ValidationError, match="取り込みませんでした"):
        actions.import_round(by=world.sato, municipality=world.home,
                             info=actions.RoundInfo(name="誤りのある調査", year=2023),
                             parsed=parsed)
    assert not SurveyRound.objects.filter(name="誤りのある調査").exists()
    assert not Respondent.objects.filter(round__municipality=world.home).exists()


def test_the_same_name_twice_is_refused(surveyed: SurveyWorld):
    with pytest.raises(ValidationError, match="すでに登録されています"):
        import_round(surveyed.world, "令和元年度市民意識調査", 2019, microdata(1, 1))
    assert SurveyRound.objects.filter(municipality=surveyed.world.home).count() == 1


@pytest.mark.parametrize("persona", ["担当課の田中", "社協の鈴木", "委員の高橋", "閲覧の伊藤", "他市の職員"])
def test_only_the_secretariat_handles_microdata(surveyed: SurveyWorld, persona):
    user = surveyed.world.personas()[persona]
    parsed = parse_survey(microdata(1, 1), "s.csv", codebook=CODEBOOK, codebook_name="cb.csv")
    with pytest.raises(PermissionDenied):
        actions.import_round(by=user, municipality=surveyed.world.home,
                             info=actions.RoundInfo(name="無断の調査", year=2023), parsed=parsed)
    with pytest.raises(PermissionDenied):
        actions.define_measure(
            by=user, indicator=surveyed.indicator, survey=surveyed.survey, column="問1",
            option_codes=["1"])
    assert SurveyRound.objects.filter(municipality=surveyed.world.home).count() == 1
    assert not SurveyResult.objects.filter(round=surveyed.survey).exists()


def test_computing_records_the_share_with_n_interval_breakdown_and_its_source(
        surveyed: SurveyWorld):
    measure = define(surveyed)
    result = actions.compute_measure(by=surveyed.world.sato, measure=measure,
                                     survey=surveyed.survey)
    obs = result.observation
    # 東 150 + 西 142 + 南 8 answered; 10 無回答 are out of the base: 120 + 4 yes of 290.
    assert (result.n, result.count) == (290, 124)
    low, high = wilson_interval(124, 290)
    assert (obs.role, obs.year, obs.verbatim, obs.sample_size) == ("actual", 2019, "42.8%", 290)
    assert obs.value == Decimal("42.7586")
    assert (obs.ci_low, obs.ci_high) == (Decimal(str(round(low * 100, 4))),
                                         Decimal(str(round(high * 100, 4))))
    assert obs.note.startswith("令和元年度市民意識調査（問1）で「参加している」と回答した割合")
    assert obs.breakdown_label == "お住まいの地区別"
    # 南 (8) is under 10; 西, the next smallest, is hidden too, or 全体 − 東 − 西 would show 南.
    assert [(g["label"], g["n"], g["suppressed"]) for g in obs.breakdown] == [
        ("東地区", 145, False), ("西地区", None, True), ("南地区", None, True)]
    assert [g["share"] for g in obs.breakdown] == [pytest.approx(100 * 60 / 145, abs=1e-4),
                                                    None, None]
    # The baseline has no n: the band is the new value's own sampling error.
    assert obs.margin_basis == "sampling" and result.test_p is None


def test_the_second_round_is_tested_against_the_first_and_the_band_follows_the_test(
        surveyed: SurveyWorld):
    w = surveyed.world
    measure = define(surveyed)
    first = actions.compute_measure(by=w.sato, measure=measure, survey=surveyed.survey)
    # The first round becomes the baseline (with its n) in place of the printed one.
    Observation.objects.filter(indicator=surveyed.indicator, year=2018).delete()
    first.observation.role = "baseline"
    first.observation.save(update_fields=["role"])
    later = import_round(w, "令和5年度市民意識調査", 2023, microdata(75, 70))
    result = actions.compute_measure(by=w.sato, measure=measure, survey=later)
    expected = two_proportion_test(124 / 290, 290, 149 / 290, 290)
    assert result.compared_with == first.observation
    assert result.test_p is not None
    assert float(result.test_p) == pytest.approx(expected.p_value, abs=1e-9)
    assert result.significant is (expected.p_value < 0.05)
    obs = result.observation
    assert obs.margin_basis == "two_proportion"
    assert obs.margin is not None
    assert float(obs.margin) == pytest.approx(expected.critical_difference * 100, abs=1e-4)
    indicator = Indicator.objects.with_figures().get(pk=surveyed.indicator.pk)
    judgement = indicator.judge()
    assert judgement.band == obs.margin
    assert "基準値の調査との差の検定で有意とならない幅" in judgement.sentence
    assert judgement.category in {Category.IMPROVING, Category.FLAT}
    assert (judgement.category == Category.FLAT) is (not expected.significant)


def test_recomputing_updates_the_same_value_and_keeps_before_and_after(surveyed: SurveyWorld):
    measure = define(surveyed)
    first = actions.compute_measure(by=surveyed.world.sato, measure=measure,
                                    survey=surveyed.survey)
    measure = actions.define_measure(by=surveyed.world.sato, indicator=surveyed.indicator,
                                     survey=surveyed.survey, column="問1", option_codes=["2"],
                                     expected_version=measure.version)
    again = actions.compute_measure(by=surveyed.world.sato, measure=measure,
                                    survey=surveyed.survey)
    assert again.pk == first.pk and again.observation.pk == first.observation.pk
    assert again.count == 290 - 124 and again.observation.breakdown == []
    events = AuditEvent.objects.filter(action="surveys.measure.compute",
                                       actor=surveyed.world.sato).order_by("id")
    before = events[1].before
    assert events.count() == 2 and before is not None and before["value"] == "42.7586"


def test_a_stale_definition_is_refused(surveyed: SurveyWorld):
    measure = define(surveyed)
    define(surveyed, expected_version=measure.version)
    with pytest.raises(actions.MeasureConflict):
        define(surveyed, expected_version=measure.version)


def test_it_never_overwrites_a_value_it_did_not_compute(surveyed: SurveyWorld):
    Observation.objects.create(indicator=surveyed.indicator, role="actual", year=2019,
                               value=Decimal("41.0"), verbatim="41.0%")
    measure = define(surveyed)
    with pytest.raises(ValidationError, match="すでにあります"):
        actions.compute_measure(by=surveyed.world.sato, measure=measure, survey=surveyed.survey)
    assert not SurveyResult.objects.filter(round=surveyed.survey).exists()


@pytest.mark.parametrize(("codes", "message"), [
    (["9"], "無回答の選択肢は該当にできません"),
    (["1", "2"], "すべての選択肢を選ぶと"),
    (["5"], "選択肢「5」がありません"),
    ([], "1つ以上選んでください"),
])
def test_a_definition_that_makes_no_sense_is_refused(surveyed: SurveyWorld, codes, message):
    with pytest.raises(ValidationError, match=message):
        actions.define_measure(by=surveyed.world.sato, indicator=surveyed.indicator,
                               survey=surveyed.survey, column="問1", option_codes=codes)


def test_a_round_feeding_an_indicator_cannot_be_deleted(surveyed: SurveyWorld):
    actions.compute_measure(by=surveyed.world.sato, measure=define(surveyed),
                            survey=surveyed.survey)
    with pytest.raises(ValidationError, match="削除できません"):
        actions.delete_round(by=surveyed.world.sato, survey=surveyed.survey)
    assert Respondent.objects.filter(round=surveyed.survey).count() == 300
