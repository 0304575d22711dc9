"""The 体系 editor's writes (issue #15): add, rename, move, delete or archive and renumber the
elements of a plan (基本目標 → 基本施策 → 施策の方向 …).

Every function takes `by=` and locks the plan row first, so that two editors changing the same
plan's structure wait for each other; each changed row gets its own audit event
("plans.element.add/edit/move/delete/archive/restore/renumber"), undoable one by one.

Order: `PlanElement.order` is one sequence over the whole plan in the order of the 体系 (a
parent, then its children, then its next sibling): flat lists (reporting units, reports) sort by
it. A move changes only the moved element and its descendants: they take orders in the gap
between their new neighbours. When the gap is too small the plan's orders are first spaced out
(one "plans.element.reorder" event per changed row), so that the move's own event holds the
spaced order as `before`: undoing the move's main event (the toast offers only that one) puts
the element back under its old parent at its old place. The descendants keep their new orders,
which keeps them in the same order under the element. Numbers are kept as typed by a move
(unless the same number is already used at the destination: then it is blanked and the message
says so); renumbering is an explicit step with a preview.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sasaeai.accounts.access import Standing
from sasaeai.audit.actions import record, snapshot
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.undo import check_fresh
from sasaeai.plans.editing import ELEMENT_FIELDS
from sasaeai.plans.models import MAX_DEPTH, Plan, PlanElement, descendants, joined_number

STEP = 1024  # the gap between two consecutive elements once the plan's orders are spaced
REFUSED = "計画の体系を編集できるのは、この計画の事務局です。"
DIRECTIONS = {"up": "上へ", "down": "下へ", "indent": "字下げ", "outdent": "字上げ"}


# ---------------------------------------------------------------------------------------------
# The tree as the editor shows it
# ---------------------------------------------------------------------------------------------

@dataclass
class Row:
    element: PlanElement
    depth: int
    children: list[Row] = field(default_factory=list)
    initiatives: int = 0  # 取組 in the element and everything under it
    first: bool = False
    last: bool = False
    hidden: bool = False  # archived, or under an archived element
    numbers: list[str] = field(default_factory=list)  # its parents' numbers and its own

    @property
    def name(self) -> str:
        """How a control names the row, unique in the plan: 「基本目標1」「基本施策1-2」, or
        the title when it has no number."""
        e = self.element
        if not e.number_label.strip():
            return e.title[:30]
        return f"{e.level_label}{joined_number(self.numbers)}"


def rows(plan: Plan, elements: list[PlanElement] | None = None) -> list[Row]:
    """The plan's 体系 as nested rows, archived elements included (marked)."""
    elements = list(plan.elements.all()) if elements is None else elements
    counts: dict[int, int] = {}
    for element_id in plan.initiatives.values_list("element_id", flat=True):
        counts[element_id] = counts.get(element_id, 0) + 1
    nodes = {e.pk: Row(e, 0, initiatives=counts.get(e.pk, 0)) for e in elements}
    roots: list[Row] = []
    for e in sorted(elements, key=lambda e: (e.order, e.pk)):
        e.plan = plan
        (nodes[e.parent_id].children if e.parent_id in nodes else roots).append(nodes[e.pk])

    def walk(items: list[Row], depth: int, hidden: bool, numbers: list[str]) -> int:
        total = 0
        for i, row in enumerate(items):
            row.depth, row.first, row.last = depth, i == 0, i == len(items) - 1
            row.hidden = hidden or row.element.archived_at is not None
            row.numbers = [*numbers, row.element.number_label]
            row.initiatives += walk(row.children, depth + 1, row.hidden, row.numbers)
            total += row.initiatives
        return total

    walk(roots, 0, False, [])
    return roots


def archived_ids(elements: list[PlanElement]) -> set[int]:
    """The archived elements (廃止) and everything under them, from an already-loaded list:
    readers' pages and new reporting units leave them out."""
    archived: set[int] = set()
    for element in elements:
        if element.archived_at is not None:
            archived.add(element.pk)
            archived.update(e.pk for e in descendants(elements, element))
    return archived


def preorder(plan_rows: list[Row]) -> list[PlanElement]:
    found: list[PlanElement] = []
    for row in plan_rows:
        found.append(row.element)
        found.extend(preorder(row.children))
    return found


def find(plan_rows: list[Row], pk: int) -> Row | None:
    for row in plan_rows:
        if row.element.pk == pk:
            return row
        hit = find(row.children, pk)
        if hit is not None:
            return hit
    return None


def siblings(plan_rows: list[Row], parent_id: int | None) -> list[Row]:
    if parent_id is None:
        return plan_rows
    parent = find(plan_rows, parent_id)
    return parent.children if parent is not None else []


