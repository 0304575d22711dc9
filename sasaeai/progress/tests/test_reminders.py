"""Reminder e-mails: before the due date once, after it once a week, only to who must write:
the reports still to hand in (not those the 事務局 recorded 「未提出のまま進める」 for) and the
indicators' figures asked of the organisation."""

from datetime import date

import pytest
from django.core.management import call_command

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.plans.models import Plan
from sasaeai.progress import actions, actions_states
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


WAIVER = "担当者が長期休職中のため、今年度は報告を求めない。"


def test_it_neither_counts_nor_names_the_reports_the_cycle_goes_on_without(due_review, mailoutbox):
    review = due_review
    waived = [review.entry(review.watch, review.shakyo), review.entry(review.salon, review.shakyo),
              review.entry(review.watch, review.dept)]
    actions_states.waive_entries(by=review.world.sato, cycle=review.refresh(),
                                 entry_ids=[e.pk for e in waived], reason=WAIVER)
    sent = send_reminders(today=date(2025, 5, 27))
    # Every report of the 社協 is waived: it is not reminded at all.
    assert [(s.organization, s.entries) for s in sent] == [("福祉課", 1)]
    assert [m.to for m in mailoutbox] == [["tanaka@city.example.jp"]]
    body = mailoutbox[0].body
    assert "次の報告1件がまだ提出されていません" in body
    assert "サロン活動の支援" in body and "見守り活動の推進" not in body
    assert Reminder.objects.get().entries == 1


def omitama_collecting(due: date) -> Cycle:
    """令和6年度 cycle of 第3次小美玉市地域福祉計画, 入力中, reports on its 施策の方向 due `due`."""
    jimukyoku = User.objects.get(username="omitama-jimukyoku")
    plan = Plan.objects.get(municipality__code="082368", slug="dai3ji")
    cycle = actions.create_cycle(by=jimukyoku, plan=plan, fiscal_year=2024)
    cycle = actions.move_cycle(by=jimukyoku, cycle=cycle, to=Cycle.Status.COLLECTING,
                               expected_version=cycle.version)
    Cycle.objects.filter(pk=cycle.pk).update(entries_due=due)  # a date of the past, as above
    cycle.refresh_from_db()
    return cycle


def test_it_reminds_a_department_of_its_indicators_figure_even_with_no_report_left(mailoutbox):
    cycle = omitama_collecting(DUE)
    bousai = list(cycle.entries.filter(organization__name="防災管理課"))
    assert len(bousai) == 3  # 防災・避難・防犯
    actions_states.waive_entries(by=User.objects.get(username="omitama-jimukyoku"), cycle=cycle,
                                 entry_ids=[e.pk for e in bousai], reason=WAIVER)
    sent = send_reminders(today=date(2025, 5, 27))
    by_org = {s.organization: (s.entries, s.figures) for s in sent}
    # 市民協働課 is asked a figure too but has nobody with an address: no mail, nothing recorded.
    shakyo = cycle.entries.filter(organization__name="小美玉市社会福祉協議会").count()
    assert by_org == {"防災管理課": (0, 1), "小美玉市社会福祉協議会": (shakyo, 0)}
    mail = next(m for m in mailoutbox if m.to == ["omitama-tanto@demo.sasaeai.invalid"])
    assert "次の指標の実績値1件がまだ提出されていません" in mail.body
    assert "・地域の自主防災組織（未着手）" in mail.body
    figure = cycle.figure_requests.get(indicator__name="地域の自主防災組織")
    assert figure.get_absolute_url() in mail.body
    assert "【進捗報告】" not in mail.body and "防災体制づくり" not in mail.body
    event = AuditEvent.objects.get(action="progress.reminder", organization="防災管理課")
    assert "0件・指標の実績値1件" in event.note


def test_who_turned_mail_off_gets_no_reminder_but_the_others_of_the_organization_do(
        due_review, mailoutbox):
    """田中 chose 「お知らせをメールでも受け取る」 off on her profile: the 督促 goes to nobody of 福祉課
    but still to the 社協 (the overdue reports stay on her わたしの作業)."""
    tanaka = due_review.world.tanaka
    tanaka.notice_mail = False
    tanaka.save(update_fields=["notice_mail"])
    sent = send_reminders(today=date(2025, 5, 27))
    assert [s.organization for s in sent] == ["ささえ市社会福祉協議会"]
    assert [m.to for m in mailoutbox] == [["suzuki@shakyo.example.jp"]]
