"""Factories and the personas every test speaks of.

The world of the tests (see `world` in conftest.py):
- ささえ市 (the home municipality of most personas), with a published plan and a draft plan.
- 他市 (another municipality), with a published plan and a draft plan of its own.
Personas:
- 事務局の佐藤 (sato): secretariat of ささえ市; sees every plan of ささえ市.
- 担当課の田中 (tanaka): staff of a line department of ささえ市; sees every plan of ささえ市.
- 社協の鈴木 (suzuki): staff of ささえ市社会福祉協議会; sees every plan of ささえ市.
- 委員の高橋 (takahashi): committee member of ささえ市; sees every plan of ささえ市.
- 閲覧の伊藤 (ito): read-only member of ささえ市; sees everything of ささえ市, changes nothing.
- 他市の職員 (other): secretariat of 他市; sees 他市's plans and ささえ市's published plans only.
- 匿名の市民 (anonymous): sees published plans only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import factory
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AnonymousUser
from factory.django import DjangoModelFactory

from sasaeai.accounts.models import Membership, User
from sasaeai.plans.models import Actor, ActorStatement, Initiative, Plan, PlanElement
from sasaeai.progress import actions
from sasaeai.progress.models import Cycle, Entry, PlanRatingScale
from sasaeai.progress.scales import scale_from_preset
from sasaeai.tenancy.models import Area, Municipality, Organization, lg_code_check_digit

PASSWORD = "correct horse battery"


def lg_code(n: int) -> str:
    """A valid 地方公共団体コード in prefecture 47's unused range, unique per n."""
    first = f"47{900 + n % 100:03d}"
    return first + str(lg_code_check_digit(first))


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["code"]

    code = factory.Sequence(lg_code)
    name = factory.Sequence(lambda n: f"テスト{n}市")
    kana = "てすとし"
    prefecture = "沖縄県"


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"組織{n}")
    kind = Organization.Kind.CITY


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"地区{n}")
    level_label = "小学校区"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda u: u.username)
    password = factory.LazyFunction(lambda: make_password(PASSWORD))


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.STAFF


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    municipality = factory.SubFactory(MunicipalityFactory)
    slug = factory.Sequence(lambda n: f"plan-{n}")
    title = factory.Sequence(lambda n: f"第{n}次テスト市地域福祉計画")
    kind = Plan.Kind.COMMUNITY
    start_fy = 2021
    end_fy = 2025
    status = Plan.Status.PUBLISHED


class PlanElementFactory(DjangoModelFactory):
    class Meta:
        model = PlanElement

    plan = factory.SubFactory(PlanFactory)
    level_label = "基本目標"
    number_label = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"目標{n}")


class InitiativeFactory(DjangoModelFactory):
    class Meta:
        model = Initiative

    plan = factory.SelfAttribute("element.plan")
    element = factory.SubFactory(PlanElementFactory)
    number_label = factory.Sequence(lambda n: f"({n + 1})")
    title = factory.Sequence(lambda n: f"取組{n}")


class ActorFactory(DjangoModelFactory):
    class Meta:
        model = Actor

    plan = factory.SubFactory(PlanFactory)
    kind = Actor.Kind.RESIDENTS
    label = factory.Sequence(lambda n: f"主体{n}ができること")


class ActorStatementFactory(DjangoModelFactory):
    class Meta:
        model = ActorStatement

    plan = factory.SelfAttribute("actor.plan")
    actor = factory.SubFactory(ActorFactory)
    text = factory.Sequence(lambda n: f"取組内容{n}")


@dataclass
class World:
    home: Municipality
    other_city: Municipality
    published: Plan
    draft: Plan
    other_published: Plan
    other_draft: Plan
    sato: User
    tanaka: User
    suzuki: User
    takahashi: User
    other: User
    ito: User
    anonymous: Any

    def personas(self) -> dict[str, Any]:
        return {
            "事務局の佐藤": self.sato, "担当課の田中": self.tanaka, "社協の鈴木": self.suzuki,
            "委員の高橋": self.takahashi, "閲覧の伊藤": self.ito, "他市の職員": self.other,
            "匿名の市民": self.anonymous,
        }


def build_world() -> World:
    home = MunicipalityFactory.create(code="479001", name="ささえ市", prefecture="沖縄県")
    other_city = MunicipalityFactory.create(code="479019", name="他市", prefecture="沖縄県")
    city = OrganizationFactory.create(municipality=home, name="ささえ市", kind=Organization.Kind.CITY)
    dept = OrganizationFactory.create(municipality=home, name="福祉課", kind=Organization.Kind.DEPARTMENT,
                               parent=city)
    shakyo = OrganizationFactory.create(municipality=home, name="ささえ市社会福祉協議会",
                                 kind=Organization.Kind.SHAKYO)
    committee = OrganizationFactory.create(municipality=home, name="ささえ市地域福祉計画推進委員会",
                                    kind=Organization.Kind.COMMITTEE)
    other_org = OrganizationFactory.create(municipality=other_city, name="他市",
                                    kind=Organization.Kind.CITY)

    def person(username: str, name: str, org: Organization, role: str) -> User:
        user = UserFactory.create(username=username, display_name=name)
        MembershipFactory.create(user=user, organization=org, role=role)
        return user

    published = PlanFactory.create(municipality=home, slug="dai3ji", title="第3次ささえ市地域福祉計画")
    draft = PlanFactory.create(municipality=home, slug="dai4ji", title="第4次ささえ市地域福祉計画（素案）",
                        status=Plan.Status.DRAFT, start_fy=2026, end_fy=2030)
    return World(
        home=home,
        other_city=other_city,
        published=published,
        draft=draft,
        other_published=PlanFactory.create(municipality=other_city, slug="dai1ji",
                                    title="他市地域福祉計画"),
        other_draft=PlanFactory.create(municipality=other_city, slug="dai2ji",
                                title="第2次他市地域福祉計画（素案）", status=Plan.Status.DRAFT),
        sato=person("sato", "事務局の佐藤", city, Membership.Role.SECRETARIAT),
        tanaka=person("tanaka", "担当課の田中", dept, Membership.Role.STAFF),
        suzuki=person("suzuki", "社協の鈴木", shakyo, Membership.Role.STAFF),
        takahashi=person("takahashi", "委員の高橋", committee, Membership.Role.COMMITTEE),
        other=person("other", "他市の職員", other_org, Membership.Role.SECRETARIAT),
        ito=person("ito", "閲覧の伊藤", city, Membership.Role.VIEWER),
        anonymous=AnonymousUser(),
    )


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

    def submit(self, entries: Any, text: str = "実施しました。") -> None:
        """The 事務局 writes and submits these entries on the organizations' behalf."""
        sato = self.world.sato
        for entry in entries:
            entry.cycle = self.cycle
            saved = actions.save_entry(by=sato, entry=entry, data={"progress": text},
                                       expected_version=entry.version)
            saved.cycle = self.cycle
            actions.submit_entry(by=sato, entry=saved, expected_version=saved.version)

    def refresh(self) -> Cycle:
        self.cycle = Cycle.objects.select_related("plan__municipality").get(pk=self.cycle.pk)
        return self.cycle


def build_review(world: World) -> Review:
    """A 令和6年度 cycle of ささえ市's published plan, open for input (see Review)."""
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
    return Review(world, cycle, watch, salon, dept, shakyo)
