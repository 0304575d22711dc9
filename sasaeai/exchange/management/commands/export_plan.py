"""`sasaeai export_plan PLAN --format xlsx|json [--public] [--output FILE]`: a whole plan as one
file: the plan workbook (Excel) or the plan file (JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sasaeai.exchange.planjson import export_plan
from sasaeai.exchange.workbook import build_plan_workbook
from sasaeai.indicators.management.commands.judge_indicators import find_plan


class Command(BaseCommand):
    help = "計画をひとつのファイル（ささえあいの計画ファイル、JSON）に書き出します。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", help="計画（例：082368/dai3ji）")
        parser.add_argument("--format", default="json", choices=["json", "xlsx"],
                            help="形式（json：ささえあいの計画ファイル、xlsx：計画のワークブック）")
        parser.add_argument("--public", action="store_true",
                            help="公開している内容だけ（公開した評価サイクルのみ、差戻し理由や委員名なし）")
        parser.add_argument("--output", help="書き出すファイル（省略すると標準出力）")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = find_plan(options["plan"])
        if options["public"] and plan.status != plan.Status.PUBLISHED:
            raise CommandError(f"「{plan.title}」は公開されていません。")
        if options["format"] == "xlsx":
            if not options["output"]:
                raise CommandError("xlsx は --output で書き出すファイルを指定してください。")
            data = build_plan_workbook(export_plan(plan, public=options["public"], cycles=False))
            Path(options["output"]).write_bytes(data)
            self.stdout.write(f"「{plan.title}」のワークブックを {options['output']} に書き出しました。")
            return
        text = json.dumps(export_plan(plan, public=options["public"]), ensure_ascii=False,
                          indent=2) + "\n"
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"「{plan.title}」を {options['output']} に書き出しました。")
        else:
            self.stdout.write(text, ending="")
