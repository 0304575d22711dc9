"""Who may see and do what: one vocabulary for every view, the API, the actions and importers.

A user's `Standing` in a municipality — the operator's superuser flag, the roles of their
memberships and the organizations they belong to — answers every `can_*` question. The
`get_<thing>_for_user()` helpers fetch objects through it (the progress and survey apps keep thin
fetchers of their own models in their `access` modules, built on the same standing).

The rule for refusals, applied everywhere:

- What a user may not SEE answers 404, exactly as if it did not exist (`hide_unless`): another
  municipality's unpublished plan, a cycle still being prepared, another organization's draft, a
  municipality's surveys for anyone but its 事務局 (citizens' microdata).
- What a user may see but not CHANGE answers 403 with a Japanese message (`forbid_unless`, or
  PermissionDenied raised by an action): a 担当 opening the 事務局's import page, a committee
  member submitting a report. The API is read-only: it answers 404 for what the caller may not
  see and 401 for a wrong key.
- Actions check again (`by=`), whoever calls them; `by=None` is the operator at the command line
  (management commands), who stands like a superuser.

Who stands where:

- The superuser (the operator's back office) may see and do everything a 事務局 may, in every
  municipality.
- 事務局 (secretariat): runs the municipality's plans, cycles, indicators, surveys and imports.
  A 社協 is an Organization of kind 社会福祉協議会; its people hold the same roles (usually 担当,
  or 事務局 where the 社協 runs a joint plan with the city).
- 担当 (staff): writes its own organizations' reports; reads the cycle from 入力中 on and the
  other organizations' reports once compiled.
- 委員 (committee): reads cycles from 委員会審議 on; rates and writes opinions during 委員会審議.
- 閲覧 (viewer): reads everything of the municipality, changes nothing.
- Anyone, signed in or not: published plans and their published cycles.

The standing is computed once per request: one query loads every membership of the user, cached
on the user object (a fresh one per request).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from sasaeai.accounts.models import Membership, User
from sasaeai.plans.models import Initiative, Plan, PlanElement
from sasaeai.tenancy.models import Municipality, Organization

Role = Membership.Role
_CACHE = "_sasaeai_standings"
_CURRENT = "_sasaeai_current_municipality"


def forbid_unless(allowed: bool, message: str) -> None:
    """403 with a Japanese message: the user sees the object but may not do this."""
    if not allowed:
        raise PermissionDenied(message)


def hide_unless(allowed: bool, message: str = "見つかりません。") -> None:
    """404: the user may not see the object, so for them it does not exist."""
    if not allowed:
        raise Http404(message)


def deny(message: str) -> NoReturn:
    raise PermissionDenied(message)


@dataclass(frozen=True)
class Standing:
    """A user's roles and organizations in one municipality, and what they allow."""

    superuser: bool = False
    roles: frozenset[str] = frozenset()
    organizations: frozenset[int] = frozenset()
    staff_orgs: frozenset[int] = frozenset()
    shakyo_orgs: frozenset[int] = frozenset()  # organizations of kind 社協 among `organizations`
    secretariat_orgs: frozenset[int] = frozenset()  # organizations whose 事務局 the user is
    signed_in: bool = False

    @classmethod
    def of(cls, user: Any, where: Any) -> Standing:
        """The standing of `user` in a municipality (or the municipality of a plan, cycle,
        organization…: anything with a `municipality_id`). `user=None` is the operator."""
        if user is None:
            return OPERATOR
        if not getattr(user, "is_authenticated", False):
            return ANONYMOUS
        if getattr(user, "is_superuser", False):
            return SUPERUSER
        municipality_id = _municipality_id(where)
        if municipality_id is None:
            return SIGNED_IN
        return _standings(user).get(municipality_id, SIGNED_IN)

    # Who ------------------------------------------------------------------------------------

    @property
    def member(self) -> bool:
        """Belongs to the municipality (or is the operator): sees its unpublished work."""
        return self.superuser or bool(self.roles)

    @property
    def secretariat(self) -> bool:
        return self.superuser or Role.SECRETARIAT in self.roles

    @property
    def committee(self) -> bool:
        return Role.COMMITTEE in self.roles

    @property
    def viewer(self) -> bool:
        return Role.VIEWER in self.roles

    @property
    def staff(self) -> bool:
        return bool(self.staff_orgs)

    @property
    def in_shakyo(self) -> bool:
        return bool(self.shakyo_orgs)

    def reports_for(self, organization_id: int | None) -> bool:
        """Whether the user writes this organization's reports (担当 of it)."""
        return organization_id in self.staff_orgs

    @property
    def reads_everything(self) -> bool:
        """The 事務局 and 閲覧 follow the whole cycle while it is being written."""
        return self.secretariat or self.viewer

    # Plans and what hangs from them ---------------------------------------------------------

    def can_view_plan(self, plan: Any) -> bool:
        return bool(plan.is_published) or self.member

    def can_view_element(self, element: Any) -> bool:
        return self.can_view_plan(element.plan)

    def can_view_initiative(self, initiative: Any) -> bool:
        return self.can_view_plan(initiative.plan)

    def can_view_statement(self, statement: Any) -> bool:
        return self.can_view_plan(statement.plan)

    def can_view_internal_notes(self) -> bool:
        """Working notes that are not for the public (inferred polarity, opinion authors,
        who last edited, override history)."""
        return self.member

    def can_export_full_plan(self, plan: Any) -> bool:
        """The plan file with every cycle, not only the published ones."""
        return self.can_view_plan(plan) and self.secretariat

    def can_import_plans(self) -> bool:
        """Upload a new plan or an update of one (workbook, plan file)."""
        return self.secretariat

    # Indicators -----------------------------------------------------------------------------

    def can_view_indicator(self, indicator: Any) -> bool:
        return self.can_view_plan(indicator.plan)

    def can_override_judgement(self, indicator: Any = None) -> bool:
        return self.secretariat

    def can_import_indicators(self, plan: Any = None) -> bool:
        return self.secretariat

    def can_replace_observation(self, observation: Any = None) -> bool:
        """Put another figure in place of a registered 実績値 (its old figure stays in the
        audit trail)."""
        return self.secretariat

    # Cycles ---------------------------------------------------------------------------------

    def can_view_cycle(self, cycle: Any) -> bool:
        """A withdrawn publication stays visible to the public as the notice of its withdrawal
        (see can_read_cycle_content)."""
        if (cycle.is_published or cycle.is_withdrawn) and cycle.plan.is_published:
            return True
        if self.reads_everything:
            return True
        if self.staff and not cycle.is_preparing:
            return True
        return self.committee and cycle.is_visible_to_committee

    def can_create_cycle(self, plan: Any = None) -> bool:
        return self.secretariat

    def can_assign_reporting(self, plan: Any = None) -> bool:
        """Choose what a plan reports on and which organisations report on each unit."""
        return self.secretariat

    def can_choose_scale(self, plan: Any = None) -> bool:
        return self.secretariat

    def can_manage_cycle(self, cycle: Any = None) -> bool:
        """Move the cycle on or back, confirm and publish it."""
        return self.secretariat

    def can_edit_cycle(self, cycle: Any) -> bool:
        """Change a cycle's title, 年度, dates and scale, while it is 準備中 or 入力中."""
        return self.secretariat and cycle.is_adjustable

    def can_delete_cycle(self, cycle: Any) -> bool:
        """Delete a cycle set up by mistake (the action also refuses once a report is in)."""
        return self.secretariat and cycle.is_adjustable

    def can_read_cycle_content(self, cycle: Any) -> bool:
        """Its reports, opinions and summary: of a withdrawn publication, the public reads only
        that it was withdrawn, when and why."""
        return self.can_view_cycle(cycle) and (self.member or not cycle.is_withdrawn)

    def can_waive_entries(self, cycle: Any) -> bool:
        """Record 「未提出のまま進める」 for reports not handed in, while reports are gathered."""
        return self.secretariat and cycle.is_gathering

    def can_withdraw_publication(self, cycle: Any) -> bool:
        return self.secretariat and cycle.is_published

    def can_view_summary(self, cycle: Any) -> bool:
        return self.can_read_cycle_content(cycle) and (cycle.is_compiled
                                                       or self.reads_everything)

    def can_view_dashboard(self, cycle: Any) -> bool:
        """Every organization's completeness, overdue or not."""
        return self.reads_everything

    def can_exchange_workbook(self, cycle: Any, organization_id: int) -> bool:
        """Download and upload one organization's 照会 file."""
        return self.secretariat or self.reports_for(organization_id)

    def can_exchange_all_workbooks(self, cycle: Any) -> bool:
        """Every organization's 照会 file, not only one's own."""
        return self.secretariat

    # Entries (進捗報告) -----------------------------------------------------------------------

    def can_view_entry(self, entry: Any, cycle: Any = None) -> bool:
        cycle = cycle or entry.cycle
        if not self.can_read_cycle_content(cycle):
            return False
        if self.reads_everything or self.committee or self.reports_for(entry.organization_id):
            return True
        return bool(cycle.is_compiled)

    def can_view_history(self, cycle: Any = None) -> bool:
        """Unsubmitted text, versions and changes against last year (never the public's)."""
        return self.reads_everything or self.staff

    def can_read_entry_text(self, entry: Any, cycle: Any = None) -> bool:
        """Whether a visible entry's text is shown: to those who follow the drafts, and to
        everyone else only once handed in (a published cycle may have gone on without a report:
        its draft stays the members')."""
        return self.can_view_history(cycle or entry.cycle) or entry.is_handed_in

    def can_edit_entry(self, entry: Any, cycle: Any = None) -> bool:
        cycle = cycle or entry.cycle
        return (cycle.is_open_for_input and entry.is_editable
                and (self.secretariat or self.reports_for(entry.organization_id)))

    def can_submit_entry(self, entry: Any, cycle: Any = None) -> bool:
        return self.can_edit_entry(entry, cycle)

    def can_hand_in(self, cycle: Any) -> bool:
        """Hand in several reports and figures at once (わたしの作業): whoever writes some of
        them, while input is open; each one is still checked as if handed in alone."""
        return cycle.is_open_for_input and (self.secretariat or self.staff)

    def can_return_entry(self, entry: Any, cycle: Any = None) -> bool:
        cycle = cycle or entry.cycle
        return self.secretariat and cycle.is_gathering and entry.is_handed_in

    def can_accept_entry(self, entry: Any, cycle: Any = None) -> bool:
        cycle = cycle or entry.cycle
        return self.secretariat and cycle.is_gathering and entry.is_submitted

    def can_edit_plan(self, plan: Any = None) -> bool:
        """Change the plan in its editors (settings, 体系, 取組, roles, 課題, indicators) and undo
        a change: the 事務局 of its municipality. The owners of a plan decide its structure
        together (ADR 0017); rows that belong to one owner are `can_edit_owned_row`'s."""
        return self.secretariat

    def can_invite(self, organization: Any = None) -> bool:
        """Invite people to the municipality's organizations and manage its members: its
        事務局 (issue #16); the operator for a municipality that has none yet."""
        return self.secretariat

    def can_create_municipality(self) -> bool:
        """Open a new municipality (a tenant): the operator only."""
        return self.superuser

    def can_create_plan(self) -> bool:
        """Start a new plan in the browser (an empty 素案 to build in the editors)."""
        return self.secretariat

    def can_edit_owned_row(self, plan: Any, owner_ids: set[int] | frozenset[int]) -> bool:
        """A row that belongs to some of the plan's owners: what an owner's actor does, a 取組
        an owner is responsible for (ADR 0017). In a plan owned by several organisations only
        the 事務局 of one of those owners changes it; a row of no owner, or of a plan with one
        owner, is any 事務局's. `owner_ids` are the plan's owners the row belongs to."""
        if not self.can_edit_plan(plan):
            return False
        if self.superuser or not owner_ids or not self.secretariat_orgs:
            return True
        plan_owners = {o.pk for o in plan.owners.all()}
        mine = self.secretariat_orgs & plan_owners
        if len(plan_owners) < 2 or not mine:
            return True
        return bool(mine & set(owner_ids))

    def can_accept_many(self, cycle: Any) -> bool:
        """The 事務局's checklist on the cycle page: 確認済 for many handed-in reports at once."""
        return self.secretariat and cycle.is_gathering

    def can_rate_entry(self, cycle: Any) -> bool:
        """The committee's rating of a report, during 委員会審議."""
        return self.committee and cycle.is_under_review

    def can_correct_entry(self, cycle: Any) -> bool:
        """After 確定 a change is a recorded correction, by the 事務局."""
        return self.secretariat and cycle.is_frozen

    def can_restore_entry(self, cycle: Any) -> bool:
        return self.secretariat and not cycle.is_frozen

    # Indicator figures asked in a cycle (FigureRequest) ---------------------------------------

    def can_assign_indicator_reporter(self, indicator: Any = None) -> bool:
        """Name the organisation a cycle asks for an indicator's figure."""
        return self.secretariat

    def can_view_figure(self, figure: Any, cycle: Any = None) -> bool:
        """As a report: its organisation's 担当, the 事務局, 閲覧 and the committee from the
        start; everyone who reads the cycle once it is compiled."""
        return self.can_view_entry(figure, cycle or figure.cycle)

    def can_edit_figure(self, figure: Any, cycle: Any = None) -> bool:
        return self.can_edit_entry(figure, cycle)

    def can_return_figure(self, figure: Any, cycle: Any = None) -> bool:
        return self.can_return_entry(figure, cycle)

    def can_accept_figure(self, figure: Any, cycle: Any = None) -> bool:
        return self.can_accept_entry(figure, cycle)

    def can_waive_figures(self, cycle: Any) -> bool:
        """「未提出のまま進める」 for figures not handed in: as for reports."""
        return self.can_waive_entries(cycle)

    def can_settle_figure(self, figure: Any, cycle: Any = None) -> bool:
        """Settle a figure that differed from the registered 実績値 at 確定 (keep that one or put
        the reported one in its place): the 事務局, once the cycle is 確定 or 公開中."""
        cycle = cycle or figure.cycle
        return self.secretariat and cycle.is_frozen and not cycle.is_withdrawn

    # Opinions -------------------------------------------------------------------------------

    def can_write_opinion(self, cycle: Any) -> bool:
        return self.committee and cycle.is_under_review

    def can_respond_opinion(self, cycle: Any) -> bool:
        return self.secretariat and cycle.is_under_review

    # Committee packets ----------------------------------------------------------------------

    def can_view_packets(self, cycle: Any) -> bool:
        return self.can_view_cycle(cycle) and (self.secretariat or self.committee or self.viewer)

    def can_make_packet(self, cycle: Any) -> bool:
        return self.can_view_packets(cycle) and self.secretariat

    # Surveys, members, organizations --------------------------------------------------------

    def can_handle_surveys(self) -> bool:
        """Survey rounds hold citizens' answers: only the 事務局 sees them at all."""
        return self.secretariat

    def can_manage_members(self) -> bool:
        return self.secretariat

    def can_manage_organizations(self) -> bool:
        return self.secretariat


