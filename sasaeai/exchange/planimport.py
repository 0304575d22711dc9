"""Reading a `sasaeai-plan` document into a new plan: checked whole, then saved whole or not at all.

The document is first checked against its JSON Schema, then for what a schema cannot say (every
key defined once, every reference to a key that exists, a slug still free). Only then is anything
written, in one transaction, each row through `full_clean` so the models' own rules apply.
Organizations, areas and rating scales are matched by name within the municipality and created
when missing; each created one is reported.
"""

from __future__ import annotations

import datetime
import decimal
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from sasaeai.accounts.access import Standing
from sasaeai.audit.actions import record
from sasaeai.exchange.planjson import FIELDS, FORMAT
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
    ReportingAssignment,
)
from sasaeai.progress.models import (
    Cycle,
    Entry,
    EntryVersion,
    Opinion,
    PlanRatingScale,
    RatingLevel,
    RatingScale,
)
from sasaeai.tenancy.models import Area, Municipality, Organization

SCHEMA_PATH = Path(__file__).with_name("plan-format.schema.json")
MAX_ERRORS = 50


TOO_DEEP = "計画ファイル（JSON）の入れ子が深すぎます。ささえあいが書き出した計画ファイルを使ってください。"


class PlanImportError(ValueError):
    """A document that cannot be imported; `errors` are Japanese, one per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    plan: Plan
    counts: dict[str, int] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)  # organizations, areas, scales made anew


@cache
def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return data


def _where(path: Any) -> str:
    parts = [f"{p + 1}番目" if isinstance(p, int) else str(p) for p in path]
    return "／".join(parts) or "文書全体"


def _message(error: Any) -> str:
    """jsonschema's error in Japanese: where, and what was expected."""
    where = _where(error.absolute_path)
    kind, value = error.validator, error.validator_value
    if kind == "required":
        missing = [name for name in value if name not in (error.instance or {})]
        return f"{where}：項目「{'」「'.join(missing)}」がありません。"
    if kind == "type":
        names = {"string": "文字列", "integer": "整数", "number": "数値", "boolean": "真偽値",
                 "object": "オブジェクト", "array": "配列", "null": "null"}
        expected = "・".join(str(names.get(t, t)) for t in (value if isinstance(value, list) else [value]))
        return f"{where}：値の型が違います（{expected}にしてください）。"
    if kind == "enum":
        return f"{where}：「{error.instance}」は使えません（{'、'.join(map(str, value))}のいずれか）。"
    if kind == "const":
        return f"{where}：「{error.instance}」ではなく「{value}」である必要があります。"
    if kind == "additionalProperties":
        return f"{where}：知らない項目があります（{error.message.split('(')[-1].rstrip(')')}）。"
    if kind in {"maxLength", "minLength"}:
        return f"{where}：文字数が範囲外です（{'最大' if kind == 'maxLength' else '最小'}{value}文字）。"
    if kind in {"minimum", "maximum"}:
        return f"{where}：値「{error.instance}」が範囲外です。"
    if kind == "pattern":
        return f"{where}：「{error.instance}」は形式が違います。"
    if kind == "format" and value == "date":
        return f"{where}：「{error.instance}」は日付として読めません（例：2023-10-01）。"
    return f"{where}：形式が違います（{kind}）。"


def check_document(doc: Any) -> list[str]:
    """Every problem the schema finds, in Japanese (at most MAX_ERRORS)."""
    from jsonschema import Draft202012Validator

    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return [f"ささえあいの計画ファイル（format が「{FORMAT}」のJSON）ではありません。"]
    version = str(doc.get("version", ""))
    if version.split(".")[0] != "1":
        return [f"計画ファイルの版「{version}」には対応していません（1.x に対応）。"]
    # Without a format checker "format": "date" is only a comment, and 2024-99-99 would reach
    # date.fromisoformat in the middle of the import.
    validator = Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    try:
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    except RecursionError:
        return [TOO_DEEP]
    return [_message(e) for e in errors[:MAX_ERRORS]]


