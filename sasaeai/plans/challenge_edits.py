"""Audited writes on a plan's 課題 (issue #15): the 課題 themselves, the evidence each rests on,
and the links from a 課題 to the elements and 取組 that answer it.

Every function takes keyword arguments and `by=user`, checks the standing itself
(`Standing.can_edit_plan`), locks the row it changes, refuses an edit made from a page older
than the row (`audit.undo.check_fresh`) and records an audit event in the same transaction.
The 課題 and their evidence are undoable (editing.CHALLENGE_FIELDS, EVIDENCE_FIELDS); an
evidence snapshot carries its plan's id as well, so that `editing.belongs_to` knows whose it is.
Links are many-to-many: each change is one event "plans.challenge.links" whose before and after
list what the 課題 answered (not undoable from the toast, but in the trail).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from sasaeai.accounts.access import Standing
from sasaeai.audit.actions import record, snapshot
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.undo import check_fresh, deletion_snapshot
from sasaeai.plans.editing import CHALLENGE_FIELDS, EVIDENCE_FIELDS
from sasaeai.plans.models import Challenge, Evidence, Initiative, Plan, PlanElement

REFUSED = "課題を編集できるのは、この計画の事務局です。"
KINDS = dict(Evidence.Kind.choices)


def _allowed(by: Any, plan: Plan) -> None:
    if not Standing.of(by, plan).can_edit_plan(plan):
        raise PermissionDenied(REFUSED)


def _text(value: str, *, label: str, limit: int, required: bool = False,
          multiline: bool = False) -> str:
    value = value.replace("\r\n", "\n").strip() if multiline else " ".join(value.split())
    if required and not value:
        raise ValidationError(f"{label}を入力してください。")
    if any((ord(c) < 32 and c not in "\n\t") or ord(c) == 127 for c in value):
        raise ValidationError(f"{label}に制御文字は使えません。")
    if len(value) > limit:
        raise ValidationError(f"{label}は{limit}文字以内で入力してください。")
    return value


def clean_challenge(data: dict[str, str]) -> dict[str, str]:
    """The 課題's fields as typed, checked: a ValidationError names what is wrong."""
    return {
        "number_label": _text(data.get("number_label", ""), label="番号", limit=30),
        "title": _text(data.get("title", ""), label="課題", limit=300, required=True),
        "description": _text(data.get("description", ""), label="説明", limit=5000,
                             multiline=True),
    }


def clean_evidence(data: dict[str, str]) -> dict[str, str]:
    kind = data.get("kind", "")
    if kind not in KINDS:
        raise ValidationError("根拠の種類は一覧から選んでください。")
    return {"kind": kind,
            "text": _text(data.get("text", ""), label="根拠の内容", limit=2000, required=True,
                          multiline=True)}


def _number_free(plan: Plan, number_label: str, pk: int | None = None) -> None:
    others = Challenge.objects.filter(plan=plan, number_label=number_label)
    if pk is not None:
        others = others.exclude(pk=pk)
    if number_label and others.exists():
        raise ValidationError(f"番号「{number_label}」の課題は既にあります。別の番号にしてください。")


def evidence_shot(evidence: Evidence, plan_id: int) -> dict[str, Any]:
    """The evidence's snapshot, with its plan (undo reads only the model's own fields)."""
    return {**snapshot(evidence), "plan_id": plan_id}


@transaction.atomic
def create_challenge(*, by: Any, plan: Plan, data: dict[str, str]) -> AuditEvent:
    _allowed(by, plan)
    fields = clean_challenge(data)
    locked = Plan.objects.select_for_update().select_related("municipality").get(pk=plan.pk)
    _number_free(locked, fields["number_label"])
    order = (Challenge.objects.filter(plan=locked).aggregate(top=Max("order"))["top"] or 0) + 1
    try:
        with transaction.atomic():
            challenge = Challenge.objects.create(plan=locked, order=order, **fields)
    except IntegrityError as exc:
        raise ValidationError("同じ番号の課題が既にあります。別の番号にしてください。") from exc
    return record(by=by, action="plans.challenge.create", obj=challenge, before=None,
                  after=snapshot(challenge), municipality_code=locked.municipality.code)


