"""Indicators as committees read them: the table in the plans' own style with a judgement per
indicator, counts per 基本目標 first, and a page per indicator."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from sasaeai.accounts.access import forbid_unless, get_plan_and_standing, get_plan_for_user
from sasaeai.indicators import actions
from sasaeai.indicators.judgement import ORDER, Judgement, Rule
from sasaeai.indicators.models import Indicator, JudgementOverride, JudgementRule
from sasaeai.lib.values import ascii_int
from sasaeai.plans.models import Plan, PlanElement
from sasaeai.tenancy.models import Organization


@dataclass
class Row:
    indicator: Indicator
    judgement: Judgement
    override: JudgementOverride | None

    @property
    def category(self) -> str:
        return self.override.category if self.override else self.judgement.category

    def label(self, rule: Rule) -> str:
        return rule.labels.get(self.category, self.category)


class OverrideForm(forms.Form):
    category = forms.ChoiceField(label="判定", choices=[])
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "判定を修正する理由を入力してください。"})

    def __init__(self, *args: Any, rule: Rule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = [(c.value, rule.labels[c]) for c in ORDER]


def evaluation_year(request: HttpRequest) -> int | None:
    year = ascii_int(request.GET.get("fy", ""), max_digits=4)
    return year if year is not None and 1900 < year < 2200 else None


def judged_rows(plan: Plan, rule: Rule, year: int | None) -> list[Row]:
    indicators = list(Indicator.objects.for_plan(plan).with_figures()
                      .prefetch_related("overrides"))
    rows = []
    for indicator in indicators:
        override = next((o for o in indicator.overrides.all() if o.year == year), None)
        rows.append(Row(indicator, indicator.judge(rule=rule, year=year), override))
    return rows


@require_GET
def indicator_table(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, code, slug)
    rule = JudgementRule.objects.rule_for(plan)
    year = evaluation_year(request)
    rows = judged_rows(plan, rule, year)
    goals = plan.top_goals()
    groups = []
    for goal, items in groupby(rows, key=lambda r: goals.get(r.indicator.element_id)):
        listed = list(items)
        counts = Counter(r.category for r in listed)
        groups.append({
            "goal": goal, "rows": [{"row": r, "label": r.label(rule)} for r in listed],
            "counts": [(rule.labels[c], c.value, counts.get(c, 0)) for c in ORDER],
        })
    totals = Counter(r.category for r in rows)
    if request.GET.get("export") == "csv":
        return indicator_csv(plan, rule, rows, goals, year)
    return render(request, "indicators/indicator_table.html", {
        "plan": plan, "municipality": plan.municipality,
        "groups": groups, "count": len(rows), "year": year,
        "categories": [(rule.labels[c], c.value) for c in ORDER],
        "totals": [(rule.labels[c], c.value, totals.get(c, 0)) for c in ORDER],
        "years": sorted({o.year for r in rows for o in r.indicator.observations.all()
                         if o.year and o.role == "actual"}),
    })


def indicator_csv(plan: Plan, rule: Rule, rows: list[Row],
                  goals: dict[int | None, PlanElement | None], year: int | None) -> HttpResponse:
    """The indicator table as open data: the same rows and judgements as the page."""
    from sasaeai.lib.opendata import csv_response

    def figure(o: Any) -> tuple[str, str, str]:
        if o is None:
            return ("", "", "")
        return (o.verbatim, format(o.value.normalize(), "f") if o.value is not None else "",
                o.year_label)

    body = []
    for row in rows:
        i = row.indicator
        goal = goals.get(i.element_id)
        target = i.final_target()
        latest = i.actual_in(year) if year else i.latest()
        body.append([
            f"{goal.level_label}{goal.number_label} {goal.title}" if goal else "計画全体",
            i.name, i.unit, i.get_polarity_display(), *figure(i.baseline()), *figure(latest),
            target.verbatim if target else "",
            format(target.value.normalize(), "f") if target and target.value is not None else "",
            target.year_label if target else "", row.label(rule), row.judgement.sentence,
            i.source_text])
    header = ["基本目標", "指標名", "単位", "望ましい方向", "基準値（表記）", "基準値", "基準値の年",
              "現状値（表記）", "現状値", "現状値の年", "目標値（表記）", "目標値", "目標値の年", "判定",
              "判定の説明", "指標の出典"]
    source = f"{plan.municipality.name}「{plan.title}」成果指標（ささえあい）"
    return csv_response(f"{plan.title}_成果指標.csv", header, body, source=source)


def figures_csv(plan: Plan, indicator: Indicator, rows: list[dict[str, str]],
                judgement: Judgement) -> HttpResponse:
    """One indicator's figures (the chart's table) as open data, with its judgement."""
    from sasaeai.lib.opendata import csv_response

    body = [[indicator.name, indicator.unit, r["role"], r["year"], r["value"], r["status"],
             r["margin"], r["area"], judgement.label] for r in rows]
    source = f"{plan.municipality.name}「{plan.title}」成果指標（ささえあい）"
    return csv_response(f"{indicator.name[:40]}.csv",
                        ["指標名", "単位", "区分", "年（度）", "値（表記どおり）", "状態", "誤差・信頼区間",
                         "圏域", "判定"], body, source=source)


@require_GET
def indicator_detail(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, standing = get_plan_and_standing(request.user, code, slug)
    indicator = (Indicator.objects.with_figures().prefetch_related("overrides")
                 .filter(plan=plan, pk=pk).first())
    if indicator is None:  # merged into another one: its old address leads there
        from sasaeai.indicators.edits import survivor_or_404

        survivor = survivor_or_404(plan, pk)
        return redirect(indicator_url(plan, survivor, None))
    indicator.plan = plan
    rule = JudgementRule.objects.rule_for(plan)
    year = evaluation_year(request)
    judgement = indicator.judge(rule=rule, year=year)
    override = next((o for o in indicator.overrides.all() if o.year == year), None)
    if override is not None:
        override = override.for_reader(public=not standing.member)
    from sasaeai.indicators import charts  # matplotlib is only needed here

    if request.GET.get("export") == "csv":
        return figures_csv(plan, indicator, charts.chart_table(indicator), judgement)
    if request.GET.get("part") == "chart":  # at hand on わたしの作業, fetched when opened
        return render(request, "indicators/includes/chart_part.html", {
            "plan": plan, "indicator": indicator, "judgement": judgement,
            "label": rule.labels[judgement.category],
            "chart_svg": charts.indicator_chart_svg(indicator)})

    return render(request, "indicators/indicator_detail.html", {
        "plan": plan, "municipality": plan.municipality, "indicator": indicator,
        "judgement": judgement, "override": override, "year": year,
        "override_label": rule.labels.get(override.category) if override else "",
        "computed_label": rule.labels[judgement.category],
        "observations": sorted(indicator.observations.all(), key=lambda o: (o.year or 0, o.pk)),
        "targets": list(indicator.targets.all()),
        "breakdowns": [o for o in sorted(indicator.observations.all(),
                                         key=lambda o: (o.year or 0, o.pk)) if o.breakdown],
        "history": list(indicator.overrides.all()) if standing.can_view_internal_notes() else [],
        "form": OverrideForm(rule=rule, initial={"category": judgement.category})
        if standing.can_override_judgement(indicator) else None,
        "reporter_form": ReporterForm(plan=plan, initial={
            "organization": indicator.reporting_organization_id})
        if standing.can_assign_indicator_reporter(indicator) else None,
        "chart_svg": charts.indicator_chart_svg(indicator),
        "chart_rows": charts.chart_table(indicator),
        "goal": plan.top_goals().get(indicator.element_id),
        "can_edit": standing.can_edit_plan(plan),
    })


@require_POST
@login_required
def indicator_override(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, standing = get_plan_and_standing(request.user, code, slug)
    indicator = get_object_or_404(Indicator, plan=plan, pk=pk)
    indicator.plan = plan
    forbid_unless(standing.can_override_judgement(indicator), "判定を修正できるのは事務局です。")
    form = OverrideForm(request.POST, rule=JudgementRule.objects.rule_for(plan))
    year = evaluation_year(request)
    target = indicator_url(plan, indicator, year)
    if not form.is_valid():
        messages.error(request, "判定と理由を入力してください。")
        return redirect(target)
    try:
        actions.override_judgement(by=request.user, indicator=indicator, year=year,
                                   category=form.cleaned_data["category"],
                                   reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
    else:
        messages.success(request, "判定を修正しました。計算による判定も併せて表示します。")
    return redirect(target)


class ReporterForm(forms.Form):
    organization = forms.ModelChoiceField(label="実績を報告する組織", required=False,
                                          queryset=Organization.objects.none(),
                                          empty_label="（出典の担当課）")

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        if isinstance(field, forms.ModelChoiceField):  # always: declared above
            field.queryset = Organization.objects.in_use().filter(
                municipality_id=plan.municipality_id)


@require_POST
@login_required
def indicator_reporter(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    plan, standing = get_plan_and_standing(request.user, code, slug)
    indicator = get_object_or_404(Indicator, plan=plan, pk=pk)
    indicator.plan = plan
    forbid_unless(standing.can_assign_indicator_reporter(indicator),
                  "実績を報告する組織を決められるのは事務局です。")
    form = ReporterForm(request.POST, plan=plan)
    if not form.is_valid():
        messages.error(request, "この自治体の組織を選んでください。")
    else:
        chosen = form.cleaned_data["organization"]
        actions.set_reporting_organization(by=request.user, indicator=indicator,
                                           organization=chosen)
        messages.success(request, f"実績を報告する組織を「{chosen.name}」にしました。" if chosen
                         else "実績を報告する組織を空欄にしました。出典に担当課の名前があれば、評価サイクルでその課に照会します。")
    return redirect(indicator_url(plan, indicator, None))


def indicator_url(plan: Plan, indicator: Indicator, year: int | None) -> str:
    from django.urls import reverse

    url = reverse("indicators:detail", args=[plan.municipality.code, plan.slug, indicator.pk])
    return f"{url}?fy={year}" if year else url

