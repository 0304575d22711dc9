"""The permission matrix: every route and method × every persona × every object relation.

Generated from the route inventory (`test_routes.ROUTES`): each route names what its URL points at
(a municipality, a plan, a cycle, an entry, a survey, an API key…) and who may use it, written
below as a rule over plain facts — the persona's roles in the object's municipality, whether the
object's plan and cycle are published, whether an entry belongs to the persona's own
organization. The estate and the personas (the superuser among them) are built in
`permission_estate.py`.

Every case is asked inside a savepoint that is rolled back, so each starts from the same estate.
A case is *denied* when it answers 401, 403, 404 or a redirect to the sign-in page, *allowed*
otherwise (a business rule may still refuse an allowed write with a message: that is not an
access decision). Zero wrongful allows, zero wrongful denies; a denied request runs no INSERT,
UPDATE or DELETE; and every denial of a signed-in persona is written to the `sasaeai.security` log.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from sasaeai.progress.models import Cycle, Entry
from sasaeai.testing import World
from sasaeai.tests.permission_estate import PUBLISHED, SUPERUSER, Estate, Target, Who, build_estate
from sasaeai.tests.test_routes import ADMIN, API, ROUTES, inventory

pytestmark = pytest.mark.django_db
S = Cycle.Status
COMPILED = {S.COMPILING, S.REVIEWING, S.CONFIRMED, S.PUBLISHED, S.WITHDRAWN}
FROZEN = {S.CONFIRMED, S.PUBLISHED, S.WITHDRAWN}  # corrected, never silently changed
SUMMARY_ROUTE = "<lgcode:code>/<slug:slug>/cycles/<int:pk>/summary/"

# ---------------------------------------------------------------------------------------------
# Who may: the policy, one rule per route, over the facts above
# ---------------------------------------------------------------------------------------------

Rule = Callable[[Who, Target], bool]


def anyone(who: Who, t: Target) -> bool:
    return True


def signed_in(who: Who, t: Target) -> bool:
    return bool(who.user.is_authenticated)


def operator(who: Who, t: Target) -> bool:
    return bool(who.user.is_superuser)


def nobody(who: Who, t: Target) -> bool:
    return False


def sees_muni(who: Who, t: Target) -> bool:
    return t.muni_has_published_plan or who.member(t.muni)


def sees_plan(who: Who, t: Target) -> bool:
    assert t.plan is not None
    return t.plan.status == PUBLISHED or who.member(t.muni)


def runs(who: Who, t: Target) -> bool:
    """The 事務局 of the object's municipality."""
    return who.sec(t.muni)


def runs_plan(who: Who, t: Target) -> bool:
    return sees_plan(who, t) and who.sec(t.muni)


def sees_cycle(who: Who, t: Target) -> bool:
    c, m = t.cycle, t.muni
    assert c is not None
    if not sees_plan(who, t):
        return False
    if c.status in {S.PUBLISHED, S.WITHDRAWN} and t.plan is not None and t.plan.status == PUBLISHED:
        return True  # a withdrawn publication: the public reads the notice of withdrawal
    return (who.sec(m) or who.viewer(m) or (who.staff(m) and c.status != S.PREPARING)
            or (who.committee(m) and c.status in {S.REVIEWING, S.CONFIRMED, S.PUBLISHED,
                                                  S.WITHDRAWN}))


def reads_cycle_content(who: Who, t: Target) -> bool:
    """Reports, opinions and summary: of a withdrawn publication, for members only."""
    assert t.cycle is not None
    return sees_cycle(who, t) and (t.cycle.status != S.WITHDRAWN or who.member(t.muni))


def sees_summary(who: Who, t: Target) -> bool:
    assert t.cycle is not None
    return reads_cycle_content(who, t) and (t.cycle.status in COMPILED or who.sec(t.muni)
                                   or who.viewer(t.muni))


def reads_packets(who: Who, t: Target) -> bool:
    m = t.muni
    return sees_cycle(who, t) and (who.sec(m) or who.committee(m) or who.viewer(m))


def makes_packets(who: Who, t: Target) -> bool:
    return reads_packets(who, t) and who.sec(t.muni)


def manages_cycle(who: Who, t: Target) -> bool:
    return sees_cycle(who, t) and who.sec(t.muni)


