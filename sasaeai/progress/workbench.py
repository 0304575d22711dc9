"""A department's year on one page (わたしの作業): every unit it reports on in the open cycles and
every indicator figure it keeps, each as a card it edits in place, with what it needs at hand:
last year's confirmed text beside each field, what changed since, the unit's own text (its
description and what each actor does) and its indicators with their latest value and judgement.

What was handed in stays on the page with its state (提出済, 確認済), and a returned report
shows the 事務局's reason. The page is built here, the views (views_tasks) only render it.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import prefetch_related_objects
from django.utils import timezone

from sasaeai.accounts.access import duties_of
from sasaeai.indicators.models import Indicator
from sasaeai.plans.models import ActorStatement
from sasaeai.progress.forms import EntryForm, FigureForm
from sasaeai.progress.models import Cycle, Entry, FigureRequest
from sasaeai.progress.summaries import Figure, judged_figures, unit_figures

S = Cycle.Status
# The fields written as text, each shown beside last year's confirmed text.
TEXT_FIELDS = ("results", "progress", "issues", "direction_text")


def entry_initial(entry: Entry) -> dict[str, Any]:
    return {**entry.content(), "version": entry.version,
            "self_rating": entry.self_rating_verbatim or entry.self_rating,
            "results_value": entry.results_value}


def entry_form(entry: Entry, data: Any = None) -> EntryForm:
    """The report's form on the one page: its fields named apart from the other cards', its
    自己評価 a choice of the cycle's scale (none without one)."""
    return EntryForm(data, initial=None if data is not None else entry_initial(entry),
                     prefix=f"e{entry.pk}", scale=entry.cycle.rating_scale,
                     kept=entry.self_rating_verbatim)


def figure_form(figure: FigureRequest, data: Any = None) -> FigureForm:
    initial = None if data is not None else {
        "version": figure.version, "verbatim": figure.verbatim,
        "year": figure.year or figure.cycle.fiscal_year or "",
        "figure_status": figure.figure_status if figure.verbatim else "", "note": figure.note}
    return FigureForm(data, initial=initial, prefix=f"f{figure.pk}")


def diff_segments(before: str, after: str) -> list[tuple[str, str]]:
    """("same" | "added" | "removed", text) pieces from last year's text to this year's."""
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    segments: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("same", before[a1:a2]))
        if op in {"delete", "replace"}:
            segments.append(("removed", before[a1:a2]))
        if op in {"insert", "replace"}:
            segments.append(("added", after[b1:b2]))
    return segments


@dataclass
class Previous:
    """Last year's confirmed text of one field, and how this year's differs from it."""

    name: str
    text: str
    segments: list[tuple[str, str]]

    @property
    def same(self) -> bool:
        return all(kind == "same" for kind, _ in self.segments)


def previous_texts(entry: Entry, form: EntryForm | None = None) -> dict[str, Previous]:
    """Each text field of last year's confirmed report (the one the cycle copied from), with
    the changes since: against what the form holds when it is being written."""
    old = entry.prefilled_from
    if old is None:
        return {}
    found = {}
    for name in TEXT_FIELDS:
        before = getattr(old, name) or ""
        if form is not None and form.is_bound:
            after = str(form.data.get(form.add_prefix(name), ""))
        else:
            after = getattr(entry, name) or ""
        if before:
            found[name] = Previous(name, before, diff_segments(before, after))
    return found


@dataclass
class UnitCard:
    entry: Entry
    form: EntryForm | None
    previous: dict[str, Previous]
    statements: list[ActorStatement]
    indicators: list[Figure]

    @property
    def fields(self) -> list[tuple[Any, Previous | None]]:
        """The form's fields, each with last year's text when there is one."""
        assert self.form is not None  # noqa: S101  (only editable cards list their fields)
        return [(self.form[name], self.previous.get(name)) for name in self.form.fields
                if name != "version"]


@dataclass
class FigureCard:
    figure: FigureRequest
    form: FigureForm | None
    indicator: Indicator

    @property
    def latest(self) -> Any:
        return self.indicator.latest()

    @property
    def target(self) -> Any:
        return self.indicator.final_target()


@dataclass
class Desk:
    """One open cycle as one organisation's staff member sees it."""

    cycle: Cycle
    units: list[UnitCard] = field(default_factory=list)
    figures: list[FigureCard] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return bool(self.cycle.entries_due and self.cycle.entries_due < timezone.localdate())

    @property
    def writable(self) -> int:
        return (sum(1 for u in self.units if u.form is not None)
                + sum(1 for f in self.figures if f.form is not None))

    @property
    def handed_in(self) -> int:
        return (sum(1 for u in self.units if u.entry.is_handed_in)
                + sum(1 for f in self.figures if f.figure.is_handed_in))

    @property
    def total(self) -> int:
        return len(self.units) + len(self.figures)


