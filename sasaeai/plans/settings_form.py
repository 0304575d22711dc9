"""The form of a plan's settings (issue #15), what publishing a plan shows to residents, and the
plan's recent changes for the editor hub.

Years are typed as plans write them: 「令和7年度」「R7」「令和7」 or 「2025」 (lib.wareki reads them);
what was typed is shown back as typed when the form is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q
from django.urls import reverse

from sasaeai.audit.models import AuditEvent
from sasaeai.audit.undo import REGISTRY
from sasaeai.lib.wareki import WarekiError, format_fy, parse_year
from sasaeai.plans.actions_settings import owner_choices
from sasaeai.plans.editing import change_label
from sasaeai.plans.history import LABELS
from sasaeai.plans.models import Plan

FIRST_FY, LAST_FY = 1947, 2200
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f]")


def read_fy(text: str) -> int | None:
    """The AD fiscal year typed as 令和7年度, R7, 令和7 or 2025 (None for nothing typed)."""
    text = text.strip()
    if not text:
        return None
    try:
        year = parse_year(text)
    except WarekiError as error:
        raise forms.ValidationError(f"「{text[:40]}」は年度として読めません：{error.reason}。"
                                    "例：令和7年度、R7、2025") from None
    if year.end is not None or year.month is not None:
        raise forms.ValidationError("年度を一つだけ入力してください（例：令和7年度）。")
    if not FIRST_FY <= year.start <= LAST_FY:
        raise forms.ValidationError(f"{year.start}年度は扱える範囲（{FIRST_FY}〜{LAST_FY}年度）の外です。")
    return year.start


class PlanSettingsForm(forms.Form):
    title = forms.CharField(label="計画名", max_length=200)
    kind = forms.ChoiceField(label="計画の種類", choices=Plan.Kind.choices)
    generation = forms.CharField(label="期・次", max_length=20, required=False,
                                 help_text="例：第3次、第4期")
    start_fy = forms.CharField(label="計画期間（開始年度）", max_length=40, required=False,
                               help_text="例：令和7年度、R7、2025")
    end_fy = forms.CharField(label="計画期間（終了年度）", max_length=40, required=False,
                             help_text="例：令和11年度、R11、2029")
    owners = forms.MultipleChoiceField(label="策定主体", widget=forms.CheckboxSelectMultiple,
                                       error_messages={
                                           "required": "策定主体を一つ以上選んでください。",
                                           "invalid_choice": "策定主体は、この自治体の市町村・社会福祉協議会から選んでください。"})
    predecessor = forms.ChoiceField(label="前計画", required=False, error_messages={
        "invalid_choice": "前計画は、同じ自治体の別の計画から選んでください。"})
    philosophy = forms.CharField(label="基本理念", max_length=200, required=False)
    philosophy_description = forms.CharField(label="基本理念の説明", required=False,
                                             max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    summary = forms.CharField(label="計画の概要", required=False, max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 6}))
    source_document = forms.CharField(label="出典資料", max_length=300, required=False,
                                      help_text="例：計画書PDFの名称やURL")
    contact_department = forms.CharField(label="問い合わせ先（課・係）", max_length=100, required=False,
                                         help_text="公開ページに住民向けに表示します")
    contact_phone = forms.CharField(label="問い合わせ先の電話番号", max_length=40, required=False,
                                    help_text="例：0299-48-1111")
    contact_email = forms.EmailField(label="問い合わせ先のメール", max_length=254, required=False,
                                     error_messages={"invalid": "メールアドレスの形で入力してください（例：fukushi@city.example.jp）。"})
    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    seen_owners = forms.CharField(widget=forms.HiddenInput, required=False)

    MULTILINE = ("philosophy_description", "summary")

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        owners: Any = self.fields["owners"]
        predecessor: Any = self.fields["predecessor"]
        owners.choices = [(str(o.pk), o.name) for o in owner_choices(plan)]
        others = Plan.objects.filter(municipality=plan.municipality_id).exclude(pk=plan.pk)
        predecessor.choices = [("", "（なし）")] + [
            (str(p.pk), f"{p.title}（{p.get_status_display()}）") for p in others]

    @classmethod
    def initial_of(cls, plan: Plan, seen: str, seen_owners: str) -> dict[str, Any]:
        return {
            "title": plan.title, "kind": plan.kind, "generation": plan.generation,
            "start_fy": format_fy(plan.start_fy) if plan.start_fy else "",
            "end_fy": format_fy(plan.end_fy) if plan.end_fy else "",
            "owners": [str(pk) for pk in plan.owners.values_list("pk", flat=True)],
            "predecessor": str(plan.predecessor_id or ""),
            "philosophy": plan.philosophy, "philosophy_description": plan.philosophy_description,
            "summary": plan.summary, "source_document": plan.source_document,
            "contact_department": plan.contact_department, "contact_phone": plan.contact_phone,
            "contact_email": plan.contact_email, "seen": seen, "seen_owners": seen_owners,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in list(data.items()):
            if not isinstance(value, str) or name in ("seen", "seen_owners"):
                continue
            bad = CONTROL if name in self.MULTILINE else CONTROL_OR_BREAK
            if bad.search(value):
                self.add_error(name, "制御文字や改行は使えません。" if name not in self.MULTILINE
                               else "制御文字は使えません。")
        for name in ("start_fy", "end_fy"):
            if name in data:
                try:
                    data[name] = read_fy(data[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        start, end = data.get("start_fy"), data.get("end_fy")
        if isinstance(start, int) and isinstance(end, int) and end < start:
            self.add_error("end_fy", "計画期間の終了年度は、開始年度と同じか後の年度にしてください。")
        if "predecessor" in data:
            data["predecessor_id"] = int(data.pop("predecessor")) if data.get("predecessor") else None
        if "owners" in data:
            data["owners"] = [int(pk) for pk in data["owners"]]
        return data


@dataclass(frozen=True)
class Publication:
    """What residents will see once the plan is published."""

    url: str
    goals: int
    elements: int
    initiatives: int
    indicators: int
    challenges: int
    cycles: list[str]


def publication_preview(plan: Plan, absolute_url: str) -> Publication:
    cycles: Any = plan.cycles
    return Publication(
        url=absolute_url,
        goals=plan.elements.filter(parent__isnull=True).count(),
        elements=plan.elements.count(),
        initiatives=plan.initiatives.count(),
        indicators=plan.indicators.count(),
        challenges=plan.challenges.count(),
        cycles=[str(c) for c in cycles.published()],
    )


@dataclass(frozen=True)
class Change:
    event: AuditEvent
    undoable: bool
    history: str = ""  # the item's history page, when it still exists and has one

    @property
    def label(self) -> str:
        return change_label(self.event)


def recent_changes(plan: Plan, limit: int = 20) -> list[Change]:
    """The plan's last audited changes (its own row and its rows), newest first, each with
    whether it can be undone (audit.undo.can_undo, asked for all of them in one query)."""
    events = list(
        AuditEvent.objects.filter(municipality_code=plan.municipality.code)
        .filter(Q(object_type=Plan._meta.label, object_id=str(plan.pk))
                | Q(after__plan_id=plan.pk) | Q(before__plan_id=plan.pk))
        .order_by("-at", "-id")[:limit]
    )
    undone = set(AuditEvent.objects.filter(undoes__in=events).values_list("undoes_id", flat=True))
    pages = histories(plan, events)
    return [Change(e, e.object_type in REGISTRY and e.object_id != "" and e.pk not in undone,
                   pages.get((e.object_type, e.object_id), "")) for e in events]


def histories(plan: Plan, events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    """The history page of each item the events changed that still exists (one query per kind
    of item)."""
    wanted: dict[str, set[int]] = {}
    for e in events:
        if e.object_type in LABELS and e.object_type in REGISTRY and e.object_id.isdigit():
            wanted.setdefault(e.object_type, set()).add(int(e.object_id))
    pages = {}
    for label, ids in wanted.items():
        for pk in REGISTRY[label].model._default_manager.filter(pk__in=ids).values_list(
                "pk", flat=True):
            pages[(label, str(pk))] = reverse(
                "plans:history", args=[plan.municipality.code, plan.slug, LABELS[label], pk])
    return pages


def plan_url(plan: Plan, name: str) -> str:
    return reverse(name, args=[plan.municipality.code, plan.slug])


def saved_and_typed(plan: Plan, typed: Any) -> list[tuple[str, str, str]]:
    """The plan as saved now beside what the user sent, field by field (a stale edit's page)."""
    form = PlanSettingsForm(plan=plan)
    saved = PlanSettingsForm.initial_of(plan, "", "")
    rows = []
    for name, field in form.fields.items():
        if name in ("seen", "seen_owners"):
            continue
        choices = dict(getattr(field, "choices", []) or [])
        if name == "owners":
            now = "・".join(str(choices.get(pk, pk)) for pk in saved["owners"])
            sent = "・".join(str(choices.get(pk, pk)) for pk in typed.getlist("owners"))
        else:
            now = str(choices.get(saved[name], saved[name])) if choices else str(saved[name])
            value = str(typed.get(name, ""))
            sent = str(choices.get(value, value)) if choices else value
        rows.append((str(field.label), now, sent[:2000]))
    return rows
