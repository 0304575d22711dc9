"""Who reports what travels with the plan file (sasaeai-plan 1.1): the reporting unit, who reports
on each unit and who reports each indicator's yearly figure.

第3次小美玉市地域福祉計画 reports on its 施策の方向 (assigned per element); 久留米市's 次期計画
reports on its 取組 (each 取組's 担当組織). Exported and imported into a municipality that has
never heard of them, both come back with the same unit, the same assignments and the same
indicator reporters; a file naming an organization or a unit it does not hold is refused in
Japanese, with nothing saved."""

import copy
import json
from typing import Any

import pytest

from sasaeai.accounts.models import User
from sasaeai.exchange.planimport import PlanImportError, import_plan
from sasaeai.exchange.planjson import export_plan
from sasaeai.exchange.planupdate import update_plan
from sasaeai.exchange.workbook import build_plan_workbook, parse_plan_workbook
from sasaeai.indicators import actions as indicator_actions
from sasaeai.indicators.models import Indicator
from sasaeai.plans.models import Plan, ReportingAssignment
from sasaeai.tenancy.models import Municipality, Organization

pytestmark = pytest.mark.django_db
OMITAMA, KURUME = ("082368", "dai3ji"), ("402036", "jiki")


def demo(code: str, slug: str) -> Plan:
    return Plan.objects.select_related("municipality").get(municipality__code=code, slug=slug)


def secretariat(plan: Plan) -> User:
    seed = {"082368": "omitama", "402036": "kurume"}[plan.municipality.code]
    return User.objects.get(username=f"{seed}-jimukyoku")


def with_reporters(plan: Plan) -> Plan:
    """The 事務局 names who reports the figures of the plan's first indicators: the city's
    departments in turn (the seeds name none)."""
    departments = list(Organization.objects.filter(municipality=plan.municipality,
                                                   kind=Organization.Kind.DEPARTMENT)
                       .order_by("order", "id"))
    city = Organization.objects.get(municipality=plan.municipality, kind=Organization.Kind.CITY)
    reporters = departments or [city]
    for n, indicator in enumerate(Indicator.objects.filter(plan=plan).order_by("order", "id")[:3]):
        indicator_actions.set_reporting_organization(
            by=secretariat(plan), indicator=indicator, organization=reporters[n % len(reporters)])
    return plan


def facts(plan: Plan) -> dict[str, Any]:
    """What the plan says about reporting, by names (ids differ between installations)."""
    return {
        "level": plan.reporting_level,
        "assignments": sorted(
            (a.element.level_label, a.element.number_label, a.element.title,
             a.organization.name, a.is_sample)
            for a in ReportingAssignment.objects.filter(plan=plan).select_related(
                "element", "organization")),
        "responsible": sorted((i.number_label, i.title, o.name) for i in plan.initiatives.all()
                              for o in i.responsible.all()),
        "reporters": sorted((i.name, i.reporting_organization.name)
                            for i in Indicator.objects.filter(plan=plan)
                            .select_related("reporting_organization")
                            if i.reporting_organization is not None),
    }


@pytest.fixture
def elsewhere() -> Municipality:
    """A municipality without any of the demo's organizations."""
    return Municipality.objects.create(code="999997", name="ささえ町", prefecture="テスト県")


@pytest.mark.parametrize(("code", "slug"), [OMITAMA, KURUME])
def test_a_plan_comes_back_elsewhere_with_the_same_reporting(code, slug, elsewhere):
    plan = with_reporters(demo(code, slug))
    before = facts(plan)
    assert before["reporters"]  # the test would prove nothing without them
    if plan.reporting_level:  # 小美玉市: 施策の方向, assigned per element
        assert before["level"] == "施策の方向" and before["assignments"]
    else:  # 久留米市: its 取組 and their 担当組織
        assert before["responsible"] and before["assignments"] == []
    text = json.dumps(export_plan(plan), ensure_ascii=False)
    result = import_plan(by=None, municipality=elsewhere, doc=json.loads(text))
    assert result is not None and result.plan.municipality == elsewhere
    assert facts(Plan.objects.get(pk=result.plan.pk)) == before


