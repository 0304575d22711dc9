"""The five seed plans come out of sasaeai with their facts unchanged (loaded once per session)."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from sasaeai.accounts.models import Membership, User
from sasaeai.indicators.models import Indicator, Observation, Target
from sasaeai.lib.wareki import YearKind
from sasaeai.plans.models import ActorStatement, Plan, PlanElement, ReportingAssignment
from sasaeai.tenancy.models import Area, Municipality

pytestmark = pytest.mark.django_db


def plan(code: str, slug: str) -> Plan:
    return Plan.objects.get(municipality__code=code, slug=slug)


def indicator(p: Plan, name: str) -> Indicator:
    return Indicator.objects.get(plan=p, name=name)


def figures(i: Indicator) -> tuple[Observation, Observation, Target]:
    """Baseline, latest and final target of an indicator that must have all three."""
    base, latest, target = i.baseline(), i.latest(), i.final_target()
    assert base is not None and latest is not None and target is not None
    return base, latest, target


def test_it_loads_five_municipalities_with_valid_codes():
    codes = set(Municipality.objects.values_list("code", flat=True))
    assert {"082368", "352012", "282103", "092169", "402036"} <= codes


def test_it_does_not_duplicate_anything_when_run_twice(capsys):
    call_command("demo")
    counts = (Municipality.objects.count(), Plan.objects.count(), PlanElement.objects.count(),
              User.objects.count(), Observation.objects.count(),
              ReportingAssignment.objects.count())
    call_command("demo")
    call_command("demo")
    assert counts == (Municipality.objects.count(), Plan.objects.count(),
                      PlanElement.objects.count(), User.objects.count(),
                      Observation.objects.count(), ReportingAssignment.objects.count())
    out = capsys.readouterr().out
    assert "登録済みです（変更なし）" in out
    assert "omitama-jimukyoku" in out and "sasaeai-demo-2026" in out


def test_it_gives_every_demo_municipality_one_persona_per_role():
    for code in ["082368", "352012", "282103", "092169", "402036"]:
        roles = set(Membership.objects.filter(organization__municipality__code=code)
                    .values_list("role", flat=True))
        assert roles == {"secretariat", "staff", "committee", "viewer"}, code


class TestOmitama:
    def test_it_has_the_structure_of_the_third_plan(self):
        p = plan("082368", "dai3ji")
        assert p.generation == "第3次"
        assert (p.start_fy, p.end_fy) == (2021, 2025)
        assert p.philosophy == "ぬくもりあふれるまちづくり"
        assert p.predecessor is not None and p.predecessor.generation == "第2次"
        goals = p.elements.filter(parent__isnull=True)
        assert [g.number_label for g in goals] == ["1", "2", "3"]
        assert p.elements.filter(level_label="基本施策").count() == 9
        assert p.elements.filter(level_label="施策の方向").count() == 29

    def test_it_flags_the_three_new_measures(self):
        p = plan("082368", "dai3ji")
        new = p.elements.filter(is_new=True).order_by("order")
        assert [e.title for e in new] == [
            "福祉・介護人材、専門職の確保への支援",
            "包括的な相談支援体制の充実",
            "外国人への支援",
        ]
        assert all(e.number_label in {"④", "②", "⑤"} for e in new)

    def test_it_keeps_the_self_mutual_public_help_statements(self):
        p = plan("082368", "dai3ji")
        spheres = {s.actor.sphere for s in ActorStatement.objects.filter(plan=p).select_related("actor")}
        assert spheres == {"self", "mutual", "public"}
        assert ActorStatement.objects.filter(
            plan=p, text__contains="ボランティアの養成を進める", actor__kind="city"
        ).exists()

    def test_it_has_all_ten_target_rows_with_calendar_years(self):
        p = plan("082368", "dai3ji")
        assert p.indicators.count() == 10
        drill = indicator(p, "地域の防災訓練に参加していると回答した割合")
        base, latest, target = figures(drill)
        assert (base.value, base.year, base.year_kind) == (Decimal("9.0"), 2015, YearKind.CALENDAR)
        assert (latest.value, latest.year) == (Decimal("8.0"), 2020)
        assert (target.value, target.year, target.kind) == (Decimal("20.0"), 2025, "value")
        assert base.verbatim == "9.0%"

    def test_it_counts_community_organizations_in_organizations(self):
        p = plan("082368", "dai3ji")
        groups = indicator(p, "学区コミュニティ組織数")
        assert groups.unit == "組織"
        assert [o.verbatim for o in groups.observations.order_by("year")] == ["8組織", "9組織"]
        assert figures(groups)[2].value == Decimal("12")
        assert groups.source_text == "市民協働課"


class TestShimonoseki:
    def test_it_has_five_actors_and_three_goals(self):
        p = Plan.objects.get(municipality__code="352012")
        assert p.actors.count() == 5
        assert p.elements.filter(parent__isnull=True).count() == 3

    def test_it_has_four_survey_baselines_and_directions_only(self):
        p = Plan.objects.get(municipality__code="352012")
        observations = Observation.objects.filter(indicator__plan=p).order_by("indicator__order")
        assert [o.value for o in observations] == [
            Decimal("27.5"), Decimal("37.8"), Decimal("51.7"), Decimal("29.2")
        ]
        assert {(o.year, o.year_kind) for o in observations} == {(2017, YearKind.FISCAL)}
        targets = Target.objects.filter(indicator__plan=p)
        assert targets.count() == 4
        assert {(t.kind, t.verbatim, t.value) for t in targets} == {("up", "↗", None)}


class TestKakogawa:
    def test_it_has_three_priority_goals_with_everyone_and_shakyo_statements(self):
        p = Plan.objects.get(municipality__code="282103")
        assert (p.start_fy, p.end_fy, p.generation) == (2021, 2026, "第4期")
        goals = list(p.elements.order_by("order"))
        assert [g.number_label for g in goals] == ["★重点目標①", "★重点目標②", "★重点目標③"]
        assert all(g.is_priority for g in goals)
        for goal in goals:
            kinds = set(goal.statements.values_list("actor__kind", flat=True))
            assert kinds == {"everyone", "shakyo"}
        assert ActorStatement.objects.filter(plan=p, text="住民同士で顔の見える関係をつくろう").exists()

    def test_it_has_the_area_layers_with_the_counts_of_the_seed(self):
        areas = Area.objects.filter(municipality__code="282103")
        assert areas.filter(parent__isnull=True).count() == 1
        assert areas.filter(level_label__contains="中学校区").count() == 12
        assert areas.filter(level_label__contains="小学校区").count() == 28
        assert areas.filter(level_label__contains="社協支部").count() == 25
        assert not areas.filter(parent__isnull=False, is_sample_name=False).exists()


class TestShimotsuke:
    def test_it_has_three_goals_with_their_numbered_initiatives(self):
        p = Plan.objects.get(municipality__code="092169")
        goals = list(p.elements.filter(parent__isnull=True).order_by("order"))
        assert len(goals) == 3
        numbers = [[i.number_label for i in g.initiatives.order_by("order")] for g in goals]
        assert numbers == [["①", "②", "③", "④"], ["①", "②", "③", "④", "⑤"],
                           ["①", "②", "③", "④", "⑤"]]
        assert {o.kind for i in p.initiatives.all() for o in i.responsible.all()} == {
            "city", "shakyo"}


class TestKurume:
    def kurume(self) -> Plan:
        return Plan.objects.get(municipality__code="402036", kind=Plan.Kind.INTEGRATED)

    def test_it_is_owned_by_the_city_and_its_shakyo(self):
        p = self.kurume()
        assert (p.start_fy, p.end_fy) == (2020, 2025)
        assert {o.kind for o in p.owners.all()} == {"city", "shakyo"}

    def test_it_has_thirteen_initiatives_each_with_three_actor_blocks(self):
        p = self.kurume()
        assert p.elements.count() == 3
        assert p.initiatives.count() == 13
        for initiative in p.initiatives.all():
            kinds = set(initiative.statements.values_list("actor__kind", flat=True))
            assert kinds == {"residents", "shakyo", "city"}, initiative

    def test_it_links_every_repeated_statement_to_its_original(self):
        p = self.kurume()
        repeats = ActorStatement.objects.filter(plan=p).exclude(repeat_note="")
        assert repeats.count() == 15
        assert all(r.repeat_of is not None for r in repeats)
        assert all(r.repeat_note == "【再掲 p○参照】" for r in repeats)

    def test_it_has_eight_challenges_with_their_evidence(self):
        p = self.kurume()
        challenges = list(p.challenges.order_by("order"))
        assert len(challenges) == 8
        assert challenges[0].number_label == "課題①"
        assert challenges[0].title == "支え合う意識やつながりの希薄化への対応が必要"
        assert sum(c.evidence.count() for c in challenges) == 35

    def test_it_keeps_the_previous_plans_figures_as_printed(self):
        previous = self.kurume().predecessor
        assert previous is not None
        consultations = indicator(previous, "地域包括支援センター等の相談件数")
        target = figures(consultations)[2]
        assert (target.kind, target.value, target.verbatim) == ("at_least", Decimal("35000"),
                                                                "35,000 件以上")
        awareness = indicator(previous, "市民の意識の変化")
        latest = figures(awareness)[1]
        assert (latest.status, latest.value, latest.verbatim) == ("surveying", None, "調査中")
        salon = indicator(previous, "サロンの参加者の意識の変化")
        base = figures(salon)[0]
        assert (base.status, base.value, base.verbatim) == ("not_surveyed", None, "—")

    def test_it_keeps_the_new_indicators_as_placeholders(self):
        p = self.kurume()
        observations = Observation.objects.filter(indicator__plan=p)
        assert observations.exists()
        assert {o.status for o in observations} == {"placeholder"}
        assert {t.kind for t in Target.objects.filter(indicator__plan=p)} == {"pending"}
