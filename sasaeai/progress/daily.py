"""The daily run of the task worker: reminders before and after the entries' due date, as notices
(task page and e-mail), then the next day's run enqueued. Started by the worker itself
(`sasaeai db_worker`, see progress/management/commands/db_worker.py), so nobody runs it by hand.

Who is reminded, and how often, is the logic of progress/reminders.py (`due_kind`,
`already_sent`, the Reminder rows; one reminder per kind before the due date, then once a week),
so a run of the `send_reminders` command the same day sends nothing twice. Reports the 事務局 went
on without (「未提出のまま進める」) and what was handed in are not asked for again."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.urls import reverse
from django.utils import timezone

from sasaeai.accounts.access import reporters_of
from sasaeai.audit.actions import record
from sasaeai.notices.delivery import send
from sasaeai.notices.models import Notice, absolute
from sasaeai.progress.models import Cycle, Entry, FigureRequest, Reminder
from sasaeai.progress.notifications import cycle_name, day
from sasaeai.progress.reminders import already_sent, due_kind

DAYS_BEFORE = 3


@dataclass
class Reminded:
    cycle: Cycle
    organization: str
    kind: str
    people: int
    entries: int
    figures: int


def _lines(entries: list[Entry], figures: list[FigureRequest]) -> list[str]:
    lines = []
    for e in entries:
        title = f"{e.subject.number_label} {e.subject.title}".strip()
        lines.append(f"・報告「{title}」（{e.get_status_display()}）\n  {absolute(e.get_absolute_url())}")
    for f in figures:
        lines.append(f"・指標「{f.indicator.name}」の実績値（{f.get_status_display()}）\n"
                     f"  {absolute(f.get_absolute_url())}")
    return lines


def remind(*, today: datetime.date, days_before: int = DAYS_BEFORE) -> list[Reminded]:
    """Today's reminders: each organization with reports or figures still to hand in, in each
    cycle 入力中 whose due date is near or past (see reminders.due_kind)."""
    done: list[Reminded] = []
    cycles = Cycle.objects.filter(status=Cycle.Status.COLLECTING, entries_due__isnull=False)
    for cycle in cycles.select_related("plan__municipality").order_by("entries_due", "pk"):
        kind = due_kind(cycle, today, days_before)
        if kind is None:
            continue
        entries: dict[int, list[Entry]] = {}
        for entry in (cycle.entries.blocking_review().in_plan_order()
                      .select_related("organization", "initiative", "element")):
            entry.cycle = cycle
            entries.setdefault(entry.organization_id, []).append(entry)
        figures: dict[int, list[FigureRequest]] = {}
        for figure in (cycle.figure_requests.awaiting().in_plan_order()
                       .select_related("organization", "indicator__plan__municipality")):
            figure.cycle = cycle
            figures.setdefault(figure.organization_id, []).append(figure)
        for org_id in sorted({*entries, *figures}):
            if already_sent(cycle, org_id, kind, today):
                continue
            people = list(reporters_of([org_id]))
            if not people:
                continue
            mine, asked = entries.get(org_id, []), figures.get(org_id, [])
            organization = (mine or asked)[0].organization  # type: ignore[operator]
            with transaction.atomic():
                Reminder.objects.create(cycle=cycle, organization=organization, kind=kind,
                                        sent_on=today, recipients=len(people), entries=len(mine))
                record(by=None, action="progress.reminder", obj=cycle,
                       municipality_code=cycle.plan.municipality.code,
                       organization=organization.name,
                       note=(f"{Reminder.Kind(kind).label}のお知らせ：報告{len(mine)}件・"
                             f"実績値{len(asked)}件、宛先{len(people)}人"))
                _send(cycle, organization, kind, today, people, mine, asked)
            done.append(Reminded(cycle, organization.name, kind, len(people), len(mine),
                                 len(asked)))
    return done


def _send(cycle: Cycle, organization: Any, kind: str, today: datetime.date, people: list[Any],
          entries: list[Entry], figures: list[FigureRequest]) -> None:
    overdue = kind == Reminder.Kind.OVERDUE
    due = cycle.entries_due or today  # never None here: only cycles with a due date remind
    count = len(entries) + len(figures)
    if overdue:
        subject = f"【期限超過】{cycle_name(cycle)}の進捗報告（期限 {day(due)}）"
        opening = (f"「{cycle_name(cycle)}」の入力期限（{day(due)}）を過ぎていますが、"
                   f"{organization.name}の次の{count}件がまだ提出されていません。")
    else:
        left = (due - today).days
        subject = f"【提出期限のお知らせ】{cycle_name(cycle)}の進捗報告（期限 {day(due)}）"
        when = "今日" if left == 0 else f"あと{left}日"
        opening = (f"「{cycle_name(cycle)}」の入力期限は{day(due)}です（{when}）。"
                   f"{organization.name}の次の{count}件がまだ提出されていません。")
    body = "\n".join([opening, *_lines(entries, figures),
                      "入力して「保存して提出」を押してください。"
                      "ご不明な点は事務局までお問い合わせください。"])
    send(to=people, kind=Notice.Kind.OVERDUE if overdue else Notice.Kind.DUE_SOON,
         subject=subject, body=body, url=reverse("tasks:mine"), digest=f"reminder-{today}",
         digest_subject="【提出期限】まだ提出されていない進捗報告のお知らせ（{count}件）")


# The worker's daily task -------------------------------------------------------------------------

def next_run(after: datetime.date) -> datetime.datetime:
    """The next day's run: at SASAEAI_DAILY_NOTICE_HOUR (7 by default), local time."""
    hour = getattr(settings, "SASAEAI_DAILY_NOTICE_HOUR", 7)
    return timezone.make_aware(datetime.datetime.combine(after + datetime.timedelta(days=1),
                                                         datetime.time(hour)))


def _pending_runs() -> Any:
    """The daily runs waiting in the database queue (None when the backend keeps no queue). One
    left RUNNING by a worker that was killed does not count: it will never enqueue the next."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(daily_notices.get_backend(), DatabaseBackend):
        return None
    return DBTaskResult.objects.filter(task_path=daily_notices.module_path,
                                       status=TaskResultStatus.READY)


def ensure_scheduled() -> bool:
    """Start the daily runs unless they are already under way (called when the worker starts;
    idempotent). Returns whether a run was enqueued."""
    pending = _pending_runs()
    if pending is None or pending.exists():
        return False
    daily_notices.enqueue()
    return True


def schedule_next(today: datetime.date) -> bool:
    """The next day's run, unless one is already waiting (two chains collapse into one)."""
    pending = _pending_runs()
    if pending is None or pending.exists():
        return False
    daily_notices.using(run_after=next_run(today)).enqueue()
    return True


@task
def daily_notices(day: str = "") -> dict[str, Any]:
    """Today's 人事異動 and reminders (`day` as 2025-05-27 to run another day's), then tomorrow's
    run."""
    from sasaeai.accounts.personnel import apply_due

    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    try:
        moved = apply_due(today=today)  # 人事異動 dated today, kept since its file was read
        done = remind(today=today)
    finally:
        schedule_next(today)
    return {"day": today.isoformat(), "personnel": moved, "reminded": [
        f"{r.cycle.pk}:{r.organization}:{r.kind}" for r in done]}
