"""Reminder e-mails: before the due date once, after it once a week, only to who must write."""

from datetime import date

import pytest
from django.core.management import call_command

from sasaeai.audit.models import AuditEvent
from sasaeai.progress import actions
from sasaeai.progress.models import Cycle, Reminder
from sasaeai.progress.reminders import send_reminders
from sasaeai.testing import Review

pytestmark = pytest.mark.django_db
DUE = date(2025, 5, 30)


@pytest.fixture
def due_review(review: Review) -> Review:
    Cycle.objects.filter(pk=review.cycle.pk).update(entries_due=DUE)
    for user, address in [(review.world.tanaka, "tanaka@city.example.jp"),
                          (review.world.suzuki, "suzuki@shakyo.example.jp")]:
        user.email = address
        user.save(update_fields=["email"])
    return review


def test_it_reminds_each_organization_three_days_before_the_due_date(due_review, mailoutbox):
    assert send_reminders(today=date(2025, 5, 26)) == []  # four days before: nothing yet
    sent = send_reminders(today=date(2025, 5, 27))
    assert {(s.organization, s.kind) for s in sent} == {
        ("福祉課", "before"), ("ささえ市社会福祉協議会", "before")}
    tanaka = next(m for m in mailoutbox if m.to == ["tanaka@city.example.jp"])
    assert tanaka.subject.startswith("【提出期限のお知らせ】")
    assert "入力期限は2025年5月30日です" in tanaka.body
    assert "見守り活動の推進" in tanaka.body and "/479001/" in tanaka.body
    assert AuditEvent.objects.filter(action="progress.reminder").count() == 2
    # The next day's run does not send the same reminder again.
    assert send_reminders(today=date(2025, 5, 28)) == []
    assert len(mailoutbox) == 2


def test_it_reminds_only_organizations_with_entries_still_to_submit(due_review, mailoutbox):
    review = due_review
    for initiative in (review.watch, review.salon):
        entry = review.entry(initiative, review.dept)
        saved = actions.save_entry(by=review.world.tanaka, entry=entry,
                                   data={"progress": "実施しました。"},
                                   expected_version=entry.version)
        saved.cycle = review.cycle
        actions.submit_entry(by=review.world.tanaka, entry=saved, expected_version=saved.version)
    sent = send_reminders(today=date(2025, 6, 2))
    assert [(s.organization, s.kind, s.entries) for s in sent] == [
        ("ささえ市社会福祉協議会", "overdue", 2)]
    assert "期限超過" in mailoutbox[0].subject
    assert "入力期限（2025年5月30日）を過ぎていますが" in mailoutbox[0].body
    assert send_reminders(today=date(2025, 6, 5)) == []  # within the week
    assert len(send_reminders(today=date(2025, 6, 9))) == 1  # a week later, again
    assert Reminder.objects.filter(kind="overdue").count() == 2


def test_it_prints_what_it_would_send_without_sending(due_review, mailoutbox, capsys):
    sent = send_reminders(today=date(2025, 5, 27), dry_run=True)
    assert len(sent) == 2 and mailoutbox == [] and not Reminder.objects.exists()
    call_command("send_reminders", "--dry-run")  # today is long after the 2025 due date
    out = capsys.readouterr().out
    assert "送信予定：令和6年度 年次評価 福祉課（期限超過） 未提出2件 → tanaka@city.example.jp" in out
    assert mailoutbox == [] and not Reminder.objects.exists()
