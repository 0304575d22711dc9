"""Progress cycle pages: one view per action; the actions do the checking and recording."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from sasaeai.accounts.access import Standing, forbid_unless, get_plan_and_standing
from sasaeai.indicators.models import Indicator
from sasaeai.lib.values import ascii_int
from sasaeai.progress import actions
from sasaeai.progress.access import (
    get_cycle_for_user,
    get_entry_for_user,
    get_entry_version_for_user,
    get_opinion_for_user,
    get_summary_cycle_for_user,
)
from sasaeai.progress.forms import (
    CorrectionForm,
    CycleForm,
    EntryForm,
    OpinionForm,
    RatingForm,
    ResponseForm,
    ReturnForm,
    ScaleForm,
    VersionForm,
)
from sasaeai.progress.models import Cycle, Entry, PlanRatingScale
from sasaeai.progress.summaries import summary_context
from sasaeai.progress.views_cycles import prefill_context
from sasaeai.progress.views_review import review_context
from sasaeai.progress.views_states import states_context
from sasaeai.progress.workbench import TEXT_FIELDS, diff_segments, entry_initial

S = Cycle.Status


def error_text(exc: ValidationError) -> str:
    return "".join(exc.messages)


def label(name: str) -> str:
    return str(getattr(Entry._meta.get_field(name), "verbose_name", name))


def base_context(request: HttpRequest, cycle: Cycle, standing: Standing) -> dict[str, Any]:
    plan = cycle.plan
    return {"plan": plan, "municipality": plan.municipality, "cycle": cycle,
            "standing": standing}


# Cycles ----------------------------------------------------------------------------------------

@require_GET
def cycle_list(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, standing = get_plan_and_standing(request.user, code, slug)
    cycles = [c for c in plan.cycles.all() if standing.can_view_cycle(c)]
    for c in cycles:
        c.plan = plan
    if request.GET.get("export") == "csv":
        from sasaeai.lib.opendata import csv_response

        rows = [[c.display_title, c.fiscal_year or "", c.get_kind_display(),
                 c.entries_due or "", c.committee_meeting or "", c.get_status_display(),
                 c.withdrawn_at.date() if c.is_withdrawn and c.withdrawn_at else "",
                 c.withdrawal_reason if c.is_withdrawn else ""]
                for c in cycles]
        return csv_response(
            f"{plan.title}_進行管理.csv", ["評価", "年度（西暦の開始年）", "種類", "入力期限", "委員会", "状態",
                                        "公開の取り下げ日", "取り下げの理由"],
            rows, source=f"{plan.municipality.name}「{plan.title}」進行管理（ささえあい）")
    return render(request, "progress/cycle_list.html", {
        "plan": plan, "municipality": plan.municipality, "cycles": cycles,
        "standing": standing,
        "form": CycleForm() if standing.can_create_cycle(plan) else None,
        **(prefill_context(plan) if standing.can_create_cycle(plan) else {}),
        **scale_context(plan, standing),
    })


def scale_context(plan: Any, standing: Standing, form: ScaleForm | None = None
                  ) -> dict[str, Any]:
    choice = PlanRatingScale.objects.select_related("scale").filter(plan=plan).first()
    scale = choice.scale if choice else None
    return {
        "scale": scale,
        "levels": list(scale.levels.all()) if scale else [],
        "scale_form": (form or ScaleForm(municipality=plan.municipality))
        if standing.can_choose_scale(plan) else None,
    }


@require_POST
@login_required
def scale_choose(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan, standing = get_plan_and_standing(request.user, code, slug)
    forbid_unless(standing.can_choose_scale(plan), "評価の尺度を選べるのは事務局です。")
    form = ScaleForm(request.POST, municipality=plan.municipality)
    if form.is_valid():
        kind, _, value = form.cleaned_data["scale"].partition(":")
        try:
            choice = actions.choose_rating_scale(
                by=request.user, plan=plan, preset=value if kind == "preset" else "",
                scale_id=int(value) if kind == "scale" else None)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, f"評価の尺度を「{choice.scale.name}」にしました。"
                                      "これから作成する評価サイクルと、まだ評価が入力されていない評価サイクルで使われます。")
    else:
        messages.error(request, "評価の尺度を選んでください。")
    return redirect("progress:cycles", code, slug)


@dataclass
class OrgProgress:
    """One organization's row on the secretariat's completeness dashboard."""

    name: str
    counts: Counter[str]
    total: int
    overdue: bool

    @property
    def done(self) -> int:
        return self.counts[Entry.Status.SUBMITTED] + self.counts[Entry.Status.ACCEPTED]


def dashboard(cycle: Cycle, entries: list[Entry]) -> list[OrgProgress]:
    by_org: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_org[entry.organization_id].append(entry)
    late = bool(cycle.entries_due and timezone.localdate() > cycle.entries_due
                and cycle.is_open_for_input)
    rows = []
    for group in by_org.values():
        counts = Counter(e.status for e in group)
        row = OrgProgress(group[0].organization.name, counts, len(group), False)
        row.overdue = late and row.done < row.total
        rows.append(row)
    return sorted(rows, key=lambda r: (r.done == r.total, r.name))


def entries_csv(cycle: Cycle, entries: list[Entry]) -> HttpResponse:
    """The cycle's reports the reader may see, one row each, as open data."""
    from sasaeai.lib.opendata import csv_response

    rows = [[e.subject.unit_label,
             e.organization.label, e.get_status_display(), e.self_rating_shown,
             e.committee_rating_shown, e.waived_reason,
             "／".join(f"{c.at.date()} {c.reason}" for c in e.corrections)] for e in entries]
    plan = cycle.plan
    return csv_response(
        f"{plan.title}_{cycle.display_title}_報告.csv",
        ["取組", "組織", "状態", "自己評価", "委員会評価", "未提出のまま進める理由", "訂正（日付 理由）"],
        rows,
        source=f"{plan.municipality.name}「{plan.title}」{cycle.display_title}（ささえあい）")


