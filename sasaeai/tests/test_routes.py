"""Every route has an explicit access decision, and the decisions hold.

`ROUTES` is the inventory: each URL pattern of the project (pages, htmx partials, exports, API,
admin) with who may reach it. A new route without a decision fails here, as does a decision for a
route that no longer exists. Then, for every route: the public reaches only what is meant to be
public; GET never changes the database; a POST without a CSRF token is refused.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from sasaeai.testing import World, build_review

pytestmark = pytest.mark.django_db

PUBLIC = "public"  # anyone; what one may not see answers 404 through the access helpers
LOGIN = "login"  # signed-in staff; each view narrows further (roles, own organization)
SECRETARIAT = "secretariat"  # the municipality's 事務局 only (404 for everyone else)
API = "api"  # the read API: public, or what a key's holder sees
AUTH = "auth"  # signing in and out
ADMIN = "admin"  # the operator's back office (Django admin, staff users)

ROUTES: dict[str, str] = {
    "home": PUBLIC, "accounts:login": AUTH, "accounts:logout": AUTH,
    "accounts:profile": LOGIN, "accounts:token_create": LOGIN, "accounts:token_revoke": LOGIN,
    "accounts:recovery_codes": LOGIN, "accounts:two_factor": LOGIN,
    "accounts:two_factor_setup": LOGIN, "accounts:notice_mail": LOGIN,
    "accounts:password_reset": AUTH, "accounts:password_reset_done": AUTH,
    "accounts:password_reset_confirm": AUTH, "accounts:password_reset_complete": AUTH,
    "accounts:password_change": LOGIN, "accounts:invitation": AUTH,
    "accounts:municipality_create": LOGIN,
    "people:people": LOGIN, "people:invite": LOGIN, "people:invitation_withdraw": LOGIN,
    "people:membership_role": LOGIN, "people:membership_end": LOGIN,
    "people:person_active": LOGIN, "people:person_second_factor": LOGIN,
    "people:organization_add": LOGIN, "people:organization_edit": LOGIN,
    "people:personnel": LOGIN, "people:personnel_confirm": LOGIN,
    "people:personnel_template": LOGIN,
    "reorganisation:retire": LOGIN, "reorganisation:merge": LOGIN,
    "notices:read": LOGIN,
    "api:openapi-json": API, "api:openapi-view": API, "api:api-root": API,
    "api:municipalities": API, "api:municipality_plans": API, "api:plan_detail": API,
    "api:plan_elements": API, "api:plan_initiatives": API, "api:plan_statements": API,
    "api:plan_indicators": API, "api:plan_cycles": API, "api:cycle_detail": API,
    "api:cycle_figures": API,
    "tasks:mine": LOGIN,
    "tenancy:municipality": PUBLIC,
    "surveys:list": SECRETARIAT, "surveys:import": SECRETARIAT,
    "surveys:import_confirm": SECRETARIAT, "surveys:detail": SECRETARIAT,
    "surveys:measure": SECRETARIAT, "surveys:recompute": SECRETARIAT,
    "surveys:edit": SECRETARIAT, "surveys:delete": SECRETARIAT,
    "surveys:codebook_template": SECRETARIAT,
    "exchange:import": SECRETARIAT, "exchange:import_confirm": SECRETARIAT,
    "exchange:template": SECRETARIAT, "exchange:plan_json": PUBLIC,
    "exchange:plan_workbook": PUBLIC,
    "public:search": PUBLIC, "public:digest": PUBLIC,
    "plans:plan": PUBLIC, "plans:element": PUBLIC, "plans:initiative": PUBLIC,
    "plans:challenges": PUBLIC,
    "plans:undo": LOGIN, "plan_create": LOGIN, "plans:history": LOGIN, "plans:revert": LOGIN,
    "plans:reporting": LOGIN, "plans:reporting_level": LOGIN, "plans:reporting_assign": LOGIN,
    "plans:reporting_organization": LOGIN,
    "indicators:table": PUBLIC, "indicators:detail": PUBLIC, "indicators:override": LOGIN,
    "indicators:import": LOGIN, "indicators:import_confirm": LOGIN,
    "indicators:reporter": LOGIN,

    # Plan settings (#15: views_settings)
    "plans:edit": LOGIN, "plans:settings": LOGIN, "plans:status": LOGIN,


    # 体系 editor (#15: views_tree)
    "plans:tree": LOGIN, "plans:element_add": LOGIN, "plans:element_edit": LOGIN,
    "plans:element_move": LOGIN, "plans:element_delete": LOGIN, "plans:element_renumber": LOGIN,


    # 取組 and what each actor does (#15: views_initiatives)
    "plans:initiatives_edit": LOGIN, "plans:initiative_add": LOGIN,
    "plans:initiative_edit": LOGIN, "plans:initiative_placement": LOGIN,
    "plans:initiative_delete": LOGIN, "plans:initiative_statements": LOGIN,
    "plans:statements_edit": LOGIN, "plans:statement_edit": LOGIN,
    "plans:statement_move": LOGIN, "plans:statement_delete": LOGIN,
    "plans:plan_statements": LOGIN, "plans:actor_add": LOGIN, "plans:actor_edit": LOGIN,
    "plans:actor_move": LOGIN, "plans:actor_delete": LOGIN,


    # 課題 (#15: views_challenges)
    "plans:challenges_edit": LOGIN, "plans:challenge_create": LOGIN, "plans:challenge_cell": LOGIN,
    "plans:challenge_edit": LOGIN, "plans:challenge_links": LOGIN, "plans:challenge_delete": LOGIN,
    "plans:evidence_add": LOGIN, "plans:evidence_edit": LOGIN, "plans:evidence_move": LOGIN,
    "plans:evidence_delete": LOGIN, "plans:initiative_challenges": LOGIN,


    # Indicator editor (#15: views_edit)
    "indicators:add": LOGIN, "indicators:edit": LOGIN, "indicators:target": LOGIN,
    "indicators:observation": LOGIN, "indicators:merge": LOGIN,

    # The summary's exports share the summary's URL (reports resolves it first).
    "<lgcode:code>/<slug:slug>/cycles/<int:pk>/summary/": PUBLIC,
    "packets": LOGIN, "packet_download": LOGIN,
    "progress:cycles": PUBLIC, "progress:cycle_create": LOGIN, "progress:scale_choose": LOGIN,
    "progress:cycle": PUBLIC, "progress:cycle_move": LOGIN,
    "progress:cycle_edit": LOGIN, "progress:cycle_delete": LOGIN, "progress:summary": PUBLIC,
    "progress:cycle_waive": LOGIN, "progress:cycle_withdraw": LOGIN,
    "progress:opinion_create": LOGIN, "progress:opinion_respond": LOGIN,
    "progress:entry_inline": LOGIN, "progress:figure_inline": LOGIN,
    "progress:cycle_hand_in": LOGIN, "progress:cycle_accept_many": LOGIN,
    "progress:entry": PUBLIC, "progress:entry_save": LOGIN, "progress:entry_submit": LOGIN,
    "progress:entry_return": LOGIN, "progress:entry_accept": LOGIN, "progress:entry_rate": LOGIN,
    "progress:entry_correct": LOGIN, "progress:entry_version": LOGIN,
    "progress:entry_restore": LOGIN, "progress:workbook_download": LOGIN,
    "progress:workbook_upload": LOGIN, "progress:workbook_apply": LOGIN,
    "progress:figure": PUBLIC, "progress:figure_save": LOGIN, "progress:figure_return": LOGIN,
    "progress:figure_accept": LOGIN, "progress:figure_settle": LOGIN,
}


def inventory() -> list[tuple[str, str]]:
    """(route, pattern) for every URL pattern outside the admin."""
    found: list[tuple[str, str]] = []

    def walk(patterns: list, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue
                walk(p.url_patterns, prefix + str(p.pattern),
                     namespace + (f"{p.namespace}:" if p.namespace else ""))
            elif isinstance(p, URLPattern):
                path = prefix + str(p.pattern)
                found.append((f"{namespace}{p.name}" if p.name else path, path))

    walk(get_resolver().url_patterns, "", "")
    return found


def concrete(pattern: str) -> str:
    """A URL for a pattern, filled with ささえ市's published plan and small ids."""
    pattern = pattern.replace("<lgcode:code>", "479001").replace("<slug:slug>", "dai3ji")
    pattern = pattern.replace("<code>", "479001").replace("<slug>", "dai3ji")
    return "/" + re.sub(r"<(?:\w+:)?\w+>", "1", pattern)


