"""Survey pages for the 事務局: the rounds, importing one with a preview, tabulating a question
with its breakdown, and defining an indicator on it.

Between the preview and the confirmation nothing is stored but the uploaded bytes and the form's
fields, in the session under a one-time token: the confirmation parses them again and imports
only if the result is the one that was shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sasaeai.indicators.models import Indicator
from sasaeai.lib import opendata, previews
from sasaeai.surveys import actions
from sasaeai.surveys.access import get_round_for_user, get_survey_municipality_for_user
from sasaeai.surveys.forms import ImportForm, MeasureForm, RoundEditForm, RoundForm, SelectionForm
from sasaeai.surveys.microdata import ParsedSurvey, parse_survey
from sasaeai.surveys.models import Question, SurveyMeasure, SurveyResult, SurveyRound
from sasaeai.surveys.results import group_labels, tabulate_question
from sasaeai.surveys.tabulate import Group
from sasaeai.tenancy.models import Municipality

SCOPE = "surveys.import.{}"
REFUSED = "確認の期限が切れたか、別のファイルがアップロードされました。もう一度ファイルを選んでください。"
FIELDS = ["name", "year", "population", "frame", "sample_size", "mode", "fieldwork_start",
          "fieldwork_end", "weight_column", "min_group_n", "note"]


@require_GET
@login_required
def round_list(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_survey_municipality_for_user(request.user, code)
    rounds = (SurveyRound.objects.for_municipality(municipality).select_related("municipality")
              .prefetch_related("plans")
              .annotate(measure_count=Count("results", distinct=True)))
    return render(request, "surveys/round_list.html", {
        "municipality": municipality, "rounds": rounds, "is_member": True,
    })


def _parse(form: ImportForm) -> ParsedSurvey:
    upload, codebook = form.cleaned_data["file"], form.cleaned_data.get("codebook")
    return parse_survey(
        b"".join(upload.chunks()), str(upload.name or ""),
        codebook=b"".join(codebook.chunks()) if codebook else None,
        codebook_name=str(codebook.name or "") if codebook else "",
        weight_column=form.cleaned_data.get("weight_column", ""),
    )


def _info(form: RoundForm) -> actions.RoundInfo:
    data = form.cleaned_data
    year, kind = data["year"]
    return actions.RoundInfo(
        name=data["name"], year=year, year_kind=kind, population=data["population"],
        frame=data["frame"], sample_size=data["sample_size"], mode=data["mode"],
        fieldwork_start=data["fieldwork_start"], fieldwork_end=data["fieldwork_end"],
        min_group_n=data["min_group_n"], note=data["note"],
    )


def _render_import(request: HttpRequest, municipality: Municipality, form: ImportForm, *,
                   parsed: ParsedSurvey | None = None, token: str = "", status: int = 200
                   ) -> HttpResponse:
    return render(request, "surveys/round_import.html", {
        "municipality": municipality, "form": form, "parsed": parsed, "token": token,
        "digest": parsed.digest if parsed is not None else "", "is_member": True, "round_info": _info(form) if parsed is not None else None,
    }, status=status)


def _refuse_existing_name(form: ImportForm, municipality: Municipality) -> bool:
    name = form.cleaned_data["name"].strip()
    if SurveyRound.objects.filter(municipality=municipality, name=name).exists():
        form.add_error("name", f"「{name}」という調査はすでに登録されています。別の調査名にしてください。")
        return True
    return False


@require_http_methods(["GET", "POST"])
@login_required
def round_import(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_survey_municipality_for_user(request.user, code)
    scope = SCOPE.format(municipality.pk)
    if request.method == "GET":
        return _render_import(request, municipality, ImportForm(municipality=municipality))
    form = ImportForm(request.POST, request.FILES, municipality=municipality)
    if not form.is_valid() or _refuse_existing_name(form, municipality):
        return _render_import(request, municipality, form, status=400)
    parsed = _parse(form)
    same = SurveyRound.objects.filter(municipality=municipality, file_digest=parsed.digest).first()
    if same is not None:
        parsed.warnings.insert(0, f"同じ内容のファイルが「{same.name}」として取り込み済みです。"
                                  "同じ調査を二重に登録しないよう確認してください。")
    previews.discard(request.session, scope)
    token = ""
    if parsed.can_import:
        token = previews.stash(request.session, scope, digest=parsed.digest,
                               payload=_payload(request, form))
    return _render_import(request, municipality, form, parsed=parsed, token=token,
                          status=400 if parsed.has_errors else 200)


def _payload(request: HttpRequest, form: ImportForm) -> dict[str, Any]:
    """The upload as the confirmation reads it again: the form's fields and both files."""
    payload: dict[str, Any] = {"post": {name: request.POST.get(name, "") for name in FIELDS},
                               "plans": request.POST.getlist("plans")}
    for field in ("file", "codebook"):
        upload = form.cleaned_data.get(field)
        if upload:
            upload.seek(0)
            payload[field] = [str(upload.name), previews.pack(upload.read())]
    return payload