def test_the_file_names_the_unit_the_assignments_and_the_reporters():
    plan = with_reporters(demo(*OMITAMA))
    document = export_plan(plan)
    assert document["version"] == "1.2"
    assert document["plan"]["reporting_level"] == "施策の方向"
    orgs = {o["key"]: o["name"] for o in document["organizations"]}
    elements = {e["key"]: e for e in document["elements"]}
    assert {elements[a["element"]]["level_label"] for a in document["reporting_assignments"]} == {
        "施策の方向"}
    assert all(a["is_sample"] for a in document["reporting_assignments"])  # the demo's made-up
    named = {i["name"]: orgs[i["reporting_organization"]]
             for i in document["indicators"] if i["reporting_organization"]}
    assert set(named.values()) <= set(orgs.values()) and len(named) == 3


def test_a_file_from_before_1_1_keeps_the_unit_on_taking_the_initiatives(elsewhere):
    document = export_plan(demo(*KURUME))
    document["version"] = "1.0"
    document["plan"].pop("reporting_level")
    document.pop("reporting_assignments")
    for indicator in document["indicators"]:
        indicator.pop("reporting_organization")
    result = import_plan(by=None, municipality=elsewhere, doc=document)
    assert result is not None and result.plan.reporting_level == ""


def refused(municipality: Municipality, document: dict[str, Any]) -> list[str]:
    plans = Plan.objects.count()
    with pytest.raises(PlanImportError) as caught:
        import_plan(by=None, municipality=municipality, doc=document, slug="copy")
    assert Plan.objects.count() == plans and not ReportingAssignment.objects.filter(
        plan__slug="copy").exists()
    return caught.value.errors


def test_an_unknown_organization_unit_or_level_is_refused_in_japanese(elsewhere):
    document = export_plan(with_reporters(demo(*OMITAMA)))
    broken = copy.deepcopy(document)
    broken["reporting_assignments"][0]["organization"] = "O99"
    broken["reporting_assignments"][1]["element"] = "E999"
    broken["indicators"][0]["reporting_organization"] = "O98"
    errors = refused(elsewhere, broken)
    assert "reporting_assignments／1番目：報告する組織「O99」が organizations にありません。" in errors
    assert "reporting_assignments／2番目：報告の単位の項目「E999」が elements にありません。" in errors
    assert any("reporting_organization：「O98」はorganizationsにありません" in e for e in errors)
    wrong_level = copy.deepcopy(document)
    wrong_level["plan"]["reporting_level"] = "小学校区"
    [message] = refused(elsewhere, wrong_level)
    assert message.startswith("plan／reporting_level：報告の単位「小学校区」は、この計画の体系の階層にありません")
    assert "施策の方向" in message
    twice = copy.deepcopy(document)
    twice["reporting_assignments"].append(dict(twice["reporting_assignments"][0]))
    assert any("同じ項目と組織の割り当てが2回あります" in e for e in refused(elsewhere, twice))


