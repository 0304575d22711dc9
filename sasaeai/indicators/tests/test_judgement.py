"""Judgement of progress on real cases from the seeds, on every target kind and polarity, and on
generated cases: a judgement never contradicts the direction of change."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sasaeai.indicators.judgement import Category, Goal, Point, Rule, judge
from sasaeai.indicators.models import Indicator

D = Decimal
C = Category


def survey(value: str, year: int, *, margin: str | None = None, kind: str = "calendar") -> Point:
    return Point(D(value), year, kind, verbatim=f"{value}%",
                 margin=D(margin) if margin is not None else None)


def count(value: str, year: int, unit: str = "人") -> Point:
    return Point(D(value), year, "fiscal", verbatim=f"{value}{unit}")


def target(kind: str, value: str | None = None, year: int | None = None) -> Goal:
    return Goal(kind, D(value) if value is not None else None, year, "calendar",
                verbatim=f"{value}%" if value else {"up": "↗", "down": "↘"}.get(kind, ""))


# (case, higher_is_better, survey?, baseline, latest, goal, evaluation year, expected)
CASES = [
    # 小美玉市 (前回 平成27年 → 今回 令和2年, 目標 令和7年)
    ("防災訓練 9.0→8.0, within ±3", True, True, survey("9.0", 2015), survey("8.0", 2020),
     target("value", "20.0", 2025), None, C.FLAT),
    ("学区コミュニティ組織 8→9 below the pace to 12", True, False, count("8", 2015, "組織"),
     count("9", 2020, "組織"), Goal("value", D(12), 2025), None, C.IMPROVING),
    # 久留米市 前計画 (H22/H23 → H30, 目標 H31)
    ("サロン参加者 target met", True, False, count("32019", 2010), count("55806", 2018),
     Goal("value", D(43000), 2019), None, C.ACHIEVED),
    ("相談件数 35,000件以上 met", True, False, count("31398", 2011, "件"),
     count("39871", 2018, "件"), Goal("at_least", D(35000), 2019), None, C.ACHIEVED),
    ("名簿登録者 1,923→6,413, pace 7,240", True, False, count("1923", 2011),
     count("6413", 2018), Goal("value", D(8000), 2019), None, C.IMPROVING),
    ("市民の意識 調査中", False, True, survey("56.6", 2011),
     Point(None, 2018, status="surveying", verbatim="調査中"),
     Goal("value", D(40), 2019), None, C.UNJUDGEABLE),
    ("参加者の意識 no baseline (—)", True, True, Point(None, 2010, status="not_surveyed",
                                                  verbatim="—"),
     survey("69.7", 2018), Goal("value", D(80), 2019), None, C.UNJUDGEABLE),
    # 久留米市 新計画: 〇〇%
    ("〇〇% placeholder", True, True, Point(None, None, status="placeholder", verbatim="〇〇%"),
     None, Goal("pending", verbatim="〇〇%"), None, C.UNJUDGEABLE),
    # 下関市: direction only (↗)
    ("↗ up beyond the band", None, True, survey("27.5", 2017, kind="fiscal"),
     survey("32.0", 2022, kind="fiscal"), target("up"), None, C.IMPROVING),
    ("↗ down beyond the band", None, True, survey("37.8", 2017), survey("33.0", 2022),
     target("up"), None, C.WORSENING),
    ("↗ within the band", None, True, survey("51.7", 2017), survey("52.5", 2022),
     target("up"), None, C.FLAT),
    ("↗ without a new survey", None, True, survey("29.2", 2017), None, target("up"), None,
     C.UNJUDGEABLE),
    # Pace, lower is better, bounds, maintain, band polarity, margins, years asked
    ("on or above the pace", True, True, survey("40", 2015), survey("46", 2020),
     target("value", "50", 2025), None, C.ON_TRACK),
    ("lower is better, falling fast", False, False, count("500", 2015, "件"),
     count("300", 2020, "件"), Goal("at_most", D(350), 2025), None, C.ACHIEVED),
    ("lower is better, rising", False, False, count("500", 2015, "件"),
     count("600", 2020, "件"), Goal("value", D(400), 2025), None, C.WORSENING),
    ("maintain kept", True, True, survey("80", 2015), survey("78", 2020), target("maintain"),
     None, C.ACHIEVED),
    ("maintain lost", True, True, survey("80", 2015), survey("70", 2020), target("maintain"),
     None, C.WORSENING),
    ("band polarity outside", None, False, count("100", 2015), count("130", 2020),
     Goal("not_set"), None, C.WORSENING),
    ("survey margin narrower than 3 points", True, True, survey("40", 2015),
     survey("42", 2020, margin="1.5"), target("value", "60", 2025), None, C.IMPROVING),
    ("asked for a year without a survey", True, True, survey("40", 2015), survey("46", 2020),
     target("value", "50", 2025), 2021, C.UNJUDGEABLE),
    ("target year past evaluation year, pace at 2020", True, False, count("10", 2010),
     count("16", 2020), Goal("value", D(20), 2030), None, C.ON_TRACK),
    ("multi-year average baseline", True, False,
     Point(D("2728"), 2017, "fiscal", year_end=2019, verbatim="2,728人/年"),
     count("3100", 2022), Goal("value", D(3500), 2026), None, C.IMPROVING),
    ("no newer value than the baseline", True, True, survey("40", 2020), survey("45", 2020),
     target("value", "50", 2025), None, C.UNJUDGEABLE),
]


@pytest.mark.parametrize(
    ("higher", "is_survey", "baseline", "latest", "goal", "year", "expected"),
    [case[1:] for case in CASES], ids=[case[0] for case in CASES],
)
def test_it_judges_real_and_typical_cases(higher, is_survey, baseline, latest, goal, year,
                                          expected):
    result = judge(unit="%" if is_survey else "人", higher_is_better=higher, survey=is_survey,
                   baseline=baseline, latest=latest, goal=goal, evaluation_year=year)
    assert result.category == expected, result.sentence
    assert result.sentence.endswith("。") and f"「{result.label}」" in result.sentence


def test_it_reaches_every_category_in_the_table():
    assert {case[-1] for case in CASES} == set(Category)


def test_it_explains_with_the_numbers_and_the_rule():
    result = judge(unit="%", higher_is_better=True, survey=True, baseline=survey("9.0", 2015),
                   latest=survey("8.0", 2020), goal=target("value", "20.0", 2025))
    assert result.sentence == (
        "基準値（平成27年（2015年）の9.0%）から現状値（令和2年（2020年）の8.0%）へ-1ポイントの"
        "変化で、調査の誤差の目安（±3ポイント）の範囲内のため「横ばい」です。"
        "目標値（令和7年（2025年）の20.0%）には達していません。")


def test_it_uses_the_plans_own_names_and_bands():
    rule = Rule(survey_band_points=D(1), labels={"flat": "変化なし", "improving": "前進"})
    result = judge(unit="%", higher_is_better=True, survey=True, baseline=survey("60.1", 2015),
                   latest=survey("62.0", 2020), goal=target("value", "70.0", 2025), rule=rule)
    assert (result.category, result.label) == (C.IMPROVING, "前進")
    assert "±1ポイント" in result.sentence


@pytest.mark.django_db
def test_it_judges_the_omitama_table_for_2020_against_2015():
    indicators = Indicator.objects.filter(plan__municipality__code="082368",
                                          plan__slug="dai3ji").with_figures()
    results = {i.name: i.judge(year=2020).category for i in indicators}
    assert len(results) == 10
    assert results["学区コミュニティ組織数"] == C.IMPROVING
    assert results["地域の防災訓練に参加していると回答した割合"] == C.FLAT
    assert set(results.values()) <= {C.FLAT, C.IMPROVING}


@pytest.mark.django_db
def test_it_judges_kurumes_previous_priority_indicators_at_h30():
    indicators = Indicator.objects.filter(plan__municipality__code="402036",
                                          plan__slug="dai2ki").with_figures()
    results = {i.name: i.judge(year=2018).category for i in indicators}
    assert results["地域包括支援センター等の相談件数"] == C.ACHIEVED
    assert results["要援護者名簿登録者数"] == C.IMPROVING
    assert results["市民の意識の変化"] == C.UNJUDGEABLE
    assert results["名簿を活用した防災訓練実施校区数"] == C.UNJUDGEABLE


values = st.decimals(min_value=0, max_value=1000, places=1, allow_nan=False)


@given(base=values, now=values, goal_value=values, higher=st.booleans(), is_survey=st.booleans(),
       kind=st.sampled_from(["value", "at_least", "at_most", "up", "down", "maintain",
                             "not_set"]),
       base_year=st.integers(2000, 2030), gap=st.integers(1, 10), horizon=st.integers(1, 15))
def test_it_never_contradicts_the_direction_of_change(base, now, goal_value, higher, is_survey,
                                                      kind, base_year, gap, horizon):
    goal = Goal(kind, goal_value if kind in {"value", "at_least", "at_most"} else None,
                base_year + horizon)
    result = judge(unit="%", higher_is_better=higher, survey=is_survey,
                   baseline=Point(base, base_year), latest=Point(now, base_year + gap), goal=goal)
    better = higher if kind not in {"up", "down"} else kind == "up"
    gain = (now - base) if better else (base - now)
    assert result.band is not None
    if gain > result.band:
        assert result.category in {C.ACHIEVED, C.ON_TRACK, C.IMPROVING}, result.sentence
    elif gain < -result.band:
        assert result.category in {C.WORSENING, C.ACHIEVED}, result.sentence
        if result.category == C.ACHIEVED:  # only a target still met despite the fall
            assert kind in {"value", "at_least", "at_most"}, result.sentence
    else:
        assert result.category in {C.FLAT, C.ACHIEVED}, result.sentence
