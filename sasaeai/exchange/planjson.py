"""A whole plan as one JSON document (format `sasaeai-plan`, version 1.2), and back.

The document holds everything a plan holds: its description and owners, the 体系 (elements,
initiatives and 再掲 placements), the actors and what each does, the 課題 with their evidence and
links, the indicators with targets, observations (with survey intervals and breakdowns) and the
事務局's judgement overrides, the plan's judgement rule and rating scale, what a cycle reports on
(`reporting_level`) and who reports on which unit and which indicator's figure, and every
progress cycle with its entries and the committee's opinions and responses. Its schema is
`docs/plan-format.schema.json`; `docs/plan-format.md` explains it in prose.

Rows are named by keys given in document order ("E1", "I3"), never by database ids, so a document
is the same whichever database it came from, and exporting an imported plan gives the same
document back (the round trip the tests hold every demo plan to). Numbers that are decimals in
the database are strings ("85.3"), so nothing is rounded on the way.

What it leaves out, on purpose: who did what (users, the entry history, the audit log), which
belong to the installation, and survey microdata, which never leaves the 事務局 (only the
aggregates on the observations do). With `public=True` it is the public projection of every model
(sasaeai.lib.projection): published cycles only, the judgement overrides in force, no return
reasons nor the names of committee members or of who overrode a judgement, and no link to an
unpublished predecessor or parent plan: what the public site shows.

An export runs in three steps: `gather` the rows (where the projection is applied), find the
organizations and areas they name, and `write_document` section by section.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Prefetch

from sasaeai.indicators.models import (
    Indicator,
    JudgementOverride,
    JudgementRule,
    Observation,
    Target,
)
from sasaeai.lib.projection import private_fields
from sasaeai.lib.values import ascii_int
from sasaeai.plans.models import (
    Actor,
    ActorStatement,
    Challenge,
    Evidence,
    Initiative,
    Placement,
    Plan,
    PlanElement,
    ReportingAssignment,
)
from sasaeai.progress.models import Cycle, Entry, Opinion, PlanRatingScale, RatingLevel
from sasaeai.tenancy.models import Area, Organization

FORMAT = "sasaeai-plan"
# 1.1: reporting_level, reporting_assignments, reporting_organization; 1.2: archived_at (廃止)
VERSION = "1.2"

# The fields each kind of row carries, by model field name (foreign keys are written as keys).
FIELDS: dict[type[models.Model], list[str]] = {
    Plan: ["slug", "title", "kind", "generation", "start_fy", "end_fy", "philosophy",
           "philosophy_description", "summary", "status", "source_document", "reporting_level"],
    Organization: ["name", "short_name", "kind", "order"],
    Area: ["name", "level_label", "description", "is_sample_name", "order"],
    Actor: ["kind", "label", "sphere", "sphere_label", "order"],
    PlanElement: ["level_label", "number_label", "title", "description", "is_priority", "is_new",
                  "order", "archived_at"],
    Initiative: ["number_label", "title", "description", "is_priority", "is_new", "order",
                 "archived_at"],
    Placement: ["note", "order"],
    ReportingAssignment: ["is_sample"],
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
            "confirmed_at", "confirmation_note", "published_at", "withdrawn_at",
            "withdrawal_reason"],
    Entry: ["results", "results_value", "results_unit", "progress", "issues", "direction",
            "direction_text", "self_rating", "self_rating_verbatim", "committee_rating",
            "committee_rating_verbatim", "committee_reason", "status", "return_comment",
            "waiver_reason", "waived_at"],
    Opinion: ["author_label", "text", "response", "responded_at", "created_at"],
}


def plain(value: Any) -> Any:
    """A field value as JSON: decimals as exact strings, dates and times in ISO 8601."""
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def fields_of(obj: models.Model, *, public: bool = False) -> dict[str, Any]:
    """The row's FIELDS; for the public, without the model's private fields."""
    names = FIELDS[type(obj)]
    hidden = private_fields(type(obj)) if public else frozenset()
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


@dataclass
class Rows:
    """Everything one document is written from, in document order: the first step of an
    export, and the one where the public projection is applied."""

    plan: Plan
    elements: list[PlanElement]
    initiatives: list[Initiative]
    placements: list[Placement]
    assignments: list[ReportingAssignment]
    actors: list[Actor]
    statements: list[ActorStatement]
    challenges: list[Challenge]
    indicators: list[Indicator]
    cycles: list[Cycle]
    entries: dict[int, list[Entry]]
    opinions: dict[int, list[Opinion]]
    organizations: list[Organization] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)


class DocumentKeys:
    """The keys of one document, one series per kind of row."""

    def __init__(self) -> None:
        self.org, self.area = Keys("O"), Keys("R")
        self.element, self.initiative, self.actor = Keys("E"), Keys("I"), Keys("A")
        self.statement, self.entry = Keys("S"), Keys("N")


def export_plan(plan: Plan, *, public: bool = False, cycles: bool = True) -> dict[str, Any]:
    """The plan as a `sasaeai-plan` document (see the module docstring). Without `cycles`, the
    plan alone (as the plan workbook holds it): no cycles, nor the organizations only they name.
    With `public`, the public projection of each model (see sasaeai.lib.projection)."""
    rows = gather(plan, public=public, cycles=cycles)
    rows.organizations = used_organizations(rows)
    rows.areas = used_areas(rows)
    return write_document(rows, public=public)


def gather(plan: Plan, *, public: bool, cycles: bool) -> Rows:
    """Step 1: the plan's rows in document order; for the public only what it may see."""
    elements, initiatives = _structure(plan)
    actors = list(Actor.objects.filter(plan=plan).order_by("order", "id"))
    overrides = JudgementOverride.objects.all()
    reviews = Cycle.objects.filter(plan=plan).order_by("fiscal_year", "kind", "id")
    if public:
        overrides = overrides.public()
        # The plan's own visibility is the access check's; these are its published cycles.
        reviews = reviews.published()
    chosen = list(reviews) if cycles else []
    return Rows(
        plan=plan.for_reader(public=public),
        elements=elements, initiatives=initiatives,
        placements=list(Placement.objects.filter(initiative__plan=plan).order_by("order", "id")),
        assignments=list(ReportingAssignment.objects.filter(plan=plan)),
        actors=actors,
        statements=_statements_in_order(plan, elements, initiatives, actors),
        challenges=list(Challenge.objects.filter(plan=plan).prefetch_related(
            "elements", "initiatives", "evidence").order_by("order", "id")),
        indicators=list(Indicator.objects.filter(plan=plan).prefetch_related(
            "targets", "observations", Prefetch("overrides", queryset=overrides.order_by("at", "id")))
            .order_by("order", "id")),
        cycles=chosen,
        entries={c.pk: [e.for_reader(public=public) for e in
                        Entry.objects.filter(cycle=c).with_corrections().order_by("id")]
                 for c in chosen},
        opinions={c.pk: list(Opinion.objects.filter(cycle=c).order_by("created_at", "id"))
                  for c in chosen},
    )


