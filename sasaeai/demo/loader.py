"""Turns a seed module's MUNICIPALITY dict (see seeds/FORMAT.md) into rows.

Every figure goes through lib.values and every year through lib.wareki, exactly as an import
would: the demo is the first user of the parsers, and the verbatim text is kept beside each value.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from sasaeai.accounts.models import Membership, User
from sasaeai.audit.actions import record
from sasaeai.indicators.models import Indicator, Observation, Target
from sasaeai.lib.values import CellValue, TargetKind, parse_cell
from sasaeai.lib.wareki import find_year
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
from sasaeai.progress import actions
from sasaeai.progress.models import Cycle, Entry, EntryVersion, PlanRatingScale
from sasaeai.progress.scales import scale_from_preset
from sasaeai.tenancy.models import Area, Municipality, Organization

SEED_MODULES = ["omitama", "shimonoseki", "kakogawa", "shimotsuke", "kurume"]
DEMO_PASSWORD = "sasaeai-demo-2026"

# One persona per role in every demo municipality (the names the tests use too).
PERSONAS = [
    ("jimukyoku", "佐藤", Membership.Role.SECRETARIAT, ("city",)),
    ("tanto", "田中", Membership.Role.STAFF, ("department", "city")),
    ("shakyo", "鈴木", Membership.Role.STAFF, ("shakyo",)),
    ("iin", "高橋", Membership.Role.COMMITTEE, ("committee", "city")),
    ("etsuran", "伊藤", Membership.Role.VIEWER, ("city",)),
]


class SeedError(ValueError):
    """A seed that cannot be loaded faithfully: nothing of it is saved."""


@dataclass
class LoadResult:
    code: str
    name: str
    created: bool
    users: list[tuple[str, str, str]] = field(default_factory=list)


def seed_data(module: str) -> dict[str, Any]:
    data: dict[str, Any] = importlib.import_module(f"sasaeai.demo.seeds.{module}").MUNICIPALITY
    return data


def parsed(verbatim: str, header: str, *, as_target: bool = False) -> CellValue:
    cell = parse_cell(verbatim, default_year=find_year(header) if header else None,
                      as_target=as_target)
    if cell.problems:
        raise SeedError(f"「{verbatim}」（{header}）を解釈できません：{'、'.join(cell.problems)}")
    return cell


class Loader:
    def __init__(self, data: dict[str, Any], *, slug: str) -> None:
        self.data = data
        self.slug = slug
        self.orgs: dict[str, Organization] = {}
        self.users: dict[str, User] = {}
        self.states: dict[str, PlanState] = {}

    def load(self) -> LoadResult:
        data = self.data
        existing = Municipality.objects.filter(code=data["code"]).first()
        if existing is not None:
            return LoadResult(existing.code, existing.name, created=False, users=self.personas())
        with transaction.atomic():
            muni = Municipality(
                code=data["code"], name=data["name"], kana=data.get("kana", ""),
                prefecture=data["prefecture"],
            )
            muni.full_clean()
            muni.save()
            self.muni = muni
            self.load_organizations(data.get("organizations", []))
            self.load_areas(data.get("areas", []), parent=None)
            users = self.create_users()
            plans: dict[str, Plan] = {}
            for spec in data.get("plans", []):
                plans[spec["key"]] = self.load_plan(spec)
            for spec in data.get("plans", []):
                plan = plans[spec["key"]]
                if spec.get("predecessor"):
                    plan.predecessor = plans[spec["predecessor"]]
                    plan.save(update_fields=["predecessor"])
                if spec.get("parent"):
                    plan.parent = plans[spec["parent"]]
                    plan.save(update_fields=["parent"])
            for spec in data.get("plans", []):
                for cycle_spec in spec.get("cycles", []):
                    self.load_cycle(plans[spec["key"]], cycle_spec, self.states[spec["key"]])
            scenario = SCENARIOS.get(self.slug)
            if scenario is not None:
                scenario(self, plans)
            record(by=None, action="demo.load", obj=muni, municipality_code=muni.code,
                   note=f"デモデータ（{self.slug}）を登録しました。")
        return LoadResult(muni.code, muni.name, created=True, users=users)

    def load_organizations(self, specs: list[dict[str, Any]]) -> None:
        for order, spec in enumerate(specs):
            org = Organization.objects.create(
                municipality=self.muni, name=spec["name"], short_name=spec.get("short_name", ""),
                kind=spec["kind"], parent=self.orgs[spec["parent"]] if spec.get("parent") else None,
                order=order,
            )
            self.orgs[spec["key"]] = org

    def load_areas(self, specs: list[dict[str, Any]], parent: Area | None) -> None:
        for order, spec in enumerate(specs):
            area = Area.objects.create(
                municipality=self.muni, name=spec["name"], level_label=spec["level"],
                parent=parent, description=spec.get("description", ""),
                is_sample_name=bool(spec.get("sample", False)), order=order,
            )
            self.load_areas(spec.get("children", []), parent=area)

    def load_plan(self, spec: dict[str, Any]) -> Plan:
        plan = Plan(
            municipality=self.muni, slug=spec["slug"], title=spec["title"], kind=spec["kind"],
            generation=spec.get("generation") or "", start_fy=spec.get("start_fy"),
            end_fy=spec.get("end_fy"), philosophy=spec.get("philosophy") or "",
            philosophy_description=spec.get("philosophy_description") or "",
            summary=spec.get("summary") or "", status=spec["status"],
            source_document=spec.get("source_document") or "",
        )
        plan.full_clean(exclude=["predecessor", "parent"])
        plan.save()
        plan.owners.set([self.orgs[k] for k in spec["owners"]])
        state = PlanState(plan)
        self.states[spec["key"]] = state
        for order, actor_spec in enumerate(spec.get("actors", [])):
            state.actors[actor_spec["key"]] = Actor.objects.create(
                plan=plan, kind=actor_spec["kind"], label=actor_spec["label"],
                sphere=actor_spec.get("sphere", ""), sphere_label=actor_spec.get("sphere_label", ""),
                order=order,
            )
        self.add_statements(state, spec.get("statements", []))
        for element_spec in spec.get("elements", []):
            self.add_element(state, element_spec, parent=None)
        for element, keys in state.pending_placements:
            for order, key in enumerate(keys):
                Placement.objects.create(initiative=state.initiatives[key], element=element,
                                         order=order)
        for statement, key in state.pending_repeats:
            statement.repeat_of = state.statements[key]
            statement.save(update_fields=["repeat_of"])
        for order, challenge_spec in enumerate(spec.get("challenges", [])):
            self.add_challenge(state, challenge_spec, order)
        for order, indicator_spec in enumerate(spec.get("indicators", [])):
            self.add_indicator(state, indicator_spec, order)
        if spec.get("reporting"):
            self.add_reporting(plan, spec["reporting"])
        return plan

    def add_reporting(self, plan: Plan, spec: dict[str, Any]) -> None:
        """The plan's reporting unit and, where the seed names nobody responsible, sample
        assignments (marked as such on the reporting page)."""
        plan.reporting_level = spec.get("level", "")
        plan.save(update_fields=["reporting_level"])
        units = list(plan.elements.filter(level_label=plan.reporting_level))
        if plan.reporting_level and not units:
            raise SeedError(f"計画「{plan.title}」に階層「{plan.reporting_level}」の項目がありません。")
        for element in units:
            keys = list(spec.get("sample", []))
            for word, extra in spec.get("sample_by_title", {}).items():
                if word in element.title:
                    keys.extend(extra)
            ReportingAssignment.objects.bulk_create(
                ReportingAssignment(plan=plan, element=element, organization=self.orgs[key],
                                    is_sample=True)
                for key in dict.fromkeys(keys)
            )

    def add_statements(
        self, state: PlanState, specs: list[dict[str, Any]], *,
        element: PlanElement | None = None, initiative: Initiative | None = None,
    ) -> None:
        for spec in specs:
            state.statement_order += 1
            statement = ActorStatement.objects.create(
                plan=state.plan, actor=state.actors[spec["actor"]], element=element,
                initiative=initiative, text=spec["text"], detail=spec.get("detail", ""),
                repeat_note=spec.get("repeat_note", ""), order=state.statement_order,
            )
            if spec.get("key"):
                state.statements[spec["key"]] = statement
            if spec.get("repeat_of"):
                state.pending_repeats.append((statement, spec["repeat_of"]))

    def add_element(
        self, state: PlanState, spec: dict[str, Any], parent: PlanElement | None
    ) -> None:
        state.element_order += 1
        element = PlanElement.objects.create(
            plan=state.plan, parent=parent, level_label=spec["level"],
            number_label=spec.get("number", ""), title=spec["title"],
            description=spec.get("description", ""), is_priority=bool(spec.get("priority")),
            is_new=bool(spec.get("new")), order=state.element_order,
        )
        if spec.get("key"):
            state.elements[spec["key"]] = element
        self.add_statements(state, spec.get("statements", []), element=element)
        for child in spec.get("children", []):
            self.add_element(state, child, parent=element)
        for initiative_spec in spec.get("initiatives", []):
            state.initiative_order += 1
            initiative = Initiative.objects.create(
                plan=state.plan, element=element, number_label=initiative_spec.get("number", ""),
                title=initiative_spec["title"], description=initiative_spec.get("description", ""),
                is_priority=bool(initiative_spec.get("priority")),
                is_new=bool(initiative_spec.get("new")), order=state.initiative_order,
            )
            initiative.responsible.set(
                [self.orgs[k] for k in initiative_spec.get("responsible", [])]
            )
            if initiative_spec.get("key"):
                state.initiatives[initiative_spec["key"]] = initiative
            self.add_statements(state, initiative_spec.get("statements", []),
                                initiative=initiative)
        if spec.get("placements"):
            state.pending_placements.append((element, spec["placements"]))

    def add_challenge(self, state: PlanState, spec: dict[str, Any], order: int) -> None:
        challenge = Challenge.objects.create(
            plan=state.plan, number_label=spec.get("number", ""), title=spec["title"],
            description=spec.get("description", ""), order=order,
        )
        for evidence_order, evidence in enumerate(spec.get("evidence", [])):
            Evidence.objects.create(challenge=challenge, kind=evidence.get("kind", ""),
                                    text=evidence["text"], order=evidence_order)
        for key in spec.get("answered_by", []):
            if key in state.initiatives:
                challenge.initiatives.add(state.initiatives[key])
            elif key in state.elements:
                challenge.elements.add(state.elements[key])
            else:
                raise SeedError(f"課題「{spec['title']}」の対応先「{key}」が見つかりません。")

    def add_indicator(self, state: PlanState, spec: dict[str, Any], order: int) -> None:
        source_org = spec.get("source_organization")
        indicator = Indicator.objects.create(
            plan=state.plan,
            element=state.elements[spec["element"]] if spec.get("element") else None,
            initiative=state.initiatives[spec["initiative"]] if spec.get("initiative") else None,
            name=spec["name"], unit=spec.get("unit", ""),
            polarity=spec.get("polarity", Indicator.Polarity.HIGHER),
            polarity_inferred=bool(spec.get("polarity_inferred")),
            kind=spec.get("kind", Indicator.Kind.OUTCOME),
            aggregation=spec.get("aggregation", Indicator.Aggregation.FISCAL),
            source_kind=spec.get("source_kind", ""), source_text=spec.get("source_text", ""),
            source_organization=self.orgs[source_org] if source_org else None,
            definition=spec.get("definition", ""), rationale=spec.get("rationale", ""),
            note=spec.get("note", ""), order=order,
        )
        for obs in spec.get("observations", []):
            cell = parsed(obs["verbatim"], obs.get("header", ""))
            observation = Observation(
                indicator=indicator, role=obs["role"], value=cell.value, verbatim=cell.verbatim,
                status=cell.status.value, note=cell.note,
                year=cell.year.start if cell.year else None,
                year_end=cell.year.end if cell.year else None,
                year_kind=cell.year.kind.value if cell.year else "fiscal",
            )
            observation.full_clean()
            observation.save()
        for tgt in spec.get("targets", []):
            cell = parsed(tgt["verbatim"], tgt.get("header", ""), as_target=True)
            kind = cell.target_kind or TargetKind.VALUE
            target = Target(
                indicator=indicator, kind=kind.value, value=cell.value, verbatim=cell.verbatim,
                year=cell.year.start if cell.year else None,
                year_kind=cell.year.kind.value if cell.year else "fiscal",
            )
            target.full_clean()
            target.save()

    def personas(self) -> list[tuple[str, str, str]]:
        return [
            (f"{self.slug}-{suffix}", f"{self.data['name']} {name}", role.label)
            for suffix, name, role, _ in PERSONAS
        ]

    def create_users(self) -> list[tuple[str, str, str]]:
        by_kind: dict[str, Organization] = {}
        for candidate in self.orgs.values():
            by_kind.setdefault(candidate.kind, candidate)
        for suffix, name, role, kinds in PERSONAS:
            org = next((by_kind[k] for k in kinds if k in by_kind), None)
            if org is None:
                continue
            user = User.objects.create_user(
                username=f"{self.slug}-{suffix}", password=DEMO_PASSWORD,
                display_name=f"{org.label} {name}",
                email=f"{self.slug}-{suffix}@demo.sasaeai.invalid",
            )
            Membership.objects.create(user=user, organization=org, role=role)
            self.users[suffix] = user
        return self.personas()

    def load_cycle(self, plan: Plan, spec: dict[str, Any], state: PlanState) -> Cycle:
        """A confirmed cycle as printed (e.g. しもつけ's 確定版): every row as it stands in the
        document, empty cells left empty."""
        confirmed_by = self.orgs[spec["confirmed_by"]] if spec.get("confirmed_by") else None
        cycle = Cycle.objects.create(
            plan=plan, fiscal_year=spec.get("fiscal_year"), kind=spec["kind"],
            title=spec.get("title", ""), status=spec["status"], confirmed_by=confirmed_by,
            confirmation_note=spec.get("confirmation_note", ""),
            confirmed_at=timezone.now() if spec["status"] in {"confirmed", "published"} else None,
            published_at=timezone.now() if spec["status"] == "published" else None,
        )
        for row in spec.get("entries", []):
            subject = ({"initiative": state.initiatives[row["initiative"]]} if row.get("initiative")
                       else {"element": state.elements[row["element"]]})
            entry = Entry.objects.create(
                cycle=cycle, organization=self.orgs[row["organization"]],
                progress=row.get("progress", ""), issues=row.get("issues", ""),
                results=row.get("results", ""), status=Entry.Status.ACCEPTED, **subject,
            )
            EntryVersion.objects.create(
                entry=entry, number=1, action=EntryVersion.Action.IMPORT,
                content=entry.content(), status=entry.status, by_label="デモデータ",
                reason=f"「{plan.source_document or cycle.display_title}」から登録",
            )
        return cycle



@dataclass
class PlanState:
    plan: Plan
    actors: dict[str, Actor] = field(default_factory=dict)
    elements: dict[str, PlanElement] = field(default_factory=dict)
    initiatives: dict[str, Initiative] = field(default_factory=dict)
    statements: dict[str, ActorStatement] = field(default_factory=dict)
    pending_placements: list[tuple[PlanElement, list[str]]] = field(default_factory=list)
    pending_repeats: list[tuple[ActorStatement, str]] = field(default_factory=list)
    element_order: int = 0
    initiative_order: int = 0
    statement_order: int = 0


def kurume_open_cycle(loader: Loader, plans: dict[str, Plan]) -> None:
    """久留米市: a 令和6年度 cycle under way, made through the same actions staff use, so that
    the dashboard, the tasks page and the history have something to show. Texts are marked as
    demo input: they are not the city's reports."""
    plan = plans["jiki"]
    secretariat, city_staff = loader.users["jimukyoku"], loader.users["tanto"]
    shakyo_staff = loader.users["shakyo"]
    PlanRatingScale.objects.create(plan=plan, scale=scale_from_preset(loader.muni, "abcd"))
    today = timezone.localdate()
    cycle = actions.create_cycle(
        by=secretariat, plan=plan, fiscal_year=2024, kind=Cycle.Kind.ANNUAL,
        entries_due=today + timedelta(days=7), committee_meeting=today + timedelta(days=30),
    )
    cycle = actions.move_cycle(by=secretariat, cycle=cycle, to=Cycle.Status.COLLECTING,
                               expected_version=cycle.version)
    first_statement: dict[tuple[int | None, str], ActorStatement] = {}
    for listed in plan.statements.filter(initiative__isnull=False).select_related("actor"):
        first_statement.setdefault((listed.initiative_id, listed.actor.kind), listed)
    entries = list(cycle.entries.select_related("initiative", "organization")
                   .order_by("initiative__order", "organization__order"))
    for entry in entries:
        entry.cycle = cycle
        number = entry.initiative.order if entry.initiative else 0
        kind = entry.organization.kind
        found = first_statement.get((entry.initiative_id, kind))
        text = f"【デモ用の入力例】{found.text if found else entry.subject.title}"
        if kind == "city" and number <= 8:
            saved = actions.save_entry(by=city_staff, entry=entry, expected_version=entry.version,
                                       data={"progress": text, "direction": "continue",
                                             "self_rating": "Ｂ"})
            saved.cycle = cycle
            saved = actions.submit_entry(by=city_staff, entry=saved,
                                         expected_version=saved.version)
            if number == 2:
                saved.cycle = cycle
                actions.return_entry(by=secretariat, entry=saved,
                                     comment="【デモ用の入力例】実績の数値を追記してください。",
                                     expected_version=saved.version)
        elif kind == "shakyo" and number <= 4:
            actions.save_entry(by=shakyo_staff, entry=entry, expected_version=entry.version,
                               data={"progress": text})


SCENARIOS = {"kurume": kurume_open_cycle}


def load_all(modules: list[str] | None = None) -> list[LoadResult]:
    return [Loader(seed_data(m), slug=m).load() for m in (modules or SEED_MODULES)]


def ensure_admin() -> bool:
    """The operator's back-office account for the demo (superuser)."""
    if User.objects.filter(username="admin").exists():
        return False
    User.objects.create_superuser("admin", "admin@localhost", DEMO_PASSWORD,
                                  display_name="システム管理者")
    return True