ANONYMOUS = Standing()
SIGNED_IN = Standing(signed_in=True)
SUPERUSER = Standing(superuser=True, signed_in=True)
OPERATOR = SUPERUSER


@dataclass
class _Builder:
    roles: set[str] = field(default_factory=set)
    organizations: set[int] = field(default_factory=set)
    staff_orgs: set[int] = field(default_factory=set)
    shakyo_orgs: set[int] = field(default_factory=set)
    secretariat_orgs: set[int] = field(default_factory=set)

    def build(self) -> Standing:
        return Standing(roles=frozenset(self.roles), organizations=frozenset(self.organizations),
                        staff_orgs=frozenset(self.staff_orgs),
                        shakyo_orgs=frozenset(self.shakyo_orgs),
                        secretariat_orgs=frozenset(self.secretariat_orgs), signed_in=True)


def _municipality_id(where: Any) -> int | None:
    if where is None or isinstance(where, int):
        return where
    if isinstance(where, Municipality):
        return where.pk
    return getattr(where, "municipality_id", None)


def _standings(user: Any) -> dict[int, Standing]:
    """Every standing of a signed-in user, one query per request."""
    cached = getattr(user, _CACHE, None)
    if cached is None:
        builders: dict[int, _Builder] = {}
        rows = Membership.objects.filter(user_id=user.pk).values_list(
            "organization__municipality_id", "organization_id", "organization__kind", "role")
        for municipality_id, org_id, kind, role in rows:
            b = builders.setdefault(municipality_id, _Builder())
            b.roles.add(role)
            b.organizations.add(org_id)
            if role == Role.STAFF:
                b.staff_orgs.add(org_id)
            if role == Role.SECRETARIAT:
                b.secretariat_orgs.add(org_id)
            if kind == Organization.Kind.SHAKYO:
                b.shakyo_orgs.add(org_id)
        cached = {m: b.build() for m, b in builders.items()}
        setattr(user, _CACHE, cached)
    return cached


