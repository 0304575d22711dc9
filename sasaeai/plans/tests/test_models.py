"""The plan model holds every seed's shape and refuses ambiguous or impossible rows."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sasaeai.plans.models import ActorStatement, Placement, Plan
from sasaeai.testing import (
    ActorFactory,
    AreaFactory,
    InitiativeFactory,
    PlanElementFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db


def test_it_refuses_a_period_that_ends_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFactory.create(start_fy=2025, end_fy=2021)


def test_it_allows_a_plan_whose_period_the_document_does_not_give():
    plan = PlanFactory.create(start_fy=None, end_fy=None)
    assert plan.period_label == "計画期間の記載なし"


def test_it_formats_the_period_in_the_japanese_era_and_ad():
    assert PlanFactory.create(start_fy=2021, end_fy=2026).period_label == (
        "令和3年度〜令和8年度（2021〜2026年度）"
    )


def test_it_refuses_two_plans_with_one_url_in_a_municipality():
    plan = PlanFactory.create(slug="dai3ji")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFactory.create(municipality=plan.municipality, slug="dai3ji")


def test_it_requires_an_area_for_a_district_plan_and_a_predecessor_of_the_same_city():
    parent = PlanFactory.create()
    district = PlanFactory.build(municipality=parent.municipality, parent=parent,
                                 kind=Plan.Kind.DISTRICT, slug="kouku")
    with pytest.raises(ValidationError, match="対象圏域"):
        district.full_clean()
    district.area = AreaFactory.create(municipality=parent.municipality)
    district.full_clean()
    district.predecessor = PlanFactory.create()
    with pytest.raises(ValidationError, match="同じ自治体の計画"):
        district.full_clean()


def test_it_keeps_printed_numbering_unique_among_siblings_only():
    goal1 = PlanElementFactory.create(number_label="1")
    goal2 = PlanElementFactory.create(plan=goal1.plan, number_label="2")
    PlanElementFactory.create(plan=goal1.plan, parent=goal1, level_label="基本施策", number_label="(1)")
    PlanElementFactory.create(plan=goal1.plan, parent=goal2, level_label="基本施策", number_label="(1)")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanElementFactory.create(plan=goal1.plan, parent=goal1, level_label="基本施策", number_label="(1)")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanElementFactory.create(plan=goal1.plan, number_label="1")


def test_it_lists_an_initiative_again_under_another_element_as_a_placement():
    initiative = InitiativeFactory.create()
    elsewhere = PlanElementFactory.create(plan=initiative.plan)
    placement = Placement(initiative=initiative, element=elsewhere, note="【再掲】")
    placement.full_clean()
    placement.save()
    assert list(elsewhere.placements.all()) == [placement]
    home = Placement(initiative=initiative, element=initiative.element)
    with pytest.raises(ValidationError, match="掲載先と同じ"):
        home.full_clean()
    foreign = Placement(initiative=initiative, element=PlanElementFactory.create())
    with pytest.raises(ValidationError, match="同じ計画"):
        foreign.full_clean()


def test_it_refuses_a_statement_tied_to_both_an_element_and_an_initiative():
    initiative = InitiativeFactory.create()
    actor = ActorFactory.create(plan=initiative.plan)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActorStatement.objects.create(plan=initiative.plan, actor=actor, text="あいさつをします。",
                                      element=initiative.element, initiative=initiative)


def test_it_treats_statements_without_element_or_initiative_as_plan_wide():
    initiative = InitiativeFactory.create()
    actor = ActorFactory.create(plan=initiative.plan)
    wide = ActorStatement.objects.create(plan=initiative.plan, actor=actor, text="役割")
    ActorStatement.objects.create(plan=initiative.plan, actor=actor, text="取組",
                                  initiative=initiative)
    assert list(ActorStatement.objects.filter(plan=initiative.plan).plan_wide()) == [wide]


@pytest.mark.django_db
def test_a_plan_may_not_take_the_url_of_the_survey_pages(world):
    plan = world.draft
    plan.slug = "surveys"
    with pytest.raises(ValidationError, match="市民アンケート"):
        plan.full_clean()