@require_GET
def cycle_detail(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    cycle, standing = get_cycle_for_user(request.user, code, slug, pk)
    entries = list(
        cycle.entries.select_related("organization").with_units()
        .with_corrections().in_plan_order()
    )
    for entry in entries:
        entry.cycle = cycle
    visible = [e for e in entries if standing.can_view_entry(e, cycle)]
    if request.GET.get("export") == "csv":
        return entries_csv(cycle, visible)
    mine = [e for e in visible if standing.reports_for(e.organization_id)]
    figures = list(cycle.figure_requests.select_related("indicator", "organization")
                   .in_plan_order())
    for figure in figures:
        figure.cycle = cycle
    return render(request, "progress/cycle_detail.html", {
        **base_context(request, cycle, standing),
        **review_context(cycle, request.GET, visible,
                         [f.for_reader(public=not standing.member) for f in figures
                          if standing.can_view_figure(f, cycle)],
                         can_accept=standing.can_accept_many(cycle)),
        # Computed from the surveys: shown, never asked of an organisation.
        "survey_computed": list(Indicator.objects.for_plan(cycle.plan)
                                .filter(survey_measure__isnull=False)
                                .order_by("order", "id")),
        "mine": mine,
        "dashboard": dashboard(cycle, entries) if standing.can_view_dashboard(cycle) else [],
        "status_counts": Counter(e.status for e in entries),
        "statuses": Entry.Status,
        "forward": actions.FORWARD.get(cycle.status),
        "backward": actions.BACKWARD.get(cycle.status),
        "can_manage": standing.can_manage_cycle(cycle),
        "can_edit_cycle": standing.can_edit_cycle(cycle),
        "can_delete_cycle": standing.can_delete_cycle(cycle),
        "can_view_packets": standing.can_view_packets(cycle),
        "all_workbooks": standing.can_exchange_all_workbooks(cycle),
        "opinions": list(cycle.opinions.select_related(
            "entry__organization", "entry__element__parent__parent__parent",
            "entry__initiative__element__parent__parent__parent"))
        if standing.can_read_cycle_content(cycle) else [],
        "opinion_form": OpinionForm() if standing.can_write_opinion(cycle) else None,
        "respond_allowed": standing.can_respond_opinion(cycle),
        **states_context(cycle, standing),
    })


# Entries ---------------------------------------------------------------------------------------

@dataclass
class Change:
    label: str
    segments: list[tuple[str, str]]  # ("same" | "added" | "removed", text)


def changes_since(entry: Entry) -> list[Change]:
    """What the organization changed against last year's confirmed entry, per field."""
    old = entry.prefilled_from
    if old is None:
        return []
    return [Change(label(name), diff_segments(getattr(old, name), getattr(entry, name)))
            for name in TEXT_FIELDS if getattr(old, name) != getattr(entry, name)]


entry_form_initial = entry_initial


def grades(cycle: Cycle, entry: Entry) -> dict[str, Any]:
    """What an entry form needs for its 自己評価: the cycle's scale (none: no field) and the
    grade as typed so far."""
    return {"scale": cycle.rating_scale, "kept": entry.self_rating_verbatim}


def render_entry(request: HttpRequest, entry: Entry, cycle: Cycle, standing: Standing, *,
                 form: EntryForm | None = None, status: int = 200,
                 extra: dict[str, Any] | None = None) -> HttpResponse:
    editable = standing.can_edit_entry(entry, cycle)
    correctable = standing.can_correct_entry(cycle)
    if form is None and editable:
        form = EntryForm(initial=entry_form_initial(entry), **grades(cycle, entry))
    show_history = standing.can_view_history(cycle)
    return render(request, "progress/entry_detail.html", {
        **base_context(request, cycle, standing),
        "entry": entry.for_reader(public=not standing.member),
        "subject": entry.subject,
        "form": form if editable else None,
        "correction_form": CorrectionForm(initial=entry_form_initial(entry),
                                          **grades(cycle, entry))
        if correctable and form is None else (form if correctable else None),
        "return_form": ReturnForm(initial={"version": entry.version})
        if standing.can_return_entry(entry, cycle) else None,
        "can_accept": standing.can_accept_entry(entry, cycle),
        "can_submit": editable,
        "rating_form": RatingForm(initial={"version": entry.version,
                                           "rating": entry.committee_rating_verbatim,
                                           "reason": entry.committee_reason})
        # Without a scale there is nothing to rate against: no form that every save refuses.
        if standing.can_rate_entry(cycle) and cycle.rating_scale_id is not None else None,
        "opinion_form": OpinionForm() if standing.can_write_opinion(cycle) else None,
        "opinions": list(entry.opinions.all()),
        "respond_allowed": standing.can_respond_opinion(cycle),
        "versions": list(entry.versions.all()) if show_history else [],
        "can_restore": standing.can_restore_entry(cycle),
        "changes": changes_since(entry) if show_history else [],
        "levels": list(cycle.rating_scale.levels.all()) if cycle.rating_scale else [],
        **(extra or {}),
    }, status=status)


@require_GET
def entry_detail(request: HttpRequest, code: str, slug: str, cycle_pk: int, pk: int
                 ) -> HttpResponse:
    entry, cycle, standing = get_entry_for_user(request.user, code, slug, cycle_pk, pk)
    return render_entry(request, entry, cycle, standing)


def shown(name: str, value: Any, typed: str | None = None) -> str:
    """A field's value as people read it: the choice's Japanese label (継続, not continue) and a
    number as written (33, not 33.0000; the typed text itself when there is one)."""
    if value in (None, ""):
        return ""
    if name == "direction":
        return str(dict(Entry.Direction.choices).get(value, value))
    if name == "results_value":
        if typed and typed.strip():
            return typed.strip()
        return f"{Decimal(value).normalize():f}"
    return str(value)


def conflict_response(request: HttpRequest, entry: Entry, cycle: Cycle, standing: Standing,
                      mine: dict[str, Any], current: Entry) -> HttpResponse:
    """The second save of a concurrent edit: both versions side by side, nothing lost."""
    current.cycle = cycle
    rows = []
    for name in ("results", "results_value", "results_unit", "progress", "issues", "direction",
                 "direction_text", "self_rating"):
        theirs = getattr(current, name)
        if name == "self_rating":
            theirs = current.self_rating_verbatim or current.self_rating
        theirs_text = shown(name, theirs)
        ours_text = shown(name, mine.get(name), request.POST.get(name))
        rows.append({"label": EntryForm.base_fields[name].label, "name": name,
                     "theirs": theirs_text, "ours": ours_text,
                     "differs": theirs_text != shown(name, mine.get(name))})
    merged = EntryForm(initial={**mine, "version": current.version}, **grades(cycle, current))
    return render(request, "progress/entry_conflict.html", {
        **base_context(request, cycle, standing), "entry": current, "subject": current.subject,
        "rows": rows, "form": merged, "updated_by": current.updated_by,
    }, status=409)


@require_POST
@login_required
def entry_save(request: HttpRequest, code: str, slug: str, cycle_pk: int, pk: int
               ) -> HttpResponse:
    entry, cycle, standing = get_entry_for_user(request.user, code, slug, cycle_pk, pk)
    forbid_unless(standing.can_edit_entry(entry, cycle), "この報告は編集できません。")
    form = EntryForm(request.POST, **grades(cycle, entry))
    if not form.is_valid():
        return render_entry(request, entry, cycle, standing, form=form, status=400)
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    try:
        action = actions.save_and_submit_entry if "submit" in request.POST else actions.save_entry
        action(by=request.user, entry=entry, data=data,
               expected_version=form.cleaned_data["version"])
    except actions.EntryConflict as conflict:
        assert isinstance(conflict.current, Entry)  # noqa: S101
        return conflict_response(request, entry, cycle, standing, data, conflict.current)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else []:
            form.add_error(field if field in form.fields else None, errors)
        if not hasattr(exc, "error_dict"):
            form.add_error(None, error_text(exc))
        return render_entry(request, entry, cycle, standing, form=form, status=400)
    messages.success(request, "提出しました。" if "submit" in request.POST else "保存しました。")
    return redirect(entry.get_absolute_url())


def run_entry_action(request: HttpRequest, entry: Entry, done: str, call: Any) -> HttpResponse:
    try:
        call()
    except actions.EntryConflict:
        messages.error(request, "他の人が先にこの報告を更新しました。最新の内容を確認してください。")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, done)
    return redirect(entry.get_absolute_url())