def _value(model: type[models.Model], name: str, value: Any) -> Any:
    if value is None:
        return None
    field_ = model._meta.get_field(name)
    if isinstance(field_, models.DecimalField):
        return decimal.Decimal(str(value))
    try:
        if isinstance(field_, models.DateTimeField):
            return datetime.datetime.fromisoformat(value)
        if isinstance(field_, models.DateField):
            return datetime.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        # jsonschema checks "date" but not "date-time" (that needs a package we do not ship).
        raise PlanImportError([f"{model._meta.verbose_name}の{getattr(field_, 'verbose_name', name)}："
                               f"「{value}」は日時として読めません。"]) from exc
    return value


def build(model: type[models.Model], data: dict[str, Any], **links: Any) -> Any:
    values = {name: _value(model, name, data[name]) for name in FIELDS[model] if name in data}
    return model(**values, **links)


class _Importer:
    def __init__(self, municipality: Municipality, doc: dict[str, Any], slug: str) -> None:
        self.municipality = municipality
        self.doc = doc
        self.slug = slug
        self.errors: list[str] = []
        self.created: list[str] = []
        self.keys: dict[str, dict[str, Any]] = {}

    # Checks a schema cannot make -----------------------------------------------------------
    def check_references(self) -> None:
        doc = self.doc
        groups = {"organizations": "organizations", "areas": "areas", "elements": "elements",
                  "initiatives": "initiatives", "actors": "actors", "statements": "statements"}
        for group in groups:
            seen: set[str] = set()
            for row in doc.get(group, []):
                if row["key"] in seen:
                    self.errors.append(f"{group}：キー「{row['key']}」が2回あります。")
                seen.add(row["key"])
            self.keys[group] = {r["key"]: r for r in doc.get(group, [])}
        entries = {e["key"] for c in doc.get("cycles", []) for e in c.get("entries", [])}

        def ref(where: str, group: str, key: str | None) -> None:
            if key is not None and key not in self.keys[group]:
                self.errors.append(f"{where}：「{key}」は{group}にありません。")

        for group in ("organizations", "areas", "elements"):
            for row in doc.get(group, []):
                ref(f"{group}／{row['key']}／parent", group, row.get("parent"))
        plan = doc["plan"]
        for key in plan.get("owners", []):
            ref("plan／owners", "organizations", key)
        ref("plan／area", "areas", plan.get("area"))
        for row in doc.get("initiatives", []):
            ref(f"initiatives／{row['key']}／element", "elements", row.get("element"))
            for key in row.get("responsible", []):
                ref(f"initiatives／{row['key']}／responsible", "organizations", key)
        for row in doc.get("placements", []):
            ref("placements／initiative", "initiatives", row["initiative"])
            ref("placements／element", "elements", row["element"])
        for row in doc.get("statements", []):
            ref(f"statements／{row['key']}／actor", "actors", row["actor"])
            ref(f"statements／{row['key']}／element", "elements", row.get("element"))
            ref(f"statements／{row['key']}／initiative", "initiatives", row.get("initiative"))
            ref(f"statements／{row['key']}／repeat_of", "statements", row.get("repeat_of"))
        for row in doc.get("challenges", []):
            for key in row.get("elements", []):
                ref("challenges／elements", "elements", key)
            for key in row.get("initiatives", []):
                ref("challenges／initiatives", "initiatives", key)
        for row in doc.get("indicators", []):
            ref(f"indicators／{row['name'][:20]}／element", "elements", row.get("element"))
            ref(f"indicators／{row['name'][:20]}／initiative", "initiatives", row.get("initiative"))
            ref(f"indicators／{row['name'][:20]}／source_organization", "organizations",
                row.get("source_organization"))
            ref(f"indicators／{row['name'][:20]}／reporting_organization", "organizations",
                row.get("reporting_organization"))
            for obs in row.get("observations", []):
                ref(f"indicators／{row['name'][:20]}／observations／area", "areas", obs.get("area"))
        self.errors.extend(reporting_problems(doc, self.keys))
        for cycle in doc.get("cycles", []):
            ref("cycles／confirmed_by", "organizations", cycle.get("confirmed_by"))
            for entry in cycle.get("entries", []):
                ref(f"cycles／{cycle['fiscal_year']}／entries／initiative", "initiatives",
                    entry.get("initiative"))
                ref(f"cycles／{cycle['fiscal_year']}／entries／element", "elements",
                    entry.get("element"))
                ref(f"cycles／{cycle['fiscal_year']}／entries／organization", "organizations",
                    entry["organization"])
            for opinion in cycle.get("opinions", []):
                if opinion.get("entry") is not None and opinion["entry"] not in entries:
                    self.errors.append(f"cycles／{cycle['fiscal_year']}／opinions：報告「{opinion['entry']}」がありません。")
        if Plan.objects.filter(municipality=self.municipality, slug=self.slug).exists():
            self.errors.append(f"{self.municipality.name}には、URL名「{self.slug}」の計画がすでにあります。"
                               "別のURL名を指定してください。")

    # Writing -------------------------------------------------------------------------------
    def save(self, obj: models.Model) -> Any:
        obj.full_clean()
        obj.save()
        return obj

    def corrections(self, entry: Entry, rows: list[dict[str, Any]]) -> None:
        """A report's corrections after 確定, kept as correction versions (their date and reason
        are shown with the report; the text before them stays with the installation)."""
        for number, row in enumerate(rows, start=1):
            version = EntryVersion.objects.create(
                entry=entry, number=number, action=EntryVersion.Action.CORRECT,
                content=entry.content(), status=entry.status, reason=row["reason"],
                by_label="計画ファイルから取込")
            EntryVersion.objects.filter(pk=version.pk).update(
                at=_value(EntryVersion, "at", row["at"]))

    def organizations(self) -> dict[str, Organization]:
        found: dict[str, Organization] = {}
        for row in self.doc.get("organizations", []):
            parent = found.get(row["parent"]) if row.get("parent") else None
            org = Organization.objects.filter(municipality=self.municipality,
                                              name=row["name"]).first()
            if org is None:
                org = self.save(build(Organization, row, municipality=self.municipality,
                                      parent=parent))
                self.created.append(f"組織「{org.name}」")
            found[row["key"]] = org
        return found

    def areas(self) -> dict[str, Area]:
        found: dict[str, Area] = {}
        for row in self.doc.get("areas", []):
            parent = found.get(row["parent"]) if row.get("parent") else None
            area = Area.objects.filter(municipality=self.municipality, name=row["name"],
                                       parent=parent).first()
            if area is None:
                area = self.save(build(Area, row, municipality=self.municipality, parent=parent))
                self.created.append(f"圏域「{area.name}」")
            found[row["key"]] = area
        return found

    def scale(self, data: dict[str, Any] | None) -> RatingScale | None:
        if data is None:
            return None
        levels = [(lv["code"], lv.get("label", ""), lv.get("definition", ""), lv.get("order", 0))
                  for lv in data["levels"]]
        name = data["name"]
        existing = RatingScale.objects.filter(municipality=self.municipality, name=name).first()
        if existing is not None:
            mine = [(lv.code, lv.label, lv.definition, lv.order)
                    for lv in existing.levels.order_by("order", "id")]
            if mine == levels:
                return existing
            name = f"{name}（{self.slug}）"
        scale = self.save(RatingScale(municipality=self.municipality, name=name,
                                      description=data.get("description", "")))
        for row in data["levels"]:
            self.save(build(RatingLevel, row, scale=scale))
        self.created.append(f"評価の尺度「{scale.name}」")
        return scale

    def run(self, title: str) -> ImportResult:
        doc = self.doc
        orgs, areas = self.organizations(), self.areas()
        spec = doc["plan"]
        plan = build(Plan, spec, municipality=self.municipality,
                     area=areas.get(spec["area"]) if spec.get("area") else None)
        plan.slug = self.slug
        if title:
            plan.title = title
        for link in ("predecessor", "parent"):
            ref = spec.get(link)
            if ref:
                setattr(plan, link, Plan.objects.filter(municipality=self.municipality,
                                                        slug=ref["slug"]).first())
        self.save(plan)
        plan.owners.set([orgs[k] for k in spec.get("owners", [])])
        elements: dict[str, PlanElement] = {}
        for row in doc.get("elements", []):
            elements[row["key"]] = self.save(build(
                PlanElement, row, plan=plan,
                parent=elements[row["parent"]] if row.get("parent") else None))
        initiatives: dict[str, Initiative] = {}
        for row in doc.get("initiatives", []):
            initiative = self.save(build(Initiative, row, plan=plan,
                                         element=elements.get(row.get("element") or "")))
            initiative.responsible.set([orgs[k] for k in row.get("responsible", [])])
            initiatives[row["key"]] = initiative
        for row in doc.get("placements", []):
            self.save(build(Placement, row, initiative=initiatives[row["initiative"]],
                            element=elements[row["element"]]))
        actors = {row["key"]: self.save(build(Actor, row, plan=plan))
                  for row in doc.get("actors", [])}
        statements: dict[str, ActorStatement] = {}
        for row in doc.get("statements", []):
            statements[row["key"]] = self.save(build(
                ActorStatement, row, plan=plan, actor=actors[row["actor"]],
                element=elements.get(row.get("element") or ""),
                initiative=initiatives.get(row.get("initiative") or "")))
        for row in doc.get("statements", []):
            if row.get("repeat_of"):
                statement = statements[row["key"]]
                statement.repeat_of = statements[row["repeat_of"]]
                statement.save(update_fields=["repeat_of"])
        for row in doc.get("challenges", []):
            challenge = self.save(build(Challenge, row, plan=plan))
            challenge.elements.set([elements[k] for k in row.get("elements", [])])
            challenge.initiatives.set([initiatives[k] for k in row.get("initiatives", [])])
            for item in row.get("evidence", []):
                self.save(build(Evidence, item, challenge=challenge))
        for row in doc.get("indicators", []):
            indicator = self.save(build(
                Indicator, row, plan=plan, element=elements.get(row.get("element") or ""),
                initiative=initiatives.get(row.get("initiative") or ""),
                source_organization=orgs.get(row.get("source_organization") or ""),
                reporting_organization=orgs.get(row.get("reporting_organization") or "")))
            for item in row.get("targets", []):
                self.save(build(Target, item, indicator=indicator))
            for item in row.get("observations", []):
                self.save(build(Observation, item, indicator=indicator,
                                area=areas.get(item.get("area") or "")))
            for item in row.get("judgement_overrides", []):
                override = self.save(build(JudgementOverride, item, indicator=indicator))
                if item.get("at"):  # auto_now_add: the time it was made, not imported
                    JudgementOverride.objects.filter(pk=override.pk).update(
                        at=_value(JudgementOverride, "at", item["at"]))
        for row in doc.get("reporting_assignments", []):
            self.save(build(ReportingAssignment, row, plan=plan, element=elements[row["element"]],
                            organization=orgs[row["organization"]]))
        if doc.get("judgement_rule"):
            self.save(build(JudgementRule, doc["judgement_rule"], plan=plan))
        plan_scale = self.scale(doc.get("rating_scale"))
        if plan_scale is not None:
            self.save(PlanRatingScale(plan=plan, scale=plan_scale))
        for row in doc.get("cycles", []):
            scale = None
            if row.get("rating_scale"):
                scale = plan_scale if plan_scale is not None and (
                    row["rating_scale"] in (plan_scale.name, doc["rating_scale"]["name"])
                ) else RatingScale.objects.filter(municipality=self.municipality,
                                                  name=row["rating_scale"]).first()
            cycle = self.save(build(Cycle, row, plan=plan, rating_scale=scale,
                                    confirmed_by=orgs.get(row.get("confirmed_by") or "")))
            entries: dict[str, Entry] = {}
            for item in row.get("entries", []):
                entries[item["key"]] = entry = self.save(build(
                    Entry, item, cycle=cycle, organization=orgs[item["organization"]],
                    initiative=initiatives.get(item.get("initiative") or ""),
                    element=elements.get(item.get("element") or "")))
                self.corrections(entry, item.get("corrections", []))
            for item in row.get("opinions", []):
                opinion = self.save(build(Opinion, item, cycle=cycle,
                                          entry=entries.get(item.get("entry") or "")))
                if item.get("created_at"):
                    Opinion.objects.filter(pk=opinion.pk).update(
                        created_at=_value(Opinion, "created_at", item["created_at"]))
        counts = {name: len(doc.get(name, [])) for name in (
            "elements", "initiatives", "placements", "reporting_assignments", "actors",
            "statements", "challenges", "indicators", "cycles")}
        return ImportResult(plan=plan, counts=counts, created=self.created)