def sets_up_cycle(who: Who, t: Target) -> bool:
    """Editing or deleting a cycle's setup: the 事務局, while it is 準備中 or 入力中."""
    assert t.cycle is not None
    return manages_cycle(who, t) and t.cycle.status in {S.PREPARING, S.COLLECTING}


def waives(who: Who, t: Target) -> bool:
    """「未提出のまま進める」: the 事務局 while reports are gathered."""
    assert t.cycle is not None
    return manages_cycle(who, t) and t.cycle.status in {S.COLLECTING, S.COMPILING}


def hands_in(who: Who, t: Target) -> bool:
    """Handing in several at once: the 事務局 or a 担当 of the municipality, while 入力中."""
    assert t.cycle is not None
    return (sees_cycle(who, t) and t.cycle.status == S.COLLECTING
            and (who.sec(t.muni) or who.staff(t.muni)))


def withdraws(who: Who, t: Target) -> bool:
    assert t.cycle is not None
    return manages_cycle(who, t) and t.cycle.status == S.PUBLISHED


def writes_opinion(who: Who, t: Target) -> bool:
    assert t.cycle is not None
    return sees_cycle(who, t) and who.committee(t.muni) and t.cycle.status == S.REVIEWING


def responds(who: Who, t: Target) -> bool:
    assert t.cycle is not None
    return sees_cycle(who, t) and who.sec(t.muni) and t.cycle.status == S.REVIEWING


def sees_entry(who: Who, t: Target) -> bool:
    m, c = t.muni, t.cycle
    assert c is not None and t.org is not None
    return reads_cycle_content(who, t) and (who.sec(m) or who.viewer(m) or who.committee(m)
                                            or t.org.pk in who.staff_orgs
                                            or c.status in COMPILED)


def sees_history(who: Who, t: Target) -> bool:
    m = t.muni
    return sees_entry(who, t) and (who.sec(m) or who.viewer(m) or who.staff(m))


def edits_entry(who: Who, t: Target) -> bool:
    assert t.cycle is not None and t.entry is not None and t.org is not None
    return (sees_entry(who, t) and t.cycle.status == S.COLLECTING
            and t.entry.status in {Entry.Status.NOT_STARTED, Entry.Status.DRAFT,
                                   Entry.Status.RETURNED}
            and (who.sec(t.muni) or t.org.pk in who.staff_orgs))


def handles_submitted(who: Who, t: Target) -> bool:
    """Returning or accepting a submitted report: the 事務局 while reports are gathered."""
    assert t.cycle is not None and t.entry is not None
    return (sees_entry(who, t) and who.sec(t.muni)
            and t.cycle.status in {S.COLLECTING, S.COMPILING}
            and t.entry.status == Entry.Status.SUBMITTED)


def returns_entry(who: Who, t: Target) -> bool:
    assert t.entry is not None
    return handles_submitted(who, t) or (
        sees_entry(who, t) and who.sec(t.muni) and t.entry.status == Entry.Status.ACCEPTED
        and t.cycle is not None and t.cycle.status in {S.COLLECTING, S.COMPILING})


def rates(who: Who, t: Target) -> bool:
    assert t.cycle is not None
    return sees_entry(who, t) and who.committee(t.muni) and t.cycle.status == S.REVIEWING


def corrects(who: Who, t: Target) -> bool:
    assert t.cycle is not None
    return sees_entry(who, t) and who.sec(t.muni) and t.cycle.status in FROZEN


def restores(who: Who, t: Target) -> bool:
    assert t.cycle is not None
    return sees_history(who, t) and who.sec(t.muni) and t.cycle.status not in FROZEN


def exchanges_workbook(who: Who, t: Target) -> bool:
    """A 照会 workbook: the 事務局, or 担当 of that organization, if it reports in the cycle."""
    assert t.cycle is not None and t.org is not None
    has_entries = t.cycle.entries.filter(organization=t.org).exists()
    return (sees_cycle(who, t) and has_entries
            and (who.sec(t.muni) or t.org.pk in who.staff_orgs))


def edits_figure(who: Who, t: Target) -> bool:
    """An indicator figure, as a report: its organisation's 担当 or the 事務局, while input is
    open and the figure is not handed in."""
    assert t.cycle is not None and t.figure is not None and t.org is not None
    return (sees_entry(who, t) and t.cycle.status == S.COLLECTING and t.figure.is_editable
            and (who.sec(t.muni) or t.org.pk in who.staff_orgs))