def test_updating_a_plan_from_its_file_changes_who_reports_and_nothing_when_wrong():
    plan = demo(*OMITAMA)
    sato = secretariat(plan)
    document = export_plan(plan)
    before = facts(plan)
    # Another 事務局 decision in the file: one department reports every 施策の方向.
    orgs = {o["name"]: o["key"] for o in document["organizations"]}
    department = Organization.objects.filter(municipality=plan.municipality,
                                             kind=Organization.Kind.DEPARTMENT).first()
    assert department is not None and department.name in orgs
    units = sorted({a["element"] for a in document["reporting_assignments"]})
    changed = copy.deepcopy(document)
    changed["reporting_assignments"] = [
        {"element": key, "organization": orgs[department.name], "is_sample": False}
        for key in units]
    changed["indicators"][0]["reporting_organization"] = orgs[department.name]
    broken = copy.deepcopy(changed)
    broken["reporting_assignments"][0]["organization"] = "O99"
    with pytest.raises(PlanImportError) as caught:
        update_plan(by=sato, plan=plan, doc=broken)
    assert caught.value.errors == [
        "reporting_assignments／1番目：報告する組織「O99」が organizations にありません。"]
    assert facts(plan) == before
    result = update_plan(by=sato, plan=plan, doc=changed)
    assert ("差し替え", "報告の割り当て") in {(c.action, c.what) for c in result.changes}
    after = facts(Plan.objects.get(pk=plan.pk))
    assert {a[3] for a in after["assignments"]} == {department.name}
    assert len(after["assignments"]) == len(units)
    assert (changed["indicators"][0]["name"], department.name) in after["reporters"]
    # A document that says nothing about reporting (a workbook made before 1.1) leaves it alone.
    silent = copy.deepcopy(changed)
    silent["plan"].pop("reporting_level")
    silent.pop("reporting_assignments")
    for indicator in silent["indicators"]:
        indicator.pop("reporting_organization")
    update_plan(by=sato, plan=plan, doc=silent)
    assert facts(Plan.objects.get(pk=plan.pk)) == after


def place(plan: Plan) -> dict[str, str]:
    m = plan.municipality
    return {"code": m.code, "name": m.name, "prefecture": m.prefecture}


def test_the_workbook_carries_them_and_names_an_unknown_organization_in_japanese():
    import io

    import openpyxl

    plan = with_reporters(demo(*OMITAMA))
    data = build_plan_workbook(export_plan(plan, cycles=False))
    read = parse_plan_workbook(data, municipality=place(plan))
    assert read.errors == [] and read.doc is not None
    assert read.doc["plan"]["reporting_level"] == "施策の方向"
    assert len(read.doc["reporting_assignments"]) == ReportingAssignment.objects.filter(
        plan=plan).count()
    book = openpyxl.load_workbook(io.BytesIO(data))
    book["報告の割り当て"]["B2"] = "どこにもない課"
    level_row = next(r for r in range(2, 40) if book["計画"][f"A{r}"].value == "報告の単位")
    book["計画"][f"B{level_row}"] = "町内会"
    buffer = io.BytesIO()
    book.save(buffer)
    broken = parse_plan_workbook(buffer.getvalue(), municipality=place(plan))
    assert broken.doc is None
    assert "「報告の割り当て」シート 2行目「組織名」：「どこにもない課」という組織（「組織」シートの組織名）がありません。" in broken.errors
    assert any(e.startswith(f"「計画」シート {level_row}行目「値」：報告の単位「町内会」は") for e in broken.errors)


def test_a_workbook_made_before_says_nothing_about_reporting():
    import io

    import openpyxl

    plan = demo(*OMITAMA)
    book = openpyxl.load_workbook(io.BytesIO(build_plan_workbook(export_plan(plan, cycles=False))))
    del book["報告の割り当て"]
    book["指標"].delete_cols(12)  # 実績を報告する組織
    sheet = book["計画"]
    level_row = next(r for r in range(2, 40) if sheet[f"A{r}"].value == "報告の単位")
    sheet.delete_rows(level_row)
    buffer = io.BytesIO()
    book.save(buffer)
    read = parse_plan_workbook(buffer.getvalue(), municipality=place(plan))
    assert read.errors == [] and read.doc is not None
    assert "reporting_level" not in read.doc["plan"] and "reporting_assignments" not in read.doc
    assert all("reporting_organization" not in i for i in read.doc["indicators"])
    before = facts(plan)
    update_plan(by=secretariat(plan), plan=plan, doc=read.doc)
    assert facts(Plan.objects.get(pk=plan.pk)) == before
