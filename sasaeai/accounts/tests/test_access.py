"""Nobody sees another municipality's unpublished plan; members see their own in full."""

import pytest
from django.http import Http404

from sasaeai.accounts.access import (
    get_municipalities_for_user,
    get_plan_for_user,
    plans_for_user,
)
from sasaeai.testing import World

pytestmark = pytest.mark.django_db

# persona → (may see the home city's draft, may see the other city's draft)
DRAFT_VISIBILITY = {
    "事務局の佐藤": (True, False),
    "担当課の田中": (True, False),
    "社協の鈴木": (True, False),
    "委員の高橋": (True, False),
    "閲覧の伊藤": (True, False),
    "他市の職員": (False, True),
    "匿名の市民": (False, False),
}


@pytest.mark.parametrize("persona", DRAFT_VISIBILITY)
def test_it_shows_drafts_only_to_members_of_their_municipality(world: World, persona):
    user = world.personas()[persona]
    home_draft, other_draft = DRAFT_VISIBILITY[persona]
    visible = set(plans_for_user(user))
    assert (world.draft in visible) is home_draft
    assert (world.other_draft in visible) is other_draft
    # Published plans are for everyone.
    assert {world.published, world.other_published} <= visible


@pytest.mark.parametrize("persona", DRAFT_VISIBILITY)
def test_it_answers_404_for_a_draft_exactly_as_for_a_missing_plan(world: World, persona):
    user = world.personas()[persona]
    home_draft, _ = DRAFT_VISIBILITY[persona]
    if home_draft:
        assert get_plan_for_user(user, "479001", "dai4ji") == world.draft
    else:
        with pytest.raises(Http404):
            get_plan_for_user(user, "479001", "dai4ji")
    with pytest.raises(Http404):
        get_plan_for_user(user, "479001", "no-such-plan")


def test_it_lists_for_anonymous_only_municipalities_with_a_published_plan(world: World):
    world.other_published.status = "adopted"
    world.other_published.save(update_fields=["status"])
    visible = set(get_municipalities_for_user(world.anonymous))
    assert world.home in visible
    assert world.other_city not in visible
    # Its own staff still see it.
    assert world.other_city in set(get_municipalities_for_user(world.other))


def test_it_shows_everything_to_the_operators_superuser(world: World):
    world.sato.is_superuser = True
    world.sato.save(update_fields=["is_superuser"])
    assert world.other_draft in set(plans_for_user(world.sato))
