"""`sasaeai db_worker`: django-tasks-db's worker, which first makes sure the daily notices run
(progress/daily.py: the reminders before and after the due date, each day by itself)."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from sasaeai.progress.daily import ensure_scheduled


class Command(WorkerCommand):
    help = "タスクワーカー（委員会資料の作成、毎日のお知らせ）を動かします。"

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_scheduled()
        super().handle(*args, **options)