@require_POST
@login_required
def round_import_confirm(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_survey_municipality_for_user(request.user, code)
    pending = previews.claim(request.session, SCOPE.format(municipality.pk),
                             request.POST.get("token", ""), digest=request.POST.get("digest"))
    if pending is None:
        messages.error(request, REFUSED)
        return redirect("surveys:import", code)
    stored = pending.payload
    files = {field: SimpleUploadedFile(stored[field][0], previews.unpack(stored[field][1]))
             for field in ("file", "codebook") if field in stored}
    post = {**stored["post"], "plans": stored["plans"]}
    form = ImportForm(post, files, municipality=municipality)
    if not form.is_valid() or _refuse_existing_name(form, municipality):
        return _render_import(request, municipality, form, status=400)
    parsed = _parse(form)
    if not pending.shows(parsed.digest):
        messages.error(request, REFUSED)
        return redirect("surveys:import", code)
    try:
        survey = actions.import_round(
            by=request.user, municipality=municipality, info=_info(form), parsed=parsed,
            plans=form.cleaned_data["plans"], filename=stored["file"][0],
            codebook_filename=stored["codebook"][0] if "codebook" in stored else "")
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return _render_import(request, municipality, form, parsed=parsed, status=400)
    messages.success(request, f"「{survey.name}」の回答{survey.valid_responses:,}人分を取り込みました。")
    return redirect(survey.get_absolute_url())


def _selection(request: HttpRequest, survey: SurveyRound, questions: list[Question]
               ) -> tuple[Question | None, SelectionForm | None, list[Group], dict[str, str]]:
    """The question chosen with ?q=, its selection form and, when valid, its tabulation."""
    column = request.GET.get("q", "")
    question = next((q for q in questions if q.column == column
                     and q.kind == Question.Kind.QUESTION), None)
    if question is None:
        return None, None, [], {}
    attributes = [q for q in questions if q.kind == Question.Kind.ATTRIBUTE]
    bound = "option_codes" in request.GET
    form = SelectionForm(request.GET if bound else None, survey=survey, question=question,
                         attributes=attributes,
                         initial={"weighted": True} if not bound else None)
    if not bound or not form.is_valid():
        return question, form, [], {}
    by = next((q for q in attributes if q.column == form.cleaned_data.get("by")), None)
    weighted = bool(form.cleaned_data.get("weighted"))
    groups = tabulate_question(survey, question, form.cleaned_data["option_codes"], by=by,
                               weighted=weighted)
    return question, form, groups, group_labels(by)


@require_GET
@login_required
def round_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    survey = get_round_for_user(request.user, code, pk)
    questions = list(survey.questions.prefetch_related("options"))
    question, form, groups, labels = _selection(request, survey, questions)
    if request.GET.get("export") == "csv" and groups and question is not None:
        return _groups_csv(survey, question, groups, labels)
    measure_form = None
    if question is not None and form is not None:
        initial = {"option_codes": request.GET.getlist("option_codes"),
                   "by": request.GET.get("by", ""), "weighted": True}
        measure_form = MeasureForm(survey=survey, question=question, initial=initial,
                                   attributes=[q for q in questions
                                               if q.kind == Question.Kind.ATTRIBUTE])
    results = (SurveyResult.objects.filter(round=survey)
               .select_related("measure__indicator__plan__municipality", "observation"))
    answered = dict(survey.respondents.values_list("round").annotate(n=Count("id")))
    return render(request, "surveys/round_detail.html", {
        "municipality": survey.municipality, "survey": survey, "questions": questions,
        "question": question, "form": form, "rows": display_rows(groups, labels),
        "measure_form": measure_form, "results": results, "is_member": True,
        "respondent_count": answered.get(survey.pk, 0),
        "plans": list(survey.plans.all()),
    })


def display_rows(groups: list[Group], labels: dict[str, str]) -> list[dict[str, Any]]:
    """Groups as the tables show them: percentages with one decimal, suppressed left blank."""
    def pct(value: float | None) -> str:
        return "" if value is None else f"{value * 100:.1f}%"
    return [{
        "label": labels.get(g.group, g.group), "suppressed": g.suppressed,
        "n": f"{g.n:,}" if g.n is not None else "", "count": f"{g.count:,}" if g.count is not None else "",
        "share": pct(g.share), "interval": f"{pct(g.ci_low)}〜{pct(g.ci_high)}",
        "effective_n": f"{g.effective_n:,.1f}" if g.effective_n is not None else "",
    } for g in groups]


def _groups_csv(survey: SurveyRound, question: Question, groups: list[Group],
                labels: dict[str, str]) -> HttpResponse:
    """The tabulation as on screen, suppressed cells empty."""
    def pct(value: float | None) -> str:
        return "" if value is None else f"{value * 100:.1f}"
    header = ["調査", "設問", "区分", "回答数（無回答を除く）", "該当数", "割合（%）",
              "95%信頼区間下限（%）", "95%信頼区間上限（%）", "秘匿"]
    rows = [[survey.name, str(question), labels.get(g.group, g.group),
             "" if g.n is None else g.n, "" if g.count is None else g.count,
             pct(g.share), pct(g.ci_low), pct(g.ci_high), "秘匿" if g.suppressed else ""]
            for g in groups]
    return opendata.attachment(opendata.table_bytes([header, *rows]),
                               f"{survey.name}_{question.column}_集計.csv", private=True)


@require_POST
@login_required
def measure_define(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    survey = get_round_for_user(request.user, code, pk)
    questions = list(survey.questions.prefetch_related("options"))
    column = request.POST.get("q", "")
    question = next((q for q in questions if q.column == column
                     and q.kind == Question.Kind.QUESTION), None)
    back = reverse("surveys:detail", args=[code, survey.pk])
    if question is None:
        messages.error(request, "設問を選び直してください。")
        return redirect(back)
    attributes = [q for q in questions if q.kind == Question.Kind.ATTRIBUTE]
    form = MeasureForm(request.POST, survey=survey, question=question, attributes=attributes)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(f"{back}?q={column}")
    indicator: Indicator = form.cleaned_data["indicator"]
    existing = SurveyMeasure.objects.filter(indicator=indicator).first()
    try:
        measure = actions.define_measure(
            by=request.user, indicator=indicator, survey=survey, column=question.column,
            option_codes=form.cleaned_data["option_codes"],
            weighted=bool(form.cleaned_data.get("weighted", False)),
            breakdown_column=form.cleaned_data.get("by") or "",
            expected_version=existing.version if existing else None)
        actions.compute_measure(by=request.user, measure=measure, survey=survey)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(f"{back}?q={column}")
    messages.success(request, f"「{indicator.name}」を{survey.name}から計算しました。")
    return redirect(reverse("indicators:detail", args=[
        indicator.plan.municipality.code, indicator.plan.slug, indicator.pk]))


@require_POST
@login_required
def result_recompute(request: HttpRequest, code: str, pk: int, result_pk: int) -> HttpResponse:
    survey = get_round_for_user(request.user, code, pk)
    result = get_object_or_404(SurveyResult.objects.select_related("measure"), round=survey,
                               pk=result_pk)
    try:
        actions.compute_measure(by=request.user, measure=result.measure, survey=survey)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "再計算しました。")
    return redirect(survey.get_absolute_url())


@require_http_methods(["GET", "POST"])
@login_required
def round_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    survey = get_round_for_user(request.user, code, pk)
    municipality = survey.municipality
    if request.method == "GET":
        initial = {field: getattr(survey, field) for field in actions.EDITABLE}
        initial.update(year=survey.year_label.split("（")[0], version=survey.version,
                       plans=list(survey.plans.all()))
        form = RoundEditForm(initial=initial, municipality=municipality)
        return render(request, "surveys/round_edit.html", {
            "municipality": municipality, "survey": survey, "form": form, "is_member": True})
    form = RoundEditForm(request.POST, municipality=municipality)
    status = 400
    if form.is_valid():
        try:
            actions.update_round(by=request.user, survey=survey, info=_info(form),
                                 plans=form.cleaned_data["plans"],
                                 expected_version=form.cleaned_data["version"])
        except actions.RoundConflict:
            form.add_error(None, "開いている間に他の人が調査の概要を変更したため、保存しませんでした。"
                                 "画面を開き直して、変更を確かめてから入力してください。")
            status = 409
        except ValidationError as exc:
            for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else [
                    (None, exc.messages)]:
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, "調査の概要を保存しました。")
            return redirect(survey.get_absolute_url())
    return render(request, "surveys/round_edit.html", {
        "municipality": municipality, "survey": survey, "form": form, "is_member": True},
        status=status)


