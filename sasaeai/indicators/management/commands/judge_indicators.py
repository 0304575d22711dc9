"""`sasaeai judge_indicators --plan PLAN [--fy YEAR] [--json]`: every indicator of a plan judged."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sasaeai.indicators.models import Indicator, JudgementRule, Observation, Target
from sasaeai.lib.values import ascii_int
from sasaeai.plans.models import Plan


def figure(point: Observation | Target | None) -> dict[str, Any] | None:
    if point is None:
        return None
    data: dict[str, Any] = {
        "value": float(point.value) if point.value is not None else None,
        "year": point.year, "year_kind": point.year_kind, "year_label": point.year_label,
        "verbatim": point.verbatim,
    }
    if isinstance(point, Observation):
        data.update(status=point.status, year_end=point.year_end,
                    margin=float(point.margin) if point.margin is not None else None)
    else:
        data.update(kind=point.kind)
    return data


def find_plan(text: str) -> Plan:
    """PLAN is `<地方公共団体コード>/<slug>` (as in the URL) or a plan's id."""
    plans = Plan.objects.select_related("municipality")
    if "/" in text:
        code, _, slug = text.partition("/")
        found = plans.filter(municipality__code=code, slug=slug).first()
    else:
        found = plans.filter(pk=pk).first() if (pk := ascii_int(text)) is not None else None
    if found is None:
        raise CommandError(f"計画「{text}」が見つかりません（例：082368/dai3ji）。")
    return found


class Command(BaseCommand):
    help = "計画のすべての成果指標を判定し、判定とその理由を表示します。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True, help="自治体コード/URL名（例：082368/dai3ji）")
        parser.add_argument("--fy", type=int, help="この年（度）の値で判定する")
        parser.add_argument("--json", action="store_true", help="JSONで出力する")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = find_plan(options["plan"])
        rule = JudgementRule.objects.rule_for(plan)
        year = options["fy"]
        rows = []
        for indicator in Indicator.objects.for_plan(plan).with_figures():
            result = indicator.judge(rule=rule, year=year)
            latest = indicator.actual_in(year) if year else indicator.latest()
            rows.append({
                "name": indicator.name, "unit": indicator.unit,
                "baseline": figure(indicator.baseline()), "latest": figure(latest),
                "target": figure(indicator.final_target()),
                "judgement": result.category.value, "label": result.label,
                "sentence": result.sentence,
            })
        if options["json"]:
            self.stdout.write(json.dumps({"plan": plan.title, "fy": year, "indicators": rows},
                                         ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(f"【{row['label']}】{row['name']}\n  {row['sentence']}")


