"""Audited write: a 照会 workbook imported and its entries handed in, in one confirmation.

`actions.apply_workbook` imports a preview's rows as drafts; `import_and_submit_workbook` does
the same and then submits every imported entry through `actions.submit_entry`, the action the
entry page's 「提出」 uses (it locks the row again and re-checks the permission and the state).
All or nothing: one row that cannot be handed in leaves every entry as it was.

The rows are checked first, on the locked rows, so that the refusal names the row as the sheet
numbers it: an entry already handed in (提出済・確認済) since the preview, and an entry that would
be handed in with neither 進捗状況 nor 実績.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from sasaeai.accounts.access import Standing
from sasaeai.audit.actions import record
from sasaeai.progress import actions
from sasaeai.progress.models import Cycle, Entry
from sasaeai.progress.workbook import Preview, RowResult
from sasaeai.tenancy.models import Organization

SUBMIT_DENIED = "この組織の報告をExcelから取り込んで提出できるのは、事務局とその組織の担当です。"


def _refusal(row: RowResult, current: Entry) -> str:
    where = f"{row.line}行目（{row.subject}）" if row.subject else f"{row.line}行目"
    if current.is_handed_in:
        return (f"{where}の報告は既に「{current.get_status_display()}」です。"
                "提出済の報告は取り込めないため、何も取り込んでいません。")
    return f"{where}の報告は提出できないため、何も取り込んでいません。"


@transaction.atomic
def import_and_submit_workbook(
    *, by: Any, cycle: Cycle, organization: Organization, preview: Preview
) -> list[Entry]:
    """Import the preview's changed rows (as apply_workbook) and submit each imported entry
    (as submit_entry); the entries are returned as submitted."""
    if not Standing.of(by, cycle.plan).can_exchange_workbook(cycle, organization.pk):
        raise PermissionDenied(SUBMIT_DENIED)
    rows = [row for row in preview.rows if row.changes and row.entry is not None]
    # Lock in the order every action locks: the cycle, then each entry.
    locked_cycle = Cycle.objects.select_for_update(of=("self",)).get(pk=cycle.pk)
    current = {e.pk: e for e in Entry.objects.select_for_update(of=("self",))
               .filter(pk__in=[row.entry_id for row in rows]).order_by("pk")}
    standing = Standing.of(by, cycle.plan)
    for row in rows:
        entry = current.get(row.entry_id or 0)
        if entry is None:
            raise ValidationError(f"{row.line}行目の報告が見つかりません。何も取り込んでいません。")
        entry.cycle = locked_cycle
        if entry.is_handed_in or not standing.can_submit_entry(entry, locked_cycle):
            raise ValidationError(_refusal(row, entry))
        if row.empty_after_import:
            raise ValidationError(
                f"{row.line}行目（{row.subject}）は進捗状況も実績も空のため提出できません。"
                "何も取り込んでいません。入力してからアップロードし直すか、下書きとして取り込んでください。"
            )
    saved = actions.apply_workbook(by=by, cycle=cycle, organization=organization,
                                   preview=preview)
    submitted = []
    for entry in saved:
        entry.cycle = cycle
        submitted.append(actions.submit_entry(by=by, entry=entry,
                                              expected_version=entry.version))
    if submitted:
        record(by=by, action="progress.workbook.submit", obj=cycle,
               municipality_code=cycle.plan.municipality.code, organization=organization.name,
               note=f"{preview.filename}：{len(submitted)}件の報告を取り込んで提出")
    return submitted
