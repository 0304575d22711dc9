"""The read API (OpenAPI 3.1 at /api/openapi.json).

Anonymous callers see exactly what the public site shows: published plans and their published
cycles. A caller with a personal API key (`Authorization: Bearer sas_…`, made on the profile
page) sees what that person sees in the browser, through the same access helpers. What one may
not see answers 404, as in the browser; a wrong or revoked key answers 401. Lists are paged with
a capped limit.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer

from sasaeai.accounts.access import (
    Standing,
    get_municipalities_for_user,
    get_municipality_for_user,
    get_plan_for_user,
    plans_for_user,
)
from sasaeai.accounts.actions import user_for_key
from sasaeai.audit import security
from sasaeai.indicators.models import Indicator, JudgementRule
from sasaeai.plans.models import ActorStatement, Initiative, Plan, PlanElement
from sasaeai.progress.access import get_cycle_for_user
from sasaeai.progress.models import Cycle, Entry, FigureRequest, Opinion
from sasaeai.tenancy.models import Municipality


class KeyOrAnonymous(HttpBearer):
    """A personal API key if one is sent; without one, the caller is the public."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get("Authorization"):
            return AnonymousUser()
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return user_for_key(token)


class ReadAPI(NinjaAPI):
    """The key is optional: every operation says so (`{}` among its security requirements)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        document = super().get_openapi_schema(*args, **kwargs)
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                if isinstance(operation, dict) and operation.get("security"):
                    operation["security"] = [*operation["security"], {}]
        return document


api = ReadAPI(
    title="ささえあい 読み取りAPI", version="1.0",
    description="地域福祉計画・地域福祉活動計画の体系、主体の取組、成果指標、公開した進行管理を読み取るAPI。"
                "APIキーなしでは公開サイトと同じ内容、APIキー付きではその職員がブラウザで見られる内容を返します。",
    auth=KeyOrAnonymous(), urls_namespace="api", docs_url="/docs",
)


MAX_OFFSET = 1_000_000


class Paged(LimitOffsetPagination):
    """Limit and offset, both capped: a huge offset overflows SQLite's integers (a server error
    schemathesis found)."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=200, description="1ページの件数（最大200）")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="読み飛ばす件数")


