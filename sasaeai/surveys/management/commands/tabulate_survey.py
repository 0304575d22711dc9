"""`sasaeai tabulate_survey --round ROUND --question COLUMN --options 1,2 [--by COLUMN]
[--weight COLUMN] --json`: the share answering the options, overall and by group, with 95 %
Wilson intervals; groups below the round's minimum n are suppressed."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sasaeai.lib.values import ascii_int
from sasaeai.surveys.models import Question, SurveyRound
from sasaeai.surveys.results import WeightError, group_labels, tabulate_question


def find_round(text: str, municipality: str | None) -> SurveyRound:
    """ROUND is an id, or a name (with --municipality where two municipalities share it)."""
    rounds = SurveyRound.objects.select_related("municipality")
    if municipality:
        rounds = rounds.filter(municipality__code=municipality)
    pk = ascii_int(text)
    found = list(rounds.filter(pk=pk) if pk is not None else rounds.filter(name=text))
    if not found:
        raise CommandError(f"調査「{text}」が見つかりません。")
    if len(found) > 1:
        raise CommandError(f"調査「{text}」が複数の自治体にあります。--municipality で選んでください。")
    return found[0]


class Command(BaseCommand):
    help = "調査の設問を集計します（割合と95%信頼区間、少数の区分は秘匿）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", required=True, help="調査名または id")
        parser.add_argument("--municipality", help="地方公共団体コード（調査名が重なるとき）")
        parser.add_argument("--question", required=True, help="設問の列名")
        parser.add_argument("--options", required=True, help="該当とする選択肢のコード（例：1,2）")
        parser.add_argument("--by", help="内訳の属性の列名（例：地区）")
        parser.add_argument("--weight", default="", help="ウェイトの列名")
        parser.add_argument("--json", action="store_true", help="JSONで出力する")

    def handle(self, *args: Any, **options: Any) -> None:
        survey = find_round(options["round"], options.get("municipality"))
        questions = {q.column: q for q in survey.questions.prefetch_related("options")}
        question = questions.get(options["question"])
        if question is None or question.kind != Question.Kind.QUESTION:
            raise CommandError(f"「{survey}」に設問「{options['question']}」がありません。")
        codes = [c.strip() for c in options["options"].split(",") if c.strip()]
        known = {o.code for o in question.options.all()}
        unknown = [c for c in codes if c not in known]
        if not codes or unknown:
            raise CommandError(f"設問「{question.column}」に選択肢「{'、'.join(unknown)}」がありません"
                               f"（選択肢：{'、'.join(sorted(known))}）。" if unknown
                               else "--options に選択肢のコードを指定してください。")
        by = None
        if options.get("by"):
            by = questions.get(options["by"])
            if by is None or by.kind == Question.Kind.WEIGHT:
                raise CommandError(f"「{survey}」に属性「{options['by']}」がありません。")
        weight = options["weight"]
        if weight and weight != survey.weight_column and weight not in questions:
            raise CommandError(f"「{survey}」にウェイトの列「{weight}」がありません。")
        try:
            groups = tabulate_question(survey, question, codes, by=by, weighted=bool(weight),
                                       weight_column=weight)
        except WeightError as exc:
            raise CommandError(str(exc)) from exc
        labels = group_labels(by)
        rows: list[dict[str, Any]] = [
            {**g.as_dict(), "group": labels.get(g.group, g.group), "code": g.group}
            for g in groups]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            if row["suppressed"]:
                self.stdout.write(f"{row['group']}\t秘匿")
            else:
                self.stdout.write(f"{row['group']}\tn={row['n']}\t{row['share'] * 100:.1f}%"
                                  f"\t[{row['ci_low'] * 100:.1f}, {row['ci_high'] * 100:.1f}]")