def returns_figure(who: Who, t: Target) -> bool:
    assert t.cycle is not None and t.figure is not None
    return (sees_entry(who, t) and who.sec(t.muni) and t.figure.is_handed_in
            and t.cycle.status in {S.COLLECTING, S.COMPILING})


def accepts_figure(who: Who, t: Target) -> bool:
    assert t.figure is not None
    return returns_figure(who, t) and t.figure.is_submitted


def settles_figure(who: Who, t: Target) -> bool:
    """A difference from the registered 実績値 found at 確定: the 事務局, once the cycle is 確定
    or 公開中 (a figure that is no conflict is refused with a message, not denied)."""
    assert t.cycle is not None
    return sees_entry(who, t) and who.sec(t.muni) and t.cycle.status in {S.CONFIRMED,
                                                                          S.PUBLISHED}


def owns(who: Who, t: Target) -> bool:
    return bool(who.user.is_authenticated) and t.owner == who.user


@dataclass(frozen=True)
class Spec:
    kind: str  # which of the estate's target lists the URL is filled from
    rules: dict[str, Rule]  # method → rule; the other methods must answer 405
    query: str = ""


GET, POST = "get", "post"


def read(kind: str, rule: Rule, query: str = "") -> Spec:
    return Spec(kind, {GET: rule}, query)


def write(kind: str, rule: Rule) -> Spec:
    return Spec(kind, {POST: rule})


