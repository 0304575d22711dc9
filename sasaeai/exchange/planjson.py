"""A whole plan as one JSON document (format `sasaeai-plan`, version 1.0), and back.

The document holds everything a plan holds: its description and owners, the 体系 (elements,
initiatives and 再掲 placements), the actors and what each does, the 課題 with their evidence and
links, the indicators with targets, observations (with survey intervals and breakdowns) and the
事務局's judgement overrides, the plan's judgement rule and rating scale, and every progress cycle
with its entries and the committee's opinions and responses. Its schema is
`docs/plan-format.schema.json`; `docs/plan-format.md` explains it in prose.

Rows are named by keys given in document order ("E1", "I3"), never by database ids, so a document
is the same whichever database it came from, and exporting an imported plan gives the same
document back (the round trip the tests hold every demo plan to). Numbers that are decimals in
the database are strings ("85.3"), so nothing is rounded on the way.

What it leaves out, on purpose: who did what (users, the entry history, the audit log), which
belong to the installation, and survey microdata, which never leaves the 事務局 (only the
aggregates on the observations do). With `public=True` only published cycles are included,
without return comments or the names of committee members: what the public site shows.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models

from sasaeai.indicators.models import (
    Indicator,
    JudgementOverride,
    JudgementRule,
    Observation,
    Target,
)
from sasaeai.plans.models import (
    Actor,
    ActorStatement,
    Challenge,
    Evidence,
    Initiative,
    Placement,
    Plan,
    PlanElement,
)
from sasaeai.progress.models import Cycle, Entry, Opinion, PlanRatingScale, RatingLevel
from sasaeai.tenancy.models import Area, Organization

FORMAT = "sasaeai-plan"
VERSION = "1.0"

# The fields each kind of row carries, by model field name (foreign keys are written as keys).
FIELDS: dict[type[models.Model], list[str]] = {
    Plan: ["slug", "title", "kind", "generation", "start_fy", "end_fy", "philosophy",
           "philosophy_description", "summary", "status", "source_document"],
    Organization: ["name", "short_name", "kind", "order"],
    Area: ["name", "level_label", "description", "is_sample_name", "order"],
    Actor: ["kind", "label", "sphere", "sphere_label", "order"],
    PlanElement: ["level_label", "number_label", "title", "description", "is_priority", "is_new",
                  "order"],
    Initiative: ["number_label", "title", "description", "is_priority", "is_new", "order"],
    Placement: ["note", "order"],
    ActorStatement: ["text", "detail", "repeat_note", "order"],
    Challenge: ["number_label", "title", "description", "order"],
    Evidence: ["kind", "text", "order"],
    Indicator: ["name", "unit", "polarity", "polarity_inferred", "kind", "aggregation",
                "source_kind", "source_text", "definition", "rationale", "note", "order"],
    Target: ["year", "year_kind", "kind", "value", "verbatim"],
    Observation: ["role", "year", "year_end", "year_kind", "as_of", "value", "verbatim", "status",
                  "sample_size", "margin", "margin_basis", "ci_low", "ci_high", "breakdown_label",
                  "breakdown", "note"],
    JudgementOverride: ["year", "category", "computed_category", "computed_sentence", "reason",
                        "by_label", "at"],
    JudgementRule: ["survey_band_points", "other_band_percent", "label_achieved",
                    "label_on_track", "label_improving", "label_flat", "label_worsening",
                    "label_unjudgeable"],
    RatingLevel: ["code", "label", "definition", "order"],
    Cycle: ["fiscal_year", "kind", "title", "entries_due", "committee_meeting", "status",
            "confirmed_at", "confirmation_note", "published_at"],
    Entry: ["results", "results_value", "results_unit", "progress", "issues", "direction",
            "direction_text", "self_rating", "self_rating_verbatim", "committee_rating",
            "committee_rating_verbatim", "committee_reason", "status", "return_comment"],
    Opinion: ["author_label", "text", "response", "responded_at", "created_at"],
}
PRIVATE_FIELDS: dict[type[models.Model], set[str]] = {
    Entry: {"return_comment"}, Opinion: {"author_label"}, JudgementOverride: {"by_label"},
}


def plain(value: Any) -> Any:
    """A field value as JSON: decimals as exact strings, dates and times in ISO 8601."""
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def fields_of(obj: models.Model, *, public: bool = False) -> dict[str, Any]:
    names = FIELDS[type(obj)]
    hidden = PRIVATE_FIELDS.get(type(obj), set()) if public else set()
    return {name: plain(getattr(obj, name)) for name in names if name not in hidden}


class Keys:
    """Keys in document order: the first element is E1, the second E2."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.by_pk: dict[int, str] = {}

    def add(self, obj: models.Model) -> str:
        key = f"{self.prefix}{len(self.by_pk) + 1}"
        self.by_pk[obj.pk] = key
        return key

    def of(self, pk: int | None) -> str | None:
        return self.by_pk.get(pk) if pk is not None else None


