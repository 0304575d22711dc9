"""`sasaeai restore FILE`: a backup into an empty database, checked by row counts and hash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sasaeai.backup.backup import BackupError, restore


class Command(BaseCommand):
    help = "バックアップを空のデータベースに復元します。内容が一致しなければ何も残しません。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="バックアップファイル（.json）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"ファイル「{path}」が見つかりません。")
        try:
            counts = restore(json.loads(path.read_text(encoding="utf-8")))
        except (BackupError, json.JSONDecodeError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{sum(counts.values()):,}行を復元しました。行数とハッシュ値は一致しています。")