SPECS: dict[str, Spec] = {
    "home": read("none", anyone),
    "accounts:login": read("none", anyone),
    "accounts:logout": write("none", anyone),
    "accounts:profile": read("none", signed_in),
    "accounts:password_reset": Spec("none", {GET: anyone, POST: anyone}),
    "accounts:password_reset_done": read("none", anyone),
    "accounts:password_reset_confirm": Spec("reset_links", {GET: anyone, POST: anyone}),
    "accounts:password_reset_complete": read("none", anyone),
    "accounts:password_change": Spec("none", {GET: signed_in, POST: signed_in}),
    "accounts:invitation": Spec("invitations", {GET: anyone, POST: anyone}),
    "accounts:municipality_create": Spec("none", {GET: operator, POST: operator}),
    # 職員と組織 (#16): the 事務局 of the municipality
    "people:people": read("munis", runs),
    "people:invite": write("munis", runs),
    "people:organization_add": write("munis", runs),
    "people:invitation_withdraw": write("people.invitations", runs),
    "people:membership_role": write("people.memberships", runs),
    "people:membership_end": write("people.memberships", runs),
    "people:person_active": write("people.persons", runs),
    "people:person_second_factor": write("people.persons", runs),
    "people:organization_edit": write("people.organizations", runs),
    "people:personnel": Spec("munis", {GET: runs, POST: runs}),
    "people:personnel_confirm": write("munis", runs),
    "people:personnel_template": read("munis", runs),
    "reorganisation:retire": write("people.organizations", runs),
    "reorganisation:merge": write("people.organizations", runs),
    "accounts:token_create": write("none", signed_in),
    "accounts:token_revoke": write("tokens", owns),
    "accounts:notice_mail": write("none", signed_in),
    # A notice belongs to its recipient: anyone else's answers 404.
    "notices:read": write("notices", owns),
    "accounts:two_factor": Spec("none", {GET: signed_in, POST: signed_in}),
    "accounts:two_factor_setup": Spec("none", {GET: signed_in, POST: signed_in}),
    "accounts:recovery_codes": write("none", signed_in),
    "tasks:mine": read("none", signed_in),
    "tenancy:municipality": read("munis", sees_muni),
    "surveys:list": read("munis", runs),
    "surveys:import": Spec("munis", {GET: runs, POST: runs}),
    "surveys:import_confirm": write("munis", runs),
    "surveys:codebook_template": read("munis", runs),
    "surveys:detail": read("surveys", runs),
    "surveys:measure": write("surveys", runs),
    "surveys:edit": Spec("surveys", {GET: runs, POST: runs}),
    "surveys:delete": write("surveys", runs),
    "surveys:recompute": write("results", runs),
    "exchange:import": Spec("munis", {GET: runs, POST: runs}),
    "plan_create": Spec("munis", {GET: runs, POST: runs}),
    "exchange:import_confirm": write("munis", runs),
    "exchange:template": read("munis", runs),
    "exchange:plan_json": read("plans", sees_plan),
    "exchange:plan_workbook": read("plans", sees_plan),
    "public:search": read("plans", sees_plan, "?q=見守り"),
    "public:digest": read("plans", sees_plan),
    "plans:plan": read("plans", sees_plan),
    "plans:challenges": read("plans", sees_plan),
    "plans:element": read("elements", sees_plan),
    "plans:initiative": read("initiatives", sees_plan),
    "plans:reporting": read("plans", runs_plan),
    "plans:undo": write("plan_changes", runs_plan),
    "plans:history": read("histories", runs_plan),
    "plans:revert": write("plan_changes", runs_plan),
    "plans:reporting_level": write("plans", runs_plan),
    "plans:reporting_assign": write("plans", runs_plan),
    "plans:reporting_organization": write("plans", runs_plan),
    "indicators:table": read("plans", sees_plan),
    "indicators:detail": read("indicators", sees_plan),
    "indicators:override": write("indicators", runs_plan),
    "indicators:reporter": write("indicators", runs_plan),
    "indicators:import": Spec("plans", {GET: runs_plan, POST: runs_plan}),
    "indicators:import_confirm": write("plans", runs_plan),

    # Plan settings (#15: views_settings)
    "plans:edit": read("plans", runs_plan),
    "plans:settings": Spec("plans", {GET: runs_plan, POST: runs_plan}),
    "plans:status": write("plans", runs_plan),


    # 体系 editor (#15: views_tree)
    "plans:tree": read("plans", runs_plan),
    "plans:element_add": write("plans", runs_plan),
    "plans:element_edit": Spec("elements", {GET: runs_plan, POST: runs_plan}),
    "plans:element_move": write("elements", runs_plan),
    "plans:element_delete": Spec("elements", {GET: runs_plan, POST: runs_plan}),
    "plans:element_renumber": Spec("elements", {GET: runs_plan, POST: runs_plan}),


    # 取組 and what each actor does (#15: views_initiatives)
    "plans:initiatives_edit": read("plans", runs_plan),
    "plans:initiative_add": write("plans", runs_plan),
    "plans:initiative_edit": Spec("initiatives", {GET: runs_plan, POST: runs_plan}),
    "plans:initiative_placement": write("initiatives", runs_plan),
    "plans:initiative_delete": Spec("initiatives", {GET: runs_plan, POST: runs_plan}),
    "plans:initiative_statements": write("initiatives", runs_plan),
    "plans:statements_edit": Spec("elements", {GET: runs_plan, POST: runs_plan}),
    "plans:statement_edit": Spec("statements", {GET: runs_plan, POST: runs_plan}),
    "plans:statement_move": write("statements", runs_plan),
    "plans:statement_delete": write("statements", runs_plan),
    "plans:plan_statements": Spec("plans", {GET: runs_plan, POST: runs_plan}),
    "plans:actor_add": write("plans", runs_plan),
    "plans:actor_edit": write("plans", runs_plan),
    "plans:actor_move": write("plans", runs_plan),
    "plans:actor_delete": write("plans", runs_plan),


    # 課題 (#15: views_challenges)
    "plans:challenges_edit": read("plans", runs_plan),
    "plans:challenge_create": write("plans", runs_plan),
    "plans:challenge_cell": write("plans", runs_plan),
    "plans:challenge_edit": Spec("challenges", {GET: runs_plan, POST: runs_plan}),
    "plans:challenge_links": write("challenges", runs_plan),
    "plans:challenge_delete": Spec("challenges", {GET: runs_plan, POST: runs_plan}),
    "plans:evidence_add": write("challenges", runs_plan),
    "plans:evidence_edit": write("challenges", runs_plan),
    "plans:evidence_move": write("challenges", runs_plan),
    "plans:evidence_delete": write("challenges", runs_plan),
    "plans:initiative_challenges": Spec("initiatives", {GET: runs_plan, POST: runs_plan}),


    # Indicator editor (#15: views_edit)
    "indicators:add": Spec("plans", {GET: runs_plan, POST: runs_plan}),
    "indicators:edit": Spec("indicators", {GET: runs_plan, POST: runs_plan}),
    "indicators:target": write("indicators", runs_plan),
    "indicators:observation": write("indicators", runs_plan),
    "indicators:merge": Spec("indicators", {GET: runs_plan, POST: runs_plan}),

    "progress:cycles": read("plans", sees_plan),
    "progress:cycle_create": write("plans", runs_plan),
    "progress:scale_choose": write("plans", runs_plan),
    "progress:cycle": read("cycles", sees_cycle),
    "progress:summary": read("cycles", sees_summary),
    SUMMARY_ROUTE: read("cycles", sees_summary, "?export=csv"),
    "progress:cycle_move": write("cycles", manages_cycle),
    "progress:cycle_edit": Spec("cycles", {GET: sets_up_cycle, POST: sets_up_cycle}),
    "progress:cycle_delete": Spec("cycles", {GET: sets_up_cycle, POST: sets_up_cycle}),


    "progress:cycle_waive": write("cycles", waives),
    "progress:cycle_withdraw": write("cycles", withdraws),
    "progress:opinion_create": write("cycles", writes_opinion),
    "progress:opinion_respond": write("opinions", responds),
    "packets": Spec("cycles", {GET: reads_packets, POST: makes_packets}),
    "packet_download": read("packets", reads_packets),
    "progress:entry": read("entries", sees_entry),
    "progress:entry_version": read("versions", sees_history),
    "progress:entry_save": write("entries", edits_entry),
    "progress:entry_inline": write("entries", edits_entry),
    "progress:cycle_hand_in": write("cycles", hands_in),
    "progress:cycle_accept_many": write("cycles", waives),  # the 事務局, while gathering
    "progress:entry_submit": write("entries", edits_entry),
    "progress:entry_return": write("entries", returns_entry),
    "progress:entry_accept": write("entries", handles_submitted),
    "progress:entry_rate": write("entries", rates),
    "progress:entry_correct": write("entries", corrects),
    "progress:entry_restore": write("versions", restores),
    "progress:workbook_download": read("workbooks", exchanges_workbook),
    "progress:workbook_upload": Spec("workbooks", {GET: exchanges_workbook,
                                                   POST: exchanges_workbook}),
    "progress:workbook_apply": write("workbooks", exchanges_workbook),
    "progress:figure": read("figures", sees_entry),
    "progress:figure_save": write("figures", edits_figure),
    "progress:figure_inline": write("figures", edits_figure),
    "progress:figure_return": write("figures", returns_figure),
    "progress:figure_accept": write("figures", accepts_figure),
    "progress:figure_settle": write("figures", settles_figure),
    # The read API: what the key's holder sees in the browser, or the public without a key.
    # django-ninja's marker of the API's root: it answers 404 to everyone, whatever the method.
    "api:api-root": read("none", nobody),
    "api:openapi-json": read("none", anyone),
    "api:openapi-view": read("none", anyone),
    "api:municipalities": read("none", anyone),
    "api:municipality_plans": read("api_munis", sees_muni),
    "api:plan_detail": read("api_plans", sees_plan),
    "api:plan_elements": read("api_plans", sees_plan),
    "api:plan_initiatives": read("api_plans", sees_plan),
    "api:plan_statements": read("api_plans", sees_plan),
    "api:plan_indicators": read("api_plans", sees_plan),
    "api:plan_cycles": read("api_plans", sees_plan),
    "api:cycle_detail": read("api_cycles", sees_cycle),
    "api:cycle_figures": read("api_cycles", sees_cycle),
}