def reporting_problems(doc: dict[str, Any], keys: dict[str, dict[str, Any]]) -> list[str]:
    """What the document says about reporting, checked against its own rows: the reporting unit
    is 取組 ("") or a level of its 体系, and each assignment names an element and an organization
    of the file, once. `keys` maps "elements" and "organizations" to their rows by key."""
    errors: list[str] = []
    level = doc["plan"].get("reporting_level", "")
    levels = list(dict.fromkeys(e["level_label"] for e in doc.get("elements", [])))
    if level and level not in levels:
        choices = "」「".join(["取組（空欄）", *levels])
        errors.append(f"plan／reporting_level：報告の単位「{level}」は、この計画の体系の階層にありません"
                      f"（「{choices}」のいずれか）。")
    seen: set[tuple[str, str]] = set()
    for n, row in enumerate(doc.get("reporting_assignments", []), start=1):
        where = f"reporting_assignments／{n}番目"
        if row["element"] not in keys["elements"]:
            errors.append(f"{where}：報告の単位の項目「{row['element']}」が elements にありません。")
        if row["organization"] not in keys["organizations"]:
            errors.append(f"{where}：報告する組織「{row['organization']}」が organizations にありません。")
        pair = (row["element"], row["organization"])
        if pair in seen:
            errors.append(f"{where}：同じ項目と組織の割り当てが2回あります。")
        seen.add(pair)
    return errors


def import_plan(*, by: Any, municipality: Municipality, doc: Any, slug: str = "",
                title: str = "", dry_run: bool = False) -> ImportResult | None:
    """Create a new plan from a document. Raises PlanImportError listing every problem; with
    `dry_run`, checks everything (saving inside a transaction that is rolled back)."""
    if not Standing.of(by, municipality).can_import_plans():
        raise PermissionDenied("計画を取り込めるのは、その自治体の事務局です。")
    errors = check_document(doc)
    if errors:
        raise PlanImportError(errors)
    importer = _Importer(municipality, doc, slug or doc["plan"]["slug"])
    importer.check_references()
    if importer.errors:
        raise PlanImportError(importer.errors[:MAX_ERRORS])
    try:
        with transaction.atomic():
            result = importer.run(title)
            record(by=by, action="exchange.plan.import", obj=result.plan,
                   after={"counts": result.counts, "created": result.created},
                   municipality_code=municipality.code,
                   note=f"計画ファイル（{FORMAT} {doc['version']}）から登録しました。")
            if dry_run:
                transaction.set_rollback(True)
    except ValidationError as exc:
        raise PlanImportError([f"保存できない値があります：{m}" for m in exc.messages]) from exc
    return result
