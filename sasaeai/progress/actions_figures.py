"""Audited writes of the indicator figures a cycle asks for (FigureRequest): asking them when a
cycle is created, writing and handing them in, the 事務局's check, and registering them as
observations at 確定. The same rules as entries: permission checked again on the locked rows, a
stale `expected_version` refused (EntryConflict), an audit event always."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sasaeai.accounts.access import Standing
from sasaeai.audit.actions import record, snapshot
from sasaeai.indicators.actions import add_actual_observation, replace_actual_observation
from sasaeai.indicators.models import Indicator, Observation
from sasaeai.indicators.sources import department_named_in
from sasaeai.lib.values import parse_cell
from sasaeai.progress.models import Cycle, FigureRequest
from sasaeai.tenancy.models import Organization

F = FigureRequest.Status
MEASURED = {Observation.Status.MEASURED, Observation.Status.ESTIMATED}
EDIT_DENIED = "この実績値は編集できません。"


class FigureConflict(Exception):
    """Someone else saved the figure first."""

    def __init__(self, current: FigureRequest) -> None:
        super().__init__("他の人が先に保存しました。")
        self.current = current


def reporter_of(indicator: Indicator, organizations: list[Organization]) -> Organization | None:
    """The organisation named on the indicator, else the department its source names."""
    if indicator.reporting_organization_id:
        return next((o for o in organizations if o.pk == indicator.reporting_organization_id),
                    None)
    return department_named_in(indicator.source_text, organizations)


def ask_figures(*, by: Any, cycle: Cycle) -> list[FigureRequest]:
    """One request per indicator of the plan that an organisation reports; indicators computed
    from a survey are shown, not asked. Called inside create_cycle's transaction."""
    plan = cycle.plan
    organizations = list(Organization.objects.filter(municipality_id=plan.municipality_id))
    asked = []
    for indicator in (Indicator.objects.for_plan(plan).filter(survey_measure__isnull=True)
                      .order_by("order", "id")):
        organization = reporter_of(indicator, organizations)
        if organization is None:
            continue
        if indicator.reporting_organization_id is None:
            # The derived default is written down, so the indicator page names who is asked.
            indicator.reporting_organization = organization
            indicator.save(update_fields=["reporting_organization"])
            record(by=by, action="indicators.indicator.reporter", obj=indicator,
                   municipality_code=plan.municipality.code,
                   note=f"出典「{indicator.source_text}」から{organization.name}としました。")
        asked.append(FigureRequest(cycle=cycle, indicator=indicator, organization=organization,
                                   year=cycle.fiscal_year))
    FigureRequest.objects.bulk_create(asked)
    return asked


# Who may do what, asked of the standing on the freshly locked rows.
Allowed = Callable[[Standing, FigureRequest, Cycle], bool]


def _locked(figure: FigureRequest, expected_version: int | None, *, by: Any, allowed: Allowed,
            message: str) -> FigureRequest:
    """Lock the cycle, then the request (the order move_cycle takes), and decide on what the
    rows hold now: a submit or a move that committed while we waited must be seen."""
    cycle = (Cycle.objects.select_for_update(of=("self",)).select_related("plan__municipality")
             .get(pk=figure.cycle_id))
    current = (FigureRequest.objects.select_for_update(of=("self",))
               .select_related("organization", "indicator").get(pk=figure.pk))
    current.cycle = cycle
    if not allowed(Standing.of(by, cycle.plan), current, cycle):
        raise PermissionDenied(message)
    if expected_version is not None and current.version != expected_version:
        raise FigureConflict(current)
    return current


def _commit(figure: FigureRequest, *, by: Any, action: str, fields: list[str],
            before: dict[str, Any], note: str = "") -> FigureRequest:
    figure.version += 1
    figure.updated_by = by if getattr(by, "is_authenticated", False) else None
    figure.save(update_fields=[*fields, "version", "updated_by", "updated_at"])
    record(by=by, action=f"progress.figure.{action}", obj=figure, before=before,
           after=snapshot(figure), municipality_code=figure.cycle.plan.municipality.code,
           organization=figure.organization.name, note=note)
    return figure


LARGEST = Decimal(10) ** 10


