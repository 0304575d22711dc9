"""The estate the permission matrix asks about, and who asks (test_permission_matrix.py).

The estate holds an object of every relation for every persona:

- ささえ市's published plan (cycles 令和3年度 公開を取り下げ, 令和4年度 公開, 令和5年度 委員会審議 with an opinion and a packet,
  令和6年度 入力中 with one draft and one submitted report) and its unpublished draft plan (a cycle
  入力中); 他市's published plan (the same three cycles) and its draft; 未公開町, which has only a draft.
- Indicators on every plan, a survey with a computed result in ささえ市 and in 他市, an API key
  of every persona.

Personas: 事務局の佐藤, 担当課の田中 (福祉課, which reports on every initiative), 子育て支援課の山本
(担当 of another organization, with no report of its own), 社協の鈴木, 委員の高橋, 閲覧の伊藤,
他市の職員 (事務局 of 他市), 運営者の小林 (the operator's superuser, a member of no organization: she
may see and do everything a 事務局 may, in every municipality) and 匿名の市民.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sasaeai.accounts import actions as account_actions
from sasaeai.accounts.models import Membership
from sasaeai.audit.actions import record, snapshot
from sasaeai.audit.undo import fingerprint
from sasaeai.indicators.models import Indicator, Observation
from sasaeai.notices.delivery import send
from sasaeai.notices.models import Notice
from sasaeai.plans.editing import STATEMENT_FIELDS
from sasaeai.plans.models import Plan
from sasaeai.progress import actions, actions_figures, actions_states
from sasaeai.progress.models import Cycle, Entry, FigureRequest, Opinion, Packet, PlanRatingScale
from sasaeai.progress.scales import scale_from_preset
from sasaeai.surveys import actions as survey_actions
from sasaeai.surveys.models import SurveyResult, SurveyRound
from sasaeai.surveys.tests.conftest import import_round, microdata
from sasaeai.tenancy.models import Municipality, Organization
from sasaeai.testing import (
    ActorFactory,
    ActorStatementFactory,
    InitiativeFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    PlanElementFactory,
    PlanFactory,
    UserFactory,
    World,
    build_review,
)

S = Cycle.Status
PUBLISHED = Plan.Status.PUBLISHED
SUPERUSER = "運営者の小林"

# ---------------------------------------------------------------------------------------------
# Who asks
# ---------------------------------------------------------------------------------------------

@dataclass
class Who:
    name: str
    user: Any
    roles: dict[int, set[str]] = field(default_factory=dict)  # municipality id → roles
    staff_orgs: set[int] = field(default_factory=set)
    key: str = ""
    superuser: bool = False  # the operator: everything a 事務局 may, in every municipality

    @classmethod
    def of(cls, name: str, user: Any) -> Who:
        who = cls(name, user, superuser=bool(getattr(user, "is_superuser", False)))
        if user.is_authenticated:
            for m in Membership.objects.filter(user=user).select_related("organization"):
                who.roles.setdefault(m.organization.municipality_id, set()).add(m.role)
                if m.role == Membership.Role.STAFF:
                    who.staff_orgs.add(m.organization_id)
        return who

    def member(self, muni: Municipality) -> bool:
        return self.superuser or muni.pk in self.roles

    def has(self, muni: Municipality, role: str) -> bool:
        return role in self.roles.get(muni.pk, set())

    def sec(self, muni: Municipality) -> bool:
        return self.superuser or self.has(muni, Membership.Role.SECRETARIAT)

    def viewer(self, muni: Municipality) -> bool:
        return self.has(muni, Membership.Role.VIEWER)

    def committee(self, muni: Municipality) -> bool:
        return self.has(muni, Membership.Role.COMMITTEE)

    def staff(self, muni: Municipality) -> bool:
        return self.has(muni, Membership.Role.STAFF)


# ---------------------------------------------------------------------------------------------
# What is asked for
# ---------------------------------------------------------------------------------------------

@dataclass
class Target:
    """One object a URL can point at, with the facts the rules read."""

    muni: Municipality
    kwargs: dict[str, Any]
    plan: Plan | None = None
    cycle: Cycle | None = None
    entry: Entry | None = None
    figure: FigureRequest | None = None  # an indicator figure asked in the cycle
    org: Organization | None = None  # the organization a report or 照会 belongs to
    owner: Any = None  # the user an API key belongs to
    data: dict[str, Any] = field(default_factory=dict)
    muni_has_published_plan: bool = True

    def relation(self, who: Who) -> str:
        if self.owner is not None:
            place = "own" if self.owner == who.user else "not own"
        elif self.org is not None and self.org.pk in who.staff_orgs:
            place = "own organization"
        elif who.member(self.muni):
            place = "same municipality"
        else:
            place = "other municipality"
        if self.plan is not None:
            place += ", published" if self.plan.status == PUBLISHED else ", unpublished"
        if self.cycle is not None:
            place += f", cycle {self.cycle.status}"
        return place


@dataclass
class People:
    """What the 事務局's page of people points at, in 小美玉's stand-in (home) and another city:
    a membership, a person, an open invitation, an organization."""

    memberships: list[Target]
    persons: list[Target]
    invitations: list[Target]
    organizations: list[Target]


@dataclass
class Estate:
    world: World
    yamamoto: Any
    kobayashi: Any
    munis: list[Target]
    plans: list[Target]
    elements: list[Target]
    initiatives: list[Target]
    statements: list[Target]  # what an actor does for a plan's first 取組
    indicators: list[Target]
    cycles: list[Target]
    packets: list[Target]
    opinions: list[Target]
    entries: list[Target]
    figures: list[Target]
    versions: list[Target]
    workbooks: list[Target]
    surveys: list[Target]
    results: list[Target]
    tokens: list[Target]
    notices: list[Target]
    plan_changes: list[Target]  # an audited change made in a plan's editor, to undo
    histories: list[Target]  # the history page of the element that change renamed
    challenges: list[Target]  # a 課題 with one piece of evidence, per plan (#15: views_challenges)
    none: list[Target]
    reset_links: list[Target]  # a password reset link: one that works (田中's), one that does not
    invitations: list[Target]  # an open invitation's link, to an address no persona has
    people: People  # 職員と組織
    api_plans: list[Target]
    api_munis: list[Target]
    api_cycles: list[Target]
    keys: dict[str, str]

    def personas(self) -> list[Who]:
        w = self.world
        people = [("事務局の佐藤", w.sato), ("担当課の田中", w.tanaka), ("子育て支援課の山本", self.yamamoto),
                  ("社協の鈴木", w.suzuki), ("委員の高橋", w.takahashi), ("閲覧の伊藤", w.ito),
                  ("他市の職員", w.other), (SUPERUSER, self.kobayashi), ("匿名の市民", w.anonymous)]
        whos = [Who.of(name, user) for name, user in people]
        for who in whos:
            who.key = self.keys.get(who.name, "")
        return whos


def advance(cycle: Cycle, to: str, by: Any) -> Cycle:
    """Bring a cycle to a state through the actions, every report and figure written and
    submitted."""
    order: list[str] = [S.PREPARING, S.COLLECTING, S.COMPILING, S.REVIEWING, S.CONFIRMED,
                        S.PUBLISHED]
    for target in order[order.index(cycle.status) + 1: order.index(to) + 1]:
        if target == S.COMPILING:
            for entry in cycle.entries.all():
                entry.cycle = cycle
                saved = actions.save_entry(by=by, entry=entry, data={"progress": "実施しました。"},
                                           expected_version=entry.version)
                saved.cycle = cycle
                actions.submit_entry(by=by, entry=saved, expected_version=saved.version)
            for figure in cycle.figure_requests.awaiting():
                figure.cycle = cycle
                actions_figures.save_figure(by=by, figure=figure, data={"verbatim": "140人"},
                                            expected_version=figure.version, submit=True)
        cycle = actions.move_cycle(by=by, cycle=cycle, to=target, expected_version=cycle.version)
    return Cycle.objects.select_related("plan__municipality").get(pk=cycle.pk)


def furnish(plan: Plan, org: Organization) -> dict[str, Any]:
    """A goal, an initiative that `org` reports on, an indicator and a rating scale."""
    goal = PlanElementFactory.create(plan=plan, number_label="1", title="誰もが安心して暮らせるまち")
    initiative = InitiativeFactory.create(element=goal, number_label="①", title="見守り活動の推進")
    initiative.responsible.set([org])
    indicator = Indicator.objects.create(plan=plan, name="見守り活動の参加者数", unit="人",
                                         source_kind="records", source_text="福祉課調べ")
    Observation.objects.create(indicator=indicator, role="baseline", year=2020,
                               value=Decimal("120"), verbatim="120人")
    if not PlanRatingScale.objects.filter(plan=plan).exists():
        PlanRatingScale.objects.create(plan=plan, scale=scale_from_preset(plan.municipality, "abcd"))
    return {"goal": goal, "initiative": initiative, "indicator": indicator}


def cycle_target(cycle: Cycle) -> Target:
    plan = cycle.plan
    return Target(plan.municipality, {"code": plan.municipality.code, "slug": plan.slug,
                                      "pk": cycle.pk}, plan=plan, cycle=cycle,
                  data={"version": cycle.version, "to": S.CONFIRMED, "text": "周知を強めてください。",
                        "reason": "集計の誤り"})


def build_estate(world: World) -> Estate:
    review = build_review(world)
    home, other_city = world.home, world.other_city
    sato, other = world.sato, world.other
    city = Organization.objects.get(municipality=home, kind=Organization.Kind.CITY)
    kosodate = OrganizationFactory.create(municipality=home, name="子育て支援課",
                                          kind=Organization.Kind.DEPARTMENT, parent=city)
    yamamoto = UserFactory.create(username="yamamoto", display_name="子育て支援課の山本")
    MembershipFactory.create(user=yamamoto, organization=kosodate, role=Membership.Role.STAFF)
    # As `createsuperuser` makes her: staff and superuser, a member of no organization.
    kobayashi = UserFactory.create(username="kobayashi", display_name=SUPERUSER,
                                   is_superuser=True, is_staff=True)
    other_org = Organization.objects.get(municipality=other_city, kind=Organization.Kind.CITY)
    town = MunicipalityFactory.create(code="479027", name="未公開町")
    PlanFactory.create(municipality=town, slug="dai1ji", title="未公開町地域福祉計画（素案）",
                       status=Plan.Status.DRAFT)

    # ささえ市's published plan: 令和6年度 is open (build_review); 福祉課 has written a draft of
    # 見守り, the 社協 has submitted サロン. 令和5年度 is under review, 令和4年度 published.
    plan = world.published
    collecting = review.cycle
    draft_entry = review.entry(review.watch, review.dept)
    actions.save_entry(by=sato, entry=draft_entry, data={"progress": "下書き"},
                       expected_version=draft_entry.version)
    submitted = review.entry(review.salon, review.shakyo)
    saved = actions.save_entry(by=sato, entry=submitted, data={"progress": "実施しました。"},
                               expected_version=submitted.version)
    saved.cycle = collecting
    actions.submit_entry(by=sato, entry=saved, expected_version=saved.version)
    Indicator.objects.create(plan=plan, name="地域活動に参加している市民の割合", unit="%",
                             source_kind="survey", source_text="市民意識調査")
    # 福祉課 reports the figure of 見守り活動の参加者数: asked in the open cycle and handed in,
    # and asked again in every cycle created from here on.
    Indicator.objects.create(plan=plan, name="見守り活動の参加者数", unit="人",
                             source_kind="records", source_text="福祉課調べ")
    asked = actions_figures.ask_figures(by=sato, cycle=collecting)[0]
    asked.cycle = collecting
    actions_figures.save_figure(by=sato, figure=asked, data={"verbatim": "130人"},
                                expected_version=asked.version, submit=True)
    published_cycle = advance(actions.create_cycle(by=sato, plan=plan, fiscal_year=2022),
                              S.PUBLISHED, sato)
    reviewing = advance(actions.create_cycle(by=sato, plan=plan, fiscal_year=2023),
                        S.REVIEWING, sato)
    # A publication withdrawn: the public reads only that it was, when and why.
    withdrawn = advance(actions.create_cycle(by=sato, plan=plan, fiscal_year=2021),
                        S.PUBLISHED, sato)
    withdrawn = actions_states.withdraw_publication(
        by=sato, cycle=withdrawn, reason="集計に誤りが見つかったため", expected_version=withdrawn.version)
    opinion = actions.write_opinion(by=world.takahashi, cycle=reviewing, text="周知を強めてください。")

    # ささえ市's draft plan: one initiative of 福祉課, a cycle open for input.
    furnish(world.draft, review.dept)
    draft_cycle = advance(actions.create_cycle(by=sato, plan=world.draft, fiscal_year=2026),
                          S.COLLECTING, sato)

    # 他市: its published plan with the same three cycles, and its draft.
    furnish(world.other_published, other_org)
    other_published_cycle = advance(
        actions.create_cycle(by=other, plan=world.other_published, fiscal_year=2022),
        S.PUBLISHED, other)
    other_reviewing = advance(
        actions.create_cycle(by=other, plan=world.other_published, fiscal_year=2023),
        S.REVIEWING, other)
    other_collecting = advance(
        actions.create_cycle(by=other, plan=world.other_published, fiscal_year=2024),
        S.COLLECTING, other)
    other_opinion = Opinion.objects.create(cycle=other_reviewing, text="他市の委員の意見")
    furnish(world.other_draft, other_org)
    other_draft_cycle = advance(
        actions.create_cycle(by=other, plan=world.other_draft, fiscal_year=2026),
        S.COLLECTING, other)
    for cycle, by in ((reviewing, sato), (other_reviewing, other)):
        Packet.objects.create(cycle=cycle, version=1, status=Packet.Status.DONE,
                              pdf=b"%PDF-1.7\n", pages=1, requested_by=by)

    # Surveys with a computed result, in ささえ市 and in 他市.
    survey_targets, result_targets = [], []
    for muni, by, survey_plan in ((home, sato, plan), (other_city, other, world.other_published)):
        survey = import_round(world, "令和元年度市民意識調査", 2019, microdata(60, 60)) \
            if muni == home else _other_survey(world)
        indicator = Indicator.objects.create(plan=survey_plan, name="地域活動に参加している割合",
                                             unit="%", source_kind="survey",
                                             source_text="市民意識調査")
        measure = survey_actions.define_measure(by=by, indicator=indicator, survey=survey,
                                                column="問1", option_codes=["1"])
        survey_actions.compute_measure(by=by, measure=measure, survey=survey)
        result = SurveyResult.objects.get(measure=measure)
        survey_targets.append(Target(muni, {"code": muni.code, "pk": survey.pk},
                                     data={"name": survey.name, "year": 2019}))
        result_targets.append(Target(muni, {"code": muni.code, "pk": survey.pk,
                                            "result_pk": result.pk}))

    keys: dict[str, str] = {}
    tokens, notices = [], []
    for name, user in (("事務局の佐藤", sato), ("担当課の田中", world.tanaka),
                       ("子育て支援課の山本", yamamoto), ("社協の鈴木", world.suzuki),
                       ("委員の高橋", world.takahashi), ("閲覧の伊藤", world.ito),
                       ("他市の職員", other), (SUPERUSER, kobayashi)):
        token, keys[name] = account_actions.create_api_token(by=user, name="集計用")
        muni = home if user != other else other_city
        tokens.append(Target(muni, {"pk": token.pk}, owner=user))
        # A notice of each persona's own, shown on its task page (its recipient marks it read).
        notice, = send(to=[user], kind=Notice.Kind.RETURNED, subject="【差戻し】報告が差し戻されました",
                       body="差戻しの理由：数字を確認してください。", url="/tasks/")
        notices.append(Target(muni, {"pk": notice.pk}, owner=user))

    all_plans = [world.published, world.draft, world.other_published, world.other_draft]

    def plan_target(p: Plan) -> Target:
        return Target(p.municipality, {"code": p.municipality.code, "slug": p.slug}, plan=p,
                      data={"fiscal_year": 2026, "kind": "annual", "scale": "preset:abc"})

    def sub(p: Plan, pk: int) -> Target:
        return Target(p.municipality, {"code": p.municipality.code, "slug": p.slug, "pk": pk},
                      plan=p, data={"value": "130", "year": 2024, "reason": "集計の誤り"})

    cycles = [collecting, published_cycle, reviewing, withdrawn, draft_cycle, other_published_cycle,
              other_reviewing, other_collecting, other_draft_cycle]

    def entry_target(entry: Entry, cycle: Cycle, number: int | None = None) -> Target:
        kwargs = {"code": cycle.plan.municipality.code, "slug": cycle.plan.slug,
                  "cycle_pk": cycle.pk, "pk": entry.pk}
        if number is not None:
            kwargs["number"] = number
        return Target(cycle.plan.municipality, kwargs, plan=cycle.plan, cycle=cycle, entry=entry,
                      org=entry.organization,
                      data={"version": entry.version, "progress": "見直しました。", "comment": "追記を",
                            "rating": "A", "reason": "理由を記入", "text": "意見"})

    entries, figures, versions, workbooks = [], [], [], []
    for cycle in cycles:
        cycle.refresh_from_db()
        cycle.plan = Plan.objects.select_related("municipality").get(pk=cycle.plan_id)
        for figure in cycle.figure_requests.select_related("organization").order_by("pk"):
            figures.append(Target(
                cycle.plan.municipality,
                {"code": cycle.plan.municipality.code, "slug": cycle.plan.slug,
                 "cycle_pk": cycle.pk, "pk": figure.pk},
                plan=cycle.plan, cycle=cycle, figure=figure, org=figure.organization,
                data={"version": figure.version, "verbatim": "140人", "comment": "確認を"}))
        for entry in cycle.entries.select_related("organization").order_by("pk"):
            entries.append(entry_target(entry, cycle))
            versions.append(entry_target(entry, cycle, 1))
        for org in Organization.objects.filter(entries__cycle=cycle).distinct():
            workbooks.append(Target(cycle.plan.municipality,
                                    {"code": cycle.plan.municipality.code, "slug": cycle.plan.slug,
                                     "pk": cycle.pk, "org_pk": org.pk},
                                    plan=cycle.plan, cycle=cycle, org=org))
    # Another organization's 照会 is asked for by 子育て支援課 too: it has none of its own.
    workbooks.append(Target(home, {"code": home.code, "slug": plan.slug, "pk": collecting.pk,
                                   "org_pk": kosodate.pk}, plan=plan, cycle=collecting,
                            org=kosodate))

    def statement_target(p: Plan) -> Target:
        """What the residents do for the plan's first 取組, and its neighbour below."""
        actor = ActorFactory.create(plan=p, label="地域住民ができること")
        initiative = p.initiatives.order_by("pk").first()
        made = [ActorStatementFactory.create(plan=p, actor=actor, initiative=initiative,
                                             text=text, order=n)
                for n, text in enumerate(("声をかけ合います。", "集まりに参加します。"), start=1)]
        return Target(p.municipality, {"code": p.municipality.code, "slug": p.slug,
                                       "pk": made[0].pk}, plan=p,
                      data={"actor": actor.pk, "text": "あいさつを交わします。", "detail": "",
                            "seen": fingerprint(made[0], STATEMENT_FIELDS),
                            "direction": "down"})

    def refreshed(cycle: Cycle) -> Cycle:
        return next(c for c in cycles if c.pk == cycle.pk)

    def renamed(p: Plan) -> Target:
        """The plan's first element renamed in the editor (as its action records it)."""
        element = p.elements.order_by("pk").first()
        assert element is not None
        before = snapshot(element)
        element.title += "（改）"
        element.save(update_fields=["title"])
        made = record(by=sato if p.municipality == home else other, action="plans.element.edit",
                      obj=element, before=before, after=snapshot(element),
                      municipality_code=p.municipality.code)
        return Target(p.municipality, {"code": p.municipality.code, "slug": p.slug,
                                       "event_id": made.pk}, plan=p)

    return Estate(
        world=world, yamamoto=yamamoto, kobayashi=kobayashi,
        munis=[Target(m, {"code": m.code}, muni_has_published_plan=m != town)
               for m in (home, other_city, town)],
        plans=[plan_target(p) for p in all_plans],
        elements=[sub(p, p.elements.first().pk) for p in all_plans],  # type: ignore[union-attr]
        initiatives=[sub(p, p.initiatives.first().pk) for p in all_plans],  # type: ignore[union-attr]
        statements=[statement_target(p) for p in all_plans],
        indicators=[sub(p, p.indicators.first().pk) for p in all_plans],  # type: ignore[union-attr]
        cycles=[cycle_target(c) for c in cycles],
        packets=[Target(c.plan.municipality, {**cycle_target(c).kwargs, "version": 1},
                        plan=c.plan, cycle=c)
                 for c in (refreshed(reviewing), refreshed(other_reviewing))],
        opinions=[Target(c.plan.municipality, {**cycle_target(c).kwargs, "opinion_pk": o.pk},
                         plan=c.plan, cycle=c, data={"version": o.version, "response": "対応します。"})
                  for c, o in ((refreshed(reviewing), opinion),
                               (refreshed(other_reviewing), other_opinion))],
        entries=entries, figures=figures, versions=versions, workbooks=workbooks,
        surveys=survey_targets, results=result_targets, tokens=tokens, notices=notices,
        plan_changes=[renamed(p) for p in all_plans],
        histories=[Target(p.municipality, {"code": p.municipality.code, "slug": p.slug,
                                           "kind": "element",
                                           "pk": p.elements.order_by("pk").first().pk},  # type: ignore[union-attr]
                          plan=p) for p in all_plans],
        challenges=[challenge_target(p) for p in all_plans],
        none=[Target(home, {})],
        reset_links=reset_links(home, world),
        invitations=[invitation_link(home, city, sato)],
        people=people_targets(world, city, other_org),
        api_plans=[plan_target(p) for p in all_plans],
        api_munis=[Target(m, {"code": m.code}, muni_has_published_plan=m != town)
                   for m in (home, other_city, town)],
        api_cycles=[Target(c.plan.municipality, {"code": c.plan.municipality.code,
                                                 "slug": c.plan.slug, "cycle_id": c.pk},
                           plan=c.plan, cycle=c) for c in cycles],
        keys=keys,
    )