@require_POST
@login_required
def entry_submit(request: HttpRequest, code: str, slug: str, cycle_pk: int, pk: int
                 ) -> HttpResponse:
    entry, cycle, standing = get_entry_for_user(request.user, code, slug, cycle_pk, pk)
    forbid_unless(standing.can_submit_entry(entry, cycle), "この報告は提出できません。")
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else -1
    return run_entry_action(request, entry, "提出しました。", lambda: actions.submit_entry(
        by=request.user, entry=entry, expected_version=version))


@require_POST
@login_required
def entry_return(request: HttpRequest, code: str, slug: str, cycle_pk: int, pk: int
                 ) -> HttpResponse:
    entry, cycle, standing = get_entry_for_user(request.user, code, slug, cycle_pk, pk)
    forbid_unless(standing.can_return_entry(entry, cycle), "この報告は差し戻せません。")
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return render_entry(request, entry, cycle, standing, status=400,
                            extra={"return_form": form})
    return run_entry_action(request, entry, "差し戻しました。", lambda: actions.return_entry(
        by=request.user, entry=entry, comment=form.cleaned_data["comment"],
        expected_version=form.cleaned_data["version"]))


@require_POST
@login_required
def entry_accept(request: HttpRequest, code: str, slug: str, cycle_pk: int, pk: int
                 ) -> HttpResponse:
    entry, cycle, standing = get_entry_for_user(request.user, code, slug, cycle_pk, pk)
    forbid_unless(standing.can_accept_entry(entry, cycle), "この報告は確認済にできません。")
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else -1
    return run_entry_action(request, entry, "確認済にしました。", lambda: actions.accept_entry(
        by=request.user, entry=entry, expected_version=version))


