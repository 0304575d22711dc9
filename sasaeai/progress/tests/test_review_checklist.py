"""The 事務局's review on the cycle page: 久留米市's 佐藤 (kurume-jimukyoku) filters the reports
by state, organisation and 基本目標, and accepts every handed-in one with a checklist in one
post; a report that is no longer handed in stops the whole list, and nobody else may."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sasaeai.progress.models import Cycle, Entry
from sasaeai.progress.tests.test_tasks_page import kurume_cycle, logged_in

pytestmark = pytest.mark.django_db
SUBMITTED = Entry.Status.SUBMITTED


def accept_url(cycle: Cycle) -> str:
    return reverse("progress:cycle_accept_many", args=["402036", cycle.plan.slug, cycle.pk])


def test_the_cycle_page_filters_by_state_organisation_and_goal():
    cycle = kurume_cycle()
    sato = logged_in("kurume-jimukyoku")
    page = sato.get(cycle.get_absolute_url(), {"status": SUBMITTED}).text
    submitted = list(cycle.entries.filter(status=SUBMITTED))
    assert f"取組ごとの報告（{len(submitted)}件・絞り込み中）" in page
    assert page.count('form="accept-many"') == len(submitted)  # a box for each, to accept
    shakyo = cycle.entries.filter(organization__kind="shakyo").first()
    assert shakyo is not None
    page = sato.get(cycle.get_absolute_url(), {"org": shakyo.organization_id}).text
    assert "取組ごとの報告（13件・絞り込み中）" in page
    goal = next(g for g in cycle.plan.top_goals().values() if g is not None)
    page = sato.get(cycle.get_absolute_url(), {"goal": str(goal.pk), "status": "nonsense"}).text
    assert "絞り込み中" in page and "差戻し" in page  # an unknown state is no filter


def test_the_secretariat_accepts_every_handed_in_report_at_once():
    cycle = kurume_cycle()
    ids = list(cycle.entries.filter(status=SUBMITTED).values_list("pk", flat=True))
    response = logged_in("kurume-jimukyoku").post(accept_url(cycle), {"entries": ids},
                                                  follow=True)
    assert f"報告{len(ids)}件を確認済にしました。" in response.text
    assert cycle.entries.filter(pk__in=ids, status=Entry.Status.ACCEPTED).count() == len(ids)


def test_one_report_not_handed_in_stops_the_whole_list_and_says_which():
    cycle = kurume_cycle()
    ids = list(cycle.entries.filter(status=SUBMITTED).values_list("pk", flat=True))
    returned = cycle.entries.get(status=Entry.Status.RETURNED)
    response = logged_in("kurume-jimukyoku").post(
        accept_url(cycle), {"entries": [*ids, returned.pk]}, follow=True)
    assert "確認済にできませんでした（何も変えていません）" in response.text
    assert str(returned) in response.text
    assert not cycle.entries.filter(pk__in=ids, status=Entry.Status.ACCEPTED).exists()


def test_nobody_but_the_secretariat_may_and_nothing_changes():
    cycle = kurume_cycle()
    ids = list(cycle.entries.filter(status=SUBMITTED).values_list("pk", flat=True))
    for username in ("kurume-shakyo", "kurume-tanto", "kurume-iin", "kurume-etsuran"):
        assert logged_in(username).post(accept_url(cycle), {"entries": ids}).status_code in {
            403, 404}
    assert cycle.entries.filter(status=SUBMITTED).count() == len(ids)