def reset_links(home: Any, w: World) -> list[Target]:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(w.tanaka.pk))
    return [Target(home, {"uidb64": uid, "token": default_token_generator.make_token(w.tanaka)}),
            Target(home, {"uidb64": uid, "token": "abc-0123456789abcdef"})]


def people_targets(world: World, city: Organization, other_org: Organization) -> People:
    from sasaeai.accounts.invitations import invite

    found = People([], [], [], [])
    for org, person, by in ((city, world.ito, world.sato), (other_org, world.other, world.other)):
        muni = org.municipality
        code = {"code": muni.code}
        membership = Membership.objects.filter(user=person, organization__municipality=muni).first()
        assert membership is not None
        found.memberships.append(Target(muni, {**code, "pk": membership.pk},
                                         data={"role": "committee", "seen": membership.role}))
        found.persons.append(Target(muni, {**code, "pk": person.pk}, data={"active": "0"}))
        invitation, _key = invite(by=by, organization=org, email=f"people-{muni.code}@example.jp",
                                  role=Membership.Role.VIEWER)
        found.invitations.append(Target(muni, {**code, "pk": invitation.pk}))
        found.organizations.append(Target(muni, {**code, "pk": org.pk}, data={
            "name": f"{org.name}（新）", "kind": org.kind, "seen": org.name}))
    return found


