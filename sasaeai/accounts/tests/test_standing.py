"""A user's standing in a municipality: the one place that answers who may see and do what.

The routes are asked persona by persona in sasaeai/tests/test_permission_matrix.py; these tests
state the standing itself — the superuser, the 社協, the operator at the command line, the cost of
asking, and the status properties the rules read.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from sasaeai.accounts.access import (
    Standing,
    duties_of,
    forget_standing,
    get_municipality_for_user,
    get_plan_for_user,
    runs_anything,
)
from sasaeai.accounts.context_processors import access
from sasaeai.accounts.models import Membership
from sasaeai.indicators import actions as indicator_actions
from sasaeai.indicators.models import Indicator
from sasaeai.progress import actions
from sasaeai.progress.models import Cycle, Entry
from sasaeai.testing import MembershipFactory, Review, UserFactory, World, build_review

pytestmark = pytest.mark.django_db
S = Cycle.Status


@pytest.fixture
def review(world: World) -> Review:
    return build_review(world)


@pytest.fixture
def kobayashi(world: World):
    """運営者の小林: the operator's superuser, a member of no organization."""
    return UserFactory.create(username="kobayashi", display_name="運営者の小林",
                              is_superuser=True, is_staff=True)


def test_it_lets_the_superuser_do_what_a_secretariat_may_in_every_municipality(
        world: World, review: Review, kobayashi):
    for municipality in (world.home, world.other_city):
        standing = Standing.of(kobayashi, municipality)
        assert standing.member and standing.secretariat
        assert standing.can_handle_surveys() and standing.can_import_plans()
        assert standing.can_manage_members() and standing.can_manage_organizations()
    cycle = review.cycle
    entry = review.entry(review.watch, review.dept)
    standing = Standing.of(kobayashi, cycle.plan)
    assert standing.can_view_cycle(cycle) and standing.can_manage_cycle(cycle)
    assert standing.can_edit_entry(entry, cycle) and standing.can_make_packet(cycle)
    assert standing.can_view_plan(world.other_draft)
    # A 事務局 is not the committee: the superuser neither rates nor writes opinions.
    assert not standing.committee and not standing.can_write_opinion(cycle)


def test_it_lets_the_superuser_act_where_a_secretariat_may(world: World, kobayashi):
    indicator = Indicator.objects.create(plan=world.other_draft, name="見守り活動の参加者数",
                                         unit="人", source_kind="records", source_text="福祉課調べ")
    override = indicator_actions.override_judgement(by=kobayashi, indicator=indicator, year=None,
                                                    category="achieved", reason="集計の誤り")
    assert override.pk is not None
    cycle = actions.create_cycle(by=kobayashi, plan=world.other_draft, fiscal_year=2026)
    assert cycle.status == S.PREPARING


def test_it_refuses_an_action_with_a_japanese_message(world: World):
    with pytest.raises(PermissionDenied, match="評価サイクルを作成できるのは事務局です。"):
        actions.create_cycle(by=world.tanaka, plan=world.published, fiscal_year=2030)


def test_it_treats_the_command_line_as_the_operator(world: World):
    """Management commands pass `by=None`: the operator, who stands like a superuser."""
    assert Standing.of(None, world.home).secretariat
    assert Standing.of(None, world.home).can_import_indicators(world.published)


def test_it_knows_each_role_and_organization(world: World, review: Review):
    home = world.home
    suzuki = Standing.of(world.suzuki, home)
    assert suzuki.in_shakyo and suzuki.reports_for(review.shakyo.pk)
    assert not suzuki.reports_for(review.dept.pk) and not suzuki.secretariat
    tanaka = Standing.of(world.tanaka, home)
    assert tanaka.staff and not tanaka.in_shakyo
    assert Standing.of(world.takahashi, home).committee
    ito = Standing.of(world.ito, home)
    assert ito.viewer and ito.can_view_dashboard(review.cycle)
    assert not ito.can_edit_entry(review.entry(review.watch, review.dept), review.cycle)
    assert not Standing.of(world.other, home).member
    assert Standing.of(world.other, world.other_city).secretariat
    assert not Standing.of(world.anonymous, home).member


def test_it_leaves_managing_members_and_organizations_to_the_secretariat(world: World):
    home = world.home
    assert Standing.of(world.sato, home).can_manage_members()
    assert Standing.of(world.sato, home).can_manage_organizations()
    for user in (world.tanaka, world.suzuki, world.takahashi, world.ito, world.other,
                 world.anonymous):
        assert not Standing.of(user, home).can_manage_members()
        assert not Standing.of(user, home).can_manage_organizations()


def test_it_asks_the_database_once_per_request_whatever_it_is_asked(world: World):
    user = world.sato
    MembershipFactory.create(user=user, organization=world.other_city.organizations.first(),
                             role=Membership.Role.VIEWER)
    forget_standing(user)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            for where in (world.home, world.other_city, world.published, world.other_draft):
                Standing.of(user, where).can_view_plan(world.draft)
        duties_of(user)
    assert len(queries) == 1


def test_it_names_the_duties_of_the_tasks_page(world: World, review: Review):
    assert duties_of(world.tanaka).reporting_for == {review.dept.pk}
    assert duties_of(world.sato).running == {world.home.pk}
    assert duties_of(world.takahashi).reviewing == {world.home.pk}
    assert runs_anything(world.sato) and not runs_anything(world.ito)


def test_it_hides_what_one_may_not_see_and_forbids_what_one_may_not_change(world: World):
    """Another municipality's draft does not exist for 他市の職員 (404); ささえ市's import page
    exists for 担当課の田中, who is told he may not use it (403, in Japanese)."""
    other = Client()
    other.force_login(world.other)
    assert other.get(world.draft.get_absolute_url()).status_code == 404
    tanaka = Client()
    tanaka.force_login(world.tanaka)
    response = tanaka.get(f"/{world.home.code}/import/")
    assert response.status_code == 403
    assert "計画を取り込めるのは、その自治体の事務局です。" in response.text


def test_it_gives_every_template_the_standing_of_the_page_s_municipality(world: World):
    request = RequestFactory().get("/")
    request.user = world.sato
    assert not access(request)["is_member"]  # no municipality named yet
    get_plan_for_user(world.sato, world.home.code, world.published.slug)
    context = access(request)
    assert context["is_member"] and context["standing"].can_import_plans()
    get_municipality_for_user(world.sato, world.other_city.code)
    assert not access(request)["standing"].member


def test_it_names_the_states_of_a_cycle_and_an_entry():
    cycle = Cycle(status=S.COLLECTING)
    assert cycle.is_open_for_input and cycle.is_gathering and not cycle.is_compiled
    assert [current for _label, current in cycle.steps()] == [
        False, True, False, False, False, False]
    assert Cycle(status=S.COMPILING).is_compiled and not Cycle(status=S.COMPILING).is_visible_to_committee
    reviewing = Cycle(status=S.REVIEWING)
    assert reviewing.is_under_review and reviewing.is_visible_to_committee
    assert Cycle(status=S.PUBLISHED).is_published and Cycle(status=S.PREPARING).is_preparing
    assert Entry(status=Entry.Status.RETURNED).is_editable
    assert Entry(status=Entry.Status.RETURNED).is_returned
    accepted = Entry(status=Entry.Status.ACCEPTED)
    assert accepted.is_handed_in and not accepted.is_editable and not accepted.is_submitted
