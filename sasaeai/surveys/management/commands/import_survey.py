"""`sasaeai import_survey FILE --municipality CODE --round NAME --fy YEAR [--codebook FILE]
[--weight COLUMN] [--plan SLUG ...] [--dry-run]`: a survey's microdata, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sasaeai.lib.values import ascii_int
from sasaeai.lib.wareki import WarekiError, YearKind, parse_year
from sasaeai.plans.models import Plan
from sasaeai.surveys import actions
from sasaeai.surveys.microdata import MAX_UPLOAD_BYTES, parse_survey
from sasaeai.tenancy.models import Municipality


def read(path: str) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"ファイル「{path}」が見つかりません。")
    if file.stat().st_size > MAX_UPLOAD_BYTES:
        raise CommandError(f"ファイル「{path}」が大きすぎます（{MAX_UPLOAD_BYTES // 1024 // 1024}MBまで）。")
    return file.read_bytes()


def year_of(text: str) -> tuple[int, str]:
    try:
        year = parse_year(text) if ascii_int(text) is None else None
    except WarekiError as exc:
        raise CommandError(f"--fy「{text}」を年度として読み取れません（{exc}）。") from exc
    if year is None:
        return int(text), YearKind.FISCAL.value
    kind = year.kind if year.kind != YearKind.UNSPECIFIED else YearKind.FISCAL
    return year.start, str(kind)


class Command(BaseCommand):
    help = "市民アンケートの回答データ（1行に1人）を取り込みます。誤りがあれば何も取り込みません。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="回答データ（.csv または .xlsx）")
        parser.add_argument("--municipality", required=True, help="地方公共団体コード（6桁）")
        parser.add_argument("--round", required=True, help="調査名（例：令和5年度市民意識調査）")
        parser.add_argument("--fy", required=True, help="調査年度（2023 または 令和5年度）")
        parser.add_argument("--codebook", help="コードブック（.csv または .xlsx）")
        parser.add_argument("--weight", default="", help="ウェイトの列名")
        parser.add_argument("--plan", action="append", default=[],
                            help="この調査を使う計画のスラッグ（複数可）")
        parser.add_argument("--sample-size", type=int, help="配布数（標本数）")
        parser.add_argument("--min-n", type=int, default=10, help="集計を表示する最少の回答数")
        parser.add_argument("--dry-run", action="store_true", help="確認だけして取り込まない")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(code=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"地方公共団体コード「{options['municipality']}」の自治体がありません。")
        plans = []
        for slug in options["plan"]:
            plan = Plan.objects.filter(municipality=municipality, slug=slug).first()
            if plan is None:
                raise CommandError(f"{municipality.name}に計画「{slug}」がありません。")
            plans.append(plan)
        year, kind = year_of(options["fy"])
        codebook = options.get("codebook")
        parsed = parse_survey(read(options["file"]), options["file"],
                              codebook=read(codebook) if codebook else None,
                              codebook_name=codebook or "", weight_column=options["weight"])
        for warning in parsed.warnings:
            self.stderr.write(f"注意：{warning}")
        if parsed.has_errors:
            for error in parsed.errors:
                self.stderr.write(error)
            raise CommandError(f"誤りが{len(parsed.errors)}件あるため、何も取り込みませんでした。")
        self.stdout.write(f"回答者{len(parsed.respondents):,}人、{len(parsed.columns)}列を読み取りました。")
        if options["dry_run"]:
            self.stdout.write("--dry-run のため取り込みません。")
            return
        info = actions.RoundInfo(name=options["round"], year=year, year_kind=kind,
                                 sample_size=options.get("sample_size"),
                                 min_group_n=options["min_n"])
        try:
            survey = actions.import_round(by=None, municipality=municipality, info=info,
                                          parsed=parsed, plans=plans,
                                          filename=Path(options["file"]).name,
                                          codebook_filename=Path(codebook).name if codebook else "")
        except ValidationError as exc:
            raise CommandError("".join(exc.messages)) from exc
        self.stdout.write(f"「{survey.name}」（id {survey.pk}）を取り込みました。")