def _apply(figure: FigureRequest, data: dict[str, Any]) -> None:
    """The typed figure, read as a table cell is: its text kept as written, the value and the
    status taken from it (a status chosen in the form wins over 実測 read from a bare number)."""
    text = str(data.get("verbatim") or "").strip()
    cell = parse_cell(text)
    if cell.problems:
        raise ValidationError({"verbatim": "。".join(cell.problems) + "。"})
    chosen = str(data.get("figure_status") or "")
    if chosen and chosen not in FigureRequest.FIGURE_STATUSES:
        raise ValidationError({"figure_status": "値の状態を選んでください。"})
    status = chosen or cell.status.value
    # The column holds 10 digits before the point (an observation's too): more is no figure of
    # a municipality's records, and PostgreSQL would refuse it.
    if cell.value is not None and abs(cell.value) >= LARGEST:
        raise ValidationError({"verbatim": "数値が大きすぎます（整数部分は10桁まで）。"})
    if status in MEASURED and cell.value is None:
        raise ValidationError({"verbatim": "実測・推計の場合は数値を入力してください。"})
    year = data.get("year", figure.year)
    if year in ("", None):
        year = None
    else:
        try:
            year = int(year)
        except (TypeError, ValueError):
            raise ValidationError({"year": "年度は西暦の数字で入力してください。"}) from None
        if not 1900 <= year <= 2200:
            raise ValidationError({"year": "年度は西暦（例：2024）で入力してください。"})
    figure.verbatim = text[:200]
    figure.value = cell.value if status in MEASURED else None
    figure.figure_status = status
    figure.year = year
    figure.note = str(data.get("note") or "").strip()[:300]


FIELDS = ["verbatim", "value", "figure_status", "year", "note", "status"]


def _may_edit(standing: Standing, figure: FigureRequest, cycle: Cycle) -> bool:
    return standing.can_edit_figure(figure, cycle)


@transaction.atomic
def save_figure(*, by: Any, figure: FigureRequest, data: dict[str, Any], expected_version: int,
                submit: bool = False) -> FigureRequest:
    """Save the figure (下書き), or save and hand it in (提出済): both or neither."""
    if not Standing.of(by, figure.cycle.plan).can_edit_figure(figure, figure.cycle):
        raise PermissionDenied(EDIT_DENIED)
    current = _locked(figure, expected_version, by=by, allowed=_may_edit, message=EDIT_DENIED)
    before = snapshot(current)
    _apply(current, data)
    if submit:
        if not current.verbatim and current.figure_status in MEASURED:
            raise ValidationError({"verbatim": "実績値を入力してから提出してください。"})
        current.status = F.SUBMITTED
        current.return_comment = ""
    elif current.status == F.NOT_STARTED:
        current.status = F.DRAFT
    return _commit(current, by=by, action="submit" if submit else "save",
                   fields=[*FIELDS, "return_comment"], before=before)


@transaction.atomic
def submit_figure(*, by: Any, figure: FigureRequest, expected_version: int | None
                  ) -> FigureRequest:
    """Hand in the figure as it was last saved (None: whatever was saved last, as for
    handing in several reports at once)."""
    if not Standing.of(by, figure.cycle.plan).can_edit_figure(figure, figure.cycle):
        raise PermissionDenied(EDIT_DENIED)
    current = _locked(figure, expected_version, by=by, allowed=_may_edit, message=EDIT_DENIED)
    if not current.verbatim and current.figure_status in MEASURED:
        raise ValidationError({"verbatim": "実績値を入力してから提出してください。"})
    before = snapshot(current)
    current.status = F.SUBMITTED
    current.return_comment = ""
    return _commit(current, by=by, action="submit", fields=["status", "return_comment"],
                   before=before)


def _may_return(standing: Standing, figure: FigureRequest, cycle: Cycle) -> bool:
    return standing.can_return_figure(figure, cycle)


def _may_accept(standing: Standing, figure: FigureRequest, cycle: Cycle) -> bool:
    return standing.can_accept_figure(figure, cycle)


@transaction.atomic
def return_figure(*, by: Any, figure: FigureRequest, comment: str, expected_version: int
                  ) -> FigureRequest:
    message = "この実績値は差し戻せません。"
    if not Standing.of(by, figure.cycle.plan).can_return_figure(figure, figure.cycle):
        raise PermissionDenied(message)
    if not comment.strip():
        raise ValidationError({"comment": "差戻しの理由を入力してください。"})
    current = _locked(figure, expected_version, by=by, allowed=_may_return, message=message)
    before = snapshot(current)
    current.status = F.RETURNED
    current.return_comment = comment.strip()
    return _commit(current, by=by, action="return", fields=["status", "return_comment"],
                   before=before, note=comment.strip())


@transaction.atomic
def accept_figure(*, by: Any, figure: FigureRequest, expected_version: int) -> FigureRequest:
    message = "この実績値は確認済にできません。"
    if not Standing.of(by, figure.cycle.plan).can_accept_figure(figure, figure.cycle):
        raise PermissionDenied(message)
    current = _locked(figure, expected_version, by=by, allowed=_may_accept, message=message)
    before = snapshot(current)
    current.status = F.ACCEPTED
    return _commit(current, by=by, action="accept", fields=["status"], before=before)


def accept_submitted_figures(*, by: Any, cycle: Cycle) -> None:
    """At 取りまとめ (inside move_cycle's transaction), as with reports: what was handed in and
    not returned counts as checked."""
    for figure in (cycle.figure_requests.filter(status=F.SUBMITTED)
                   .select_related("organization").select_for_update(of=("self",))):
        figure.cycle = cycle
        before = snapshot(figure)
        figure.status = F.ACCEPTED
        _commit(figure, by=by, action="accept", fields=["status"], before=before)