def test_every_route_has_an_explicit_access_decision():
    names = [name for name, _ in inventory()]
    assert sorted(set(names) - set(ROUTES)) == []  # a route nobody decided on
    assert sorted(set(ROUTES) - set(names)) == []  # a decision for a route that is gone


def counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()
            if m._meta.app_label not in {"sessions", "django_tasks_db"}}


def test_the_public_reaches_only_what_is_meant_to_be_public(world: World):
    build_review(world)
    anonymous = Client()
    for name, pattern in inventory():
        url = concrete(pattern)
        response = anonymous.get(url)
        if ROUTES[name] in {LOGIN, SECRETARIAT}:
            assert response.status_code in {302, 404, 405}, (name, url, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/accounts/login/"), (name, url)
        else:
            assert response.status_code in {200, 302, 401, 404, 405}, (name, url,
                                                                        response.status_code)
    assert anonymous.get("/admin/").status_code == 302


def test_get_never_changes_the_database(world: World):
    build_review(world)
    sato = Client()
    sato.force_login(world.sato)
    before = counts()
    for _name, pattern in inventory():
        sato.get(concrete(pattern))
    assert counts() == before


def test_every_state_changing_route_refuses_a_post_without_a_csrf_token(world: World):
    build_review(world)
    sato = Client(enforce_csrf_checks=True)
    sato.force_login(world.sato)
    before = counts()
    for name, pattern in inventory():
        if ROUTES[name] == API or name == "accounts:login":
            continue  # the API is read-only; the login form is covered by Django's own check
        response = sato.post(concrete(pattern), {"name": "x"})
        assert response.status_code in {403, 405}, (name, response.status_code)
    assert counts() == before
