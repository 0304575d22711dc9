"""Audited writes on surveys. The pages, `sasaeai import_survey` and the demo call these.

Each function takes keyword arguments and `by=user`, checks the permission itself (only the
municipality's 事務局 handles microdata; `by=None` is the operator at the console), runs in one
transaction and writes its audit event in it. A stale `expected_version` is refused
(MeasureConflict), never merged silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from sasaeai.accounts.access import Standing
from sasaeai.audit.actions import record, snapshot
from sasaeai.indicators.models import Indicator, Observation
from sasaeai.lib.stats import TwoProportion, two_proportion_test
from sasaeai.lib.wareki import YearKind
from sasaeai.plans.models import Plan
from sasaeai.surveys.microdata import ParsedSurvey
from sasaeai.surveys.models import (
    Option,
    Question,
    Respondent,
    SurveyMeasure,
    SurveyResult,
    SurveyRound,
)
from sasaeai.surveys.results import group_labels, questions_by_column, tabulate_question
from sasaeai.surveys.tabulate import TOTAL, Group
from sasaeai.tenancy.models import Municipality

FOUR = Decimal("0.0001")
TEN = Decimal("0.0000000001")


class MeasureConflict(Exception):
    """Someone changed the definition since the form was shown."""

    def __init__(self, current: SurveyMeasure) -> None:
        super().__init__("他の人が先に定義を変更しました。")
        self.current = current


def _check(by: Any, municipality: Municipality) -> None:
    if not Standing.of(by, municipality).can_handle_surveys():
        raise PermissionDenied("調査の回答データを扱えるのは、その自治体の事務局です。")


@dataclass(frozen=True)
class RoundInfo:
    """What the import form says about the round (the file says the rest)."""

    name: str
    year: int
    year_kind: str = YearKind.FISCAL
    population: str = ""
    frame: str = ""
    sample_size: int | None = None
    mode: str = ""
    fieldwork_start: Any = None
    fieldwork_end: Any = None
    min_group_n: int = 10
    is_synthetic: bool = False
    note: str = ""


@transaction.atomic
def import_round(*, by: Any, municipality: Municipality, info: RoundInfo, parsed: ParsedSurvey,
                 plans: Iterable[Plan] = (), filename: str = "", codebook_filename: str = ""
                 ) -> SurveyRound:
    """Save a parsed survey whole, or nothing: the round, its questions and options, and every
    respondent."""
    _check(by, municipality)
    if not parsed.can_import:
        raise ValidationError("回答データに誤りがあるため、取り込みませんでした。" +
                              "".join(parsed.errors[:3]))
    name = info.name.strip()
    if not name:
        raise ValidationError({"name": "調査名を入力してください。"})
    if SurveyRound.objects.filter(municipality=municipality, name=name).exists():
        raise ValidationError({"name": f"「{name}」という調査はすでに登録されています。"
                                       "別の調査名にするか、登録済みの調査を確認してください。"})
    plans = list(plans)
    if any(p.municipality_id != municipality.pk for p in plans):
        raise ValidationError({"plans": "同じ自治体の計画を選んでください。"})
    if info.sample_size is not None and info.sample_size < len(parsed.respondents):
        raise ValidationError({"sample_size": f"配布数（{info.sample_size:,}）が回答者数"
                                              f"（{len(parsed.respondents):,}）より少なくなっています。"})
    survey = SurveyRound(
        municipality=municipality, name=name, year=info.year, year_kind=info.year_kind,
        population=info.population, frame=info.frame, sample_size=info.sample_size,
        mode=info.mode, fieldwork_start=info.fieldwork_start, fieldwork_end=info.fieldwork_end,
        valid_responses=len(parsed.respondents), weight_column=parsed.weight_column,
        min_group_n=info.min_group_n, is_synthetic=info.is_synthetic,
        source_filename=filename[:200], codebook_filename=codebook_filename[:200],
        file_digest=parsed.digest, note=info.note,
        imported_by=by if getattr(by, "is_authenticated", False) else None,
    )
    survey.full_clean(exclude=["plans"])
    survey.save()
    survey.plans.set(plans)
    options: list[Option] = []
    for order, column in enumerate(parsed.columns):
        question = Question.objects.create(round=survey, column=column.column,
                                           text=column.text[:500], kind=column.kind, order=order)
        options += [Option(question=question, code=o.code[:100], label=o.label[:300],
                           is_missing=o.is_missing, order=i)
                    for i, o in enumerate(column.options)]
    Option.objects.bulk_create(options, batch_size=2000)
    Respondent.objects.bulk_create(
        (Respondent(round=survey, row_number=r.number, weight=r.weight, answers=r.answers)
         for r in parsed.respondents), batch_size=2000)
    record(by=by, action="surveys.round.import", obj=survey, after={
        **snapshot(survey), "plans": [p.pk for p in plans], "respondents": len(parsed.respondents),
        "columns": [c.column for c in parsed.columns],
    }, municipality_code=municipality.code,
        note=f"{filename}から{len(parsed.respondents):,}人の回答を取り込みました。")
    return survey


class RoundConflict(Exception):
    """Someone saved the round's description since the form was shown."""

    def __init__(self, current: SurveyRound) -> None:
        super().__init__("他の人が先に調査の概要を変更しました。")
        self.current = current


