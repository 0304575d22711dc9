"""Public pages are rendered once per change for readers not signed in, and never served stale:
any audited write or admin edit makes the next reader's page new."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sasaeai.audit.actions import record
from sasaeai.plans.models import Plan
from sasaeai.testing import World

pytestmark = pytest.mark.django_db
PLAN = "/479001/dai3ji/"


@pytest.fixture(autouse=True)
def cache_on(public_cache):  # type: ignore[no-untyped-def]
    return public_cache


def get(client: Client, url: str = PLAN):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def test_the_second_reader_gets_the_same_page_without_rendering_it(world: World):
    first, rendered = get(Client())
    second, served = get(Client())
    assert second.status_code == 200 and second.content == first.content
    assert second["X-Sasaeai-Cache"] == "hit" and served < rendered
    assert "Content-Security-Policy" in second and "X-Frame-Options" in second


def test_a_change_is_read_at_once(world: World):
    get(Client())
    Plan.objects.filter(pk=world.published.pk).update(title="第3次ささえ市地域福祉計画（改定版）")
    record(by=world.sato, action="plans.plan.update", obj=world.published)
    response, _ = get(Client())
    assert "改定版" in response.content.decode() and "X-Sasaeai-Cache" not in response


def test_a_withdrawn_plan_disappears_at_once(world: World):
    assert get(Client())[0].status_code == 200
    Plan.objects.filter(pk=world.published.pk).update(status=Plan.Status.ADOPTED)
    record(by=world.sato, action="plans.plan.update", obj=world.published)
    assert get(Client())[0].status_code == 404


def test_an_admin_edit_counts_as_a_change(world: World):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    get(Client())
    Plan.objects.filter(pk=world.published.pk).update(title="管理画面で直した題名")
    LogEntry.objects.create(user=world.sato, content_type=ContentType.objects.get_for_model(Plan),
                            object_id=str(world.published.pk), object_repr="plan",
                            action_flag=CHANGE)
    assert "管理画面で直した題名" in get(Client())[0].content.decode()


def test_signed_in_members_are_never_served_from_the_cache(world: World):
    get(Client())
    sato = Client()
    sato.force_login(world.sato)
    response, _ = get(sato)
    assert "X-Sasaeai-Cache" not in response
    draft = sato.get("/479001/dai4ji/")
    assert draft.status_code == 200
    assert get(Client(), "/479001/dai4ji/")[0].status_code == 404


def test_the_api_partials_and_cookies_are_left_alone(world: World):
    for _ in range(2):
        api = Client().get("/api/municipalities")
    assert "X-Sasaeai-Cache" not in api
    for _ in range(2):
        partial = Client().get(PLAN, headers={"HX-Request": "true"})
    assert "X-Sasaeai-Cache" not in partial
    for _ in range(2):
        login = Client().get("/accounts/login/")
    assert "X-Sasaeai-Cache" not in login