# ---------------------------------------------------------------------------------------------
# Asking
# ---------------------------------------------------------------------------------------------

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
# Bookkeeping, not content: the session's expiry, django-axes' record of signing in and out, and
# the time an API key was last used (at most once a minute), which its holder sees on the profile
# page (a refused use of a key is still a use of it).
BOOKKEEPING = re.compile(r'django_session|"axes_access(log|attempt)"|'
                         r'^UPDATE "accounts_apitoken" SET "last_used_at" = %s '
                         r'WHERE "accounts_apitoken"."id" = %s$')


@contextmanager
def writes_watched() -> Iterator[list[str]]:
    """Every INSERT / UPDATE / DELETE the request runs, but bookkeeping."""
    seen: list[str] = []

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if WRITE.match(sql) and not BOOKKEEPING.search(sql):
            seen.append(sql[:120])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield seen


def targets_of(estate: Estate, kind: str) -> list[Target]:
    """The estate's targets of a kind; "people.memberships" is a list inside a group."""
    found: Any = estate
    for part in kind.split("."):
        found = getattr(found, part)
    return list(found)


def url_of(route: str, target: Target, query: str) -> str:
    if route == SUMMARY_ROUTE:
        k = target.kwargs
        return f"/{k['code']}/{k['slug']}/cycles/{k['pk']}/summary/{query}"
    return reverse(route, kwargs=target.kwargs) + query