# ---------------------------------------------------------------------------------------------
# Shared steps of the writes
# ---------------------------------------------------------------------------------------------

def _lock(by: Any, plan: Plan) -> tuple[Plan, list[PlanElement]]:
    if not Standing.of(by, plan).can_edit_plan(plan):
        raise PermissionDenied(REFUSED)
    locked = Plan.objects.select_for_update().select_related("municipality").get(pk=plan.pk)
    elements = list(PlanElement.objects.select_for_update().filter(plan=locked))
    return locked, elements


def _save(by: Any, plan: Plan, element: PlanElement, before: dict[str, Any] | None,
          action: str, note: str = "") -> AuditEvent:
    return record(by=by, action=action, obj=element, before=before, after=snapshot(element),
                  municipality_code=plan.municipality.code, note=note)


def _space_out(by: Any, plan: Plan, elements: list[PlanElement]) -> None:
    """Give every element an order STEP apart, in the order of the 体系."""
    for i, element in enumerate(preorder(rows(plan, elements))):
        wanted = (i + 1) * STEP
        if element.order != wanted:
            before = snapshot(element)
            element.order = wanted
            element.save(update_fields=["order"])
            _save(by, plan, element, before, "plans.element.reorder",
                  "体系の並べ替えのために表示順を整理しました。")


def _slot(plan: Plan, elements: list[PlanElement], moving: list[PlanElement],
          parent_id: int | None, position: int) -> tuple[int, int | None]:
    """The orders just before and just after `position` among parent's children (the moving
    elements left out): the neighbours in the order of the 体系."""
    moving_ids = {e.pk for e in moving}
    rest = [e for e in elements if e.pk not in moving_ids]
    tree = rows(plan, rest)
    flat = preorder(tree)
    group = siblings(tree, parent_id)
    if position < len(group):
        after_item: PlanElement | None = group[position].element
        index = flat.index(group[position].element)
        before_item = flat[index - 1] if index > 0 else None
    else:
        after_item = None
        parent = find(tree, parent_id) if parent_id is not None else None
        if group:  # after the last descendant of the last sibling
            before_item = preorder([group[-1]])[-1]
        else:
            before_item = parent.element if parent is not None else None
        index = flat.index(before_item) if before_item is not None else -1
        after_item = flat[index + 1] if index + 1 < len(flat) else None
    low = before_item.order if before_item is not None else 0
    return low, (after_item.order if after_item is not None else None)


def _place(by: Any, plan: Plan, elements: list[PlanElement], element: PlanElement,
           parent_id: int | None, position: int, action: str, note: str) -> AuditEvent | None:
    """Put element (with its descendants) at position among parent's children; returns the
    element's own event."""
    row = find(rows(plan, elements), element.pk)
    subtree = [element, *(preorder(row.children) if row is not None else [])]
    low, high = _slot(plan, elements, subtree, parent_id, position)
    if high is not None and high - low <= len(subtree):
        _space_out(by, plan, elements)
        low, high = _slot(plan, elements, subtree, parent_id, position)
    step = STEP if high is None else (high - low) // (len(subtree) + 1)
    main: AuditEvent | None = None
    for i, item in enumerate(subtree):
        before = snapshot(item)
        item.order = low + step * (i + 1)
        if item is element:
            item.parent_id = parent_id
        item.save()
        event = _save(by, plan, item, before, action, note)
        if item is element:
            main = event
    return main


def _number_taken(elements: list[PlanElement], element: PlanElement, parent_id: int | None,
                  level_label: str, number_label: str) -> bool:
    return bool(number_label) and any(
        e.pk != element.pk and e.parent_id == parent_id and e.level_label == level_label
        and e.number_label == number_label for e in elements)


def _clean_text(value: str, label: str, limit: int, *, required: bool = False,
                multiline: bool = False) -> str:
    value = value.strip() if multiline else " ".join(value.split())
    allowed = "\n\r\t" if multiline else ""
    if any((ord(c) < 32 and c not in allowed) or ord(c) == 127 for c in value):
        raise ValidationError(f"{label}に制御文字は使えません。")
    if required and not value:
        raise ValidationError(f"{label}を入力してください。")
    if len(value) > limit:
        raise ValidationError(f"{label}は{limit}文字以内で入力してください。")
    return value


def clean_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The element's fields from a form, checked (Japanese messages), or ValidationError."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name, label, limit, required, multiline in (
            ("title", "名称", 300, True, False), ("level_label", "階層名", 40, True, False),
            ("number_label", "番号", 30, False, False),
            ("description", "説明", 5000, False, True)):
        try:
            cleaned[name] = _clean_text(str(data.get(name, "")), label, limit,
                                        required=required, multiline=multiline)
        except ValidationError as exc:
            errors[name] = exc.messages[0]
    cleaned["is_priority"] = bool(data.get("is_priority"))
    cleaned["is_new"] = bool(data.get("is_new"))
    if errors:
        raise ValidationError(errors)
    return cleaned