@require_POST
@login_required
def entry_rate(request: HttpRequest, code: str, slug: str, cycle_pk: int, pk: int
               ) -> HttpResponse:
    entry, cycle, standing = get_entry_for_user(request.user, code, slug, cycle_pk, pk)
    forbid_unless(standing.can_rate_entry(cycle), "委員会評価を入力できるのは、委員会審議中の委員です。")
    form = RatingForm(request.POST)
    if not form.is_valid():
        return render_entry(request, entry, cycle, standing, status=400,
                            extra={"rating_form": form})
    return run_entry_action(request, entry, "委員会評価を保存しました。", lambda: actions.rate_entry(
        by=request.user, entry=entry, rating=form.cleaned_data["rating"],
        reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"]))


@require_POST
@login_required
def entry_correct(request: HttpRequest, code: str, slug: str, cycle_pk: int, pk: int
                  ) -> HttpResponse:
    entry, cycle, standing = get_entry_for_user(request.user, code, slug, cycle_pk, pk)
    forbid_unless(standing.can_correct_entry(cycle), "確定後の訂正は事務局だけが行えます。")
    form = CorrectionForm(request.POST, **grades(cycle, entry))
    if not form.is_valid():
        return render_entry(request, entry, cycle, standing, status=400,
                            extra={"correction_form": form})
    data = {k: v for k, v in form.cleaned_data.items() if k not in {"version", "reason"}}
    return run_entry_action(request, entry, "訂正を記録しました。", lambda: actions.correct_entry(
        by=request.user, entry=entry, data=data, reason=form.cleaned_data["reason"],
        expected_version=form.cleaned_data["version"]))


@require_GET
def entry_version(request: HttpRequest, code: str, slug: str, cycle_pk: int, pk: int,
                  number: int) -> HttpResponse:
    version, entry, cycle, standing = get_entry_version_for_user(request.user, code, slug,
                                                                 cycle_pk, pk, number)
    fields = [(label(name), value) for name, value in version.content.items()]
    return render(request, "progress/entry_version.html", {
        **base_context(request, cycle, standing), "entry": entry, "subject": entry.subject,
        "version": version, "fields": fields, "can_restore": standing.can_restore_entry(cycle),
    })


@require_POST
@login_required
def entry_restore(request: HttpRequest, code: str, slug: str, cycle_pk: int, pk: int,
                  number: int) -> HttpResponse:
    _version, entry, cycle, standing = get_entry_version_for_user(request.user, code, slug,
                                                                  cycle_pk, pk, number)
    forbid_unless(standing.can_restore_entry(cycle),
                  "版の復元は、確定前の評価サイクルで事務局だけが行えます。")
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else -1
    return run_entry_action(request, entry, f"第{number}版の内容に戻しました。",
                            lambda: actions.restore_version(by=request.user, entry=entry,
                                                            number=number,
                                                            expected_version=version))


# Opinions --------------------------------------------------------------------------------------

@require_POST
@login_required
def opinion_create(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    cycle, standing = get_cycle_for_user(request.user, code, slug, pk)
    forbid_unless(standing.can_write_opinion(cycle), "意見を書けるのは、委員会審議中の委員です。")
    entry = None
    if typed := request.POST.get("entry", ""):
        # "abc" or "፩" is no id (the ORM would raise): found as nothing, like a stranger's id.
        entry = get_object_or_404(Entry, cycle=cycle, pk=ascii_int(typed) or 0)
        entry.cycle = cycle
    form = OpinionForm(request.POST)
    target = entry.get_absolute_url() if entry else cycle.get_absolute_url()
    if not form.is_valid():
        messages.error(request, "意見を入力してください。")
        return redirect(target)
    try:
        actions.write_opinion(by=request.user, cycle=cycle, entry=entry,
                              text=form.cleaned_data["text"])
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "意見を登録しました。")
    return redirect(target)


@require_POST
@login_required
def opinion_respond(request: HttpRequest, code: str, slug: str, pk: int, opinion_pk: int
                    ) -> HttpResponse:
    opinion, cycle, standing = get_opinion_for_user(request.user, code, slug, pk, opinion_pk)
    forbid_unless(standing.can_respond_opinion(cycle), "意見への回答は、委員会審議中に事務局が行います。")
    form = ResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "回答を入力してください。")
        return redirect(cycle.get_absolute_url() + "#opinions")
    try:
        actions.respond_opinion(by=request.user, opinion=opinion,
                                response=form.cleaned_data["response"],
                                expected_version=form.cleaned_data["version"])
    except actions.EntryConflict:
        messages.error(request, "他の人が先に回答しました。最新の回答を確認してください。")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "回答を登録しました。")
    return redirect(cycle.get_absolute_url() + "#opinions")


# Summary and tasks -----------------------------------------------------------------------------

@require_GET
def summary(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    """The page behind the name progress:summary. config/urls.py resolves the same URL to
    reports.views.summary first (the page and its exports); both render the same context."""
    cycle, standing = get_summary_cycle_for_user(request.user, code, slug, pk)
    return render(request, "progress/summary.html", summary_context(cycle, standing))