def land_figures(*, by: Any, cycle: Cycle) -> None:
    """At 確定 (inside move_cycle's transaction, the cycle locked): every accepted figure becomes
    an 実績値 of its indicator. A different figure already registered for that year is never
    overwritten: the request is marked as a conflict for the 事務局 to settle on the cycle page."""
    for figure in (cycle.figure_requests.filter(status=F.ACCEPTED, landing="")
                   .select_related("indicator", "organization").select_for_update(of=("self",))):
        figure.cycle = cycle
        before = snapshot(figure)
        same_year = [o for o in figure.indicator.observations.filter(
            role=Observation.Role.ACTUAL, year=figure.year, year_end=None)]
        if same_year:
            agrees = any(o.value == figure.value and o.status == figure.figure_status
                         for o in same_year)
            figure.landing = (FigureRequest.Landing.SAME if agrees
                              else FigureRequest.Landing.CONFLICT)
            figure.save(update_fields=["landing"])
            note = "" if agrees else (
                f"登録済の「{same_year[0].verbatim}」と違うため、実績値として登録していません。")
            record(by=by, action="progress.figure.land", obj=figure, before=before,
                   after=snapshot(figure), municipality_code=cycle.plan.municipality.code,
                   note=note)
            continue
        figure.observation = add_actual_observation(
            by=by, indicator=figure.indicator, year=figure.year, value=figure.value,
            verbatim=figure.verbatim, status=figure.figure_status, note=figure.note,
            reason=f"{cycle.display_title}で{figure.organization.name}が報告")
        figure.landing = FigureRequest.Landing.REGISTERED
        figure.save(update_fields=["landing", "observation"])
        record(by=by, action="progress.figure.land", obj=figure, before=before,
               after=snapshot(figure), municipality_code=cycle.plan.municipality.code)


# Settling a conflict (after 確定) ----------------------------------------------------------

KEEP, REPLACE = "keep", "replace"
SETTLE_DENIED = "登録済の値との相違を決着できるのは、確定・公開中の評価サイクルの事務局です。"


def _may_settle(standing: Standing, figure: FigureRequest, cycle: Cycle) -> bool:
    return standing.can_settle_figure(figure, cycle)


def registered_for(figure: FigureRequest) -> Observation | None:
    """The 実績値 already registered for the figure's year, that it differed from at 確定."""
    return (Observation.objects.filter(indicator_id=figure.indicator_id,
                                       role=Observation.Role.ACTUAL, year=figure.year,
                                       year_end=None).order_by("id").first())


@transaction.atomic
def settle_figure(*, by: Any, figure: FigureRequest, choice: str, reason: str,
                  expected_version: int | None = None) -> FigureRequest:
    """The 事務局's decision on a figure that differed from the registered 実績値 at 確定:
    「登録済の値を残す」 (KEPT, the observation untouched) or 「報告の値で置き換える」 (REPLACED,
    the observation given the reported figure, its old one kept in the audit trail). Once."""
    if not Standing.of(by, figure.cycle.plan).can_settle_figure(figure, figure.cycle):
        raise PermissionDenied(SETTLE_DENIED)
    if choice not in {KEEP, REPLACE}:
        raise ValidationError({"choice": "「登録済の値を残す」か「報告の値で置き換える」を選んでください。"})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "どちらの値を採るか、その理由を入力してください。"})
    current = _locked(figure, expected_version, by=by, allowed=_may_settle,
                      message=SETTLE_DENIED)
    if current.is_settled:
        raise ValidationError(
            f"この相違は既に決着しています（{current.get_landing_display()}）。")
    if not current.is_conflict:
        raise ValidationError("この実績値は登録済の値と相違していないため、決着するものがありません。")
    registered = registered_for(current)
    if registered is None:
        raise ValidationError("この年度の登録済の実績値が見つかりません。指標のページで確認してください。")
    before = snapshot(current)
    fields = ["landing", "settlement_reason", "settled_at", "settled_by"]
    if choice == REPLACE:
        current.observation = replace_actual_observation(
            by=by, observation=registered, value=current.value, verbatim=current.verbatim,
            status=current.figure_status, note=current.note,
            reason=f"{current.cycle.display_title}で{current.organization.name}が報告した値を採用：{reason}")
        current.landing = FigureRequest.Landing.REPLACED
        fields.append("observation")
        note = f"登録済の「{registered.verbatim}」を報告の「{current.verbatim}」で置き換えました。{reason}"
    else:
        current.landing = FigureRequest.Landing.KEPT
        note = f"登録済の「{registered.verbatim}」を残しました（報告は「{current.verbatim}」）。{reason}"
    current.settlement_reason = reason
    current.settled_at = timezone.now()
    current.settled_by = by if getattr(by, "is_authenticated", False) else None
    return _commit(current, by=by, action="settle", fields=fields, before=before, note=note)
