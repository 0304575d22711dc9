"""Setting a cycle up: prefill that keeps its promise, the year and dates a cycle may have, and the
事務局 editing or deleting a cycle before reports are handed in."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.plans.models import Plan
from sasaeai.progress import actions, actions_cycles
from sasaeai.progress.models import Cycle, Entry
from sasaeai.testing import Review

pytestmark = pytest.mark.django_db
S = Cycle.Status


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shimotsuke() -> tuple[Plan, User]:
    plan = Plan.objects.get(municipality__code="092169")
    return plan, User.objects.get(username="shimotsuke-jimukyoku")


# Prefill ---------------------------------------------------------------------------------------

def test_it_prefills_shimotsukes_new_cycle_from_its_confirmed_summary_without_a_year():
    plan, jimukyoku = shimotsuke()
    confirmed = Cycle.objects.get(plan=plan, status=S.PUBLISHED)
    assert confirmed.fiscal_year is None
    cycle = actions.create_cycle(by=jimukyoku, plan=plan, fiscal_year=2025)
    copied = cycle.entries.exclude(prefilled_from=None)
    assert copied.count() == confirmed.entries.count() == 28
    written = confirmed.entries.exclude(progress="").first()
    assert written is not None
    again = cycle.entries.get(prefilled_from=written)
    assert (again.progress, again.issues) == (written.progress, written.issues)


def test_it_names_on_the_create_form_the_cycle_it_will_copy_and_how_many_reports():
    plan, jimukyoku = shimotsuke()
    page = logged_in(jimukyoku).get(reverse("progress:cycles", args=["092169", plan.slug]))
    assert "「第2期計画 事業進捗のまとめ(確定版)」（公開、報告28件）の内容が" in page.text
    assert "前回確定した内容が引き継がれます" not in page.text


def test_it_says_on_the_create_form_when_there_is_nothing_to_copy(review: Review):
    page = logged_in(review.world.sato).get(
        reverse("progress:cycles", args=["479001", review.cycle.plan.slug]))
    assert "確定した評価サイクルがないため、引き継ぐ内容はありません。" in page.text


# Year and dates --------------------------------------------------------------------------------

def create(review: Review, **fields):
    client = logged_in(review.world.sato)
    data = {"fiscal_year": 2025, "kind": "annual", "entries_due": "", "committee_meeting": "",
            **fields}
    return client.post(reverse("progress:cycle_create", args=["479001", "dai3ji"]), data)


def test_it_refuses_a_cycle_for_2099_with_a_japanese_message(review: Review):
    response = create(review, fiscal_year=2099)
    assert response.status_code == 400
    assert "令和81年度（2099年度）は評価の対象にできません。" in response.text
    assert not Cycle.objects.filter(plan=review.cycle.plan, fiscal_year=2099).exists()


def test_it_refuses_a_year_outside_the_plans_period_by_more_than_one_year(review: Review):
    plan = review.cycle.plan  # 2021〜2025
    with pytest.raises(ValidationError) as refused:
        actions.create_cycle(by=review.world.sato, plan=plan, fiscal_year=2019)
    assert "計画期間" in refused.value.message_dict["fiscal_year"][0]
    assert actions.create_cycle(by=review.world.sato, plan=plan, fiscal_year=2020).pk


def test_it_refuses_a_due_date_in_the_past_at_creation(review: Review):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = create(review, entries_due=yesterday.isoformat())
    assert response.status_code == 400
    assert "入力期限が過ぎた日付です。" in response.text
    assert not Cycle.objects.filter(plan=review.cycle.plan, fiscal_year=2025).exists()


def test_it_refuses_a_committee_meeting_before_the_due_date(review: Review):
    today = timezone.localdate()
    response = create(review, entries_due=(today + timedelta(days=30)).isoformat(),
                      committee_meeting=(today + timedelta(days=10)).isoformat())
    assert response.status_code == 400
    assert "委員会の開催日は入力期限より後の日付にしてください" in response.text


# Editing ---------------------------------------------------------------------------------------

def edit_url(review: Review) -> str:
    return reverse("progress:cycle_edit", args=["479001", "dai3ji", review.cycle.pk])


def test_it_lets_the_secretariat_edit_the_title_year_and_dates_while_input_is_open(review: Review):
    today = timezone.localdate()
    response = logged_in(review.world.sato).post(edit_url(review), {
        "version": review.cycle.version, "title": "令和5年度 ささえ市 進捗評価",
        "fiscal_year": 2023, "entries_due": (today + timedelta(days=14)).isoformat(),
        "committee_meeting": (today + timedelta(days=40)).isoformat(), "rating_scale": ""})
    assert response.status_code == 302
    cycle = review.refresh()
    assert (cycle.title, cycle.fiscal_year, cycle.entries_due) == (
        "令和5年度 ささえ市 進捗評価", 2023, today + timedelta(days=14))
    assert AuditEvent.objects.filter(action="progress.cycle.edit",
                                     object_id=str(cycle.pk)).exists()


def test_it_refuses_an_edit_to_2099_and_changes_nothing(review: Review):
    response = logged_in(review.world.sato).post(edit_url(review), {
        "version": review.cycle.version, "title": "", "fiscal_year": 2099})
    assert response.status_code == 400
    assert "令和81年度（2099年度）は評価の対象にできません。" in response.text
    assert review.refresh().fiscal_year == 2024


def test_it_refuses_to_edit_a_cycle_under_committee_review(review: Review):
    review.submit([review.entry(i, o) for i in (review.watch, review.salon)
                   for o in (review.dept, review.shakyo)])
    cycle = review.refresh()
    for to in (S.COMPILING, S.REVIEWING):
        cycle = actions.move_cycle(by=review.world.sato, cycle=cycle, to=to,
                                   expected_version=cycle.version)
    with pytest.raises(PermissionDenied):
        actions_cycles.edit_cycle(by=review.world.sato, cycle=cycle,
                                  expected_version=cycle.version, title="後から", fiscal_year=2024,
                                  entries_due=None, committee_meeting=None)
    assert logged_in(review.world.sato).get(edit_url(review)).status_code == 403


def test_it_changes_the_scale_until_the_first_rating_is_given(review: Review):
    from sasaeai.progress.scales import scale_from_preset

    marks = scale_from_preset(review.world.home, "marks")
    sato, cycle = review.world.sato, review.cycle
    cycle = actions_cycles.edit_cycle(by=sato, cycle=cycle, expected_version=cycle.version,
                                      title="", fiscal_year=2024, entries_due=None,
                                      committee_meeting=None, rating_scale=marks)
    assert review.refresh().rating_scale == marks
    entry = review.entry(review.watch, review.dept)
    actions.save_entry(by=review.world.tanaka, entry=entry, data={"self_rating": "◎"},
                       expected_version=entry.version)
    abcd = scale_from_preset(review.world.home, "abcd")
    with pytest.raises(ValidationError) as refused:
        actions_cycles.edit_cycle(by=sato, cycle=cycle, expected_version=cycle.version,
                                  title="", fiscal_year=2024, entries_due=None,
                                  committee_meeting=None, rating_scale=abcd)
    assert "尺度は変えられません" in refused.value.message_dict["rating_scale"][0]
    # Choosing the plan's scale leaves a rated cycle on its own scale, too.
    actions.choose_rating_scale(by=sato, plan=cycle.plan, preset="abcd")
    assert review.refresh().rating_scale == marks


# Deleting --------------------------------------------------------------------------------------

def delete_url(review: Review) -> str:
    return reverse("progress:cycle_delete", args=["479001", "dai3ji", review.cycle.pk])


def test_it_asks_before_deleting_and_deletes_a_cycle_with_no_report_handed_in(review: Review):
    sato = logged_in(review.world.sato)
    pk = review.cycle.pk
    page = sato.get(delete_url(review))
    assert "報告欄4件（下書きを含む）を削除します" in page.text
    assert Cycle.objects.filter(pk=pk).exists()  # asking deletes nothing
    response = sato.post(delete_url(review), {"version": review.cycle.version})
    assert response.status_code == 302
    assert not Cycle.objects.filter(pk=pk).exists()
    assert not Entry.objects.filter(cycle_id=pk).exists()
    assert AuditEvent.objects.filter(action="progress.cycle.delete", object_id=str(pk)).exists()


def test_it_refuses_to_delete_a_cycle_holding_a_submitted_report(review: Review):
    review.submit([review.entry(review.watch, review.dept)])
    cycle = review.refresh()
    response = logged_in(review.world.sato).post(delete_url(review), {"version": cycle.version})
    assert response.status_code == 400
    assert "提出された報告が1件あるため、この評価サイクルは削除できません。" in response.text
    assert Cycle.objects.filter(pk=cycle.pk).exists()


def test_it_lets_no_department_delete_a_cycle(review: Review):
    with pytest.raises(PermissionDenied):
        actions_cycles.delete_cycle(by=review.world.tanaka, cycle=review.cycle,
                                    expected_version=review.cycle.version)
    assert Cycle.objects.filter(pk=review.cycle.pk).exists()
