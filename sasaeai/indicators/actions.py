"""Audited writes on indicators."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from sasaeai.accounts.access import Standing
from sasaeai.audit.actions import event, record, record_all, snapshot
from sasaeai.indicators.judgement import Category
from sasaeai.indicators.models import (
    Indicator,
    JudgementOverride,
    JudgementRule,
    Observation,
    Target,
)
from sasaeai.indicators.tables import (
    BASELINE,
    ROLE_LABELS,
    TARGET,
    Figure,
    Row,
    Table,
    fold,
)
from sasaeai.lib.values import TargetKind
from sasaeai.lib.wareki import Year
from sasaeai.plans.models import Plan, PlanElement
from sasaeai.tenancy.models import Organization


@transaction.atomic
def override_judgement(*, by: Any, indicator: Indicator, category: str, reason: str,
                       year: int | None = None) -> JudgementOverride:
    """Record the 事務局's judgement beside the computed one (which stays visible)."""
    plan = indicator.plan
    if not Standing.of(by, plan).can_override_judgement(indicator):
        raise PermissionDenied("判定を修正できるのは事務局です。")
    if category not in Category.__members__.values():
        raise ValidationError({"category": "判定の区分を選んでください。"})
    if not reason.strip():
        raise ValidationError({"reason": "判定を修正する理由を入力してください。"})
    computed = Indicator.objects.with_figures().get(pk=indicator.pk).judge(
        rule=JudgementRule.objects.rule_for(plan), year=year)
    override = JudgementOverride.objects.create(
        indicator=indicator, year=year, category=category,
        computed_category=computed.category, computed_sentence=computed.sentence,
        reason=reason.strip(), by=by, by_label=str(by),
    )
    record(by=by, action="indicators.judgement.override", obj=override,
           after=snapshot(override), municipality_code=plan.municipality.code,
           note=f"{computed.label} → {override.get_category_display()}")
    return override


# Pasted indicator tables --------------------------------------------------------------------

@dataclass
class RowChange:
    """What saving one table row would do to the plan."""

    row: Row
    action: str  # 新規 / 追加 / 変更なし / エラー
    indicator: Indicator | None = None
    element: PlanElement | None = None
    adds: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return bool(self.row.problems or self.conflicts)


def _element_for(text: str, elements: list[PlanElement]) -> PlanElement | None:
    """The element a table's 基本目標 cell names: by its title, else by its leading number."""
    if not text or text == "計画全体":
        return None
    folded = fold(text)
    titled = [e for e in elements if e.title and fold(e.title) in folded]
    if titled:
        return max(titled, key=lambda e: len(e.title))
    lead = re.match(r"[(（]?([0-9０-９]+|[①-⑳])", unicodedata.normalize("NFKC", text).strip())
    if lead:
        tops = [e for e in elements if e.parent_id is None
                and fold(e.number_label).strip("().（）") == fold(lead.group(1))]
        if len(tops) == 1:
            return tops[0]
    return None


def _same_year(a: Any, year: Year | None) -> bool:
    return (a.year, a.year_end if hasattr(a, "year_end") else None) == (
        (year.start, year.end) if year else (None, None))


def plan_changes(plan: Plan, table: Table) -> list[RowChange]:
    """Compare the table with the plan: what is new, what is already there, what contradicts."""
    existing = {i.name: i for i in Indicator.objects.for_plan(plan).with_figures()}
    elements = list(plan.elements.all())
    changes = []
    for row in table.rows:
        change = RowChange(row=row, action="エラー" if row.problems else "新規")
        change.element = _element_for(row.element, elements)
        if row.element and change.element is None and row.element != "計画全体":
            change.notes.append(f"「{row.element[:30]}」に当たる計画の項目が見つからないため、計画全体の指標とします。")
        indicator = existing.get(row.name)
        change.indicator = indicator
        for figure in row.figures():
            cell, label = figure.cell, f"{ROLE_LABELS[figure.role]}「{figure.cell.verbatim}」"
            if indicator is None:
                change.adds.append(label)
                continue
            same: list[Target] | list[Observation]
            if figure.role == TARGET:
                same = [t for t in indicator.targets.all() if _same_year(t, cell.year)]
            else:
                role = "baseline" if figure.role == BASELINE else "actual"
                same = [o for o in indicator.observations.all()
                        if o.role == role and _same_year(o, cell.year)]
            if not same:
                change.adds.append(label)
            elif same[0].verbatim.strip() != cell.verbatim.strip():
                change.conflicts.append(f"{label}が、登録済みの「{same[0].verbatim}」と違います。"
                                        "登録済みの値は上書きしません。")
        if indicator is not None and not row.problems:
            change.action = ("エラー" if change.conflicts else "追加" if change.adds
                             else "変更なし")
            for name, value in (("unit", row.unit), ("source_text", row.source)):
                current = getattr(indicator, name)
                if value and current and fold(current) != fold(value):
                    label = "単位" if name == "unit" else "出典"
                    change.notes.append(f"{label}「{value}」は登録済みの「{current}」と違います（登録済みのままにします）。")
        changes.append(change)
    return changes


