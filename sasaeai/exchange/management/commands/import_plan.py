"""`sasaeai import_plan FILE --municipality CODE [--slug SLUG] [--title TITLE] [--dry-run]`:
a plan workbook (.xlsx) or plan file (.json) as a new plan, everything or nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sasaeai.exchange.planimport import TOO_DEEP, PlanImportError, import_plan
from sasaeai.exchange.workbook import MAX_UPLOAD_BYTES, parse_plan_workbook
from sasaeai.lib.spreadsheets import SpreadsheetError, decode_text
from sasaeai.tenancy.models import Municipality

MAX_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = "ささえあいの計画ファイル（JSON）を新しい計画として取り込みます。誤りがあれば何も登録しません。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="計画のワークブック（.xlsx）または計画ファイル（.json）")
        parser.add_argument("--municipality", required=True, help="地方公共団体コード（6桁）")
        parser.add_argument("--slug", default="", help="新しい計画のURL名（省略するとファイルのとおり）")
        parser.add_argument("--title", default="", help="新しい計画の名称（省略するとファイルのとおり）")
        parser.add_argument("--dry-run", action="store_true", help="確かめるだけで登録しない")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(code=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"地方公共団体コード「{options['municipality']}」の自治体がありません。"
                               f"先に `sasaeai create_municipality {options['municipality']}` で作成してください。")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"ファイル「{path}」が見つかりません。")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError("ファイルが大きすぎます（50MBまで）。")
        data = path.read_bytes()
        if path.suffix.lower() == ".xlsx" or data.startswith(b"PK\x03\x04"):
            if len(data) > MAX_UPLOAD_BYTES:
                raise CommandError("ワークブックが大きすぎます（5MBまで）。")
            read = parse_plan_workbook(data, municipality={
                "code": municipality.code, "name": municipality.name,
                "prefecture": municipality.prefecture})
            for error in read.errors:
                self.stderr.write(error)
            if read.doc is None:
                raise CommandError(f"誤りが{len(read.errors)}件あるため、何も登録しませんでした。")
            doc = read.doc
        else:
            try:
                doc = json.loads(decode_text(data))
            except (SpreadsheetError, json.JSONDecodeError) as exc:
                raise CommandError(f"JSONとして読めません（{exc}）。") from exc
            except RecursionError as exc:
                raise CommandError(TOO_DEEP) from exc
        try:
            result = import_plan(by=None, municipality=municipality, doc=doc,
                                 slug=options["slug"], title=options["title"],
                                 dry_run=options["dry_run"])
        except PlanImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"誤りが{len(exc.errors)}件あるため、何も登録しませんでした。") from exc
        assert result is not None  # noqa: S101
        counts = "、".join(f"{k} {v}" for k, v in result.counts.items())
        state = "確認しました（--dry-run のため登録していません）" if options["dry_run"] else "登録しました"
        self.stdout.write(f"「{result.plan.title}」（{result.plan.slug}）を{state}：{counts}")
        for created in result.created:
            self.stdout.write(f"  新しく作成：{created}")