def denied(response: Any) -> bool:
    if response.status_code in {401, 403, 404}:
        return True
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@dataclass
class Outcome:
    wrongful: list[str] = field(default_factory=list)
    changed_on_denial: list[str] = field(default_factory=list)
    unlogged_denials: list[str] = field(default_factory=list)
    unaudited_writes: list[str] = field(default_factory=list)
    cases: int = 0
    allowed: int = 0
    denied: int = 0
    relations: dict[str, set[str]] = field(default_factory=dict)


class SecurityLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def ask(estate: Estate, routes: list[str]) -> Outcome:
    outcome = Outcome()
    whos = estate.personas()
    clients: dict[str, Client] = {}
    for who in whos:
        client = Client()
        if who.user.is_authenticated:
            client.force_login(who.user)
        clients[who.name] = client
    log = SecurityLog()
    logger = logging.getLogger("sasaeai.security")
    logger.addHandler(log)
    try:
        for route in routes:
            spec = SPECS[route]
            targets = targets_of(estate, spec.kind)
            relations = outcome.relations.setdefault(route, set())
            for method, rule in spec.rules.items():
                for target in targets:
                    url = url_of(route, target, spec.query)
                    for who in whos:
                        outcome.cases += 1
                        relations.add(target.relation(who))
                        expected = rule(who, target)
                        client = clients[who.name]
                        headers = {}
                        if route.startswith("api:") and who.key:
                            headers["Authorization"] = f"Bearer {who.key}"
                        log.records.clear()
                        sid = transaction.savepoint_create()
                        try:
                            with writes_watched() as writes:
                                if method == GET:
                                    response = client.get(url, headers=headers)
                                else:
                                    response = client.post(url, target.data, headers=headers)
                        finally:
                            transaction.savepoint_rollback(sid)
                        case = (f"{who.name} {method.upper()} {url} ({target.relation(who)}) → "
                                f"{response.status_code}")
                        assert response.status_code < 500, case
                        refused = denied(response)
                        outcome.denied += refused
                        outcome.allowed += not refused
                        if refused == expected:
                            outcome.wrongful.append(
                                ("wrongly denied: " if expected else "wrongly allowed: ") + case)
                        if refused and writes:
                            outcome.changed_on_denial.append(f"{case}: {writes}")
                        if writes and not any('"audit_auditevent"' in w for w in writes):
                            outcome.unaudited_writes.append(f"{case}: {writes}")
                        if (refused and (who.user.is_authenticated or who.key)
                                and response.status_code in {403, 404} and not log.records):
                            outcome.unlogged_denials.append(case)
                        if route == "accounts:logout":  # signed out: sign in again
                            clients[who.name] = Client()
                            if who.user.is_authenticated:
                                clients[who.name].force_login(who.user)
    finally:
        logger.removeHandler(log)
    return outcome


# ---------------------------------------------------------------------------------------------
# The matrix
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def estate(world: World) -> Estate:
    return build_estate(world)


def test_every_route_of_the_inventory_has_a_rule_for_every_method_it_answers():
    routes = {name for name, _ in inventory()}
    assert set(SPECS) == routes
    assert {r for r, decision in ROUTES.items() if decision == ADMIN} == set()


PAGE_GROUPS = {
    "public pages and exports": [r for r in SPECS if not r.startswith(("api:", "progress:",
                                                                        "surveys:", "exchange:",
                                                                        "accounts:", "tasks:",
                                                                        "notices:", "people:",
                                                                        "reorganisation:",
                                                                        "indicators:",
                                                                        "packet"))
                                 or r in {"exchange:plan_json", "exchange:plan_workbook",
                                          "indicators:table", "indicators:detail"}],
    "the 事務局's tools": [r for r in SPECS if r.startswith(("surveys:", "exchange:", "indicators:"))
                        and r not in {"exchange:plan_json", "exchange:plan_workbook",
                                      "indicators:table", "indicators:detail"}],
    "the progress cycle": [r for r in SPECS if r.startswith(("progress:", "packet"))],
    "accounts and tasks": [r for r in SPECS if r.startswith(("accounts:", "tasks:", "notices:",
                                                              "people:", "reorganisation:"))],
    "the read API": [r for r in SPECS if r.startswith("api:")],
}


