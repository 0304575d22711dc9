"""Search across a plan's text: its 体系, initiatives, what each actor does, 課題 and their
evidence, indicators, and the progress reports of the cycles the reader may see.

Every word of the query must appear (in any of a row's fields). Only public fields are searched;
readers outside the municipality search the public projection of the entries. Full-width and half-width forms
match each other (the query is tried as typed and in its NFKC form). No index: a plan holds a few
thousand rows, and the reader's access decides what is searched.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString, mark_safe

from sasaeai.accounts.access import Standing
from sasaeai.indicators.models import Indicator
from sasaeai.plans.models import ActorStatement, Challenge, Initiative, Plan, PlanElement
from sasaeai.progress.models import Cycle, Entry

MAX_HITS = 50
MAX_TERMS = 8


@dataclass
class Hit:
    title: str
    url: str
    snippet: SafeString


@dataclass
class Group:
    label: str
    hits: list[Hit]
    more: bool


def terms_of(query: str) -> list[str]:
    words = [w for w in re.split(r"[\s\u3000]+", query.strip()) if w]
    return list(dict.fromkeys(words))[:MAX_TERMS]


def _matches(fields: list[str], terms: list[str]) -> Q:
    def one(term: str) -> Q:
        variants = {term, unicodedata.normalize("NFKC", term)}
        return reduce(lambda a, b: a | b, (Q(**{f"{f}__icontains": v})
                                            for f in fields for v in variants))
    return reduce(lambda a, b: a & b, (one(t) for t in terms))


def snippet(text: str, terms: list[str], width: int = 60) -> SafeString:
    """The text around the first term, with every term marked; everything else escaped."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    first = min((folded.find(unicodedata.normalize("NFKC", t).casefold()) for t in terms
                 if unicodedata.normalize("NFKC", t).casefold() in folded), default=0)
    start = max(0, first - width // 2)
    part = text[start:start + width * 2]
    escaped = html.escape(part)
    for term in sorted(terms, key=len, reverse=True):
        escaped = re.sub(re.escape(html.escape(term)),
                         lambda m: f"<mark>{m.group(0)}</mark>", escaped, flags=re.IGNORECASE)
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width * 2 < len(text) else ""
    return mark_safe(prefix + escaped + suffix)  # noqa: S308  (every piece escaped above)


def _group(label: str, rows: QuerySet[Any], terms: list[str], title: Any, url: Any,
           text: Any) -> Group | None:
    found = list(rows[:MAX_HITS + 1])
    if not found:
        return None
    hits = [Hit(title(r), url(r), snippet(text(r), terms)) for r in found[:MAX_HITS]]
    return Group(label, hits, len(found) > MAX_HITS)


def search_plan(plan: Plan, user: Any, query: str) -> list[Group]:
    terms = terms_of(query)
    if not terms:
        return []
    base = plan.get_absolute_url()
    groups = [
        _group("計画の体系", PlanElement.objects.filter(plan=plan).current().filter(
            _matches(["title", "description", "number_label"], terms)).order_by("order", "id"),
            terms, lambda e: f"{e.level_label}{e.number_label} {e.title}",
            lambda e: f"{base}elements/{e.pk}/", lambda e: f"{e.title} {e.description}"),
        _group("取組", Initiative.objects.filter(plan=plan).current().filter(
            _matches(["title", "description"], terms)).order_by("order", "id"),
            terms, lambda i: f"{i.number_label} {i.title}",
            lambda i: f"{base}initiatives/{i.pk}/", lambda i: f"{i.title} {i.description}"),
        _group("主体ごとの取組", ActorStatement.objects.filter(plan=plan).filter(
            _matches(["text", "detail"], terms)).select_related("actor", "element",
                                                                "initiative").order_by("id"),
            terms, lambda s: s.actor.label,
            lambda s: (f"{base}initiatives/{s.initiative_id}/" if s.initiative_id else
                       f"{base}elements/{s.element_id}/" if s.element_id else base),
            lambda s: f"{s.text} {s.detail}"),
        _group("課題", Challenge.objects.filter(plan=plan).filter(
            _matches(["title", "description", "evidence__text"], terms)).distinct()
            .order_by("order", "id"),
            terms, lambda c: f"{c.number_label} {c.title}", lambda c: f"{base}challenges/",
            lambda c: " ".join([c.title, c.description,
                                *(e.text for e in c.evidence.all())])),
        _group("成果指標", Indicator.objects.filter(plan=plan).filter(
            _matches(["name", "definition", "rationale", "source_text"], terms))
            .order_by("order", "id"),
            terms, lambda i: i.name, lambda i: f"{base}indicators/{i.pk}/",
            lambda i: f"{i.name} {i.definition} {i.rationale} {i.source_text}"),
        _entries(plan, user, terms, base),
    ]
    return [g for g in groups if g is not None]


def _entries(plan: Plan, user: Any, terms: list[str], base: str) -> Group | None:
    standing = Standing.of(user, plan)
    cycles = {c.pk: c for c in Cycle.objects.filter(plan=plan)}
    for cycle in cycles.values():
        cycle.plan = plan
    visible = [pk for pk, c in cycles.items() if standing.can_view_cycle(c)]
    rows = Entry.objects.filter(cycle_id__in=visible)
    if not standing.member:  # the public finds a report's words only once it was handed in
        rows = rows.public().handed_in()
    rows = (rows.filter(_matches(["progress", "issues", "results", "direction_text"], terms))
            .select_related("organization", "initiative", "element").order_by("cycle_id", "id"))
    shown = [e for e in rows[:MAX_HITS * 2] if standing.can_view_entry(e, cycles[e.cycle_id])]
    if not shown:
        return None
    hits = [Hit(f"{cycles[e.cycle_id].display_title}：{e.organization.name}（{_subject(e)}）",
                f"{base}cycles/{e.cycle_id}/entries/{e.pk}/",
                snippet(f"{e.progress} {e.issues} {e.results}", terms))
            for e in shown[:MAX_HITS]]
    return Group("進捗の報告", hits, len(shown) > MAX_HITS)


def _subject(entry: Entry) -> str:
    subject = entry.initiative or entry.element
    return subject.title if subject is not None else ""
