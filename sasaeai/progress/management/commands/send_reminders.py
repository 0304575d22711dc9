"""`sasaeai send_reminders`: e-mail organizations whose entries are due soon or overdue."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from sasaeai.progress.models import Reminder
from sasaeai.progress.reminders import send_reminders


class Command(BaseCommand):
    help = ("入力期限が近い、または過ぎた進捗報告と指標の実績値について、担当組織に督促メールを"
            "送ります（毎日実行）。未提出のまま進めると記録した報告は含めません。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days-before", type=int, default=3, help="期限の何日前から送るか")
        parser.add_argument("--dry-run", action="store_true", help="送らずに宛先だけ表示する")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_reminders(today=timezone.localdate(), days_before=options["days_before"],
                              dry_run=options["dry_run"])
        verb = "送信予定" if options["dry_run"] else "送信"
        for item in sent:
            kind = Reminder.Kind(item.kind).label
            figures = f"・指標の実績値{item.figures}件" if item.figures else ""
            self.stdout.write(f"{verb}：{item.cycle} {item.organization}（{kind}）"
                              f" 未提出{item.entries}件{figures} → {', '.join(item.recipients)}")
        if not sent:
            self.stdout.write("送る督促メールはありません。")
