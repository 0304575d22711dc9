"""Progress pages as people use them: writing, a concurrent edit, tasks, the summary."""

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.progress import actions
from sasaeai.progress.models import Cycle, Entry
from sasaeai.testing import Review

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def entry_url(review: Review, entry: Entry, name: str = "progress:entry") -> str:
    return reverse(name, args=["479001", review.cycle.plan.slug, review.cycle.pk, entry.pk])


def test_it_lets_tanaka_fill_and_submit_his_entry_from_the_page(review: Review):
    entry = review.entry(review.watch, review.dept)
    client = logged_in(review.world.tanaka)
    page = client.get(entry_url(review, entry))
    assert "報告を書く" in page.text and "自己評価の記号" in page.text
    response = client.post(entry_url(review, entry, "progress:entry_save"), {
        "version": entry.version, "progress": "見守り訪問を延べ120件行いました。",
        "issues": "訪問員の高齢化", "direction": "continue", "self_rating": "Ｂ", "submit": "1",
    }, follow=True)
    assert "提出しました。" in response.text
    entry.refresh_from_db()
    assert (entry.status, entry.self_rating, entry.self_rating_verbatim) == ("submitted", "B", "Ｂ")


def test_it_shows_a_japanese_error_for_an_unknown_rating_and_saves_nothing(review: Review):
    entry = review.entry(review.watch, review.dept)
    response = logged_in(review.world.tanaka).post(
        entry_url(review, entry, "progress:entry_save"),
        {"version": entry.version, "progress": "実施", "self_rating": "Z"})
    assert response.status_code == 400
    assert "「Z」は評価の尺度（A・B・C・D）にありません。" in response.text
    entry.refresh_from_db()
    assert entry.version == 1 and entry.progress == ""


def test_it_refuses_the_second_save_with_both_versions_side_by_side(review: Review):
    entry = review.entry(review.watch, review.dept)
    stale = entry.version
    actions.save_entry(by=review.world.sato, entry=entry, data={"progress": "佐藤が代理で入力"},
                       expected_version=stale)
    response = logged_in(review.world.tanaka).post(
        entry_url(review, entry, "progress:entry_save"),
        {"version": stale, "progress": "田中の入力", "issues": ""})
    assert response.status_code == 409
    assert "他の人が先に保存しました" in response.text
    assert "佐藤が代理で入力" in response.text and "田中の入力" in response.text
    entry.refresh_from_db()
    assert entry.progress == "佐藤が代理で入力"
    # Merging: the form now carries the current version, so saving it goes through.
    merged = logged_in(review.world.tanaka).post(
        entry_url(review, entry, "progress:entry_save"),
        {"version": entry.version, "progress": "佐藤が代理で入力\n田中の入力"})
    assert merged.status_code == 302
    entry.refresh_from_db()
    assert entry.progress == "佐藤が代理で入力\n田中の入力"


def test_it_lists_tanakas_tasks_with_the_due_date(review: Review):
    cycle = review.cycle
    Cycle.objects.filter(pk=cycle.pk).update(entries_due="2000-01-31")  # long overdue
    page = logged_in(review.world.tanaka).get(reverse("tasks:mine")).text
    assert "見守り活動の推進" in page and "サロン活動の支援" in page
    assert "期限超過" in page
    assert "福祉課" in page
    suzuki = logged_in(review.world.suzuki).get(reverse("tasks:mine")).text
    assert "社協" in suzuki


def test_it_shows_the_secretariat_who_has_not_submitted(review: Review):
    entry = review.entry(review.watch, review.dept)
    saved = actions.save_entry(by=review.world.tanaka, entry=entry, data={"progress": "実施"},
                               expected_version=entry.version)
    saved.cycle = review.cycle
    actions.submit_entry(by=review.world.tanaka, entry=saved, expected_version=saved.version)
    page = logged_in(review.world.sato).get(
        reverse("progress:cycle", args=["479001", review.cycle.plan.slug, review.cycle.pk]))
    dashboard = page.context["dashboard"]
    assert {(row.name, row.done, row.total) for row in dashboard} == {
        ("福祉課", 1, 2), ("ささえ市社会福祉協議会", 0, 2)}


def test_it_shows_what_changed_since_last_years_confirmed_entry(review: Review):
    w = review.world
    cycle = review.cycle
    review.submit(cycle.entries.all(), "訪問を行いました。")
    for target in ("compiling", "reviewing", "confirmed"):
        cycle = actions.move_cycle(by=w.sato, cycle=cycle, to=target,
                                   expected_version=cycle.version)
    following = actions.create_cycle(by=w.sato, plan=cycle.plan, fiscal_year=2025)
    following = actions.move_cycle(by=w.sato, cycle=following, to="collecting",
                                   expected_version=following.version)
    entry = following.entries.get(initiative=review.watch, organization=review.dept)
    entry.cycle = following
    actions.save_entry(by=w.tanaka, entry=entry, data={"progress": "訪問を毎月行いました。"},
                       expected_version=entry.version)
    url = reverse("progress:entry", args=["479001", cycle.plan.slug, following.pk, entry.pk])
    page = logged_in(w.tanaka).get(url).text
    assert "前回からの変更" in page
    assert "<ins>毎月</ins>" in page


def test_it_lets_sato_choose_the_scale_on_the_progress_page(review: Review):
    url = reverse("progress:cycles", args=["479001", review.cycle.plan.slug])
    client = logged_in(review.world.sato)
    page = client.get(url)
    assert "「A〜Dの4段階」で評価します" in page.text
    response = client.post(reverse("progress:scale_choose",
                                   args=["479001", review.cycle.plan.slug]),
                           {"scale": "preset:sabc"}, follow=True)
    assert "評価の尺度を「S・A・B・C・−」にしました。" in response.text
    assert "評価対象外" in response.text
    assert logged_in(review.world.tanaka).post(
        reverse("progress:scale_choose", args=["479001", review.cycle.plan.slug]),
        {"scale": "preset:abc"}).status_code == 403
