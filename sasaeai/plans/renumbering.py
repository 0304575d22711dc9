"""Renumbering a branch of the 体系 in the plan's own style (1, (1), ①, 【1】, 1-1…), after a
preview (issue #15).

The numbers change in two steps (blank, then the new numbers) so that no number is used twice
under one parent in between. Each changed element gets its own event (its history shows it),
and the whole renumbering one more, on the branch's root ("plans.tree.renumber", the numbers
before and after): the toast's 「元に戻す」 undoes that one, putting every number back at once,
refused if any of them changed since (audit.undo's custom undo for that action).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sasaeai.audit.actions import record, snapshot
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.undo import StaleEdit
from sasaeai.plans.models import Plan, PlanElement, joined_number
from sasaeai.plans.tree import _lock, _save, find, rows

SUMMARY = "plans.tree.renumber"

KATAKANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
KANJI = "〇一二三四五六七八九"
STYLES = {
    "keep": "入力どおり（変えない）", "arabic": "1, 2, 3", "dot": "1., 2., 3.",
    "paren": "(1), (2), (3)", "circled": "①, ②, ③", "bracket": "【1】,【2】,【3】",
    "hyphen": "1-1, 1-2（上位の番号-連番）", "katakana": "ア, イ, ウ", "kanji": "一, 二, 三",
}


def _kanji(n: int) -> str:
    if n < 10:
        return KANJI[n]
    tens, ones = divmod(n, 10)
    return (KANJI[tens] if tens > 1 else "") + "十" + (KANJI[ones] if ones else "")


def _circled(n: int) -> str:
    if n <= 20:
        return chr(0x2460 + n - 1)
    if n <= 35:
        return chr(0x3251 + n - 21)
    if n <= 50:
        return chr(0x32B1 + n - 36)
    return f"({n})"


def number(style: str, n: int, parent_number: str) -> str:
    """The n-th number (from 1) in a style; `parent_number` for 1-1."""
    return {
        "arabic": str(n), "dot": f"{n}.", "paren": f"({n})", "circled": _circled(n),
        "bracket": f"【{n}】", "hyphen": joined_number([parent_number, str(n)]),
        "katakana": KATAKANA[n - 1] if n <= len(KATAKANA) else f"({n})",
        "kanji": _kanji(n) if n < 100 else str(n),
    }[style]


@dataclass
class Renumbered:
    element: PlanElement
    depth: int  # 1: the branch's children
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


def renumber_plan(plan: Plan, elements: list[PlanElement], root_pk: int, styles: list[str],
                  deep: bool) -> list[Renumbered]:
    """What renumbering root's children (and theirs when `deep`) would give, archived
    elements left as they are; styles[i] is the style of depth i + 1."""
    if any(s not in STYLES for s in styles):
        raise ValidationError("番号の形式は一覧から選んでください。")
    root = find(rows(plan, elements), root_pk)
    if root is None:
        raise ValidationError("この項目は既にありません。")
    found: list[Renumbered] = []

    def walk(row: Any, depth: int, parent_number: str) -> None:
        style = styles[depth - 1] if depth - 1 < len(styles) else "keep"
        n = 0
        for child in row.children:
            e = child.element
            new = e.number_label
            if style != "keep" and e.archived_at is None:
                n += 1
                new = number(style, n, parent_number)
            found.append(Renumbered(e, depth, e.number_label, new))
            if deep:
                walk(child, depth + 1, new)

    walk(root, 1, root.element.number_label)
    return found


def preview_key(items: list[Renumbered]) -> str:
    """What the preview showed: the apply is refused if the numbers changed since."""
    text = repr([(i.element.pk, i.old, i.new) for i in items])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _duplicates(elements: list[PlanElement], items: list[Renumbered]) -> list[str]:
    new = {i.element.pk: i.new for i in items}
    seen: dict[tuple[Any, str, str], PlanElement] = {}
    clashes: list[str] = []
    for e in elements:
        label = new.get(e.pk, e.number_label)
        if not label:
            continue
        key = (e.parent_id, e.level_label, label)
        if key in seen:
            clashes.append(f"{e.level_label}{label}")
        seen[key] = e
    return clashes


@transaction.atomic
def renumber(*, by: Any, plan: Plan, pk: int, styles: list[str], deep: bool, key: str
             ) -> tuple[list[Renumbered], AuditEvent | None]:
    """Apply the previewed numbers (see the module docstring): the changed elements, and the
    event that undoes them all at once (None when nothing changed)."""
    plan, elements = _lock(by, plan)
    items = renumber_plan(plan, elements, pk, styles, deep)
    if key != preview_key(items):
        raise ValidationError("確認画面を表示した後に、番号か体系が変わりました。もう一度確認してください。")
    clashes = _duplicates(elements, items)
    if clashes:
        raise ValidationError(f"番号が重複します（{'、'.join(clashes[:5])}）。形式を選び直してください。")
    changed = [i for i in items if i.changed]
    befores = {i.element.pk: snapshot(i.element) for i in changed}
    for item in changed:
        item.element.number_label = ""
        item.element.save(update_fields=["number_label"])
    try:
        with transaction.atomic():
            for item in changed:
                item.element.number_label = item.new
                item.element.save(update_fields=["number_label"])
    except IntegrityError as exc:
        raise ValidationError("番号が重複するため、振り直せませんでした。") from exc
    for item in changed:
        _save(by, plan, item.element, befores[item.element.pk], "plans.element.renumber",
              f"番号を振り直しました（{item.old or '番号なし'} → {item.new}）。")
    if not changed:
        return changed, None
    root = next(e for e in elements if e.pk == pk)
    numbers = {"plan_id": plan.pk}
    made = record(by=by, action=SUMMARY, obj=root,
                  before={**numbers, "numbers": {str(i.element.pk): i.old for i in changed}},
                  after={**numbers, "numbers": {str(i.element.pk): i.new for i in changed}},
                  municipality_code=plan.municipality.code,
                  note=f"下の項目{len(changed)}件の番号を振り直しました。")
    return changed, made


@transaction.atomic
def undo_renumber(*, by: Any, event: AuditEvent, municipality_code: str) -> AuditEvent:
    """Put back every number a renumbering (or its undo) changed, as one new event that can be
    undone in turn. Refused when one of them changed since, or an element is gone."""
    before, after = event.before or {}, event.after or {}
    plan_id = after.get("plan_id")
    plan = Plan.objects.filter(pk=plan_id).first() if isinstance(plan_id, int) else None
    if plan is None:
        raise ValidationError("この計画は既にありません。")
    plan, elements = _lock(by, plan)
    now, back = after.get("numbers") or {}, before.get("numbers") or {}
    by_pk = {str(e.pk): e for e in elements}
    root = by_pk.get(event.object_id)
    if root is None or any(key not in by_pk for key in now):
        raise ValidationError("番号を振り直した項目のうち、既にないものがあるため元に戻せません。")
    if any(by_pk[key].number_label != value for key, value in now.items()):
        raise StaleEdit(root)
    for key in now:
        by_pk[key].number_label = ""
        by_pk[key].save(update_fields=["number_label"])
    try:
        with transaction.atomic():
            for key in now:
                by_pk[key].number_label = back.get(key, "")
                by_pk[key].save(update_fields=["number_label"])
    except IntegrityError as exc:
        raise ValidationError("その後に同じ番号が使われたため、元に戻せませんでした。") from exc
    return record(by=by, action=SUMMARY, obj=root, before=after, after=before,
                  municipality_code=municipality_code, undoes=event,
                  note=f"下の項目{len(now)}件の番号を元に戻しました。")