def _statements_by_subject(cycle: Cycle, entries: list[Entry]
                           ) -> dict[tuple[str, int], list[ActorStatement]]:
    initiative_ids = {e.initiative_id for e in entries if e.initiative_id}
    element_ids = {e.element_id for e in entries if e.element_id}
    found: dict[tuple[str, int], list[ActorStatement]] = defaultdict(list)
    for statement in (ActorStatement.objects.filter(plan_id=cycle.plan_id)
                      .filter(initiative_id__in=initiative_ids)
                      .select_related("actor").order_by("actor__order", "order", "id")):
        found["initiative", statement.initiative_id or 0].append(statement)
    for statement in (ActorStatement.objects.filter(plan_id=cycle.plan_id,
                                                    element_id__in=element_ids)
                      .select_related("actor").order_by("actor__order", "order", "id")):
        found["element", statement.element_id or 0].append(statement)
    return found


def subject_figures(entry: Entry, by_initiative: dict[int, list[Figure]],
                    by_element: dict[int, list[Figure]], goals: dict[int | None, Any]
                    ) -> list[Figure]:
    """A unit's indicators: an initiative's own and its element's; an element's own; and the
    indicators of the 基本目標 it belongs to (小美玉市 measures its goals, reports on 施策の方向)."""
    element_id = entry.initiative.element_id if entry.initiative is not None else entry.element_id
    found = list(by_initiative.get(entry.initiative.pk, [])) if entry.initiative else []
    found += [f for f in by_element.get(element_id or 0, []) if f not in found
              and (entry.initiative is None or f.indicator.initiative_id in (None,
                                                                             entry.initiative.pk))]
    goal = goals.get(element_id)
    if goal is not None and goal.pk != element_id:
        found += [f for f in by_element.get(goal.pk, [])
                  if f not in found and f.indicator.initiative_id is None]
    return found


def desks_for(user: Any, *, bound: dict[str, Any] | None = None) -> list[Desk]:
    """The open cycles the user reports in, each with its cards. `bound` holds the one form
    sent without JavaScript that came back with errors ("e12" or "f3"), to show in place."""
    bound = bound or {}
    duties = duties_of(user)
    if not duties.reporting_for:
        return []
    entries = list(
        Entry.objects.filter(organization_id__in=duties.reporting_for,
                             cycle__status=S.COLLECTING)
        .select_related("cycle__plan__municipality", "cycle__rating_scale", "organization",
                        "prefilled_from").with_units()
        .order_by("cycle__entries_due", "cycle_id", "initiative__element__order",
                  "initiative__order", "element__order", "organization__order"))
    figures = list(
        FigureRequest.objects.filter(organization_id__in=duties.reporting_for,
                                     cycle__status=S.COLLECTING)
        .select_related("cycle__plan__municipality", "indicator", "organization")
        .order_by("cycle__entries_due", "cycle_id", "indicator__order", "indicator_id"))
    desks: dict[int, Desk] = {}
    for cycle in [e.cycle for e in entries] + [f.cycle for f in figures]:
        desks.setdefault(cycle.pk, Desk(cycle))
    for desk in desks.values():
        cycle = desk.cycle
        if cycle.rating_scale is not None:  # its grades once, for every card's 自己評価
            prefetch_related_objects([cycle.rating_scale], "levels")
        mine = [e for e in entries if e.cycle_id == cycle.pk]
        judged = {f.indicator.pk: f for f in judged_figures(cycle)}
        by_initiative, by_element = unit_figures(list(judged.values()))
        statements = _statements_by_subject(cycle, mine)
        goals = cycle.plan.top_goals()
        for entry in mine:
            entry.cycle = cycle
            form = bound.get(f"e{entry.pk}") if entry.is_editable else None
            if form is None and entry.is_editable:
                form = entry_form(entry)
            key = ("initiative", entry.initiative_id) if entry.initiative_id else (
                "element", entry.element_id)
            desk.units.append(UnitCard(entry, form, previous_texts(entry, form),
                                       statements.get(key, []),  # type: ignore[arg-type]
                                       subject_figures(entry, by_initiative, by_element, goals)))
        for figure in (f for f in figures if f.cycle_id == cycle.pk):
            figure.cycle = cycle
            form = bound.get(f"f{figure.pk}") if figure.is_editable else None
            if form is None and figure.is_editable:
                form = figure_form(figure)
            indicator = judged[figure.indicator_id].indicator if figure.indicator_id in judged \
                else figure.indicator
            desk.figures.append(FigureCard(figure, form, indicator))
    return list(desks.values())