def forget_standing(user: Any) -> None:
    """Drop the cached standing, after the user's memberships changed within one request."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def member_municipality_ids(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(_standings(user))


@dataclass(frozen=True)
class Duties:
    """What waits for the user on the tasks page: the organizations they report for, the
    municipalities whose cycles they run, and those whose committee they sit on. These are
    the user's own memberships, the superuser's flag aside (it is not a duty)."""

    reporting_for: frozenset[int]
    running: frozenset[int]
    reviewing: frozenset[int]


def duties_of(user: Any) -> Duties:
    if not getattr(user, "is_authenticated", False):
        return Duties(frozenset(), frozenset(), frozenset())
    standings = _standings(user)
    return Duties(
        reporting_for=frozenset(o for s in standings.values() for o in s.staff_orgs),
        running=frozenset(m for m, s in standings.items() if Role.SECRETARIAT in s.roles),
        reviewing=frozenset(m for m, s in standings.items() if s.committee),
    )


# Who is told (the other side of the duties: notices go to who holds one) --------------------------

def memberships_of(user: Any) -> QuerySet[Membership]:
    """One's own organisations and roles, for one's profile: municipality by code, then the
    organisations in their order."""
    return (Membership.objects.filter(user_id=getattr(user, "pk", None) or 0)
            .select_related("organization__municipality")
            .order_by("organization__municipality__code", "organization__order",
                      "organization__name"))


def reporters_of(organization_ids: Any) -> QuerySet[User]:
    """The active 担当 of these organizations: who writes and hands in their reports and figures."""
    return User.objects.filter(
        is_active=True, memberships__organization_id__in=list(organization_ids),
        memberships__role=Role.STAFF).distinct().order_by("pk")


def committee_of(municipality_id: int) -> QuerySet[User]:
    """The active 委員 of a municipality: who rate and give opinions once a cycle is under review."""
    return User.objects.filter(
        is_active=True, memberships__organization__municipality_id=municipality_id,
        memberships__role=Role.COMMITTEE).distinct().order_by("pk")


def runs_anything(user: Any) -> bool:
    """The operator, or the 事務局 of some municipality: who holds the keys to citizens' data
    (and so must give a second factor)."""
    return Standing.of(user, None).superuser or bool(duties_of(user).running)


def note_current_municipality(user: Any, where: Any) -> None:
    """Remember which municipality this request is about, for the context processor."""
    if user is not None and getattr(user, "is_authenticated", False):
        setattr(user, _CURRENT, _municipality_id(where))


def current_standing(user: Any) -> tuple[int | None, Standing]:
    """The municipality the request is about (if a fetcher named one) and the standing there."""
    municipality_id = getattr(user, _CURRENT, None)
    return municipality_id, Standing.of(user, municipality_id)


# Fetching through the standing ------------------------------------------------------------------

def plans_for_user(user: Any) -> QuerySet[Plan]:
    plans = Plan.objects.all()
    if Standing.of(user, None).superuser:
        return plans
    return plans.filter(
        Q(status=Plan.Status.PUBLISHED) | Q(municipality_id__in=member_municipality_ids(user))
    )


def get_municipalities_for_user(user: Any) -> QuerySet[Municipality]:
    if Standing.of(user, None).superuser:
        return Municipality.objects.all()
    return Municipality.objects.filter(
        Q(pk__in=member_municipality_ids(user))
        | Q(pk__in=Plan.objects.published().values("municipality_id"))
    )


def get_municipality_for_user(user: Any, code: str) -> Municipality:
    municipality = get_object_or_404(get_municipalities_for_user(user), code=code)
    note_current_municipality(user, municipality)
    return municipality


def get_municipality_and_standing(user: Any, code: str) -> tuple[Municipality, Standing]:
    municipality = get_municipality_for_user(user, code)
    return municipality, Standing.of(user, municipality)


def get_plan_for_user(user: Any, code: str, slug: str) -> Plan:
    plan = get_object_or_404(
        plans_for_user(user).select_related("municipality", "predecessor", "parent", "area"),
        municipality__code=code, slug=slug,
    )
    note_current_municipality(user, plan)
    return plan


def get_plan_and_standing(user: Any, code: str, slug: str) -> tuple[Plan, Standing]:
    plan = get_plan_for_user(user, code, slug)
    return plan, Standing.of(user, plan)


def get_element_for_user(user: Any, code: str, slug: str, pk: int) -> PlanElement:
    plan = get_plan_for_user(user, code, slug)
    element = get_object_or_404(PlanElement.objects.select_related("parent"), plan=plan, pk=pk)
    element.plan = plan
    return element


def get_initiative_for_user(user: Any, code: str, slug: str, pk: int) -> Initiative:
    plan = get_plan_for_user(user, code, slug)
    initiative = get_object_or_404(
        Initiative.objects.select_related("element"), plan=plan, pk=pk
    )
    initiative.plan = plan
    return initiative


def get_plan_for_importer(user: Any, code: str, slug: str, *, message: str) -> Plan:
    """A plan whose indicators or contents the user imports: 404 if they may not see it, 403
    if they may see it but not import."""
    plan, standing = get_plan_and_standing(user, code, slug)
    forbid_unless(standing.can_import_indicators(plan), message)
    return plan


def get_municipality_for_plan_creator(user: Any, code: str) -> Municipality:
    """A municipality in which the user starts a new plan (404 / 403 as above)."""
    municipality, standing = get_municipality_and_standing(user, code)
    forbid_unless(standing.can_create_plan(),
                  "新しい計画をつくれるのは、その自治体の事務局です。")
    return municipality


def get_municipality_for_people_manager(user: Any, code: str) -> Municipality:
    """A municipality whose people and organizations the user manages (404 / 403 as above)."""
    municipality, standing = get_municipality_and_standing(user, code)
    forbid_unless(standing.can_invite(), "職員と組織の管理は、その自治体の事務局が行います。")
    return municipality


def forbid_unless_operator(user: Any) -> None:
    """The operator's own pages (a new municipality): 403 for everyone else."""
    forbid_unless(Standing.of(user, None).can_create_municipality(),
                  "このページは運営者（システム管理者）のためのものです。")


def get_municipality_for_importer(user: Any, code: str) -> Municipality:
    """A municipality into which the user uploads a plan (404 / 403 as above)."""
    municipality, standing = get_municipality_and_standing(user, code)
    forbid_unless(standing.can_import_plans(),
                  "計画を取り込めるのは、その自治体の事務局です。")
    return municipality


def get_survey_municipality_for_user(user: Any, code: str) -> Municipality:
    """A municipality whose surveys the user handles; for anyone else they do not exist."""
    municipality, standing = get_municipality_and_standing(user, code)
    hide_unless(standing.can_handle_surveys(), "調査が見つかりません。")
    return municipality
