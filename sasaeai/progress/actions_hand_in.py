"""Several reports and figures at once: handed in from the one page (わたしの作業), or accepted
by the 事務局 from the cycle page's checklist. All or none: each one goes through the same
audited action as when done alone (its permission and state checked again on the locked row);
one refusal keeps every other as it was and says which."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from sasaeai.progress import actions, actions_figures
from sasaeai.progress.models import Cycle, Entry, FigureRequest


@transaction.atomic
def hand_in_many(*, by: Any, cycle: Cycle, entry_ids: list[int], figure_ids: list[int]
                 ) -> tuple[list[Entry], list[FigureRequest]]:
    """Submit the chosen reports and figures of this cycle as they were last saved."""
    if not entry_ids and not figure_ids:
        raise ValidationError("提出する報告・実績値を選んでください。")
    entries, figures = _chosen(cycle, entry_ids, figure_ids)
    problems: list[str] = []
    done_entries, done_figures = [], []
    for entry in entries:
        try:
            done_entries.append(actions.submit_entry(by=by, entry=entry, expected_version=None))
        except (ValidationError, PermissionDenied, actions.EntryConflict) as exc:
            problems.append(f"{entry}：{_reason(exc)}")
    for figure in figures:
        try:
            done_figures.append(actions_figures.submit_figure(by=by, figure=figure,
                                                              expected_version=None))
        except (ValidationError, PermissionDenied, actions_figures.FigureConflict) as exc:
            problems.append(f"{figure.indicator.name}：{_reason(exc)}")
    if problems:
        # Nothing handed in: the page shows which ones stopped it and why.
        raise ValidationError(problems)
    return done_entries, done_figures


@transaction.atomic
def accept_many(*, by: Any, cycle: Cycle, entry_ids: list[int], figure_ids: list[int]
                ) -> tuple[list[Entry], list[FigureRequest]]:
    """確認済 for the chosen reports and figures handed in to this cycle."""
    if not entry_ids and not figure_ids:
        raise ValidationError("確認済にする報告・実績値を選んでください。")
    entries, figures = _chosen(cycle, entry_ids, figure_ids)
    problems: list[str] = []
    done_entries, done_figures = [], []
    for entry in entries:
        try:
            done_entries.append(actions.accept_entry(by=by, entry=entry,
                                                     expected_version=entry.version))
        except (ValidationError, PermissionDenied, actions.EntryConflict) as exc:
            problems.append(f"{entry}：{_reason(exc)}")
    for figure in figures:
        try:
            done_figures.append(actions_figures.accept_figure(
                by=by, figure=figure, expected_version=figure.version))
        except (ValidationError, PermissionDenied, actions_figures.FigureConflict) as exc:
            problems.append(f"{figure.indicator.name}：{_reason(exc)}")
    if problems:
        raise ValidationError(problems)
    return done_entries, done_figures


def _chosen(cycle: Cycle, entry_ids: list[int], figure_ids: list[int]
            ) -> tuple[list[Entry], list[FigureRequest]]:
    # Locked in the order every action takes (the cycle, then its rows), and read as they are
    # now: a draft saved a moment before (as one types) is what is handed in, not a conflict.
    Cycle.objects.select_for_update().filter(pk=cycle.pk).first()
    entries = list(Entry.objects.filter(cycle=cycle, pk__in=entry_ids)
                   .select_related("organization").with_units().order_by("pk")
                   .select_for_update(of=("self",)))
    figures = list(FigureRequest.objects.filter(cycle=cycle, pk__in=figure_ids)
                   .select_related("indicator", "organization").order_by("pk")
                   .select_for_update(of=("self",)))
    if len(entries) != len(set(entry_ids)) or len(figures) != len(set(figure_ids)):
        raise ValidationError("この評価サイクルにない報告・実績値が選ばれています。"
                              "ページを読み込み直してください。")
    for entry in entries:
        entry.cycle = cycle
    for figure in figures:
        figure.cycle = cycle
    return entries, figures


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "".join(exc.messages)
    if isinstance(exc, actions.EntryConflict | actions_figures.FigureConflict):
        return "他の人が先に更新しました。ページを読み込み直してください。"
    return str(exc) or "提出できません。"
