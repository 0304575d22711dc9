"""What a cycle's year and dates may be, at creation and when the 事務局 edits them. Each refusal
names its field, so a form shows it beside the field."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from sasaeai.lib.wareki import format_fy


def current_fiscal_year(day: date) -> int:
    """Japanese fiscal years start in April: 2025-03-31 is still 令和6年度 (2024)."""
    return day.year if day.month >= 4 else day.year - 1


def check_cycle(
    *, plan: Any, fiscal_year: int | None, entries_due: date | None,
    committee_meeting: date | None, creating: bool, old_due: date | None = None,
) -> None:
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if fiscal_year is not None:
        if plan.start_fy and plan.end_fy:
            low, high = plan.start_fy - 1, plan.end_fy + 1
            span = f"計画期間（{format_fy(plan.start_fy)}〜{format_fy(plan.end_fy)}）の前後1年"
        else:  # no period printed: any past year, or the next one (never 令和81年度)
            low, high = 1990, current_fiscal_year(today) + 1
            span = "これまでの年度か来年度"
        if not low <= fiscal_year <= high:
            errors["fiscal_year"] = [
                f"{format_fy(fiscal_year)}は評価の対象にできません。{span}"
                f"（{format_fy(low)}〜{format_fy(high)}）を入力してください。"]
    # A due date already past is refused when it is set, not when an old one is kept on edit.
    if entries_due is not None and entries_due < today and (creating or entries_due != old_due):
        errors["entries_due"] = ["入力期限が過ぎた日付です。今日以降の日付を入力してください。"]
    if entries_due and committee_meeting and committee_meeting <= entries_due:
        errors["committee_meeting"] = [
            "委員会の開催日は入力期限より後の日付にしてください（報告を取りまとめてから審議します）。"]
    if errors:
        raise ValidationError(errors)
