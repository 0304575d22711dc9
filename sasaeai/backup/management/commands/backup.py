"""`sasaeai backup [--municipality CODE] --output FILE`: everything, or one municipality."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sasaeai.backup.backup import make_backup
from sasaeai.tenancy.models import Municipality


class Command(BaseCommand):
    help = "データをバックアップします（全体、または1つの自治体）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", help="地方公共団体コード（省略すると全体）")
        parser.add_argument("--output", required=True, help="書き出すファイル（.json）")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = None
        if options.get("municipality"):
            municipality = Municipality.objects.filter(code=options["municipality"]).first()
            if municipality is None:
                raise CommandError(f"地方公共団体コード「{options['municipality']}」の自治体がありません。")
        backup = make_backup(municipality)
        Path(options["output"]).write_text(json.dumps(backup, ensure_ascii=False), encoding="utf-8")
        total = sum(backup["counts"].values())
        self.stdout.write(f"{total:,}行をバックアップしました（{backup['scope']}、ハッシュ値 {backup['hash'][:12]}…）。")
