"""Updating an existing plan from a plan document (in practice, from the plan workbook).

Rows are matched by what is printed, never by position: elements by their 項目コード (the path of
number labels, or titles where a level has none), initiatives by their home element and number,
actors by their heading, 課題 by number (or title), indicators by name, targets by year, observations
by role, year and area. The reporting unit, who reports on which element and on which indicator's
figure are updated only when the document carries them (a plan file 1.1 does; a document that
lacks them leaves them as they are); the element assignments are replaced as a whole. What matches is updated where it differs; what is new is added; what the
plan has and the document lacks is kept and reported, never deleted. Statements of one actor for
one element (or initiative) are compared as a list and replaced when the list differs.

The same function computes the preview (`dry_run=True`: everything is written in a transaction
that is rolled back) and applies it, so what the 事務局 confirms is exactly what is saved; a digest
of the changes refuses a confirmation when the plan changed in between.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from sasaeai.accounts.access import Standing
from sasaeai.audit.actions import record, snapshot
from sasaeai.exchange.planimport import (
    PlanImportError,
    _value,
    build,
    check_document,
    reporting_problems,
)
from sasaeai.exchange.planjson import FIELDS, plain
from sasaeai.indicators.models import Indicator, Observation, Target
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
from sasaeai.tenancy.models import Area, Organization


@dataclass(frozen=True)
class Change:
    action: str  # 追加 / 変更 / 差し替え / 削除しない
    what: str
    detail: str = ""


@dataclass
class UpdateResult:
    changes: list[Change] = field(default_factory=list)

    def digest(self) -> str:
        return hashlib.sha256(repr(self.changes).encode()).hexdigest()

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)


class PlanChanged(Exception):
    """The plan changed between the preview and the confirmation."""


def _path_key(text: str) -> str:
    return text.strip()


class _Updater:
    def __init__(self, plan: Plan, doc: dict[str, Any], by: Any) -> None:
        self.plan = plan
        self.doc = doc
        self.by = by
        self.result = UpdateResult()
        self.code = plan.municipality.code

    def note(self, action: str, what: str, detail: str = "") -> None:
        self.result.changes.append(Change(action, what, detail))

    @staticmethod
    def label(model: type[models.Model], name: str) -> str:
        return str(getattr(model._meta.get_field(name), "verbose_name", name))

    def sync(self, obj: models.Model, data: dict[str, Any], what: str, **links: Any) -> bool:
        """Set the document's values on an existing row; record what differed."""
        model = type(obj)
        before = snapshot(obj)
        differs = []
        for name in FIELDS[model]:
            if name in data and name != "order":
                value = _value(model, name, data[name])
                if plain(getattr(obj, name)) != plain(value):
                    differs.append(f"{self.label(model, name)}："
                                   f"「{_short(getattr(obj, name))}」→「{_short(value)}」")
                    setattr(obj, name, value)
        for name, value in links.items():
            if getattr(obj, f"{name}_id") != (value.pk if value is not None else None):
                differs.append(f"{self.label(model, name)}を変更")
                setattr(obj, name, value)
        if "order" in data and getattr(obj, "order", None) != data["order"]:
            obj.order = data["order"]  # type: ignore[attr-defined]
            if not differs:
                obj.full_clean()
                obj.save()
                return False
        if differs:
            obj.full_clean()
            obj.save()
            record(by=self.by, action="exchange.plan.update", obj=obj, before=before,
                   after=snapshot(obj), municipality_code=self.code)
            self.note("変更", what, "、".join(differs))
        return bool(differs)

    def add(self, obj: models.Model, what: str) -> Any:
        obj.full_clean()
        obj.save()
        record(by=self.by, action="exchange.plan.update", obj=obj, after=snapshot(obj),
               municipality_code=self.code, note="ワークブックから追加しました。")
        self.note("追加", what)
        return obj

    # ---------------------------------------------------------------------------------------
    def run(self) -> UpdateResult:
        doc, plan = self.doc, self.plan
        orgs = self.organizations()
        areas = self.areas()
        spec = dict(doc["plan"])
        spec.pop("slug", None)
        self.sync(plan, spec, f"計画「{plan.title}」",
                  area=areas.get(doc["plan"].get("area") or ""))
        owners = {orgs[k].pk for k in doc["plan"].get("owners", [])}
        if owners != set(plan.owners.values_list("pk", flat=True)):
            plan.owners.set(list(owners))
            self.note("変更", "策定主体", "、".join(o.name for o in Organization.objects.filter(
                pk__in=owners)))
        elements = self.elements()
        initiatives = self.initiatives(elements, orgs)
        actors = self.actors()
        self.statements(actors, elements, initiatives)
        self.challenges(elements, initiatives)
        self.indicators(elements, initiatives, orgs, areas)
        self.assignments(elements, orgs)
        return self.result

    def organizations(self) -> dict[str, Organization]:
        found: dict[str, Organization] = {}
        for row in self.doc.get("organizations", []):
            org = Organization.objects.filter(municipality=self.plan.municipality,
                                              name=row["name"]).first()
            if org is None:
                org = self.add(build(Organization, row, municipality=self.plan.municipality,
                                     parent=found.get(row.get("parent") or "")),
                               f"組織「{row['name']}」")
            found[row["key"]] = org
        return found

    def areas(self) -> dict[str, Area]:
        found: dict[str, Area] = {}
        for row in self.doc.get("areas", []):
            parent = found.get(row.get("parent") or "")
            area = Area.objects.filter(municipality=self.plan.municipality, name=row["name"],
                                       parent=parent).first()
            if area is None:
                area = self.add(build(Area, row, municipality=self.plan.municipality,
                                      parent=parent), f"圏域「{row['name']}」")
            found[row["key"]] = area
        return found

    def elements(self) -> dict[str, PlanElement]:
        existing = list(PlanElement.objects.filter(plan=self.plan))
        by_pk = {e.pk: e for e in existing}

        def path(e: PlanElement) -> str:
            parts = []
            node: PlanElement | None = e
            while node is not None:
                parts.append(node.number_label or node.title)
                node = by_pk.get(node.parent_id) if node.parent_id else None
            return " > ".join(reversed(parts))

        by_path = {path(e): e for e in existing}
        found: dict[str, PlanElement] = {}
        paths: dict[str, str] = {}
        for row in self.doc.get("elements", []):
            parent = found.get(row.get("parent") or "")
            own = row.get("number_label") or row["title"]
            code = f"{paths[row['parent']]} > {own}" if row.get("parent") else own
            paths[row["key"]] = code
            element = by_path.pop(code, None)
            if element is None:
                element = self.add(build(PlanElement, row, plan=self.plan, parent=parent),
                                   f"項目「{code} {row['title']}」")
            else:
                self.sync(element, row, f"項目「{code}」", parent=parent)
            found[row["key"]] = element
        for code in by_path:
            self.note("削除しない", f"項目「{code}」", "ワークブックにありませんが、削除していません。")
        return found

    def initiatives(self, elements: dict[str, PlanElement], orgs: dict[str, Organization]
                    ) -> dict[str, Initiative]:
        existing: dict[tuple[int | None, str], Initiative] = {
            (i.element_id, i.number_label or i.title): i
            for i in Initiative.objects.filter(plan=self.plan)}
        found: dict[str, Initiative] = {}
        for row in self.doc.get("initiatives", []):
            home = elements.get(row.get("element") or "")
            key = (home.pk if home else None, row.get("number_label") or row["title"])
            what = f"取組「{row.get('number_label', '')} {row['title']}」"
            initiative = existing.pop(key, None)
            if initiative is None:
                initiative = self.add(build(Initiative, row, plan=self.plan, element=home), what)
            else:
                self.sync(initiative, row, what, element=home)
            wanted = {orgs[k].pk for k in row.get("responsible", [])}
            if wanted != set(initiative.responsible.values_list("pk", flat=True)):
                initiative.responsible.set(list(wanted))
                self.note("変更", what, "担当組織")
            found[row["key"]] = initiative
        for initiative in existing.values():
            self.note("削除しない", f"取組「{initiative.number_label} {initiative.title}」",
                      "ワークブックにありませんが、削除していません。")
        placements = [(p["initiative"], p["element"], p.get("note", ""))
                      for p in self.doc.get("placements", [])]
        current = {(p.initiative_id, p.element_id, p.note)
                   for p in Placement.objects.filter(initiative__plan=self.plan)}
        placed = {(found[i].pk, elements[e].pk, n) for i, e, n in placements}
        if placed != current:
            Placement.objects.filter(initiative__plan=self.plan).delete()
            for order, (i, e, n) in enumerate(placements):
                Placement.objects.create(initiative=found[i], element=elements[e], note=n,
                                         order=order)
            self.note("差し替え", "再掲", f"{len(placements)}件")
        return found

    def actors(self) -> dict[str, Actor]:
        existing = {a.label: a for a in Actor.objects.filter(plan=self.plan)}
        found: dict[str, Actor] = {}
        for row in self.doc.get("actors", []):
            actor = existing.get(row["label"])
            if actor is None:
                actor = self.add(build(Actor, row, plan=self.plan), f"主体「{row['label']}」")
            else:
                self.sync(actor, row, f"主体「{row['label']}」")
            found[row["key"]] = actor
        return found

    def statements(self, actors: dict[str, Actor], elements: dict[str, PlanElement],
                   initiatives: dict[str, Initiative]) -> None:
        groups: dict[tuple[int, int | None, int | None], list[dict[str, Any]]] = {}
        for row in self.doc.get("statements", []):
            element = elements.get(row.get("element") or "")
            initiative = initiatives.get(row.get("initiative") or "")
            key = (actors[row["actor"]].pk, element.pk if element else None,
                   initiative.pk if initiative else None)
            groups.setdefault(key, []).append(row)
        current: dict[tuple[int, int | None, int | None], list[ActorStatement]] = {}
        for s in ActorStatement.objects.filter(plan=self.plan).order_by("order", "id"):
            current.setdefault((s.actor_id, s.element_id, s.initiative_id), []).append(s)
        made: dict[str, ActorStatement] = {}
        for key, rows in groups.items():
            have = current.pop(key, [])
            if [(s.text, s.detail, s.repeat_note) for s in have] == [
                    (r["text"], r.get("detail", ""), r.get("repeat_note", "")) for r in rows]:
                made.update(zip((r["key"] for r in rows), have, strict=True))
                continue
            for s in have:
                record(by=self.by, action="exchange.plan.update", obj=s, before=snapshot(s),
                       municipality_code=self.code, note="ワークブックの内容に差し替えました。")
                s.delete()
            for order, row in enumerate(rows):
                made[row["key"]] = self.save_statement(row, key, order)
            actor = next(a for a in actors.values() if a.pk == key[0])
            self.note("差し替え", f"「{actor.label}」の記述", f"{len(have)}件 → {len(rows)}件")
        for row in self.doc.get("statements", []):
            if row.get("repeat_of") and row["repeat_of"] in made:
                statement = made[row["key"]]
                if statement.repeat_of_id != made[row["repeat_of"]].pk:
                    statement.repeat_of = made[row["repeat_of"]]
                    statement.save(update_fields=["repeat_of"])
        for have in current.values():
            self.note("削除しない", "主体の記述", f"ワークブックにない{len(have)}件を残しています。")

    def save_statement(self, row: dict[str, Any], key: tuple[int, int | None, int | None],
                       order: int) -> ActorStatement:
        statement = build(ActorStatement, {**row, "order": order}, plan=self.plan)
        statement.actor_id, statement.element_id, statement.initiative_id = key
        statement.full_clean()
        statement.save()
        record(by=self.by, action="exchange.plan.update", obj=statement,
               after=snapshot(statement), municipality_code=self.code)
        return statement

    def challenges(self, elements: dict[str, PlanElement],
                   initiatives: dict[str, Initiative]) -> None:
        existing = {c.number_label or c.title: c for c in Challenge.objects.filter(plan=self.plan)}
        for row in self.doc.get("challenges", []):
            label = row.get("number_label") or row["title"]
            what = f"課題「{label}」"
            challenge = existing.pop(label, None)
            if challenge is None:
                challenge = self.add(build(Challenge, row, plan=self.plan), what)
            else:
                self.sync(challenge, row, what)
            challenge.elements.set([elements[k] for k in row.get("elements", [])])
            challenge.initiatives.set([initiatives[k] for k in row.get("initiatives", [])])
            wanted = [(e.get("kind", ""), e["text"]) for e in row.get("evidence", [])]
            have = list(challenge.evidence.order_by("order", "id"))
            if [(e.kind, e.text) for e in have] != wanted:
                challenge.evidence.all().delete()
                for order, item in enumerate(row.get("evidence", [])):
                    Evidence.objects.create(challenge=challenge, kind=item.get("kind", ""),
                                            text=item["text"], order=order)
                self.note("差し替え", f"{what}の根拠", f"{len(have)}件 → {len(wanted)}件")
        for label in existing:
            self.note("削除しない", f"課題「{label}」", "ワークブックにありませんが、削除していません。")

    def indicators(self, elements: dict[str, PlanElement], initiatives: dict[str, Initiative],
                   orgs: dict[str, Organization], areas: dict[str, Area]) -> None:
        existing = {i.name: i for i in Indicator.objects.filter(plan=self.plan)}
        for row in self.doc.get("indicators", []):
            links = {"element": elements.get(row.get("element") or ""),
                     "initiative": initiatives.get(row.get("initiative") or ""),
                     "source_organization": orgs.get(row.get("source_organization") or "")}
            if "reporting_organization" in row:
                links["reporting_organization"] = orgs.get(row["reporting_organization"] or "")
            what = f"指標「{row['name']}」"
            indicator = existing.pop(row["name"], None)
            if indicator is None:
                indicator = self.add(build(Indicator, row, plan=self.plan, **links), what)
            else:
                self.sync(indicator, row, what, **links)
            targets = {(t.year, t.year_kind): t for t in indicator.targets.all()}
            for item in row.get("targets", []):
                target = targets.pop((item.get("year"), item.get("year_kind", "fiscal")), None)
                label = f"{what}の目標値「{item.get('verbatim', '')}」"
                if target is None:
                    self.add(build(Target, item, indicator=indicator), label)
                else:
                    self.sync(target, item, label)
            for target in targets.values():
                self.note("削除しない", f"{what}の目標値「{target.verbatim}」",
                          "ワークブックにありませんが、削除していません。")
            observations = {(o.role, o.year, o.year_end, o.year_kind, o.area_id): o
                            for o in indicator.observations.all()}
            for item in row.get("observations", []):
                area = areas.get(item.get("area") or "")
                key = (item["role"], item.get("year"), item.get("year_end"),
                       item.get("year_kind", "fiscal"), area.pk if area else None)
                observation = observations.pop(key, None)
                label = f"{what}の{'基準値' if item['role'] == 'baseline' else '実績値'}「{item.get('verbatim', '')}」"
                if observation is None:
                    self.add(build(Observation, item, indicator=indicator, area=area), label)
                else:
                    self.sync(observation, item, label)
            for observation in observations.values():
                self.note("削除しない", f"{what}の値「{observation.verbatim}」",
                          "ワークブックにありませんが、削除していません。")
        for name in existing:
            self.note("削除しない", f"指標「{name}」", "ワークブックにありませんが、削除していません。")


    def assignments(self, elements: dict[str, PlanElement],
                    orgs: dict[str, Organization]) -> None:
        """Who reports on each element, replaced as a whole when the document's list differs."""
        if "reporting_assignments" not in self.doc:
            return
        rows = self.doc["reporting_assignments"]
        wanted = {(elements[r["element"]].pk, orgs[r["organization"]].pk, r["is_sample"])
                  for r in rows}
        current = ReportingAssignment.objects.filter(plan=self.plan)
        if wanted == set(current.values_list("element_id", "organization_id", "is_sample")):
            return
        for old in current:
            record(by=self.by, action="exchange.plan.update", obj=old, before=snapshot(old),
                   municipality_code=self.code, note="計画ファイルの内容に差し替えました。")
        had = current.count()
        current.delete()
        for row in rows:
            made = build(ReportingAssignment, row, plan=self.plan,
                         element=elements[row["element"]], organization=orgs[row["organization"]])
            made.full_clean()
            made.save()
            record(by=self.by, action="exchange.plan.update", obj=made, after=snapshot(made),
                   municipality_code=self.code)
        self.note("差し替え", "報告の割り当て", f"{had}件 → {len(rows)}件")


def _short(value: Any) -> str:
    text = "" if value is None else str(plain(value))
    return text if len(text) <= 40 else text[:39] + "…"


def update_plan(*, by: Any, plan: Plan, doc: Any, dry_run: bool = False,
                expected_digest: str | None = None) -> UpdateResult:
    """Bring an existing plan in line with a document; see the module docstring."""
    if not Standing.of(by, plan).can_import_plans():
        raise PermissionDenied("計画を更新できるのは、その自治体の事務局です。")
    errors = check_document(doc)
    if not errors:
        keys = {group: {r["key"]: r for r in doc.get(group, [])}
                for group in ("elements", "organizations")}
        errors = reporting_problems(doc, keys)
    if errors:
        raise PlanImportError(errors)
    try:
        with transaction.atomic():
            Plan.objects.select_for_update().filter(pk=plan.pk).first()
            result = _Updater(plan, doc, by).run()
            if expected_digest is not None and result.digest() != expected_digest:
                raise PlanChanged
            if dry_run:
                transaction.set_rollback(True)
    except ValidationError as exc:
        raise PlanImportError([f"保存できない値があります：{m}" for m in exc.messages]) from exc
    if dry_run:
        plan.refresh_from_db()
    return result
