"""Audited writes on indicators."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from sasaeai.accounts.access import is_secretariat
from sasaeai.audit.actions import record, snapshot
from sasaeai.indicators.judgement import Category
from sasaeai.indicators.models import Indicator, JudgementOverride, JudgementRule


def plan_rule(indicator: Indicator) -> JudgementRule | None:
    return JudgementRule.objects.filter(plan_id=indicator.plan_id).first()


@transaction.atomic
def override_judgement(*, by: Any, indicator: Indicator, category: str, reason: str,
                       year: int | None = None) -> JudgementOverride:
    """Record the 事務局's judgement beside the computed one (which stays visible)."""
    plan = indicator.plan
    if not is_secretariat(by, plan.municipality):
        raise PermissionDenied("判定を修正できるのは事務局です。")
    if category not in Category.__members__.values():
        raise ValidationError({"category": "判定の区分を選んでください。"})
    if not reason.strip():
        raise ValidationError({"reason": "判定を修正する理由を入力してください。"})
    rule = plan_rule(indicator)
    computed = Indicator.objects.with_figures().get(pk=indicator.pk).judge(
        rule=rule.as_rule() if rule else None, year=year)
    override = JudgementOverride.objects.create(
        indicator=indicator, year=year, category=category,
        computed_category=computed.category, computed_sentence=computed.sentence,
        reason=reason.strip(), by=by, by_label=str(by),
    )
    record(by=by, action="indicators.judgement.override", obj=override,
           after=snapshot(override), municipality_code=plan.municipality.code,
           note=f"{computed.label} → {override.get_category_display()}")
    return override
