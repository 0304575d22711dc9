from dataclasses import dataclass

import pytest

from sasaeai.accounts.models import Membership
from sasaeai.plans.models import Initiative
from sasaeai.progress import actions
from sasaeai.progress.models import Cycle, Entry, PlanRatingScale
from sasaeai.progress.scales import scale_from_preset
from sasaeai.tenancy.models import Organization
from sasaeai.testing import InitiativeFactory, PlanElementFactory, World


@dataclass
class Review:
    """A 令和6年度 cycle of ささえ市's published plan, open for input.

    Two initiatives; 福祉課 (田中's department) and the 社協 (鈴木) each report on both.
    """

    world: World
    cycle: Cycle
    watch: Initiative
    salon: Initiative
    dept: Organization
    shakyo: Organization

    def entry(self, initiative: Initiative, org: Organization) -> Entry:
        entry = Entry.objects.get(cycle=self.cycle, initiative=initiative, organization=org)
        entry.cycle = self.cycle
        return entry

    def refresh(self) -> Cycle:
        self.cycle = Cycle.objects.select_related("plan__municipality").get(pk=self.cycle.pk)
        return self.cycle


@pytest.fixture
def review(world: World) -> Review:
    plan = world.published
    dept = Organization.objects.get(municipality=world.home, name="福祉課")
    shakyo = Organization.objects.get(municipality=world.home, kind="shakyo")
    goal = PlanElementFactory.create(plan=plan, number_label="1", title="安心して暮らせるまちづくり")
    watch = InitiativeFactory.create(element=goal, number_label="①", title="見守り活動の推進",
                                     order=1)
    salon = InitiativeFactory.create(element=goal, number_label="②", title="サロン活動の支援",
                                     order=2)
    for initiative in (watch, salon):
        initiative.responsible.set([dept, shakyo])
    PlanRatingScale.objects.create(plan=plan, scale=scale_from_preset(world.home, "abcd"))
    cycle = actions.create_cycle(by=world.sato, plan=plan, fiscal_year=2024)
    cycle = actions.move_cycle(by=world.sato, cycle=cycle, to=Cycle.Status.COLLECTING,
                               expected_version=cycle.version)
    assert Membership.objects.filter(user=world.tanaka, organization=dept).exists()
    return Review(world, cycle, watch, salon, dept, shakyo)