def _structure(plan: Plan) -> tuple[list[PlanElement], list[Initiative]]:
    """Elements depth first; initiatives under their element in the elements' order."""
    elements = _tree(list(PlanElement.objects.filter(plan=plan)))
    initiatives = list(Initiative.objects.filter(plan=plan).prefetch_related("responsible")
                       .order_by("element_id", "order", "id"))
    element_rank = {e.pk: i for i, e in enumerate(elements)}
    initiatives.sort(key=lambda i: (element_rank.get(i.element_id, -1), i.order, i.pk))
    return elements, initiatives


def _statements_in_order(plan: Plan, elements: list[PlanElement], initiatives: list[Initiative],
                         actors: list[Actor]) -> list[ActorStatement]:
    """What each actor does, where: the plan as a whole first, then by element and initiative
    in the 体系's order; within one place, by actor, then in the statements' own order."""
    element_rank = {e.pk: n for n, e in enumerate(elements)}
    initiative_rank = {i.pk: n for n, i in enumerate(initiatives)}
    actor_rank = {a.pk: n for n, a in enumerate(actors)}
    return sorted(
        ActorStatement.objects.filter(plan=plan),
        key=lambda s: ((2, initiative_rank.get(s.initiative_id, 0)) if s.initiative_id
                       else (1, element_rank.get(s.element_id, 0)) if s.element_id else (0, 0),
                       actor_rank.get(s.actor_id, 0), s.order, s.pk))