def changes_digest(changes: list[RowChange]) -> str:
    text = repr([(c.row.as_dict(), c.action, c.adds, c.conflicts,
                  c.indicator.pk if c.indicator else None) for c in changes])
    return hashlib.sha256(text.encode()).hexdigest()


def _observation(indicator: Indicator, figure: Figure) -> Observation:
    cell = figure.cell
    return Observation(
        indicator=indicator, role="baseline" if figure.role == BASELINE else "actual",
        value=cell.value, verbatim=cell.verbatim[:200], status=cell.status.value,
        note=cell.note[:300], year=cell.year.start if cell.year else None,
        year_end=cell.year.end if cell.year else None,
        year_kind=cell.year.kind.value if cell.year else "fiscal")


def _target(indicator: Indicator, figure: Figure) -> Target:
    cell = figure.cell
    kind = cell.target_kind or TargetKind.VALUE
    numeric = kind in (TargetKind.VALUE, TargetKind.AT_LEAST, TargetKind.AT_MOST,
                       TargetKind.MAINTAIN)
    return Target(indicator=indicator, kind=kind.value, value=cell.value if numeric else None,
                  verbatim=cell.verbatim[:200], year=cell.year.start if cell.year else None,
                  year_kind=cell.year.kind.value if cell.year else "fiscal")


class TableChanged(Exception):
    """The plan changed between the preview and the confirmation."""


@transaction.atomic
def import_indicator_table(*, by: Any, plan: Plan, table: Table, expected_digest: str | None = None
                           ) -> list[RowChange]:
    """Save every row of a table, or none: new indicators with their figures, and figures an
    existing indicator does not have yet. Never overwrites a figure already registered."""
    if not Standing.of(by, plan).can_import_indicators(plan):
        raise PermissionDenied("指標の表を取り込めるのは事務局です。")
    Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one import at a time per plan
    if table.errors:
        raise ValidationError(table.errors)
    changes = plan_changes(plan, table)
    if expected_digest is not None and changes_digest(changes) != expected_digest:
        raise TableChanged
    blocked = [c for c in changes if c.blocked]
    if blocked:
        raise ValidationError(f"エラーのある行が{len(blocked)}行あるため、何も取り込みませんでした。")
    order = (Indicator.objects.for_plan(plan).aggregate(m=models.Max("order"))["m"] or 0)
    # Checked in Python row by row, saved in a few statements (500 rows: ~19,000 queries one by
    # one, a dozen this way); the database's own constraints still hold inside the transaction.
    code = plan.municipality.code
    new_indicators: list[tuple[RowChange, Indicator]] = []
    for change in changes:
        row = change.row
        if change.indicator is None:
            order += 1
            indicator = Indicator(
                plan=plan, element=change.element, name=row.name, unit=row.unit[:20],
                polarity=row.polarity, polarity_inferred=True, source_kind=row.source_kind,
                source_text=row.source[:200], rationale=row.rationale, order=order,
                aggregation=Indicator.Aggregation.POINT if row.source_kind == "survey"
                else Indicator.Aggregation.FISCAL)
            # The plan and its element are rows already read: no query to check they exist.
            indicator.full_clean(exclude=["plan", "element"], validate_unique=False,
                                 validate_constraints=False)
            new_indicators.append((change, indicator))
    Indicator.objects.bulk_create([i for _, i in new_indicators], batch_size=500)
    events = []
    for change, indicator in new_indicators:
        change.indicator = indicator
        events.append(event(by=by, action="indicators.indicator.import", obj=indicator,
                            after=snapshot(indicator), municipality_code=code,
                            note=f"表の{change.row.line}行目から登録しました。"))
    figures: list[tuple[RowChange, Any, Observation | Target]] = []
    for change in changes:
        if not change.adds:
            continue
        known = set(change.adds)
        target_of = change.indicator
        if target_of is None:  # every new row was given its indicator above
            continue
        for figure in change.row.figures():
            label = f"{ROLE_LABELS[figure.role]}「{figure.cell.verbatim}」"
            if label not in known:
                continue
            item = _target(target_of, figure) if figure.role == TARGET else _observation(
                target_of, figure)
            item.full_clean(exclude=["indicator"], validate_unique=False,
                            validate_constraints=False)
            figures.append((change, figure, item))
    Observation.objects.bulk_create([i for _, _, i in figures if isinstance(i, Observation)],
                                    batch_size=500)
    Target.objects.bulk_create([i for _, _, i in figures if isinstance(i, Target)],
                               batch_size=500)
    for change, figure, item in figures:
        events.append(event(
            by=by, action="indicators.figure.import", obj=item, after=snapshot(item),
            municipality_code=code,
            note=f"{item.indicator.name}：表の{change.row.line}行目「{figure.header}」から登録しました。"))
    record_all(events)
    return changes