def caller(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


class Problem(Schema):
    detail: str


class InvalidRequest(Schema):
    detail: str
    errors: list[dict[str, Any]]


ERRORS: dict[int, Any] = {401: Problem, 404: Problem, 422: InvalidRequest}


class MunicipalityOut(Schema):
    code: str
    name: str
    prefecture: str


class PlanOut(Schema):
    municipality: str
    slug: str
    title: str
    kind: str
    kind_label: str
    generation: str
    start_fy: int | None
    end_fy: int | None
    status: str
    philosophy: str
    owners: list[str]


class ElementOut(Schema):
    id: int
    parent: int | None
    level_label: str
    number_label: str
    title: str
    description: str
    is_priority: bool
    is_new: bool


class InitiativeOut(Schema):
    id: int
    element: int | None
    number_label: str
    title: str
    description: str
    is_priority: bool
    is_new: bool
    responsible: list[str]


class StatementOut(Schema):
    id: int
    actor: str
    actor_kind: str
    sphere: str
    element: int | None
    initiative: int | None
    text: str
    detail: str


class FigureOut(Schema):
    role: str
    year: int | None
    year_end: int | None
    year_kind: str
    value: str | None
    verbatim: str
    status: str
    sample_size: int | None
    ci_low: str | None
    ci_high: str | None


class TargetOut(Schema):
    year: int | None
    year_kind: str
    kind: str
    value: str | None
    verbatim: str


class JudgementOut(Schema):
    category: str
    label: str
    sentence: str


class IndicatorOut(Schema):
    id: int
    name: str
    unit: str
    polarity: str
    element: int | None
    source_text: str
    observations: list[FigureOut]
    targets: list[TargetOut]
    judgement: JudgementOut


class CycleOut(Schema):
    id: int
    fiscal_year: int | None
    kind: str
    title: str
    status: str
    withdrawn_at: datetime.datetime | None = Field(None, description="公開を取り下げた日時")
    withdrawal_reason: str = Field("", description="公開を取り下げた理由")


class CorrectionOut(Schema):
    at: datetime.datetime
    reason: str


class EntryOut(Schema):
    id: int
    initiative: int | None
    element: int | None
    organization: str
    progress: str
    issues: str
    direction: str
    self_rating: str
    committee_rating: str
    waived_reason: str = Field("", description="未提出のまま進める理由（提出されずに審議へ進んだ報告）")
    corrections: list[CorrectionOut] = Field(default_factory=list,
                                             description="確定後の訂正（日時と理由、古い順）")


class OpinionOut(Schema):
    id: int
    entry: int | None
    text: str
    response: str


class CycleFigureOut(Schema):
    id: int
    indicator: int = Field(description="指標のID（/indicators の id）")
    indicator_name: str
    unit: str
    organization: str = Field(description="実績値を報告した組織")
    year: int | None = Field(description="年度（西暦、年度の始まる年）")
    verbatim: str = Field(description="入力どおりの実績値（提出前のものは空）")
    value: float | None = Field(description="実績値（数値。提出前のもの・数値でないものは null）")
    figure_status: str = Field(description="値の状態（measured 実測、estimated 推計、surveying 調査中、"
                                           "not_surveyed 未調査）")
    note: str
    status: str = Field(description="照会の状態（not_started, draft, submitted, returned, accepted）")
    landing: str = Field(description="確定時の実績値への登録（空は未登録、registered, same, conflict, "
                                     "kept 登録済の値を採用, replaced 報告の値で置き換え）")
    waiver_reason: str = Field(description="提出されないまま評価サイクルを進めた理由（事務局の記録）")
    settlement_reason: str = Field(description="登録済の値と相違したときの事務局の判断の理由")


class CycleDetailOut(CycleOut):
    entries: list[EntryOut]
    opinions: list[OpinionOut]


def _text(value: Any) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _plan(plan: Plan) -> dict[str, Any]:
    return {"municipality": plan.municipality.code, "slug": plan.slug, "title": plan.title,
            "kind": plan.kind, "kind_label": plan.get_kind_display(),
            "generation": plan.generation, "start_fy": plan.start_fy, "end_fy": plan.end_fy,
            "status": plan.status, "philosophy": plan.philosophy,
            "owners": [o.name for o in plan.owners.all()]}


@api.get("/municipalities", response={200: list[MunicipalityOut], **ERRORS},
         summary="自治体の一覧", tags=["自治体"])
@paginate(Paged)
def municipalities(request: HttpRequest) -> Any:
    return get_municipalities_for_user(caller(request)).order_by("code")


@api.get("/municipalities/{code}/plans", response={200: list[PlanOut], **ERRORS},
         summary="自治体の計画の一覧", tags=["計画"])
@paginate(Paged)
def municipality_plans(request: HttpRequest, code: str) -> Any:
    municipality = _municipality(request, code)
    plans = (plans_for_user(caller(request)).filter(municipality=municipality)
             .select_related("municipality").prefetch_related("owners").order_by("-start_fy", "id"))
    return [_plan(p) for p in plans]


def _municipality(request: HttpRequest, code: str) -> Municipality:
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        raise Http404
    return get_municipality_for_user(caller(request), code)


def _get_plan(request: HttpRequest, code: str, slug: str) -> Plan:
    return get_plan_for_user(caller(request), code, slug)


@api.get("/plans/{code}/{slug}", response={200: PlanOut, **ERRORS}, summary="計画",
         tags=["計画"])
def plan_detail(request: HttpRequest, code: str, slug: str) -> Any:
    return _plan(_get_plan(request, code, slug))


@api.get("/plans/{code}/{slug}/elements", response={200: list[ElementOut], **ERRORS},
         summary="計画の体系（項目）", tags=["計画"])
@paginate(Paged)
def plan_elements(request: HttpRequest, code: str, slug: str) -> Any:
    plan = _get_plan(request, code, slug)
    return [{"id": e.pk, "parent": e.parent_id, "level_label": e.level_label,
             "number_label": e.number_label, "title": e.title, "description": e.description,
             "is_priority": e.is_priority, "is_new": e.is_new}
            for e in PlanElement.objects.filter(plan=plan).current().order_by("order", "id")]


@api.get("/plans/{code}/{slug}/initiatives", response={200: list[InitiativeOut], **ERRORS},
         summary="取組", tags=["計画"])
@paginate(Paged)
def plan_initiatives(request: HttpRequest, code: str, slug: str) -> Any:
    plan = _get_plan(request, code, slug)
    rows = Initiative.objects.filter(plan=plan).current().prefetch_related("responsible").order_by(
        "element_id", "order", "id")
    return [{"id": i.pk, "element": i.element_id, "number_label": i.number_label,
             "title": i.title, "description": i.description, "is_priority": i.is_priority,
             "is_new": i.is_new, "responsible": [o.name for o in i.responsible.all()]}
            for i in rows]


@api.get("/plans/{code}/{slug}/statements", response={200: list[StatementOut], **ERRORS},
         summary="主体ごとの取組（自助・共助・公助）", tags=["計画"])
@paginate(Paged)
def plan_statements(request: HttpRequest, code: str, slug: str) -> Any:
    plan = _get_plan(request, code, slug)
    rows = ActorStatement.objects.filter(plan=plan).select_related("actor").order_by("id")
    return [{"id": s.pk, "actor": s.actor.label, "actor_kind": s.actor.kind,
             "sphere": s.actor.sphere, "element": s.element_id, "initiative": s.initiative_id,
             "text": s.text, "detail": s.detail} for s in rows]


@api.get("/plans/{code}/{slug}/indicators", response={200: list[IndicatorOut], **ERRORS},
         summary="成果指標（値・目標・判定）", tags=["成果指標"])
@paginate(Paged)
def plan_indicators(request: HttpRequest, code: str, slug: str) -> Any:
    plan = _get_plan(request, code, slug)
    rule = JudgementRule.objects.rule_for(plan)
    out = []
    for i in Indicator.objects.for_plan(plan).with_figures().order_by("order", "id"):
        judgement = i.judge(rule=rule)
        out.append({
            "id": i.pk, "name": i.name, "unit": i.unit, "polarity": i.polarity,
            "element": i.element_id, "source_text": i.source_text,
            "observations": [{"role": o.role, "year": o.year, "year_end": o.year_end,
                              "year_kind": o.year_kind, "value": _text(o.value),
                              "verbatim": o.verbatim, "status": o.status,
                              "sample_size": o.sample_size, "ci_low": _text(o.ci_low),
                              "ci_high": _text(o.ci_high)} for o in i.observations.all()],
            "targets": [{"year": t.year, "year_kind": t.year_kind, "kind": t.kind,
                         "value": _text(t.value), "verbatim": t.verbatim}
                        for t in i.targets.all()],
            "judgement": {"category": str(judgement.category), "label": judgement.label,
                          "sentence": judgement.sentence},
        })
    return out


def _visible_cycles(request: HttpRequest, plan: Plan) -> tuple[list[Cycle], Standing]:
    standing = Standing.of(caller(request), plan)
    cycles = []
    for cycle in Cycle.objects.filter(plan=plan).order_by("fiscal_year", "id"):
        cycle.plan = plan
        if standing.can_view_cycle(cycle):
            cycles.append(cycle)
    return cycles, standing


def _cycle(cycle: Cycle) -> dict[str, Any]:
    withdrawn = cycle.is_withdrawn
    return {"id": cycle.pk, "fiscal_year": cycle.fiscal_year, "kind": cycle.kind,
            "title": cycle.display_title, "status": cycle.status,
            "withdrawn_at": cycle.withdrawn_at if withdrawn else None,
            "withdrawal_reason": cycle.withdrawal_reason if withdrawn else ""}


@api.get("/plans/{code}/{slug}/cycles", response={200: list[CycleOut], **ERRORS},
         summary="進行管理（評価サイクル）", tags=["進行管理"])
@paginate(Paged)
def plan_cycles(request: HttpRequest, code: str, slug: str) -> Any:
    cycles, _standing = _visible_cycles(request, _get_plan(request, code, slug))
    return [_cycle(c) for c in cycles]


@api.get("/plans/{code}/{slug}/cycles/{cycle_id}", response={200: CycleDetailOut, **ERRORS},
         summary="評価サイクルの報告と委員会の意見・市の考え方", tags=["進行管理"])
def cycle_detail(request: HttpRequest, code: str, slug: str, cycle_id: int) -> Any:
    cycle, standing = get_cycle_for_user(caller(request), code, slug, cycle_id)
    rows, opinions = Entry.objects.filter(cycle=cycle), Opinion.objects.filter(cycle=cycle)
    if not standing.member:  # the public projection, as on the public site
        rows, opinions = rows.public(), opinions.public()
    # A report not handed in is listed (with why the cycle went on without it), its words only
    # for those who follow the drafts: the same projection as the pages.
    entries = [e if standing.can_read_entry_text(e, cycle) else e.public_copy()
               for e in rows.select_related("organization").with_corrections().order_by("id")
               if standing.can_view_entry(e, cycle)]
    return {
        **_cycle(cycle),
        "entries": [{"id": e.pk, "initiative": e.initiative_id, "element": e.element_id,
                     "organization": e.organization.name, "progress": e.progress,
                     "issues": e.issues, "direction": e.direction,
                     "self_rating": e.self_rating, "committee_rating": e.committee_rating,
                     "waived_reason": e.waived_reason,
                     "corrections": [{"at": c.at, "reason": c.reason} for c in e.corrections]}
                    for e in entries],
        "opinions": [{"id": o.pk, "entry": o.entry_id, "text": o.text, "response": o.response}
                     for o in opinions.order_by("created_at", "id")],
    }


@api.get("/plans/{code}/{slug}/cycles/{cycle_id}/figures",
         response={200: list[CycleFigureOut], **ERRORS},
         summary="評価サイクルで照会した指標の実績値", tags=["進行管理"])
@paginate(Paged)
def cycle_figures(request: HttpRequest, code: str, slug: str, cycle_id: int) -> Any:
    """The indicators' figures the cycle asked for, as the pages show them: for the public only
    those of a published cycle, without the return reason, and the words of a figure not handed
    in left out (its state says it was not)."""
    cycle, standing = get_cycle_for_user(caller(request), code, slug, cycle_id)
    rows = FigureRequest.objects.filter(cycle=cycle)
    if not standing.member:  # the public projection, as for the reports
        rows = rows.filter(cycle__in=Cycle.objects.public())
    out = []
    for figure in rows.select_related("indicator", "organization").in_plan_order():
        if not standing.can_view_figure(figure, cycle):
            continue
        shown = figure.for_reader(public=not standing.member)
        handed_in = standing.can_read_entry_text(figure, cycle)
        out.append({
            "id": figure.pk, "indicator": figure.indicator_id,
            "indicator_name": figure.indicator.name, "unit": figure.indicator.unit,
            "organization": figure.organization.name, "year": shown.year,
            "verbatim": shown.verbatim if handed_in else "",
            "value": float(shown.value) if handed_in and shown.value is not None else None,
            "figure_status": shown.figure_status, "note": shown.note if handed_in else "",
            "status": shown.status, "landing": shown.landing,
            "waiver_reason": shown.waived_reason,
            "settlement_reason": shown.settlement_reason})
    return out


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> Any:
    security.logger.warning("拒否 401 %s %s: APIキーが正しくないか無効", request.method, request.path)
    return api.create_response(
        request, {"detail": "APIキーが正しくないか、無効にされています。"}, status=401)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> Any:
    errors = [{"loc": [str(p) for p in e.get("loc", [])], "msg": str(e.get("msg", ""))}
              for e in exc.errors]
    return api.create_response(request, {
        "detail": "リクエストの値が正しくありません（limit は1〜200、offset は0〜1000000の整数）。",
        "errors": errors}, status=422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> Any:
    holder = getattr(request, "auth", None) or getattr(request, "user", None)
    security.logger.info("拒否または不存在 404 %s %s by %s", request.method, request.path,
                         security.who(holder))
    return api.create_response(request, {"detail": "見つかりません。"}, status=404)