@require_GET
@login_required
def codebook_template(request: HttpRequest, code: str) -> HttpResponse:
    """A codebook to fill in, with two example questions (UTF-8 with BOM so Excel opens it)."""
    get_survey_municipality_for_user(request.user, code)
    rows = [
        ["列名", "設問文", "区分", "コード", "選択肢", "無回答"],
        ["回答者番号", "回答者番号", "対象外", "", "", ""],
        ["地区", "お住まいの地区", "属性", "1", "〇〇地区", ""],
        ["", "", "", "2", "△△地区", ""],
        ["年代", "年代", "属性", "1", "18〜29歳", ""],
        ["", "", "", "2", "30〜39歳", ""],
        ["問1", "地域の暮らしや福祉に関する情報が十分に入手できていると感じますか", "設問", "1",
         "十分に得られている", ""],
        ["", "", "", "2", "どちらかといえば得られている", ""],
        ["", "", "", "3", "あまり得られていない", ""],
        ["", "", "", "4", "得られていない", ""],
        ["", "", "", "9", "無回答", "○"],
        ["ウェイト", "回収率を補正するウェイト", "ウェイト", "", "", ""],
    ]
    return opendata.attachment(opendata.table_bytes(rows), "コードブック_ひな形.csv")


@require_POST
@login_required
def round_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    survey = get_round_for_user(request.user, code, pk)
    if request.POST.get("confirm_name", "").strip() != survey.name:
        messages.error(request, "削除するには、確認のため調査名を正確に入力してください。")
        return redirect(survey.get_absolute_url())
    try:
        actions.delete_round(by=request.user, survey=survey)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(survey.get_absolute_url())
    messages.success(request, f"「{survey.name}」とその回答データを削除しました。")
    return redirect("surveys:list", code)