def test_the_groups_cover_every_route_once():
    grouped = [r for routes in PAGE_GROUPS.values() for r in routes]
    assert sorted(grouped) == sorted(SPECS)


@pytest.mark.parametrize("group", PAGE_GROUPS)
def test_every_persona_is_allowed_exactly_what_the_policy_allows(estate: Estate, group: str):
    outcome = ask(estate, PAGE_GROUPS[group])
    assert outcome.wrongful == []
    assert outcome.changed_on_denial == []
    assert outcome.unlogged_denials == []
    assert outcome.unaudited_writes == []  # every request that writes leaves an audit event
    asked = sum(len(SPECS[r].rules) * len(targets_of(estate, SPECS[r].kind))
                for r in PAGE_GROUPS[group])
    assert outcome.cases == asked * len(estate.personas())
    assert outcome.allowed and outcome.denied  # both answers occur in every group


def test_the_matrix_asks_every_relation(estate: Estate):
    """Each kind of object is asked for as own, same municipality, other municipality, published
    and unpublished, by every persona (counted without sending requests)."""
    whos = estate.personas()

    def relations(kind: str) -> set[str]:
        return {t.relation(who) for t in targets_of(estate, kind) for who in whos}

    plan_relations = relations("plans")
    assert {"same municipality, published", "same municipality, unpublished",
            "other municipality, published", "other municipality, unpublished"} <= plan_relations
    entry_relations = {r.split(",")[0] for r in relations("entries")}
    assert {"own organization", "same municipality", "other municipality"} <= entry_relations
    figure_relations = {r.split(",")[0] for r in relations("figures")}
    assert {"own organization", "same municipality", "other municipality"} <= figure_relations
    figure_states = {(t.cycle.status, t.figure.status) for t in estate.figures
                     if t.cycle is not None and t.figure is not None}
    assert {(S.COLLECTING, "submitted"), (S.COLLECTING, "not_started")} <= figure_states
    assert {r.split(",")[0] for r in relations("tokens")} == {"own", "not own"}
    assert {r.split(",")[0] for r in relations("notices")} == {"own", "not own"}
    cycle_states = {t.cycle.status for t in estate.cycles if t.cycle is not None}
    assert {S.COLLECTING, S.REVIEWING, S.PUBLISHED} <= cycle_states
    assert len(whos) == 9
    assert [w.name for w in whos if w.superuser] == [SUPERUSER]


def test_every_method_a_route_does_not_offer_is_refused_with_405(estate: Estate):
    sato = Client()
    sato.force_login(estate.world.sato)
    for route, spec in SPECS.items():
        if route.startswith("api:") or route in {"accounts:login", "accounts:logout"}:
            continue  # the API answers its own methods; sign-in pages are Django's
        target = targets_of(estate, spec.kind)[0]
        url = url_of(route, target, "")
        for method in {GET, POST} - set(spec.rules):
            assert getattr(sato, method)(url).status_code == 405, (route, method)


def test_the_admin_is_closed_to_every_persona_but_the_operator(estate: Estate):
    for who in estate.personas():
        client = Client()
        if who.user.is_authenticated:
            client.force_login(who.user)
        for url in ("/admin/", "/admin/accounts/user/", "/admin/plans/plan/"):
            response = client.get(url)
            if who.superuser:  # the operator's back office
                assert response.status_code == 200, (who.name, url)
                continue
            assert response.status_code == 302, (who.name, url)
            assert response["Location"].startswith("/admin/login/"), (who.name, url)


def test_the_api_refuses_every_write(estate: Estate):
    """The API is read-only: a POST to any of its routes is refused."""
    client = Client()
    # Its schema and documentation pages are django-ninja's own and answer any method, changing
    # nothing; every operation of the API answers GET only.
    operations = [r for r in SPECS if r.startswith("api:")
                  and r not in {"api:api-root", "api:openapi-json", "api:openapi-view"}]
    for route in operations:
        target = targets_of(estate, SPECS[route].kind)[0]
        assert client.post(url_of(route, target, "")).status_code == 405, route
    assert API in set(ROUTES.values())
