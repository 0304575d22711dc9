"""Writing a report: an empty 保存して提出 is refused whole, and the conflict page shows values as
people read them."""

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.progress import actions
from sasaeai.progress.models import Entry, EntryVersion
from sasaeai.testing import Review

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def save_url(review: Review, entry: Entry) -> str:
    return reverse("progress:entry_save",
                   args=["479001", review.cycle.plan.slug, review.cycle.pk, entry.pk])


EMPTY = {"results": "", "results_value": "", "results_unit": "", "progress": "", "issues": "",
         "direction": "", "direction_text": "", "self_rating": ""}


def test_it_refuses_an_empty_save_and_submit_and_saves_no_empty_version(review: Review):
    entry = review.entry(review.watch, review.dept)
    response = logged_in(review.world.tanaka).post(
        save_url(review, entry), {**EMPTY, "version": entry.version, "submit": "1"})
    assert response.status_code == 400
    assert "進捗状況または実績を入力してから提出してください。" in response.text
    entry.refresh_from_db()
    assert (entry.status, entry.version) == (Entry.Status.NOT_STARTED, 1)
    assert list(EntryVersion.objects.filter(entry=entry).values_list("action", flat=True)) == [
        "create"]


def test_it_refuses_to_empty_a_written_draft_by_submitting_it(review: Review):
    entry = review.entry(review.salon, review.shakyo)
    draft = actions.save_entry(by=review.world.suzuki, entry=entry,
                               data={"progress": "サロンを12か所で開催しました。"},
                               expected_version=entry.version)
    response = logged_in(review.world.suzuki).post(
        save_url(review, entry), {**EMPTY, "version": draft.version, "submit": "1"})
    assert response.status_code == 400
    entry.refresh_from_db()
    assert (entry.status, entry.progress, entry.version) == (
        Entry.Status.DRAFT, "サロンを12か所で開催しました。", draft.version)


def test_it_still_saves_an_empty_draft_when_only_saving(review: Review):
    entry = review.entry(review.watch, review.dept)
    response = logged_in(review.world.tanaka).post(
        save_url(review, entry), {**EMPTY, "version": entry.version}, follow=True)
    assert "保存しました。" in response.text


def test_it_shows_the_conflict_in_japanese_labels_and_numbers_as_written(review: Review):
    entry = review.entry(review.watch, review.dept)
    stale = entry.version
    actions.save_entry(by=review.world.sato, entry=entry,
                       data={"progress": "佐藤が代理で入力", "results_value": "33",
                             "results_unit": "件", "direction": "continue"},
                       expected_version=stale)
    response = logged_in(review.world.tanaka).post(save_url(review, entry), {
        **EMPTY, "version": stale, "progress": "田中の入力", "results_value": "1240.0",
        "direction": "expand"})
    assert response.status_code == 409
    page = response.text
    assert "継続" in page and "拡充" in page
    assert "continue" not in page.split("<form")[0] and "expand" not in page.split("<form")[0]
    assert "33.0000" not in page
    table = page.split("<table")[1].split("</table>")[0]
    assert "<td>33</td>" in table
    assert "<td>1240.0</td>" in table  # as 田中 typed it
