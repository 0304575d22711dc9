"""Audited writes of the progress cycle. Views, the Excel importer and commands call these.

Every function takes keyword arguments, `by=user`, checks the permission itself (PermissionDenied),
runs in one transaction, locks the row it changes and refuses a stale `expected_version`
(EntryConflict), records an EntryVersion where an entry changes, and an audit event always.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sasaeai.accounts.access import Standing
from sasaeai.audit.actions import record, snapshot
from sasaeai.plans.models import Plan
from sasaeai.plans.reporting import reporting_units
from sasaeai.progress.actions_figures import accept_submitted_figures, ask_figures, land_figures
from sasaeai.progress.cycle_rules import check_cycle
from sasaeai.progress.models import (
    Cycle,
    Entry,
    EntryVersion,
    Opinion,
    PlanRatingScale,
    RatingScale,
)
from sasaeai.progress.scales import PRESETS, scale_from_preset

if TYPE_CHECKING:
    from sasaeai.progress.workbook import Preview
    from sasaeai.tenancy.models import Organization

S = Cycle.Status
E = Entry.Status


class EntryConflict(Exception):
    """Someone else saved first: the caller gets the current state to merge with."""

    def __init__(self, current: Entry | Opinion | Cycle) -> None:
        super().__init__("他の人が先に保存しました。")
        self.current = current


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _code(plan: Plan) -> str:
    return plan.municipality.code


# Who may do what to an entry, asked of the standing on the freshly locked rows.
Allowed = Callable[[Standing, Entry, Cycle], bool]


def _locked_cycle(pk: int) -> Cycle:
    return (Cycle.objects.select_for_update(of=("self",))
            .select_related("plan__municipality", "rating_scale").get(pk=pk))


def _locked_entry(
    entry: Entry, expected_version: int | None, *, by: Any, allowed: Allowed, message: str,
) -> Entry:
    """Lock the cycle, then the entry (always in that order: move_cycle does the same), and
    decide on what the rows hold now, not on what the caller loaded: a submit or a move that
    committed while we waited for the lock must be seen (otherwise a save sent with the next
    version number changes a submitted entry)."""
    cycle = _locked_cycle(entry.cycle_id)
    current = (Entry.objects.select_for_update(of=("self",)).select_related("organization")
               .get(pk=entry.pk))
    current.cycle = cycle
    if not allowed(Standing.of(by, cycle.plan), current, cycle):
        raise _deny(message)
    if expected_version is not None and current.version != expected_version:
        raise EntryConflict(current)
    return current


def _commit_entry(
    entry: Entry, *, by: Any, action: str, reason: str = "", fields: list[str],
    before: dict[str, Any] | None,
) -> Entry:
    entry.version += 1
    entry.updated_by = by if getattr(by, "is_authenticated", False) else None
    entry.save(update_fields=[*fields, "version", "updated_by", "updated_at"])
    EntryVersion.objects.create(
        entry=entry, number=entry.version, action=action, content=entry.content(),
        status=entry.status, reason=reason, by=entry.updated_by, by_label=str(by or "システム"),
    )
    record(by=by, action=f"progress.entry.{action}", obj=entry, before=before,
           after=snapshot(entry), municipality_code=_code(entry.cycle.plan),
           organization=entry.organization.name, note=reason)
    return entry


def previous_confirmed_cycle(plan: Plan) -> Cycle | None:
    """The cycle a new one is prefilled from: the plan's latest 確定 or 公開 cycle, with or
    without a 年度 (a printed 確定版 such as しもつけ's often has none); the create form names it."""
    done = Cycle.objects.filter(plan=plan, status__in=[S.CONFIRMED, S.PUBLISHED])
    return done.order_by(F("confirmed_at").desc(nulls_last=True),
                         F("fiscal_year").desc(nulls_last=True), "-id").first()


@transaction.atomic
def create_cycle(
    *, by: Any, plan: Plan, fiscal_year: int | None, kind: str = Cycle.Kind.ANNUAL,
    entries_due: date | None = None, committee_meeting: date | None = None, title: str = "",
) -> Cycle:
    """Open a cycle (準備中) with one entry per subject × organization, prefilled from the last
    confirmed cycle."""
    if not Standing.of(by, plan).can_create_cycle(plan):
        raise _deny("評価サイクルを作成できるのは事務局です。")
    if fiscal_year is not None and Cycle.objects.filter(
        plan=plan, fiscal_year=fiscal_year, kind=kind
    ).exists():
        raise ValidationError({"fiscal_year": "この年度・種類の評価サイクルは既にあります。"})
    check_cycle(plan=plan, fiscal_year=fiscal_year, entries_due=entries_due,
                committee_meeting=committee_meeting, creating=True)
    choice = PlanRatingScale.objects.select_related("scale").filter(plan=plan).first()
    cycle = Cycle.objects.create(
        plan=plan, fiscal_year=fiscal_year, kind=kind, entries_due=entries_due,
        committee_meeting=committee_meeting, title=title,
        rating_scale=choice.scale if choice is not None else None,
    )
    previous = previous_confirmed_cycle(plan)
    earlier: dict[tuple[str, int, int], Entry] = {}
    if previous is not None:
        for done in previous.entries.all():
            if done.initiative_id:
                earlier[("initiative", done.initiative_id, done.organization_id)] = done
            elif done.element_id:
                earlier[("element", done.element_id, done.organization_id)] = done
    for kind_name, subject, organizations in reporting_units(plan):
        for org in organizations:
            old = earlier.get((kind_name, subject.pk, org.pk))
            entry = Entry(cycle=cycle, organization=org, prefilled_from=old,
                          **{kind_name: subject})
            if old is not None:
                for name in ("results", "results_unit", "progress", "issues", "direction",
                             "direction_text"):
                    setattr(entry, name, getattr(old, name))
            entry.save()
            EntryVersion.objects.create(
                entry=entry, number=1, action=EntryVersion.Action.CREATE,
                content=entry.content(), status=entry.status,
                reason="前回の確定内容を引き継ぎました。" if old else "",
                by=by if getattr(by, "is_authenticated", False) else None, by_label=str(by),
            )
    figures = ask_figures(by=by, cycle=cycle)
    record(by=by, action="progress.cycle.create", obj=cycle, after=snapshot(cycle),
           municipality_code=_code(plan),
           note=f"報告 {cycle.entries.count()}件・指標の実績値の照会 {len(figures)}件を作成")
    return cycle


ENTRY_FIELDS = ["results", "results_value", "results_unit", "progress", "issues", "direction",
                "direction_text", "self_rating", "self_rating_verbatim"]


def _apply_rating(cycle: Cycle, typed: str, field: str, entry: Entry) -> None:
    typed = (typed or "").strip()
    setattr(entry, f"{field}_verbatim", typed)
    if not typed:
        setattr(entry, field, "")
        return
    if cycle.rating_scale is None:
        raise ValidationError({field: "この計画には評価の尺度が設定されていません。"})
    level = cycle.rating_scale.match(typed)
    if level is None:
        codes = "・".join(lv.code for lv in cycle.rating_scale.levels.all())
        raise ValidationError({field: f"「{typed}」は評価の尺度（{codes}）にありません。"})
    setattr(entry, field, level.code)


def label(name: str) -> str:
    field = Entry._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _apply_fields(cycle: Cycle, entry: Entry, data: dict[str, Any]) -> None:
    """Copy what a writer gave (a form, a workbook row, a correction) onto the entry."""
    too_long = {name: f"{label(name)}は{limit:,}字以内で入力してください（いま{len(text):,}字）。"
                for name, limit in Entry.TEXT_LIMITS.items()
                if len(text := str(data.get(name) or "")) > limit}
    if too_long:
        raise ValidationError(too_long)
    for name in ("results", "results_unit", "progress", "issues", "direction", "direction_text"):
        if name in data:
            setattr(entry, name, data[name] or "")
    if "results_value" in data:
        value = data["results_value"]
        entry.results_value = Decimal(value) if value not in (None, "") else None
    if "self_rating" in data:
        _apply_rating(cycle, data["self_rating"], "self_rating", entry)


def _may_edit(standing: Standing, entry: Entry, cycle: Cycle) -> bool:
    return standing.can_edit_entry(entry, cycle)


def _may_submit(standing: Standing, entry: Entry, cycle: Cycle) -> bool:
    return standing.can_submit_entry(entry, cycle)


def _may_return(standing: Standing, entry: Entry, cycle: Cycle) -> bool:
    return standing.can_return_entry(entry, cycle)


def _may_accept(standing: Standing, entry: Entry, cycle: Cycle) -> bool:
    return standing.can_accept_entry(entry, cycle)


def _may_rate(standing: Standing, entry: Entry, cycle: Cycle) -> bool:
    return standing.can_rate_entry(cycle)


def _may_correct(standing: Standing, entry: Entry, cycle: Cycle) -> bool:
    return standing.can_correct_entry(cycle)


def _may_restore(standing: Standing, entry: Entry, cycle: Cycle) -> bool:
    return standing.can_restore_entry(cycle)


EDIT_DENIED = "この報告は編集できません。"
SUBMIT_DENIED = "この報告は提出できません。"
EMPTY_SUBMISSION = "進捗状況または実績を入力してから提出してください。"


def _save_locked(cycle: Cycle, current: Entry, data: dict[str, Any], *, by: Any) -> Entry:
    before = snapshot(current)
    _apply_fields(cycle, current, data)
    if current.status in {E.NOT_STARTED}:
        current.status = E.DRAFT
    return _commit_entry(current, by=by, action=EntryVersion.Action.SAVE,
                         fields=[*ENTRY_FIELDS, "status"], before=before)


def _submit_locked(current: Entry, *, by: Any) -> Entry:
    if not (current.progress.strip() or current.results.strip()):
        raise ValidationError(EMPTY_SUBMISSION)
    before = snapshot(current)
    current.status = E.SUBMITTED
    current.return_comment = ""
    return _commit_entry(current, by=by, action=EntryVersion.Action.SUBMIT,
                         fields=["status", "return_comment"], before=before)


@transaction.atomic
def save_entry(*, by: Any, entry: Entry, data: dict[str, Any], expected_version: int) -> Entry:
    if not Standing.of(by, entry.cycle.plan).can_edit_entry(entry, entry.cycle):
        raise _deny(EDIT_DENIED)
    current = _locked_entry(entry, expected_version, by=by, allowed=_may_edit,
                            message=EDIT_DENIED)
    return _save_locked(current.cycle, current, data, by=by)


@transaction.atomic
def save_and_submit_entry(
    *, by: Any, entry: Entry, data: dict[str, Any], expected_version: int
) -> Entry:
    """保存して提出: both or neither. A submission without 進捗状況 or 実績 is refused before
    anything is saved (an empty version would otherwise stay behind the refusal)."""
    if not Standing.of(by, entry.cycle.plan).can_submit_entry(entry, entry.cycle):
        raise _deny(SUBMIT_DENIED)
    current = _locked_entry(entry, expected_version, by=by, allowed=_may_submit,
                            message=SUBMIT_DENIED)
    if not any(str(data.get(name) or "").strip() for name in ("progress", "results")):
        raise ValidationError(EMPTY_SUBMISSION)
    saved = _save_locked(current.cycle, current, data, by=by)
    return _submit_locked(saved, by=by)


@transaction.atomic
def submit_entry(*, by: Any, entry: Entry, expected_version: int | None) -> Entry:
    """Hand in the report as it was last saved. `expected_version` None: whatever was saved
    last (handing in several at once from わたしの作業, where a draft may be saved a moment
    before as one types); the state and the permission are checked on the locked row anyway."""
    if not Standing.of(by, entry.cycle.plan).can_submit_entry(entry, entry.cycle):
        raise _deny(SUBMIT_DENIED)
    current = _locked_entry(entry, expected_version, by=by, allowed=_may_submit,
                            message=SUBMIT_DENIED)
    return _submit_locked(current, by=by)


@transaction.atomic
def return_entry(*, by: Any, entry: Entry, comment: str, expected_version: int) -> Entry:
    message = "この報告は差し戻せません。"
    if not Standing.of(by, entry.cycle.plan).can_return_entry(entry, entry.cycle):
        raise _deny(message)
    if not comment.strip():
        raise ValidationError({"comment": "差戻しの理由を入力してください。"})
    current = _locked_entry(entry, expected_version, by=by, allowed=_may_return,
                            message=message)
    before = snapshot(current)
    current.status = E.RETURNED
    current.return_comment = comment.strip()
    return _commit_entry(current, by=by, action=EntryVersion.Action.RETURN, reason=comment,
                         fields=["status", "return_comment"], before=before)


@transaction.atomic
def accept_entry(*, by: Any, entry: Entry, expected_version: int) -> Entry:
    message = "この報告は確認済にできません。"
    if not Standing.of(by, entry.cycle.plan).can_accept_entry(entry, entry.cycle):
        raise _deny(message)
    current = _locked_entry(entry, expected_version, by=by, allowed=_may_accept,
                            message=message)
    before = snapshot(current)
    current.status = E.ACCEPTED
    return _commit_entry(current, by=by, action=EntryVersion.Action.ACCEPT,
                         fields=["status"], before=before)


@transaction.atomic
def rate_entry(
    *, by: Any, entry: Entry, rating: str, reason: str, expected_version: int
) -> Entry:
    message = "委員会評価を入力できるのは、委員会審議中の委員です。"
    if not Standing.of(by, entry.cycle.plan).can_rate_entry(entry.cycle):
        raise _deny(message)
    current = _locked_entry(entry, expected_version, by=by, allowed=_may_rate,
                            message=message)
    before = snapshot(current)
    _apply_rating(current.cycle, rating, "committee_rating", current)
    current.committee_reason = reason.strip()
    return _commit_entry(
        current, by=by, action=EntryVersion.Action.RATE,
        fields=["committee_rating", "committee_rating_verbatim", "committee_reason"],
        before=before,
    )


@transaction.atomic
def correct_entry(
    *, by: Any, entry: Entry, data: dict[str, Any], reason: str, expected_version: int
) -> Entry:
    """After 確定 a change is a correction: a new version with its reason, never silent."""
    message = "確定後の訂正は事務局だけが行えます。"
    if not Standing.of(by, entry.cycle.plan).can_correct_entry(entry.cycle):
        raise _deny(message)
    if not reason.strip():
        raise ValidationError({"reason": "訂正の理由を入力してください。"})
    current = _locked_entry(entry, expected_version, by=by, allowed=_may_correct,
                            message=message)
    before = snapshot(current)
    _apply_fields(current.cycle, current, data)
    return _commit_entry(current, by=by, action=EntryVersion.Action.CORRECT, reason=reason,
                         fields=ENTRY_FIELDS, before=before)


@transaction.atomic
def restore_version(*, by: Any, entry: Entry, number: int, expected_version: int) -> Entry:
    message = "版の復元は、確定前の評価サイクルで事務局だけが行えます。"
    if not Standing.of(by, entry.cycle.plan).can_restore_entry(entry.cycle):
        raise _deny(message)
    current = _locked_entry(entry, expected_version, by=by, allowed=_may_restore,
                            message=message)
    version = EntryVersion.objects.get(entry=current, number=number)
    before = snapshot(current)
    for name, value in version.content.items():
        if name == "results_value":
            current.results_value = Decimal(value) if value else None
        else:
            setattr(current, name, value)
    return _commit_entry(current, by=by, action=EntryVersion.Action.RESTORE,
                         reason=f"第{number}版の内容に戻しました。",
                         fields=list(Entry.CONTENT_FIELDS), before=before)


# The cycle's status moves one step at a time (or one back, before 確定).
# A withdrawn publication is published again (after its corrections) by the same step.
FORWARD: dict[str, str] = {S.PREPARING: S.COLLECTING, S.COLLECTING: S.COMPILING, S.COMPILING: S.REVIEWING,
           S.REVIEWING: S.CONFIRMED, S.CONFIRMED: S.PUBLISHED, S.WITHDRAWN: S.PUBLISHED}
BACKWARD: dict[str, str] = {S.COLLECTING: S.PREPARING, S.COMPILING: S.COLLECTING, S.REVIEWING: S.COMPILING}


def _check_forward(cycle: Cycle, target: str) -> None:
    if target in {S.COMPILING, S.REVIEWING}:
        # A returned or unsubmitted report or figure never reaches the committee as if it were
        # final: it is handed in, or the 事務局 records 「未提出のまま進める」 with a reason (shown
        # with it).
        entries = cycle.entries.blocking_review().count()
        figures = cycle.figure_requests.blocking_review().count()
        step = "取りまとめ" if target == S.COMPILING else "委員会審議に進め"
        if entries and figures:
            raise ValidationError(
                f"提出されていない報告が{entries}件、提出されていない指標の実績値が{figures}件"
                "あります（未着手・下書き・差戻し）。提出を待つか、報告・実績値ごとに"
                f"「未提出のまま進める」理由を記録してから{step}てください。"
            )
        if entries:
            raise ValidationError(
                f"提出されていない報告（未着手・下書き・差戻し）が{entries}件あります。"
                f"提出を待つか、報告ごとに「未提出のまま進める」理由を記録してから{step}てください。"
            )
        if figures:
            raise ValidationError(
                f"提出されていない指標の実績値（未着手・下書き・差戻し）が{figures}件あります。"
                f"提出を待つか、実績値ごとに「未提出のまま進める」理由を記録してから{step}てください。"
            )
    if target == S.CONFIRMED:
        unanswered = cycle.opinions.filter(response="").count()
        if unanswered:
            raise ValidationError(
                f"回答のない委員会の意見が{unanswered}件あります。回答してから確定してください。"
            )


@transaction.atomic
def move_cycle(*, by: Any, cycle: Cycle, to: str, expected_version: int) -> Cycle:
    if not Standing.of(by, cycle.plan).can_manage_cycle(cycle):
        raise _deny("評価サイクルの状態を変えられるのは事務局です。")
    current = Cycle.objects.select_for_update().get(pk=cycle.pk)
    current.plan = cycle.plan
    if current.version != expected_version:
        raise EntryConflict(current)
    if FORWARD.get(current.status) != to and BACKWARD.get(current.status) != to:
        raise ValidationError(
            f"「{current.get_status_display()}」から「{S(to).label}」には進められません。"
        )
    before = snapshot(current)
    forward = FORWARD.get(current.status) == to
    if forward:
        _check_forward(current, to)
    fields = ["status", "version"]
    if to == S.COMPILING:
        accept_submitted_figures(by=by, cycle=current)
        for entry in current.entries.filter(status=E.SUBMITTED).select_related("organization"):
            entry.cycle = current
            entry_before = snapshot(entry)
            entry.status = E.ACCEPTED
            _commit_entry(entry, by=by, action=EntryVersion.Action.ACCEPT, fields=["status"],
                          before=entry_before)
    if to == S.CONFIRMED:
        land_figures(by=by, cycle=current)
        current.confirmed_at = timezone.now()
        fields.append("confirmed_at")
    if to == S.PUBLISHED:
        current.published_at = timezone.now()
        fields.append("published_at")
    current.status = to
    current.version += 1
    current.save(update_fields=fields)
    record(by=by, action="progress.cycle.move", obj=current, before=before,
           after=snapshot(current), municipality_code=_code(current.plan),
           note=f"{S(before['status']).label} → {current.get_status_display()}")
    return current


@transaction.atomic
def write_opinion(*, by: Any, cycle: Cycle, text: str, entry: Entry | None = None) -> Opinion:
    if not Standing.of(by, cycle.plan).can_write_opinion(cycle):
        raise _deny("意見を書けるのは、委員会審議中の委員です。")
    if not text.strip():
        raise ValidationError({"text": "意見を入力してください。"})
    if entry is not None and entry.cycle_id != cycle.pk:
        raise ValidationError("別の評価サイクルの報告には意見を付けられません。")
    # Decided again on the locked cycle: it may have moved on (確定) while the opinion was typed.
    if not Standing.of(by, cycle.plan).can_write_opinion(_locked_cycle(cycle.pk)):
        raise _deny("意見を書けるのは、委員会審議中の委員です。")
    opinion = Opinion.objects.create(cycle=cycle, entry=entry, author=by, author_label=str(by),
                                     text=text.strip())
    record(by=by, action="progress.opinion.write", obj=opinion, after=snapshot(opinion),
           municipality_code=_code(cycle.plan))
    return opinion


@transaction.atomic
def respond_opinion(
    *, by: Any, opinion: Opinion, response: str, expected_version: int
) -> Opinion:
    cycle = opinion.cycle
    if not Standing.of(by, cycle.plan).can_respond_opinion(cycle):
        raise _deny("意見への回答は、委員会審議中に事務局が行います。")
    if not response.strip():
        raise ValidationError({"response": "回答を入力してください。"})
    if not Standing.of(by, cycle.plan).can_respond_opinion(_locked_cycle(cycle.pk)):
        raise _deny("意見への回答は、委員会審議中に事務局が行います。")
    current = Opinion.objects.select_for_update().get(pk=opinion.pk)
    if current.version != expected_version:
        raise EntryConflict(current)
    before = snapshot(current)
    current.response = response.strip()
    current.responded_by = by
    current.responded_at = timezone.now()
    current.version += 1
    current.save(update_fields=["response", "responded_by", "responded_at", "version"])
    record(by=by, action="progress.opinion.respond", obj=current, before=before,
           after=snapshot(current), municipality_code=_code(cycle.plan))
    return current


@transaction.atomic
def apply_workbook(
    *, by: Any, cycle: Cycle, organization: Organization, preview: Preview
) -> list[Entry]:
    """Apply an uploaded 照会 workbook (see progress.workbook): all rows or none.

    Each changed row is saved as save_entry saves (the same permission, lock, expected version
    and field rules) and recorded as an IMPORT version; rows without a change are skipped, so
    uploading the same file twice changes nothing and records nothing.
    """
    standing = Standing.of(by, cycle.plan)
    if not standing.can_exchange_workbook(cycle, organization.pk):
        raise _deny("この組織の報告をExcelから取り込めるのは、事務局とその組織の担当です。")
    if preview.cycle.pk != cycle.pk or preview.organization.pk != organization.pk:
        raise ValidationError("別の評価サイクルまたは別の組織の照会ファイルです。")
    if preview.has_errors:
        raise ValidationError(
            "取り込めない行があるため、何も取り込みませんでした。エラーを直してからもう一度アップロードしてください。"
        )
    reason = f"Excelの照会ファイル（{preview.filename or '名前なし'}）から取り込みました。"
    saved: list[Entry] = []
    for row in preview.rows:
        if not row.changes:
            continue
        entry = row.entry
        if entry is None or row.expected_version is None:  # impossible: a change has both
            raise ValidationError(f"{row.line}行目の報告が特定できません。")
        if entry.cycle_id != cycle.pk or entry.organization_id != organization.pk:
            raise ValidationError(f"{row.line}行目は{organization.name}の報告ではありません。")
        entry.cycle = cycle
        denied = f"{row.line}行目の報告は編集できません。"
        if not standing.can_edit_entry(entry, cycle):
            raise _deny(denied)
        current = _locked_entry(entry, row.expected_version, by=by, allowed=_may_edit,
                                message=denied)
        before = snapshot(current)
        _apply_fields(current.cycle, current, row.data)
        if current.status in {E.NOT_STARTED}:
            current.status = E.DRAFT
        saved.append(_commit_entry(current, by=by, action=EntryVersion.Action.IMPORT,
                                   reason=reason, fields=[*ENTRY_FIELDS, "status"],
                                   before=before))
    if saved:
        record(by=by, action="progress.workbook.import", obj=cycle,
               municipality_code=_code(cycle.plan), organization=organization.name,
               note=f"{preview.filename}：{len(saved)}件の報告を更新")
    return saved


@transaction.atomic
def choose_rating_scale(*, by: Any, plan: Plan, preset: str = "", scale_id: int | None = None
                        ) -> PlanRatingScale:
    """The scale the plan's cycles are rated on: the next ones, and those not rated yet."""
    if not Standing.of(by, plan).can_choose_scale(plan):
        raise _deny("評価の尺度を選べるのは事務局です。")
    if preset:
        if preset not in PRESETS:
            raise ValidationError("選べない尺度です。")
        scale = scale_from_preset(plan.municipality, preset)
    else:
        found = RatingScale.objects.filter(municipality=plan.municipality,
                                           pk=scale_id or 0).first()
        if found is None:
            raise ValidationError("この自治体の尺度を選んでください。")
        scale = found
    choice = PlanRatingScale.objects.select_for_update().filter(plan=plan).first()
    before = snapshot(choice) if choice else None
    if choice is None:
        choice = PlanRatingScale.objects.create(plan=plan, scale=scale)
    else:
        choice.scale = scale
        choice.save(update_fields=["scale"])
    # Cycles not yet rated take the new scale too: a scale chosen right after creating a
    # cycle would otherwise never apply to it.
    applied = []
    for cycle in Cycle.objects.select_for_update().filter(plan=plan).exclude(
            status__in=[S.CONFIRMED, S.PUBLISHED]).exclude(rating_scale=scale):
        if not has_ratings(cycle):
            cycle.rating_scale = scale
            cycle.save(update_fields=["rating_scale"])
            applied.append(cycle.display_title)
    note = scale.name + (f"（{'・'.join(applied)}にも適用）" if applied else "")
    record(by=by, action="progress.scale.choose", obj=choice, before=before,
           after=snapshot(choice), municipality_code=_code(plan), note=note)
    return choice


def has_ratings(cycle: Cycle) -> bool:
    """Whether any report of the cycle has been rated (its scale is then fixed)."""
    return cycle.entries.exclude(self_rating="", committee_rating="").exists()