EDITABLE = ["name", "year", "year_kind", "population", "frame", "sample_size", "mode",
            "fieldwork_start", "fieldwork_end", "min_group_n", "note"]


@transaction.atomic
def update_round(*, by: Any, survey: SurveyRound, info: RoundInfo, plans: Iterable[Plan],
                 expected_version: int) -> SurveyRound:
    """Correct a round's description (never its answers: a wrong file is deleted and imported
    again). Changing the suppression minimum recomputes every indicator value from the round,
    so no stored breakdown shows a group the new rule would hide."""
    _check(by, survey.municipality)
    current = SurveyRound.objects.select_for_update().get(pk=survey.pk)
    if current.version != expected_version:
        raise RoundConflict(current)
    plans = list(plans)
    if any(p.municipality_id != current.municipality_id for p in plans):
        raise ValidationError({"plans": "同じ自治体の計画を選んでください。"})
    name = info.name.strip()
    if SurveyRound.objects.filter(municipality_id=current.municipality_id, name=name).exclude(
            pk=current.pk).exists():
        raise ValidationError({"name": f"「{name}」という調査はすでに登録されています。"})
    if info.sample_size is not None and info.sample_size < current.valid_responses:
        raise ValidationError({"sample_size": f"配布数（{info.sample_size:,}）が有効回答数"
                                              f"（{current.valid_responses:,}）より少なくなっています。"})
    if current.results.exists() and (info.year, info.year_kind) != (current.year,
                                                                     current.year_kind):
        raise ValidationError({"year": "この調査から計算した指標の値があるため、調査年度は変更できません。"})
    before = {**snapshot(current), "plans": sorted(current.plans.values_list("pk", flat=True))}
    rule_changed = info.min_group_n != current.min_group_n
    for field in EDITABLE:
        setattr(current, field, name if field == "name" else getattr(info, field))
    current.version += 1
    current.municipality = survey.municipality
    current.full_clean(exclude=["plans"])
    current.save(update_fields=[*EDITABLE, "version"])
    current.plans.set(plans)
    record(by=by, action="surveys.round.update", obj=current, before=before,
           after={**snapshot(current), "plans": sorted(p.pk for p in plans)},
           municipality_code=current.municipality.code)
    if rule_changed:
        for result in current.results.select_related("measure"):
            compute_measure(by=by, measure=result.measure, survey=current)
    return current


@transaction.atomic
def delete_round(*, by: Any, survey: SurveyRound) -> None:
    """Remove a round and its microdata; refused while an indicator value comes from it."""
    _check(by, survey.municipality)
    if survey.results.exists():
        raise ValidationError("この調査から計算した指標の値があるため削除できません。"
                              "先に指標の値を削除してください。")
    before = snapshot(survey)
    count = survey.respondents.count()
    record(by=by, action="surveys.round.delete", obj=survey, before={**before, "respondents": count},
           municipality_code=survey.municipality.code)
    survey.delete()


