"""`sasaeai import_indicators FILE --plan PLAN [--era 平成] [--dry-run] [--json]`: an indicator
table (tab-separated text as pasted from a PDF, CSV or xlsx) into a plan, all rows or none."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sasaeai.indicators import actions
from sasaeai.indicators.management.commands.judge_indicators import find_plan
from sasaeai.indicators.tables import MAX_TABLE_BYTES, TableError, parse_table, rows_from_file
from sasaeai.lib.spreadsheets import SpreadsheetError


def read_rows(path: str) -> list[list[str]]:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"ファイル「{path}」が見つかりません。")
    if file.stat().st_size > MAX_TABLE_BYTES:
        raise CommandError(f"ファイル「{path}」が大きすぎます（2MBまで）。")
    try:
        return rows_from_file(file.read_bytes(), file.name)
    except (SpreadsheetError, TableError) as exc:
        raise CommandError(str(exc)) from exc


class Command(BaseCommand):
    help = "指標の表（PDFから貼り付けたタブ区切りの文字、CSV、xlsx）を計画に取り込みます。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="表のファイル（.txt/.tsv はタブ区切り、.csv、.xlsx）")
        parser.add_argument("--plan", required=True, help="計画（例：082368/dai3ji）")
        parser.add_argument("--era", default="", choices=["", "平成", "令和"],
                            help="年号のない年（26年度など）の元号")
        parser.add_argument("--dry-run", action="store_true", help="読み取るだけで保存しない")
        parser.add_argument("--json", action="store_true", help="読み取った行をJSONで出力する")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = find_plan(options["plan"])
        table = parse_table(read_rows(options["file"]), era=options["era"])
        changes = actions.plan_changes(plan, table) if not table.errors else []
        if options["json"]:
            self.stdout.write(json.dumps({
                "plan": f"{plan.municipality.code}/{plan.slug}", "errors": table.errors,
                "notes": table.notes,
                "columns": [{"header": c.header, "role": c.role,
                             "year": c.year.start if c.year else None} for c in table.columns],
                "rows": [{**c.row.as_dict(), "action": c.action, "conflicts": c.conflicts,
                          "element_matched": c.element.heading if c.element else None}
                         for c in changes],
            }, ensure_ascii=False, indent=2))
        else:
            for note in table.notes:
                self.stdout.write(f"注意：{note}")
            for change in changes:
                problems = change.row.problems + change.conflicts
                self.stdout.write(f"{change.row.line}行目 {change.action} {change.row.name}"
                                  + (f"：{'／'.join(problems)}" if problems else ""))
        if table.errors:
            raise CommandError("".join(table.errors))
        blocked = [c for c in changes if c.blocked]
        if blocked:
            raise CommandError(f"エラーのある行が{len(blocked)}行あるため、何も取り込みませんでした。")
        if options["dry_run"]:
            if not options["json"]:
                self.stdout.write("--dry-run のため保存しません。")
            return
        try:
            saved = actions.import_indicator_table(by=None, plan=plan, table=table)
        except ValidationError as exc:
            raise CommandError("".join(exc.messages)) from exc
        created = sum(1 for c in saved if c.action == "新規")
        added = sum(1 for c in saved if c.action == "追加")
        if not options["json"]:
            self.stdout.write(f"指標{created}件を新しく登録し、{added}件に値を追加しました。")
