"""A survey of ささえ市 for the survey tests (see sasaeai.testing for the personas).

- 令和元年度市民意識調査: 300 respondents, 問1 (地域活動に参加: 1 参加している / 2 していない /
  9 無回答) by 地区 (東・西・南, 南 with only 8 respondents), no weight.
- The indicator 「地域活動に参加している市民の割合」 of ささえ市's published plan, with a baseline of
  40.0% (平成30年度) and a target of 60.0% (令和7年度).
"""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from sasaeai.indicators.models import Indicator, Observation, Target
from sasaeai.surveys import actions
from sasaeai.surveys.microdata import parse_survey
from sasaeai.surveys.models import SurveyRound
from sasaeai.testing import World

CODEBOOK = ("列名,設問文,区分,コード,選択肢,無回答\r\n"
            "地区,お住まいの地区,属性,1,東地区,\r\n,,,2,西地区,\r\n,,,3,南地区,\r\n"
            "問1,地域活動に参加していますか,設問,1,参加している,\r\n,,,2,参加していない,\r\n"
            ",,,9,無回答,○\r\n").encode("cp932")


def microdata(yes_east: int, yes_west: int, *, south: int = 8) -> bytes:
    """東 150 and 西 142 respondents (the first `yes_*` answer 1), 南 `south`, 10 無回答."""
    rows = ["番号,地区,問1"]
    number = 0

    def add(area: str, answers: list[str]) -> None:
        nonlocal number
        for answer in answers:
            number += 1
            rows.append(f"{number},{area},{answer}")

    add("1", ["1"] * yes_east + ["2"] * (145 - yes_east) + ["9"] * 5)
    add("2", ["1"] * yes_west + ["2"] * (137 - yes_west) + ["9"] * 5)
    add("3", ["1"] * (south // 2) + ["2"] * (south - south // 2))
    return ("\r\n".join(rows) + "\r\n").encode("cp932")


@dataclass
class SurveyWorld:
    world: World
    survey: SurveyRound
    indicator: Indicator


def import_round(world: World, name: str, year: int, data: bytes) -> SurveyRound:
    parsed = parse_survey(data, "survey.csv", codebook=CODEBOOK, codebook_name="cb.csv")
    assert parsed.errors == []
    return actions.import_round(by=world.sato, municipality=world.home,
                                info=actions.RoundInfo(name=name, year=year, sample_size=600),
                                parsed=parsed, plans=[world.published], filename="survey.csv")


@pytest.fixture
def surveyed(world: World) -> SurveyWorld:
    indicator = Indicator.objects.create(plan=world.published, name="地域活動に参加している市民の割合",
                                         unit="%", source_kind="survey", source_text="市民意識調査")
    Observation.objects.create(indicator=indicator, role="baseline", year=2018,
                               value=Decimal("40.0"), verbatim="40.0%")
    Target.objects.create(indicator=indicator, year=2025, kind="value", value=Decimal("60.0"),
                          verbatim="60.0%")
    survey = import_round(world, "令和元年度市民意識調査", 2019, microdata(60, 60))
    indicator.plan = world.published
    return SurveyWorld(world, survey, indicator)