def _validate_definition(survey: SurveyRound, column: str, option_codes: Sequence[str],
                         breakdown_column: str) -> tuple[Question, list[Option], Question | None]:
    questions = questions_by_column(survey)
    question = questions.get(column)
    if question is None or question.kind != Question.Kind.QUESTION:
        raise ValidationError({"column": f"「{survey}」に設問「{column}」がありません。"})
    by_code = {o.code: o for o in question.options.all()}
    chosen = [by_code[c] for c in option_codes if c in by_code]
    unknown = [c for c in option_codes if c not in by_code]
    if unknown:
        raise ValidationError({"option_codes": f"設問「{column}」に選択肢「{'」「'.join(unknown)}」がありません。"})
    if not chosen:
        raise ValidationError({"option_codes": "該当とする選択肢を1つ以上選んでください。"})
    if any(o.is_missing for o in chosen):
        raise ValidationError({"option_codes": "無回答の選択肢は該当にできません（割合の分母から除かれます）。"})
    if len(chosen) == len([o for o in by_code.values() if not o.is_missing]):
        raise ValidationError({"option_codes": "すべての選択肢を選ぶと割合は常に100%になります。"
                                               "該当とする選択肢だけを選んでください。"})
    by = None
    if breakdown_column:
        by = questions.get(breakdown_column)
        if by is None or by.kind != Question.Kind.ATTRIBUTE:
            raise ValidationError({"breakdown_column": f"「{survey}」に属性「{breakdown_column}」がありません。"})
    return question, chosen, by


@transaction.atomic
def define_measure(*, by: Any, indicator: Indicator, survey: SurveyRound, column: str,
                   option_codes: Sequence[str], weighted: bool = True,
                   breakdown_column: str = "", expected_version: int | None = None
                   ) -> SurveyMeasure:
    """Define (or redefine) an indicator as the share of chosen options of a question."""
    municipality = survey.municipality
    _check(by, municipality)
    if indicator.plan.municipality_id != municipality.pk:
        raise PermissionDenied("他の自治体の指標には定義できません。")
    _question, chosen, _by = _validate_definition(survey, column, option_codes, breakdown_column)
    label = "＋".join(f"「{o.label}」" for o in chosen)
    measure = SurveyMeasure.objects.select_for_update().filter(indicator=indicator).first()
    fields = {"column": column, "option_codes": [o.code for o in chosen],
              "options_label": label[:500], "weighted": weighted,
              "breakdown_column": breakdown_column}
    if measure is None:
        if expected_version not in (None, 0):
            raise ValidationError("定義が削除されています。画面を開き直してください。")
        measure = SurveyMeasure.objects.create(indicator=indicator, **fields)
        record(by=by, action="surveys.measure.create", obj=measure, after=snapshot(measure),
               municipality_code=municipality.code)
    else:
        if expected_version is not None and measure.version != expected_version:
            raise MeasureConflict(measure)
        before = snapshot(measure)
        for name, value in fields.items():
            setattr(measure, name, value)
        measure.version += 1
        measure.save(update_fields=[*fields, "version"])
        record(by=by, action="surveys.measure.update", obj=measure, before=before,
               after=snapshot(measure), municipality_code=municipality.code)
    if indicator.source_kind != Indicator.SourceKind.SURVEY:
        before = snapshot(indicator)
        indicator.source_kind = Indicator.SourceKind.SURVEY
        indicator.save(update_fields=["source_kind"])
        record(by=by, action="indicators.indicator.update", obj=indicator, before=before,
               after=snapshot(indicator), municipality_code=municipality.code,
               note="調査による指標の定義に合わせて、出典の種類を「アンケート調査」にしました。")
    return measure


def _points(fraction: float | Decimal) -> Decimal:
    return (Decimal(str(fraction)) * 100).quantize(FOUR, rounding=ROUND_HALF_UP)


def _fraction(value: float) -> Decimal:
    return Decimal(str(value)).quantize(TEN, rounding=ROUND_HALF_UP)


