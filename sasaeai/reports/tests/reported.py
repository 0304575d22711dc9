"""しもつけ's published cycle with one report written in full, as a 担当 and the committee
would: the fixture every output's test reads back, column by column."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sasaeai.indicators.models import Indicator, Observation, Target
from sasaeai.progress.models import Cycle, Entry, Opinion

RESULTS = "ふれあいいきいきサロンを市内12か所で開催（延べ参加者1,240人）"
PROGRESS = "地区ごとに運営ボランティアが交代で担い、全地区で開催を続けた。"
ISSUES = "担い手の高齢化で、2か所が開催回数を減らした。"
DIRECTION_TEXT = "新たに担い手養成講座を開き、未開催の地区にも広げる。"
REASON = "参加者は増えたが、担い手の確保が次年度の課題である。"
OPINION = "男性の参加が少ないので、参加しやすい工夫を求めます。"
RESPONSE = "男性向けの料理教室と組み合わせた回を設けます。"
INDICATOR = "ふれあいいきいきサロンの箇所数"


@dataclass
class Reported:
    cycle: Cycle
    entry: Entry


def shimotsuke_reported(*, emoji: bool = False) -> Reported:
    """The first report of しもつけ's published cycle (①, 下野市) written in full, with an
    opinion answered and an indicator of its 基本目標 with a baseline, a figure and a target."""
    cycle = Cycle.objects.select_related("plan__municipality").get(
        plan__municipality__code="092169", status=Cycle.Status.PUBLISHED)
    entry = cycle.entries.select_related("initiative").in_plan_order().first()
    assert entry is not None and entry.initiative is not None
    entry.results = RESULTS + ("😊" if emoji else "")
    entry.results_value, entry.results_unit = Decimal("1240"), "人"
    entry.progress, entry.issues = PROGRESS, ISSUES
    entry.direction, entry.direction_text = Entry.Direction.EXPAND, DIRECTION_TEXT
    entry.self_rating, entry.committee_rating, entry.committee_reason = "A", "B", REASON
    entry.save()
    Opinion.objects.create(cycle=cycle, entry=entry, text=OPINION, response=RESPONSE)
    indicator = Indicator.objects.create(plan=cycle.plan, element=entry.initiative.element,
                                         name=INDICATOR, unit="か所")
    Observation.objects.create(indicator=indicator, role=Observation.Role.BASELINE, year=2021,
                               value=Decimal(10), verbatim="10か所")
    Observation.objects.create(indicator=indicator, role=Observation.Role.ACTUAL, year=2023,
                               value=Decimal(12), verbatim="12か所")
    Target.objects.create(indicator=indicator, year=2026, kind=Target.Kind.VALUE,
                          value=Decimal(15), verbatim="15か所")
    return Reported(cycle, entry)