@transaction.atomic
def edit_challenge(*, by: Any, challenge: Challenge, seen: str, data: dict[str, str]
                   ) -> AuditEvent | None:
    """Save the 課題's number, title and description; None when nothing changed.
    Raises StaleEdit when the page showed an older 課題."""
    plan = challenge.plan
    _allowed(by, plan)
    row = Challenge.objects.select_for_update().get(pk=challenge.pk)
    check_fresh(row, CHALLENGE_FIELDS, seen)
    fields = clean_challenge(data)
    if all(getattr(row, name) == value for name, value in fields.items()):
        return None
    _number_free(plan, fields["number_label"], row.pk)
    before = snapshot(row)
    for name, value in fields.items():
        setattr(row, name, value)
    try:
        with transaction.atomic():
            row.save(update_fields=list(fields))
    except IntegrityError as exc:
        raise ValidationError("同じ番号の課題が既にあります。別の番号にしてください。") from exc
    return record(by=by, action="plans.challenge.edit", obj=row, before=before,
                  after=snapshot(row), municipality_code=plan.municipality.code)


def link_lists(challenge: Challenge) -> dict[str, list[Any]]:
    """What the 課題 answers, as the audit trail keeps it: ids and labels."""
    elements = sorted(challenge.elements.all(), key=lambda e: (e.order, e.pk))
    initiatives = sorted(challenge.initiatives.all(), key=lambda i: (i.order, i.pk))
    return {"element_ids": [e.pk for e in elements],
            "elements": [str(e) for e in elements],
            "initiative_ids": [i.pk for i in initiatives],
            "initiatives": [str(i) for i in initiatives]}


@transaction.atomic
def delete_challenge(*, by: Any, challenge: Challenge) -> AuditEvent:
    """Delete the 課題 and its evidence. The 課題's event is the one to undo: it comes back with
    its links and its evidence (audit.undo.deletion_snapshot); each piece of evidence and the
    links also leave their own event, for the record."""
    plan = challenge.plan
    _allowed(by, plan)
    row = Challenge.objects.select_for_update().get(pk=challenge.pk)
    code = plan.municipality.code
    links = link_lists(row)
    if links["element_ids"] or links["initiative_ids"]:
        record(by=by, action="plans.challenge.links", obj=row, before=links,
               after={"element_ids": [], "elements": [], "initiative_ids": [], "initiatives": []},
               municipality_code=code, note="課題の削除で関連付けを外しました。")
    for evidence in Evidence.objects.select_for_update().filter(challenge=row):
        record(by=by, action="plans.evidence.delete", obj=evidence,
               before=evidence_shot(evidence, plan.pk), after=None, municipality_code=code)
    made = record(by=by, action="plans.challenge.delete", obj=row,
                  before=deletion_snapshot(row), after=None, municipality_code=code)
    row.delete()
    return made


def _links_of(challenge: Challenge) -> tuple[set[int], set[int]]:
    return (set(challenge.elements.values_list("pk", flat=True)),
            set(challenge.initiatives.values_list("pk", flat=True)))


def _record_links(by: Any, row: Challenge, before: dict[str, list[Any]], code: str,
                  note: str = "") -> AuditEvent:
    return record(by=by, action="plans.challenge.links", obj=row, before=before,
                  after=link_lists(row), municipality_code=code, note=note)


@transaction.atomic
def set_challenge_links(*, by: Any, challenge: Challenge, element_ids: set[int],
                        initiative_ids: set[int]) -> AuditEvent | None:
    """Make these the elements and 取組 that answer the 課題; None when nothing changed."""
    plan = challenge.plan
    _allowed(by, plan)
    row = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if len(element_ids) != PlanElement.objects.filter(plan=plan, pk__in=element_ids).count():
        raise ValidationError("この計画の項目ではないものが含まれています。何も保存していません。")
    if len(initiative_ids) != Initiative.objects.filter(plan=plan, pk__in=initiative_ids).count():
        raise ValidationError("この計画の取組ではないものが含まれています。何も保存していません。")
    if _links_of(row) == (element_ids, initiative_ids):
        return None
    before = link_lists(row)
    row.elements.set(sorted(element_ids))
    row.initiatives.set(sorted(initiative_ids))
    return _record_links(by, row, before, plan.municipality.code)


@transaction.atomic
def set_initiative_challenges(*, by: Any, initiative: Initiative, challenge_ids: set[int]
                              ) -> int:
    """Make these the 課題 the 取組 answers. One links event per 課題 that changed; returns
    how many changed."""
    plan = initiative.plan
    _allowed(by, plan)
    rows = list(Challenge.objects.select_for_update().filter(plan=plan).order_by("pk"))
    if not challenge_ids <= {row.pk for row in rows}:
        raise ValidationError("この計画の課題ではないものが含まれています。何も保存していません。")
    changed = 0
    for row in rows:
        linked = row.initiatives.filter(pk=initiative.pk).exists()
        if linked == (row.pk in challenge_ids):
            continue
        before = link_lists(row)
        if linked:
            row.initiatives.remove(initiative)
        else:
            row.initiatives.add(initiative)
        _record_links(by, row, before, plan.municipality.code, note=f"取組「{initiative}」から")
        changed += 1
    return changed