def _breakdown(groups: list[Group], labels: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for g in groups:
        rows.append({
            "group": g.group, "label": labels.get(g.group, g.group), "suppressed": g.suppressed,
            "n": g.n, "share": float(_points(g.share)) if g.share is not None else None,
            "ci_low": float(_points(g.ci_low)) if g.ci_low is not None else None,
            "ci_high": float(_points(g.ci_high)) if g.ci_high is not None else None,
        })
    return rows


def _earlier_with_n(indicator: Indicator, year: int, exclude: int | None) -> Observation | None:
    """What to test the new value against: the baseline when its n is known, else the most
    recent earlier value with a known n."""
    earlier = [o for o in indicator.observations.all()
               if o.pk != exclude and o.sample_size and o.value is not None
               and o.year is not None and o.year < year and o.status in {"measured", "estimated"}]
    baselines = [o for o in earlier if o.role == Observation.Role.BASELINE]
    if baselines:
        return baselines[0]
    return max(earlier, key=lambda o: (o.year or 0, o.pk)) if earlier else None


def _share_and_n(observation: Observation) -> tuple[float, float]:
    """An earlier value as the test sees it: the exact share and effective n when this app
    computed it, else the printed value and its n."""
    result = SurveyResult.objects.filter(observation=observation).first()
    if result is not None:
        n = float(result.effective_n) if result.effective_n is not None else float(result.n)
        return float(result.share), n
    return float(observation.value or 0) / 100, float(observation.sample_size or 0)


@dataclass(frozen=True)
class _Measured:
    """A measure tabulated on a round: the question, its breakdown, and the overall group."""

    question: Question
    by: Question | None
    groups: list[Group]

    @property
    def total(self) -> Group:
        return self.groups[0]


def _measured(measure: SurveyMeasure, survey: SurveyRound) -> _Measured:
    """Tabulate the measure as defined; refused when the overall group is suppressed, since a
    value the pages could not show must not be stored either."""
    question, _chosen, by = _validate_definition(
        survey, measure.column, measure.option_codes, measure.breakdown_column)
    groups = tabulate_question(survey, question, measure.option_codes, by=by,
                               weighted=measure.weighted)
    total = groups[0]
    assert total.group == TOTAL  # noqa: S101
    if total.suppressed or total.share is None or total.ci_low is None or total.ci_high is None:
        raise ValidationError(f"有効回答が{survey.min_group_n}人未満のため、割合を計算しません"
                              f"（設問「{question.column}」）。")
    return _Measured(question, by, groups)


def _observation_for(indicator: Indicator, survey: SurveyRound, existing: SurveyResult | None,
                     role: str | None) -> Observation:
    """The Observation a result is stored in: the one computed before from this round, else a
    new one, as the baseline if the indicator has none. Never one typed in by hand."""
    if existing is not None and existing.observation is not None:
        return existing.observation
    has_baseline = any(o.role == Observation.Role.BASELINE for o in indicator.observations.all())
    role = role or (Observation.Role.ACTUAL if has_baseline else Observation.Role.BASELINE)
    clash = [o for o in indicator.observations.all() if o.role == role and o.year == survey.year]
    if clash:
        raise ValidationError(
            f"{indicator.name}には{survey.year_label}の{Observation.Role(role).label}"
            f"（{clash[0].verbatim or clash[0].value}）がすでにあります。"
            "上書きはしません。先にその値を確認してください。")
    return Observation(indicator=indicator, role=role)


def _compare(indicator: Indicator, survey: SurveyRound, observation: Observation, total: Group
             ) -> tuple[Observation | None, TwoProportion | None]:
    """The earlier value the new one is tested against, and the test (None when there is none)."""
    compared = _earlier_with_n(indicator, survey.year, observation.pk)
    if compared is None or compared.value is None:
        return compared, None
    n_for_test = total.effective_n if total.effective_n is not None else float(total.n or 0)
    earlier_share, earlier_n = _share_and_n(compared)
    assert total.share is not None  # noqa: S101  (checked by _measured)
    return compared, two_proportion_test(earlier_share, earlier_n, total.share, n_for_test or 0)


def _fill_observation(observation: Observation, *, survey: SurveyRound, measure: SurveyMeasure,
                      measured: _Measured, compared: Observation | None,
                      test: TwoProportion | None) -> None:
    """The value as a plan prints it (41.4%), with n, the interval, the margin a judgement
    uses, the breakdown and a note that says where it comes from."""
    total = measured.total
    assert total.share is not None and total.ci_low is not None  # noqa: S101
    assert total.ci_high is not None  # noqa: S101
    share = _points(total.share)
    observation.year, observation.year_kind, observation.year_end = survey.year, survey.year_kind, None
    observation.value, observation.status = share, Observation.Status.MEASURED
    observation.verbatim = f"{share.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
    observation.sample_size = total.n
    observation.ci_low, observation.ci_high = _points(total.ci_low), _points(total.ci_high)
    # Against the baseline, the difference the test would call significant is the margin the
    # judgement needs; otherwise the sampling interval of the value itself.
    if test is not None and compared is not None and compared.role == Observation.Role.BASELINE:
        observation.margin = _points(test.critical_difference)
        observation.margin_basis = Observation.MarginBasis.TWO_PROPORTION
    else:
        observation.margin = max(share - observation.ci_low, observation.ci_high - share)
        observation.margin_basis = Observation.MarginBasis.SAMPLING
    by = measured.by
    observation.breakdown_label = f"{by.text}別" if by else ""
    observation.breakdown = _breakdown(measured.groups[1:], group_labels(by)) if by else []
    weighting = (f"、重み付き（有効標本数{total.effective_n:,.1f}）"
                 if total.effective_n is not None else "")
    observation.note = (f"{survey.name}（{measured.question.column}）で{measure.options_label}"
                        f"と回答した割合（無回答を除くn={total.n:,}{weighting}）")[:300]


def _fill_result(result: SurveyResult, *, by: Any, total: Group, compared: Observation | None,
                 test: TwoProportion | None) -> None:
    """The exact figures behind the printed value, kept for the next round's test."""
    assert total.share is not None and total.ci_low is not None  # noqa: S101
    assert total.ci_high is not None  # noqa: S101
    weighted = total.effective_n is not None
    result.n, result.count = total.n or 0, total.count or 0
    result.share, result.ci_low, result.ci_high = (_fraction(total.share), _fraction(total.ci_low),
                                                   _fraction(total.ci_high))
    result.weighted = weighted
    result.effective_n = (Decimal(str(total.effective_n)).quantize(FOUR)
                          if total.effective_n is not None else None)
    result.compared_with = compared
    result.difference_points = _points(test.difference) if test else None
    result.test_z = (Decimal(str(test.z)).quantize(FOUR)
                     if test and abs(test.z) < 1e6 else None)
    result.test_p = _fraction(test.p_value) if test else None
    result.critical_points = _points(test.critical_difference) if test else None
    result.computed_by = by if getattr(by, "is_authenticated", False) else None


@transaction.atomic
def compute_measure(*, by: Any, measure: SurveyMeasure, survey: SurveyRound,
                    role: str | None = None) -> SurveyResult:
    """Compute the measure on a round and store it as the indicator's Observation for the
    round's year, with n, the interval, the breakdown and the test against an earlier value.
    Recomputing updates the same Observation (audited with before and after)."""
    indicator = Indicator.objects.select_related("plan__municipality").prefetch_related(
        "observations").get(pk=measure.indicator_id)
    municipality = survey.municipality
    _check(by, municipality)
    if indicator.plan.municipality_id != municipality.pk:
        raise PermissionDenied("他の自治体の調査からは計算できません。")
    measured = _measured(measure, survey)
    existing = SurveyResult.objects.select_for_update().filter(measure=measure, round=survey).first()
    observation = _observation_for(indicator, survey, existing, role)
    before = snapshot(observation) if observation.pk else None
    compared, test = _compare(indicator, survey, observation, measured.total)
    _fill_observation(observation, survey=survey, measure=measure, measured=measured,
                      compared=compared, test=test)
    observation.full_clean()
    observation.save()
    result = existing or SurveyResult(measure=measure, round=survey, observation=observation)
    _fill_result(result, by=by, total=measured.total, compared=compared, test=test)
    result.save()
    record(by=by, action="surveys.measure.compute", obj=observation, before=before,
           after={**snapshot(observation), "survey_result": snapshot(result)},
           municipality_code=municipality.code,
           note=f"{survey.name}から{indicator.name}を計算しました。")
    return result