def _tree(rows: list[Any]) -> list[Any]:
    """Parents before children, siblings in their order (depth first)."""
    children: dict[int | None, list[Any]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    out: list[Any] = []

    def walk(parent: int | None) -> None:
        for row in sorted(children.get(parent, []), key=lambda r: (r.order, r.pk)):
            out.append(row)
            walk(row.pk)

    walk(None)
    return out


def _with_ancestors(rows: Iterable[Any], by_pk: dict[int, Any]) -> list[Any]:
    wanted: dict[int, Any] = {}
    for row in rows:
        node = row
        while node is not None and node.pk not in wanted:
            wanted[node.pk] = node
            node = by_pk.get(node.parent_id) if node.parent_id else None
    return list(wanted.values())


def export_plan(plan: Plan, *, public: bool = False, cycles: bool = True) -> dict[str, Any]:
    """The plan as a `sasaeai-plan` document (see the module docstring). Without `cycles`, the
    plan alone (as the plan workbook holds it): no cycles, nor the organizations only they name."""
    municipality = plan.municipality
    elements = _tree(list(PlanElement.objects.filter(plan=plan)))
    initiatives = list(Initiative.objects.filter(plan=plan).prefetch_related("responsible")
                       .order_by("element_id", "order", "id"))
    element_rank = {e.pk: i for i, e in enumerate(elements)}
    initiatives.sort(key=lambda i: (element_rank.get(i.element_id, -1), i.order, i.pk))
    initiative_rank = {i.pk: n for n, i in enumerate(initiatives)}
    placements = list(Placement.objects.filter(initiative__plan=plan).order_by("order", "id"))
    actors = list(Actor.objects.filter(plan=plan).order_by("order", "id"))
    actor_rank = {a.pk: n for n, a in enumerate(actors)}
    # What each actor does, where: the plan as a whole first, then by element and initiative in
    # the 体系's order; within one place, by actor, then in the statements' own order.
    statements = sorted(
        ActorStatement.objects.filter(plan=plan),
        key=lambda s: ((2, initiative_rank.get(s.initiative_id, 0)) if s.initiative_id
                       else (1, element_rank.get(s.element_id, 0)) if s.element_id else (0, 0),
                       actor_rank.get(s.actor_id, 0), s.order, s.pk))
    challenges = list(Challenge.objects.filter(plan=plan).prefetch_related(
        "elements", "initiatives", "evidence").order_by("order", "id"))
    indicators = list(Indicator.objects.filter(plan=plan).prefetch_related(
        "targets", "observations", "overrides").order_by("order", "id"))
    reviews = list(Cycle.objects.filter(plan=plan).order_by("fiscal_year", "kind", "id"))
    if not cycles:
        reviews = []
    if public:
        reviews = [c for c in reviews if c.status == Cycle.Status.PUBLISHED]
    entries = {c.pk: list(Entry.objects.filter(cycle=c).order_by("id")) for c in reviews}
    opinions = {c.pk: list(Opinion.objects.filter(cycle=c).order_by("created_at", "id"))
                for c in reviews}

    orgs_by_pk = {o.pk: o for o in Organization.objects.filter(municipality=municipality)}
    used = {o.pk for o in plan.owners.all()}
    used |= {o.pk for i in initiatives for o in i.responsible.all()}
    used |= {e.organization_id for rows in entries.values() for e in rows}
    used |= {i.source_organization_id for i in indicators if i.source_organization_id}
    used |= {c.confirmed_by_id for c in reviews if c.confirmed_by_id}
    orgs = _tree(_with_ancestors([orgs_by_pk[pk] for pk in used if pk in orgs_by_pk], orgs_by_pk))
    areas_by_pk = {a.pk: a for a in Area.objects.filter(municipality=municipality)}
    used_areas = {plan.area_id} if plan.area_id else set()
    used_areas |= {o.area_id for i in indicators for o in i.observations.all() if o.area_id}
    areas = _tree(_with_ancestors([areas_by_pk[pk] for pk in used_areas], areas_by_pk))

    org_keys, area_keys = Keys("O"), Keys("R")
    element_keys, initiative_keys, actor_keys = Keys("E"), Keys("I"), Keys("A")
    statement_keys, entry_keys = Keys("S"), Keys("N")
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if public:
        # The open-data twin names who publishes it and under which licence.
        from sasaeai.lib.opendata import LICENCE

        doc.update(publisher=f"{municipality.name}（ささえあいで公開）", licence=LICENCE)
    doc |= {
        "municipality": {"code": municipality.code, "name": municipality.name,
                         "prefecture": municipality.prefecture},
    }
    doc["organizations"] = [{"key": org_keys.add(o), "parent": org_keys.of(o.parent_id),
                             **fields_of(o)} for o in orgs]
    doc["areas"] = [{"key": area_keys.add(a), "parent": area_keys.of(a.parent_id), **fields_of(a)}
                    for a in areas]
    doc["plan"] = {
        **fields_of(plan),
        "owners": sorted((org_keys.of(o.pk) for o in plan.owners.all()), key=_key_order),
        "predecessor": _plan_ref(plan.predecessor), "parent": _plan_ref(plan.parent),
        "area": area_keys.of(plan.area_id),
    }
    doc["elements"] = [{"key": element_keys.add(e), "parent": element_keys.of(e.parent_id),
                        **fields_of(e)} for e in elements]
    doc["initiatives"] = [{
        "key": initiative_keys.add(i), "element": element_keys.of(i.element_id), **fields_of(i),
        "responsible": sorted((org_keys.of(o.pk) for o in i.responsible.all()), key=_key_order),
    } for i in initiatives]
    doc["placements"] = [{"initiative": initiative_keys.of(p.initiative_id),
                          "element": element_keys.of(p.element_id), **fields_of(p)}
                         for p in placements]
    doc["actors"] = [{"key": actor_keys.add(a), **fields_of(a)} for a in actors]
    for s in statements:
        statement_keys.add(s)
    doc["statements"] = [{
        "key": statement_keys.of(s.pk), "actor": actor_keys.of(s.actor_id),
        "element": element_keys.of(s.element_id), "initiative": initiative_keys.of(s.initiative_id),
        "repeat_of": statement_keys.of(s.repeat_of_id), **fields_of(s),
    } for s in statements]
    doc["challenges"] = [{
        **fields_of(c),
        "elements": sorted((element_keys.of(e.pk) for e in c.elements.all()), key=_key_order),
        "initiatives": sorted((initiative_keys.of(i.pk) for i in c.initiatives.all()),
                              key=_key_order),
        "evidence": [fields_of(e) for e in sorted(c.evidence.all(), key=lambda e: (e.order, e.pk))],
    } for c in challenges]
    doc["indicators"] = [{
        **fields_of(i), "element": element_keys.of(i.element_id),
        "initiative": initiative_keys.of(i.initiative_id),
        "source_organization": org_keys.of(i.source_organization_id),
        "targets": [fields_of(t) for t in sorted(i.targets.all(), key=lambda t: (t.year or 0,
                                                                                 t.pk))],
        "observations": [{**fields_of(o), "area": area_keys.of(o.area_id)}
                         for o in sorted(i.observations.all(),
                                         key=lambda o: (o.role, o.year or 0, o.pk))],
        "judgement_overrides": [fields_of(o, public=public)
                                for o in sorted(i.overrides.all(), key=lambda o: (o.at, o.pk))],
    } for i in indicators]
    rule = JudgementRule.objects.filter(plan=plan).first()
    doc["judgement_rule"] = fields_of(rule) if rule else None
    doc["rating_scale"] = _scale(plan)
    doc["cycles"] = []
    for cycle in reviews:
        for entry in entries[cycle.pk]:
            entry_keys.add(entry)
        doc["cycles"].append({
            **fields_of(cycle), "confirmed_by": org_keys.of(cycle.confirmed_by_id),
            "rating_scale": _scale_ref(cycle),
            "entries": [{
                "key": entry_keys.of(e.pk), "initiative": initiative_keys.of(e.initiative_id),
                "element": element_keys.of(e.element_id),
                "organization": org_keys.of(e.organization_id), **fields_of(e, public=public),
            } for e in entries[cycle.pk]],
            "opinions": [{"entry": entry_keys.of(o.entry_id), **fields_of(o, public=public)}
                         for o in opinions[cycle.pk]],
        })
    return doc


def _key_order(key: str | None) -> tuple[str, int]:
    text = key or ""
    return (text[:1], int(text[1:]) if text[1:].isascii() and text[1:].isdigit() else 0)


def _plan_ref(plan: Plan | None) -> dict[str, str] | None:
    return {"slug": plan.slug, "title": plan.title} if plan is not None else None


def _scale(plan: Plan) -> dict[str, Any] | None:
    link = PlanRatingScale.objects.filter(plan=plan).select_related("scale").first()
    if link is None:
        return None
    scale = link.scale
    return {"name": scale.name, "description": scale.description,
            "levels": [fields_of(level) for level in scale.levels.order_by("order", "id")]}


def _scale_ref(cycle: Cycle) -> str | None:
    return cycle.rating_scale.name if cycle.rating_scale_id and cycle.rating_scale else None