def used_organizations(rows: Rows) -> list[Organization]:
    """Step 2a: the organizations the document names, with their ancestors, parents first."""
    plan = rows.plan
    by_pk = {o.pk: o for o in Organization.objects.filter(municipality=plan.municipality_id)}
    used = {o.pk for o in plan.owners.all()}
    used |= {o.pk for i in rows.initiatives for o in i.responsible.all()}
    used |= {e.organization_id for entries in rows.entries.values() for e in entries}
    used |= {i.source_organization_id for i in rows.indicators if i.source_organization_id}
    used |= {i.reporting_organization_id for i in rows.indicators if i.reporting_organization_id}
    used |= {a.organization_id for a in rows.assignments}
    used |= {c.confirmed_by_id for c in rows.cycles if c.confirmed_by_id}
    return _tree(_with_ancestors([by_pk[pk] for pk in used if pk in by_pk], by_pk))


def used_areas(rows: Rows) -> list[Area]:
    """Step 2b: the areas the document names (the plan's, the observations'), with ancestors."""
    plan = rows.plan
    by_pk = {a.pk: a for a in Area.objects.filter(municipality=plan.municipality_id)}
    used = {plan.area_id} if plan.area_id else set()
    used |= {o.area_id for i in rows.indicators for o in i.observations.all() if o.area_id}
    return _tree(_with_ancestors([by_pk[pk] for pk in used], by_pk))


def write_document(rows: Rows, *, public: bool) -> dict[str, Any]:
    """Step 3: the document, section by section; keys are given as rows are written, so every
    reference points back to a row already written."""
    keys = DocumentKeys()
    doc = _header(rows.plan, public=public)
    doc["organizations"] = [{"key": keys.org.add(o), "parent": keys.org.of(o.parent_id),
                             **fields_of(o)} for o in rows.organizations]
    doc["areas"] = [{"key": keys.area.add(a), "parent": keys.area.of(a.parent_id),
                     **fields_of(a)} for a in rows.areas]
    doc["plan"] = _plan_section(rows.plan, keys)
    doc |= _structure_sections(rows, keys)
    doc["reporting_assignments"] = _assignments(rows, keys)
    doc["challenges"] = [_challenge(c, keys) for c in rows.challenges]
    doc["indicators"] = [_indicator(i, keys, public=public) for i in rows.indicators]
    rule = JudgementRule.objects.filter(plan=rows.plan.pk).first()
    doc["judgement_rule"] = fields_of(rule) if rule else None
    doc["rating_scale"] = _scale(rows.plan)
    doc["cycles"] = [_cycle(c, rows, keys, public=public) for c in rows.cycles]
    return doc


def _header(plan: Plan, *, public: bool) -> dict[str, Any]:
    municipality = plan.municipality
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if public:
        # The open-data twin names who publishes it and under which licence.
        from sasaeai.lib.opendata import LICENCE

        doc.update(publisher=f"{municipality.name}（ささえあいで公開）", licence=LICENCE)
    doc["municipality"] = {"code": municipality.code, "name": municipality.name,
                           "prefecture": municipality.prefecture}
    return doc


def _plan_section(plan: Plan, keys: DocumentKeys) -> dict[str, Any]:
    return {
        **fields_of(plan),
        "owners": sorted((keys.org.of(o.pk) for o in plan.owners.all()), key=_key_order),
        "predecessor": _plan_ref(plan.predecessor), "parent": _plan_ref(plan.parent),
        "area": keys.area.of(plan.area_id),
    }


