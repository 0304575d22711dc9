"""The daily reminders, run by the task worker: 小美玉市's 令和6年度 cycle is due on 2025年5月30日.
社協の鈴木 (omitama-shakyo) has handed in one report of 29; 防災管理課 (omitama-tanto) handed in
its figure and the 事務局 went on without its three reports (「未提出のまま進める」), so it is not
asked for anything again. The clock is frozen on each day the worker runs."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import get_commands
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.notices.models import Notice
from sasaeai.plans.models import Plan
from sasaeai.progress import actions, actions_figures, actions_states, daily
from sasaeai.progress.models import Cycle, FigureRequest, Reminder

pytestmark = pytest.mark.django_db
DUE = datetime.date(2025, 5, 30)
BASE = "http://127.0.0.1:8000"


def user(suffix: str) -> User:
    return User.objects.get(username=f"omitama-{suffix}")


@pytest.fixture
def due_cycle(django_capture_on_commit_callbacks, mailoutbox) -> Cycle:
    sato, suzuki, tanaka = user("jimukyoku"), user("shakyo"), user("tanto")
    plan = Plan.objects.get(municipality__code="082368", slug="dai3ji")
    cycle = actions.create_cycle(by=sato, plan=plan, fiscal_year=2024)
    with django_capture_on_commit_callbacks(execute=True):
        cycle = actions.move_cycle(by=sato, cycle=cycle, to=Cycle.Status.COLLECTING,
                                   expected_version=cycle.version)
    Cycle.objects.filter(pk=cycle.pk).update(entries_due=DUE)  # a due date of 2025, past today
    cycle.entries_due = DUE
    entry = cycle.entries.filter(organization__name="小美玉市社会福祉協議会").order_by("pk").first()
    assert entry is not None
    entry.cycle = cycle
    saved = actions.save_entry(by=suzuki, entry=entry, data={"progress": "実施しました。"},
                               expected_version=entry.version)
    saved.cycle = cycle
    actions.submit_entry(by=suzuki, entry=saved, expected_version=saved.version)
    figure = FigureRequest.objects.get(cycle=cycle, organization__name="防災管理課")
    figure.cycle = cycle
    actions_figures.save_figure(by=tanaka, figure=figure, data={"verbatim": "84.5%"},
                                expected_version=figure.version, submit=True)
    bousai = list(cycle.entries.filter(organization__name="防災管理課").values_list("pk", flat=True))
    actions_states.waive_entries(by=sato, cycle=cycle, entry_ids=bousai,
                                 reason="担当者の異動のため、今年度は報告なしで進める")
    mailoutbox.clear()
    return cycle


def run_worker_on(day: datetime.date, monkeypatch, capture) -> dict:
    """The worker's daily task, as it runs on `day` (tests run tasks at once)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    with capture(execute=True):
        result = daily.daily_notices.enqueue()
    return result.return_value


def test_the_worker_reminds_before_the_due_date_once_and_then_weekly_once_it_is_past(
        due_cycle, monkeypatch, django_capture_on_commit_callbacks, mailoutbox):
    capture = django_capture_on_commit_callbacks
    assert run_worker_on(datetime.date(2025, 5, 26), monkeypatch, capture)["reminded"] == []
    done = run_worker_on(datetime.date(2025, 5, 27), monkeypatch, capture)
    assert done == {"day": "2025-05-27", "personnel": 0,
                    "reminded": [f"{due_cycle.pk}:小美玉市社会福祉協議会:before"]}
    mail, = mailoutbox  # 社協 only: 防災管理課 handed in its figure, its reports were waived
    assert mail.to == ["omitama-shakyo@demo.sasaeai.invalid"]
    assert mail.subject == ("【提出期限のお知らせ】第3次小美玉市地域福祉計画 令和6年度 年次評価の進捗報告"
                            "（期限 2025年5月30日）")
    assert "入力期限は2025年5月30日です（あと3日）。小美玉市社会福祉協議会の次の28件がまだ提出されていません。" in mail.body
    assert f"{BASE}/082368/dai3ji/cycles/{due_cycle.pk}/entries/" in mail.body
    assert f"{BASE}/tasks/" in mail.body
    handed = due_cycle.entries.get(organization__name="小美玉市社会福祉協議会", status="submitted")
    assert handed.get_absolute_url() not in mail.body  # what was handed in is not asked again
    assert not Notice.objects.filter(recipient=user("tanto"),
                                     kind__in=[Notice.Kind.DUE_SOON, Notice.Kind.OVERDUE])
    assert AuditEvent.objects.filter(action="progress.reminder", object_id=str(due_cycle.pk)
                                     ).count() == 1
    # The next day's run sends nothing again; after the due date, once a week.
    assert run_worker_on(datetime.date(2025, 5, 28), monkeypatch, capture)["reminded"] == []
    mailoutbox.clear()
    assert run_worker_on(datetime.date(2025, 6, 2), monkeypatch, capture)["reminded"] == [
        f"{due_cycle.pk}:小美玉市社会福祉協議会:overdue"]
    overdue, = mailoutbox
    assert overdue.subject.startswith("【期限超過】")
    assert "入力期限（2025年5月30日）を過ぎていますが、小美玉市社会福祉協議会の次の28件" in overdue.body
    assert run_worker_on(datetime.date(2025, 6, 5), monkeypatch, capture)["reminded"] == []
    assert len(run_worker_on(datetime.date(2025, 6, 9), monkeypatch, capture)["reminded"]) == 1
    assert Reminder.objects.filter(cycle=due_cycle, kind="overdue").count() == 2
    notices = Notice.objects.filter(recipient=user("shakyo"))
    assert notices.filter(kind=Notice.Kind.DUE_SOON).count() == 1
    assert notices.filter(kind=Notice.Kind.OVERDUE).count() == 2


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_worker_starts_the_daily_run_once_and_each_run_enqueues_the_next_day(
        due_cycle, monkeypatch):
    runs = DBTaskResult.objects.filter(task_path=daily.daily_notices.module_path)
    assert daily.ensure_scheduled() is True
    assert daily.ensure_scheduled() is False  # a second worker, or a restart: still one run
    first, = runs.all()
    assert first in DBTaskResult.objects.ready()  # today's run, at once
    first.delete()  # as the worker takes it: it runs the task body below
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: datetime.date(2025, 5, 27))
    done = daily.daily_notices.call()
    assert done["reminded"] == [f"{due_cycle.pk}:小美玉市社会福祉協議会:before"]
    tomorrow, = runs.all()
    assert tomorrow.status == "READY"
    assert timezone.localtime(tomorrow.run_after) == datetime.datetime(
        2025, 5, 28, 7, 0, tzinfo=timezone.get_current_timezone())  # the next morning at 7
    daily.schedule_next(datetime.date(2025, 5, 27))  # two chains collapse into one
    assert runs.count() == 1


def test_the_worker_command_starts_the_daily_run_before_it_works(monkeypatch):
    from sasaeai.progress.management.commands import db_worker

    assert get_commands()["db_worker"] == "sasaeai.progress"
    calls = []
    monkeypatch.setattr(db_worker, "ensure_scheduled", lambda: calls.append("scheduled"))
    monkeypatch.setattr(db_worker.WorkerCommand, "handle",
                        lambda self, *args, **options: calls.append("worked"))
    db_worker.Command().handle()
    assert calls == ["scheduled", "worked"]