# ---------------------------------------------------------------------------------------------
# The writes
# ---------------------------------------------------------------------------------------------

def _refuse_too_deep(by_id: dict[int, PlanElement], parent_id: int | None, height: int) -> None:
    """A 体系 nests at most MAX_DEPTH levels (real plans use 3 to 5): deeper would be a slip of
    字下げ, and the readers' filters for archived branches look that far up."""
    depth, node = 0, parent_id
    while node is not None and node in by_id and depth <= MAX_DEPTH:
        depth += 1
        node = by_id[node].parent_id
    if depth + height > MAX_DEPTH:
        raise ValidationError(f"体系は{MAX_DEPTH}階層までです。これ以上深くはできません。")


def _height(tree: list[Row], pk: int) -> int:
    row = find(tree, pk)
    if row is None:
        return 1

    def of(r: Row) -> int:
        return 1 + max((of(c) for c in r.children), default=0)

    return of(row)


@transaction.atomic
def add_element(*, by: Any, plan: Plan, parent_id: int | None, after_id: int | None,
                data: dict[str, Any]) -> tuple[PlanElement, AuditEvent]:
    """A new element: the last child of `parent_id`, or the next sibling of `after_id`."""
    fields = clean_fields(data)
    plan, elements = _lock(by, plan)
    by_id = {e.pk: e for e in elements}
    tree = rows(plan, elements)
    if after_id is not None:
        if after_id not in by_id:
            raise ValidationError("追加する位置の項目が見つかりません。ページを読み込み直してください。")
        parent_id = by_id[after_id].parent_id
        group = siblings(tree, parent_id)
        position = [r.element.pk for r in group].index(after_id) + 1
    else:
        if parent_id is not None and parent_id not in by_id:
            raise ValidationError("上位の項目が見つかりません。ページを読み込み直してください。")
        position = len(siblings(tree, parent_id))
    _refuse_too_deep(by_id, parent_id, 1)
    element = PlanElement(plan=plan, parent_id=parent_id, **fields)
    if _number_taken(elements, element, parent_id, fields["level_label"], fields["number_label"]):
        raise ValidationError({"number_label": f"同じ階層に「{fields['level_label']}"
                                               f"{fields['number_label']}」が既にあります。別の番号にしてください。"})
    low, high = _slot(plan, elements, [], parent_id, position)
    if high is not None and high - low <= 1:
        _space_out(by, plan, elements)
        low, high = _slot(plan, elements, [], parent_id, position)
    element.order = low + (STEP if high is None else (high - low) // 2)
    element.save()
    return element, _save(by, plan, element, None, "plans.element.add")


@transaction.atomic
def edit_element(*, by: Any, plan: Plan, pk: int, data: dict[str, Any], seen: str
                 ) -> AuditEvent | None:
    """Rename: title, level, number, description and the 重点・新規 flags. Refused as stale when
    the element changed since the form was shown (audit.undo.StaleEdit)."""
    fields = clean_fields(data)
    plan, elements = _lock(by, plan)
    element = next((e for e in elements if e.pk == pk), None)
    if element is None:
        raise ValidationError("この項目は既にありません。")
    check_fresh(element, ELEMENT_FIELDS, seen)
    if _number_taken(elements, element, element.parent_id, fields["level_label"],
                     fields["number_label"]):
        raise ValidationError({"number_label": f"同じ階層に「{fields['level_label']}"
                                               f"{fields['number_label']}」が既にあります。別の番号にしてください。"})
    before = snapshot(element)
    for name, value in fields.items():
        setattr(element, name, value)
    if snapshot(element) == before:
        return None
    element.save()
    return _save(by, plan, element, before, "plans.element.edit")


@dataclass
class Moved:
    event: AuditEvent | None
    blanked: str = ""  # the number blanked because the destination had it already


@transaction.atomic
def move_element(*, by: Any, plan: Plan, pk: int, direction: str = "",
                 parent_id: int | None = None, position: int | None = None) -> Moved:
    """Move among siblings (up/down), under the previous sibling (indent), after the parent
    (outdent), or to `position` under `parent_id` (drag and drop)."""
    plan, elements = _lock(by, plan)
    by_id = {e.pk: e for e in elements}
    element = by_id.get(pk)
    if element is None:
        raise ValidationError("この項目は既にありません。")
    tree = rows(plan, elements)
    group = [r.element.pk for r in siblings(tree, element.parent_id)]
    index = group.index(pk)
    if direction:
        if direction == "up":
            if index == 0:
                raise ValidationError("この項目は既に先頭です。")
            parent_id, position = element.parent_id, index - 1
        elif direction == "down":
            if index == len(group) - 1:
                raise ValidationError("この項目は既に末尾です。")
            parent_id, position = element.parent_id, index + 1
        elif direction == "indent":
            if index == 0:
                raise ValidationError("字下げするには、同じ階層の前に項目が必要です。")
            parent_id = group[index - 1]
            position = len(siblings(tree, parent_id))
        elif direction == "outdent":
            if element.parent_id is None:
                raise ValidationError("最上位の項目は字上げできません。")
            parent = by_id[element.parent_id]
            parent_id = parent.parent_id
            position = [r.element.pk for r in siblings(tree, parent_id)].index(parent.pk) + 1
        else:
            raise ValidationError("移動の方向は、上へ・下へ・字下げ・字上げから選んでください。")
    else:
        if parent_id is not None and parent_id not in by_id:
            raise ValidationError("移動先の項目が見つかりません。ページを読み込み直してください。")
        if position is None or position < 0:
            raise ValidationError("移動先の位置を指定してください。")
        row = find(tree, pk)
        below = {e.pk for e in preorder([row])} if row is not None else {pk}
        if parent_id in below:
            raise ValidationError("項目を、その項目自身の下には移動できません。")
        position = min(position, len([r for r in siblings(tree, parent_id)
                                      if r.element.pk != pk]))
    if parent_id != element.parent_id:
        _refuse_too_deep(by_id, parent_id, _height(tree, pk))
    blanked = ""
    if parent_id != element.parent_id and _number_taken(
            elements, element, parent_id, element.level_label, element.number_label):
        blanked, element.number_label = element.number_label, ""
    note = f"{element}を移動しました。"
    event = _place(by, plan, elements, element, parent_id, position, "plans.element.move", note)
    return Moved(event, blanked)


def referrers(element: PlanElement) -> list[tuple[str, list[tuple[str, str]]]]:
    """What refers to the element, by kind: (kind, [(name, link or "")]). Found from every
    relation to PlanElement, so a relation added later is not missed."""
    found: list[tuple[str, list[tuple[str, str]]]] = []
    for rel in PlanElement._meta.related_objects:
        accessor = rel.get_accessor_name()
        if accessor is None:
            continue
        manager = getattr(element, accessor, None)
        if manager is None or not hasattr(manager, "all"):
            continue
        items = list(manager.all()[:21])
        if not items:
            continue
        named: list[tuple[str, str]] = []
        for item in items[:20]:
            try:
                link = item.get_absolute_url()
            except Exception:  # a row without a page of its own is listed without a link
                link = ""
            named.append((str(item), link))
        if len(items) > 20:
            named.append(("ほか", ""))
        found.append((str(rel.related_model._meta.verbose_name), named))
    return found


@dataclass
class Deleted:
    event: AuditEvent
    archived: bool


@transaction.atomic
def delete_element(*, by: Any, plan: Plan, pk: int) -> Deleted:
    """Delete an element nothing refers to; in a published plan, archive it instead (it stays
    for history and past reports, hidden from the public). Refused with what refers to it."""
    plan, elements = _lock(by, plan)
    element = next((e for e in elements if e.pk == pk), None)
    if element is None:
        raise ValidationError("この項目は既にありません。")
    before = snapshot(element)
    if plan.is_published:
        if element.archived_at is not None:
            raise ValidationError("この項目は既に廃止されています。")
        element.archived_at = timezone.now()
        element.save(update_fields=["archived_at"])
        return Deleted(_save(by, plan, element, before, "plans.element.archive",
                             "公開中の計画のため、削除せず廃止にしました。"), True)
    found = referrers(element)
    if found:
        kinds = "、".join(f"{kind}{len(items)}件" for kind, items in found)
        raise ValidationError(f"「{element}」には{kinds}が結び付いているため削除できません。")
    label = str(element)
    event = record(by=by, action="plans.element.delete", obj=element, before=before, after=None,
                   municipality_code=plan.municipality.code, note=f"「{label}」を削除しました。")
    element.delete()
    return Deleted(event, False)


@transaction.atomic
def restore_element(*, by: Any, plan: Plan, pk: int) -> AuditEvent:
    plan, elements = _lock(by, plan)
    element = next((e for e in elements if e.pk == pk), None)
    if element is None or element.archived_at is None:
        raise ValidationError("この項目は廃止されていません。")
    before = snapshot(element)
    element.archived_at = None
    element.save(update_fields=["archived_at"])
    return _save(by, plan, element, before, "plans.element.restore")