def _structure_sections(rows: Rows, keys: DocumentKeys) -> dict[str, Any]:
    """The 体系 (elements, initiatives, 再掲 placements) and what each actor does."""
    out: dict[str, Any] = {}
    out["elements"] = [{"key": keys.element.add(e), "parent": keys.element.of(e.parent_id),
                        **fields_of(e)} for e in rows.elements]
    out["initiatives"] = [{
        "key": keys.initiative.add(i), "element": keys.element.of(i.element_id), **fields_of(i),
        "responsible": sorted((keys.org.of(o.pk) for o in i.responsible.all()), key=_key_order),
    } for i in rows.initiatives]
    out["placements"] = [{"initiative": keys.initiative.of(p.initiative_id),
                          "element": keys.element.of(p.element_id), **fields_of(p)}
                         for p in rows.placements]
    out["actors"] = [{"key": keys.actor.add(a), **fields_of(a)} for a in rows.actors]
    for s in rows.statements:  # a statement may repeat one written after it
        keys.statement.add(s)
    out["statements"] = [{
        "key": keys.statement.of(s.pk), "actor": keys.actor.of(s.actor_id),
        "element": keys.element.of(s.element_id),
        "initiative": keys.initiative.of(s.initiative_id),
        "repeat_of": keys.statement.of(s.repeat_of_id), **fields_of(s),
    } for s in rows.statements]
    return out


def _assignments(rows: Rows, keys: DocumentKeys) -> list[dict[str, Any]]:
    """Who reports on each element (a plan reporting on a level of its 体系), in the 体系's
    order, then the organizations'; those made for another level are kept, as on the page."""
    out = [{"element": keys.element.of(a.element_id), "organization": keys.org.of(a.organization_id),
            **fields_of(a)} for a in rows.assignments]
    return sorted(out, key=lambda a: (_key_order(a["element"]), _key_order(a["organization"])))


def _challenge(c: Challenge, keys: DocumentKeys) -> dict[str, Any]:
    return {
        **fields_of(c),
        "elements": sorted((keys.element.of(e.pk) for e in c.elements.all()), key=_key_order),
        "initiatives": sorted((keys.initiative.of(i.pk) for i in c.initiatives.all()),
                              key=_key_order),
        "evidence": [fields_of(e) for e in sorted(c.evidence.all(), key=lambda e: (e.order, e.pk))],
    }


def _indicator(i: Indicator, keys: DocumentKeys, *, public: bool) -> dict[str, Any]:
    return {
        **fields_of(i), "element": keys.element.of(i.element_id),
        "initiative": keys.initiative.of(i.initiative_id),
        "source_organization": keys.org.of(i.source_organization_id),
        "reporting_organization": keys.org.of(i.reporting_organization_id),
        "targets": [fields_of(t) for t in sorted(i.targets.all(),
                                                 key=lambda t: (t.year or 0, t.pk))],
        "observations": [{**fields_of(o), "area": keys.area.of(o.area_id)}
                         for o in sorted(i.observations.all(),
                                         key=lambda o: (o.role, o.year or 0, o.pk))],
        "judgement_overrides": [fields_of(o, public=public) for o in i.overrides.all()],
    }


def _cycle(cycle: Cycle, rows: Rows, keys: DocumentKeys, *, public: bool) -> dict[str, Any]:
    entries = rows.entries[cycle.pk]
    for entry in entries:
        keys.entry.add(entry)
    return {
        **fields_of(cycle), "confirmed_by": keys.org.of(cycle.confirmed_by_id),
        "rating_scale": _scale_ref(cycle),
        "entries": [{
            "key": keys.entry.of(e.pk), "initiative": keys.initiative.of(e.initiative_id),
            "element": keys.element.of(e.element_id),
            "organization": keys.org.of(e.organization_id), **fields_of(e, public=public),
            # A correction after 確定 travels with the report: the public reads 訂正 with it.
            **({"corrections": [{"at": plain(c.at), "reason": c.reason} for c in e.corrections]}
               if e.corrections else {}),
        } for e in entries],
        "opinions": [{"entry": keys.entry.of(o.entry_id), **fields_of(o, public=public)}
                     for o in rows.opinions[cycle.pk]],
    }


def _key_order(key: str | None) -> tuple[str, int]:
    text = key or ""
    return (text[:1], ascii_int(text[1:]) or 0)


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
