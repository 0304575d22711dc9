"""Audited writes of a plan's settings (issue #15): its title, kind, period, owners, 基本理念,
contact for residents… and its status (素案 → 策定済 → 公開, and 公開 → 策定済 to withdraw it).

Each action checks the standing itself, locks the plan row, refuses an edit made on a page that
showed an older plan (audit.undo.check_fresh on editing.PLAN_FIELDS) and records the write in the
same transaction. The plan's own fields are undoable (editing.PLAN_FIELDS); a change of owners
(many-to-many, not in the snapshot) is its own event with the owners before and after.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from sasaeai.accounts.access import Standing
from sasaeai.audit.actions import record, snapshot
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.undo import StaleEdit, check_fresh
from sasaeai.plans.editing import PLAN_FIELDS
from sasaeai.plans.models import Plan
from sasaeai.tenancy.models import Organization

REFUSED = "計画の設定を変更できるのは、この自治体の事務局です。"
S = Plan.Status

# Which status a plan may go to from each status, with what the button says and what happens.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.ADOPTED,),
    S.ADOPTED: (S.PUBLISHED, S.DRAFT),
    S.PUBLISHED: (S.ADOPTED,),
}
VERBS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.ADOPTED): "策定済にする",
    (S.ADOPTED, S.PUBLISHED): "公開する",
    (S.ADOPTED, S.DRAFT): "素案に戻す",
    (S.PUBLISHED, S.ADOPTED): "公開を取り下げる（策定済に戻す）",
}
EXPLANATIONS: dict[str, str] = {
    S.DRAFT: "素案：事務局と職員だけが見られます。",
    S.ADOPTED: "策定済：計画は決まっていますが、まだ住民には公開しません。職員だけが見られます。",
    S.PUBLISHED: "公開：誰でも（ログインしていない住民も）計画のページを見られます。",
}
# Organisations that can own (策定主体) a plan.
OWNER_KINDS = (Organization.Kind.CITY, Organization.Kind.SHAKYO,
               Organization.Kind.DISTRICT_SHAKYO)


def next_statuses(plan: Plan) -> list[tuple[str, str]]:
    """The statuses the plan may go to now, each with the words of its button."""
    return [(to, VERBS[(plan.status, to)]) for to in TRANSITIONS.get(plan.status, ())]


def may_become(plan: Plan, status: str) -> bool:
    return status in TRANSITIONS.get(plan.status, ())


def publishes(plan: Plan, status: str) -> bool:
    """Whether going to `status` shows the plan to residents."""
    return not plan.is_published and status == S.PUBLISHED


def withdraws(plan: Plan, status: str) -> bool:
    return plan.is_published and status != S.PUBLISHED


def owner_choices(plan: Plan) -> list[Organization]:
    """The organisations the plan may be owned by: the municipality's city and 社協s, and any
    organisation that owns it now (never dropped silently)."""
    current = set(plan.owners.values_list("pk", flat=True)) if plan.pk else set()
    return list(
        Organization.objects.filter(municipality=plan.municipality_id)
        .filter(kind__in=OWNER_KINDS) | Organization.objects.filter(pk__in=current)
    )


def owners_version(plan: Plan) -> str:
    """The owners the form showed, to refuse a save over owners changed since."""
    return ",".join(str(pk) for pk in sorted(plan.owners.values_list("pk", flat=True)))


def _locked(by: Any, plan: Plan) -> Plan:
    if not Standing.of(by, plan).can_edit_plan(plan):
        raise PermissionDenied(REFUSED)
    locked = Plan.objects.select_for_update().select_related("municipality").get(pk=plan.pk)
    if not Standing.of(by, locked).can_edit_plan(locked):
        raise PermissionDenied(REFUSED)
    return locked


# The form's cleaned fields that are the plan's own columns.
SETTINGS_FIELDS = ("title", "kind", "generation", "start_fy", "end_fy", "predecessor_id",
                   "philosophy", "philosophy_description", "summary", "source_document",
                   "contact_department", "contact_phone", "contact_email")


@transaction.atomic
def update_plan_settings(*, by: Any, plan: Plan, data: dict[str, Any], seen: str,
                         seen_owners: str | None = None
                         ) -> tuple[AuditEvent | None, AuditEvent | None]:
    """Write the settings in `data` (a settings form's cleaned data: the plan's fields, and
    `owners`, the owning organisations). Returns the event of the plan's fields and the event of
    its owners, each None when nothing of it changed. Raises StaleEdit when the plan (or its
    owners) changed since the page showed it, ValidationError for what no form should send."""
    locked = _locked(by, plan)
    check_fresh(locked, PLAN_FIELDS, seen)
    if seen_owners is not None and seen_owners != owners_version(locked):
        raise StaleEdit(locked)
    code = locked.municipality.code
    allowed = {o.pk: o for o in owner_choices(locked)}
    owners = [allowed[pk] for pk in data.get("owners", []) if pk in allowed]
    if not owners or len(owners) != len(data.get("owners", [])):
        raise ValidationError({"owners": "策定主体を、この自治体の市町村・社会福祉協議会から一つ以上選んでください。"})
    predecessor_id = data.get("predecessor_id")
    if predecessor_id is not None:
        other = Plan.objects.filter(pk=predecessor_id).first()
        if other is None or other.municipality_id != locked.municipality_id or other.pk == locked.pk:
            raise ValidationError({"predecessor": "前計画は、同じ自治体の別の計画から選んでください。"})
    start, end = data.get("start_fy"), data.get("end_fy")
    if start is not None and end is not None and end < start:
        raise ValidationError({"end_fy": "計画期間の終了年度は、開始年度と同じか後の年度にしてください。"})
    before = snapshot(locked)
    for name in SETTINGS_FIELDS:
        if name in data:
            setattr(locked, name, data[name])
    edit = None
    if snapshot(locked) != before:
        locked.save()
        edit = record(by=by, action="plans.plan.edit", obj=locked, before=before,
                      after=snapshot(locked), municipality_code=code, note="計画の設定")
    current = list(locked.owners.all())
    owners_event = None
    if {o.pk for o in current} != {o.pk for o in owners}:
        locked.owners.set(owners)
        owners_event = record(
            by=by, action="plans.plan.owners", obj=None, municipality_code=code,
            before={"plan_id": locked.pk, "owners": sorted(o.name for o in current)},
            after={"plan_id": locked.pk, "owners": sorted(o.name for o in owners)},
            note=f"「{locked.title}」の策定主体",
        )
    return edit, owners_event


@transaction.atomic
def change_plan_status(*, by: Any, plan: Plan, status: str, seen: str) -> AuditEvent:
    """Move the plan to `status` along TRANSITIONS (publishing shows it to residents; 公開 →
    策定済 withdraws it from them). Undoable: status is one of editing.PLAN_FIELDS."""
    locked = _locked(by, plan)
    check_fresh(locked, PLAN_FIELDS, seen)
    if not may_become(locked, status):
        raise ValidationError(f"「{locked.get_status_display()}」の計画は、その状態に変更できません。")
    before = snapshot(locked)
    was = locked.get_status_display()
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    return record(by=by, action="plans.plan.status", obj=locked, before=before,
                  after=snapshot(locked), municipality_code=locked.municipality.code,
                  note=f"状態：{was} → {locked.get_status_display()}")