@transaction.atomic
def add_actual_observation(*, by: Any, indicator: Indicator, year: int | None,
                           value: Any, verbatim: str, status: str, note: str = "",
                           reason: str = "") -> Observation:
    """Register a year's 実績値 (a figure reported in a cycle): never over one already there."""
    if not Standing.of(by, indicator.plan).can_import_indicators(indicator.plan):
        raise PermissionDenied("実績値を登録できるのは事務局です。")
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
    if Observation.objects.filter(indicator=indicator, role=Observation.Role.ACTUAL,
                                  year=year, year_end=None).exists():
        raise ValidationError("この年度の実績値は既に登録されています。")
    observation = Observation(
        indicator=indicator, role=Observation.Role.ACTUAL, year=year,
        year_kind="fiscal", value=value, verbatim=verbatim[:200], status=status,
        note=note[:300])
    observation.full_clean(exclude=["indicator"])
    observation.save()
    record(by=by, action="indicators.figure.add", obj=observation, after=snapshot(observation),
           municipality_code=indicator.plan.municipality.code,
           note=f"{indicator.name}：{reason}" if reason else indicator.name)
    return observation


@transaction.atomic
def replace_actual_observation(*, by: Any, observation: Observation, value: Any, verbatim: str,
                               status: str, note: str = "", reason: str) -> Observation:
    """Put another figure in place of a registered 実績値, for a reason: the one change to a
    registered figure (a cycle's reported figure chosen over it). The audit event keeps the old
    figure (before) beside the new one (after); the judgement is computed from the observations,
    so it follows by itself."""
    indicator = observation.indicator
    if not Standing.of(by, indicator.plan).can_replace_observation(observation):
        raise PermissionDenied("登録済の実績値を置き換えられるのは事務局です。")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "実績値を置き換える理由を入力してください。"})
    current = Observation.objects.select_for_update().get(pk=observation.pk)
    if current.role != Observation.Role.ACTUAL:
        raise ValidationError("置き換えられるのは実績値だけです（基準値は置き換えません）。")
    before = snapshot(current)
    current.value = value
    current.verbatim = verbatim[:200]
    current.status = status
    current.note = note[:300]
    current.full_clean(exclude=["indicator"])
    current.save(update_fields=["value", "verbatim", "status", "note"])
    record(by=by, action="indicators.figure.replace", obj=current, before=before,
           after=snapshot(current), municipality_code=indicator.plan.municipality.code,
           note=f"{indicator.name}：「{before.get('verbatim', '')}」→「{current.verbatim}」。{reason}")
    return current


@transaction.atomic
def set_reporting_organization(*, by: Any, indicator: Indicator,
                               organization: Organization | None) -> Indicator:
    """Name the organisation a cycle asks for this indicator's figure (none: not asked)."""
    plan = indicator.plan
    if not Standing.of(by, plan).can_assign_indicator_reporter(indicator):
        raise PermissionDenied("実績を報告する組織を決められるのは事務局です。")
    if organization is not None and organization.municipality_id != plan.municipality_id:
        raise ValidationError({"organization": "この自治体の組織を選んでください。"})
    current = Indicator.objects.select_for_update().get(pk=indicator.pk)
    before = snapshot(current)
    current.reporting_organization = organization
    current.save(update_fields=["reporting_organization"])
    record(by=by, action="indicators.indicator.reporter", obj=current, before=before,
           after=snapshot(current), municipality_code=plan.municipality.code,
           note=organization.name if organization else "報告する組織なし")
    return current