@transaction.atomic
def set_cell(*, by: Any, challenge: Challenge, initiative: Initiative, on: bool
             ) -> AuditEvent | None:
    """One cell of the 課題 × 取組 matrix: link or unlink; None when it already was so."""
    plan = challenge.plan
    _allowed(by, plan)
    if initiative.plan_id != plan.pk:
        raise ValidationError("この計画の取組ではありません。何も保存していません。")
    row = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if row.initiatives.filter(pk=initiative.pk).exists() == on:
        return None
    before = link_lists(row)
    if on:
        row.initiatives.add(initiative)
    else:
        row.initiatives.remove(initiative)
    return _record_links(by, row, before, plan.municipality.code, note="課題と取組の対応表から")


# Evidence ------------------------------------------------------------------------------------

@transaction.atomic
def add_evidence(*, by: Any, challenge: Challenge, data: dict[str, str]) -> AuditEvent:
    plan = challenge.plan
    _allowed(by, plan)
    fields = clean_evidence(data)
    row = Challenge.objects.select_for_update().get(pk=challenge.pk)
    order = (row.evidence.aggregate(top=Max("order"))["top"] or 0) + 1
    evidence = Evidence.objects.create(challenge=row, order=order, **fields)
    return record(by=by, action="plans.evidence.create", obj=evidence, before=None,
                  after=evidence_shot(evidence, plan.pk), municipality_code=plan.municipality.code)


def _locked_evidence(by: Any, challenge: Challenge, evidence_id: int | None) -> Evidence:
    _allowed(by, challenge.plan)
    row = None if evidence_id is None else Evidence.objects.select_for_update().filter(
        challenge=challenge, pk=evidence_id).first()
    if row is None:
        raise ValidationError("この課題の根拠が見つかりません。削除されたかもしれません。"
                              "ページを読み込み直してください。")
    return row


@transaction.atomic
def edit_evidence(*, by: Any, challenge: Challenge, evidence_id: int | None, seen: str,
                  data: dict[str, str]) -> AuditEvent | None:
    row = _locked_evidence(by, challenge, evidence_id)
    check_fresh(row, EVIDENCE_FIELDS, seen)
    fields = clean_evidence(data)
    if all(getattr(row, name) == value for name, value in fields.items()):
        return None
    plan = challenge.plan
    before = evidence_shot(row, plan.pk)
    for name, value in fields.items():
        setattr(row, name, value)
    row.save(update_fields=list(fields))
    return record(by=by, action="plans.evidence.edit", obj=row, before=before,
                  after=evidence_shot(row, plan.pk), municipality_code=plan.municipality.code)


@transaction.atomic
def move_evidence(*, by: Any, challenge: Challenge, evidence_id: int | None, up: bool
                  ) -> AuditEvent | None:
    """Swap the evidence with the one above (or below); None at the end of the list. The list
    is numbered 1, 2, 3… first when two pieces share a place. Each row moved is audited; the
    event returned is the moved piece's."""
    row = _locked_evidence(by, challenge, evidence_id)
    plan = challenge.plan
    code = plan.municipality.code
    rows = list(Evidence.objects.select_for_update().filter(challenge=challenge)
                .order_by("order", "pk"))
    index = next(i for i, e in enumerate(rows) if e.pk == row.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(rows):
        return None
    rows[index], rows[other] = rows[other], rows[index]
    made: AuditEvent | None = None
    for place, evidence in enumerate(rows, start=1):
        if evidence.order == place:
            continue
        before = evidence_shot(evidence, plan.pk)
        evidence.order = place
        evidence.save(update_fields=["order"])
        event = record(by=by, action="plans.evidence.move", obj=evidence, before=before,
                       after=evidence_shot(evidence, plan.pk), municipality_code=code)
        if evidence.pk == row.pk:
            made = event
    return made


@transaction.atomic
def delete_evidence(*, by: Any, challenge: Challenge, evidence_id: int | None) -> AuditEvent:
    row = _locked_evidence(by, challenge, evidence_id)
    plan = challenge.plan
    made = record(by=by, action="plans.evidence.delete", obj=row,
                  before=evidence_shot(row, plan.pk), after=None,
                  municipality_code=plan.municipality.code)
    row.delete()
    return made