def invitation_link(home: Any, city: Organization, sato: Any) -> Target:
    from sasaeai.accounts.invitations import invite

    _invitation, key = invite(by=sato, organization=city, email="newcomer@example.jp",
                              role=Membership.Role.STAFF)
    return Target(home, {"key": key})


def challenge_target(p: Plan) -> Target:
    """A 課題 of the plan with one piece of evidence; the data edits, links and moves it."""
    from sasaeai.audit.undo import fingerprint
    from sasaeai.plans.editing import CHALLENGE_FIELDS, EVIDENCE_FIELDS
    from sasaeai.plans.models import Challenge, Evidence

    challenge = Challenge.objects.create(plan=p, number_label="課題①", title="見守りの担い手の不足")
    Evidence.objects.create(challenge=challenge, kind="survey", text="担い手が足りない", order=1)
    evidence = Evidence.objects.create(challenge=challenge, text="高齢化が進んでいる", order=2)
    return Target(p.municipality, {"code": p.municipality.code, "slug": p.slug,
                                   "pk": challenge.pk}, plan=p,
                  data={"number_label": "課題Ａ", "title": "見守りの担い手の不足（改）",
                        "seen": fingerprint(challenge, CHALLENGE_FIELDS), "kind": "hearing",
                        "text": "民生委員から聞き取り", "evidence": evidence.pk,
                        "evidence_seen": fingerprint(evidence, EVIDENCE_FIELDS), "direction": "up",
                        "element": p.elements.first().pk,  # type: ignore[union-attr]
                        "initiative": p.initiatives.first().pk})  # type: ignore[union-attr]


def _other_survey(world: World) -> SurveyRound:
    from sasaeai.surveys.microdata import parse_survey
    from sasaeai.surveys.tests.conftest import CODEBOOK

    parsed = parse_survey(microdata(50, 70), "survey.csv", codebook=CODEBOOK, codebook_name="cb.csv")
    return survey_actions.import_round(
        by=world.other, municipality=world.other_city,
        info=survey_actions.RoundInfo(name="他市市民アンケート", year=2019, sample_size=600),
        parsed=parsed, plans=[world.other_published], filename="survey.csv")

