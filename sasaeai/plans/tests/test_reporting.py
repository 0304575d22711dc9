"""Reporting units: what each plan reports on in a cycle, and which organisations report.

Read on the five demo plans as loaded from their seeds. 小美玉市 第3次 reports on its 施策の方向,
加古川市 on its 重点目標 and 下関市 on its 基本目標, with sample assignments (none of the three
names who is responsible); 下野市 and 久留米市 report on their 取組, whose 担当 the seeds name.
Only the municipality's 事務局 (and the operator) choose the unit and assign organisations; a
担当 who can read the plan is refused (403), someone who cannot read it finds nothing (404).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.plans import actions, reporting
from sasaeai.plans.models import Plan, ReportingAssignment
from sasaeai.progress.actions import create_cycle
from sasaeai.tenancy.models import Organization
from sasaeai.testing import World

pytestmark = pytest.mark.django_db

DEMO = {"082368": "omitama", "092169": "shimotsuke", "282103": "kakogawa",
        "352012": "shimonoseki", "402036": "kurume"}


def current_plan(code: str) -> Plan:
    """The municipality's current plan: its published plan of the latest period."""
    return Plan.objects.published().filter(municipality__code=code).order_by("-start_fy")[0]


def secretariat(code: str) -> User:
    return User.objects.get(username=f"{DEMO[code]}-jimukyoku")


def omitama() -> Plan:
    return Plan.objects.get(municipality__code="082368", slug="dai3ji")


def page(plan: Plan, name: str = "plans:reporting") -> str:
    return reverse(name, args=[plan.municipality.code, plan.slug])


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def named(plan: Plan, name: str) -> Organization:
    return Organization.objects.get(municipality=plan.municipality, name=name)


@pytest.mark.parametrize("code", sorted(DEMO))
def test_it_lets_every_demo_plan_run_a_cycle_reported_by_at_least_two_organisations(code):
    plan = current_plan(code)
    cycle = create_cycle(by=secretariat(code), plan=plan, fiscal_year=None, title="試行")
    organizations = set(cycle.entries.values_list("organization__name", flat=True))
    assert len(organizations) >= 2, (plan.title, organizations)


def test_it_reports_on_the_plans_own_level_names_from_the_top_down():
    assert reporting.level_choices(omitama()) == [
        ("", "最下層の項目（取組が登録されていません）"),
        ("基本目標", "基本目標"), ("基本施策", "基本施策"), ("施策の方向", "施策の方向"),
    ]


def test_it_asks_the_assigned_departments_of_omitamas_policy_directions():
    plan = omitama()
    cycle = create_cycle(by=secretariat("082368"), plan=plan, fiscal_year=None)
    subjects = set(cycle.entries.values_list("element__level_label", flat=True))
    assert subjects == {"施策の方向"}
    disaster = cycle.entries.filter(element__title="災害時における地域防災体制づくり")
    assert set(disaster.values_list("organization__name", flat=True)) == {
        "小美玉市", "小美玉市社会福祉協議会", "防災管理課"}


def test_it_shows_the_table_with_the_sample_marked_to_the_secretariat():
    response = signed_in(secretariat("082368")).get(page(omitama()))
    text = response.content.decode()
    assert response.status_code == 200
    assert "サンプル（デモ用の仮の割り当て）" in text
    assert "世代間交流の推進" in text and "防災管理課" in text and "市民協働課" in text
    assert "全29件" not in text  # every row shown: no count of a filtered view


def test_it_filters_by_goal_by_organisation_and_unassigned_only():
    plan = omitama()
    client = signed_in(secretariat("082368"))
    bousai = named(plan, "防災管理課")
    by_org = client.get(page(plan), {"org": bousai.pk}).content.decode()
    assert "要支援者の避難支援体制づくり" in by_org and "世代間交流の推進" not in by_org
    goal = plan.elements.get(level_label="基本目標", number_label="1")
    by_goal = client.get(page(plan), {"goal": goal.pk}).content.decode()
    assert "学校や地域における福祉教育の充実" in by_goal
    assert "要支援者の避難支援体制づくり" not in by_goal
    ReportingAssignment.objects.filter(element__title="世代間交流の推進").delete()
    lonely = client.get(page(plan), {"unassigned": "1"}).content.decode()
    assert "世代間交流の推進" in lonely and "要支援者の避難支援体制づくり" not in lonely


def test_it_assigns_one_department_to_five_units_in_one_bulk_save():
    plan = omitama()
    kyodo = named(plan, "市民協働課")
    five = list(plan.elements.filter(level_label="施策の方向").exclude(
        reporting_assignments__organization=kyodo)[:5])
    rows = reporting.units(plan)
    checked = [f"{r.subject.pk}:{org}" for r in rows for org in r.assigned]
    response = signed_in(secretariat("082368")).post(page(plan, "plans:reporting_assign"), {
        "version": reporting.assignment_version(plan), "row": [r.subject.pk for r in rows],
        "a": checked, "selected": [e.pk for e in five], "bulk_org": kyodo.pk, "do": "bulk",
    }, follow=True)
    assert "5件の担当を保存しました。" in response.content.decode()
    for element in five:
        mine = ReportingAssignment.objects.filter(element=element)
        assert kyodo.pk in set(mine.values_list("organization_id", flat=True))
        assert not mine.filter(is_sample=True).exists()  # a changed row is the 事務局's own
    untouched = ReportingAssignment.objects.filter(plan=plan).exclude(element__in=five)
    assert untouched.exists() and not untouched.filter(is_sample=False).exists()
    event = AuditEvent.objects.filter(action="plans.reporting.assign").latest("id")
    assert event.note == "5件の報告の単位の担当を変更しました。"


def test_it_refuses_a_save_made_from_a_stale_page_and_changes_nothing():
    plan, sato = omitama(), secretariat("082368")
    unit = plan.elements.get(title="世代間交流の推進")
    old = reporting.assignment_version(plan)
    city = named(plan, "小美玉市")
    actions.save_reporting_assignments(by=sato, plan=plan, rows=[unit.pk],
                                       pairs={(unit.pk, city.pk)}, version=old)
    before = list(ReportingAssignment.objects.filter(plan=plan).values_list(
        "element_id", "organization_id", "is_sample"))
    response = signed_in(sato).post(page(plan, "plans:reporting_assign"), {
        "version": old, "row": [unit.pk], "a": [],
    }, follow=True)
    assert "他の人が報告の単位か割り当てを変更しました。何も保存していません。" in (
        response.content.decode())
    assert before == list(ReportingAssignment.objects.filter(plan=plan).values_list(
        "element_id", "organization_id", "is_sample"))


def test_it_refuses_an_organisation_of_another_municipality_or_a_unit_of_another_plan():
    plan, sato = omitama(), secretariat("082368")
    unit = plan.elements.get(title="世代間交流の推進")
    version = reporting.assignment_version(plan)
    kurume_city = Organization.objects.get(name="久留米市")
    with pytest.raises(ValidationError, match="この自治体の報告できる組織から選んでください。"):
        actions.save_reporting_assignments(by=sato, plan=plan, rows=[unit.pk],
                                           pairs={(unit.pk, kurume_city.pk)}, version=version)
    other_unit = current_plan("352012").elements.all()[0]
    with pytest.raises(ValidationError, match="報告の単位ではない行"):
        actions.save_reporting_assignments(by=sato, plan=plan, rows=[other_unit.pk],
                                           pairs=set(), version=version)
    assert reporting.assignment_version(plan) == version


def test_it_lets_a_new_cycle_report_on_the_chosen_level():
    plan, sato = omitama(), secretariat("082368")
    plan = actions.choose_reporting_level(by=sato, plan=plan, level="基本目標",
                                          version=reporting.assignment_version(plan))
    cycle = create_cycle(by=sato, plan=plan, fiscal_year=None)
    # Nobody is assigned to a 基本目標 yet: the plan's owner (the city) reports on each.
    assert list(cycle.entries.order_by("id").values_list("element__title", "organization__name")) == [
        (g.title, "小美玉市") for g in plan.elements.filter(level_label="基本目標")]
    assert AuditEvent.objects.filter(action="plans.reporting.level", note="報告の単位：基本目標").exists()


def test_it_refuses_a_level_the_plan_does_not_have():
    plan = omitama()
    with pytest.raises(ValidationError, match="報告の単位は一覧から選んでください。"):
        actions.choose_reporting_level(by=secretariat("082368"), plan=plan, level="重点目標",
                                       version=reporting.assignment_version(plan))
    assert Plan.objects.get(pk=plan.pk).reporting_level == "施策の方向"


def test_it_keeps_initiative_assignments_where_the_plan_file_carries_them():
    plan = Plan.objects.get(municipality__code="092169", slug="dai2ki")
    initiative = plan.initiatives.order_by("order")[0]
    city = named(plan, "下野市")
    actions.save_reporting_assignments(
        by=secretariat("092169"), plan=plan, rows=[initiative.pk],
        pairs={(initiative.pk, city.pk)}, version=reporting.assignment_version(plan))
    assert list(initiative.responsible.values_list("name", flat=True)) == ["下野市"]
    assert not ReportingAssignment.objects.filter(plan=plan).exists()


def test_it_creates_a_department_under_the_city_from_the_page():
    plan, sato = omitama(), secretariat("082368")
    response = signed_in(sato).post(page(plan, "plans:reporting_organization"),
                                    {"name": " 社会福祉課 ", "kind": "department"}, follow=True)
    assert "「社会福祉課」を追加しました。" in response.content.decode()
    made = named(plan, "社会福祉課")
    assert made.kind == Organization.Kind.DEPARTMENT and made.parent == named(plan, "小美玉市")
    assert AuditEvent.objects.filter(action="tenancy.organization.create",
                                     object_id=str(made.pk)).exists()
    assert made in reporting.reporting_organizations(plan.municipality, plan)
    with pytest.raises(ValidationError, match="「社会福祉課」は既に登録されています。"):
        actions.create_organization(by=sato, plan=plan, name="社会福祉課")
    with pytest.raises(ValidationError, match="組織の名称に制御文字は使えません。"):
        actions.create_organization(by=sato, plan=plan, name="福祉\x00課")
    with pytest.raises(ValidationError, match="種別は担当課・社会福祉協議会・地区社協から選んでください。"):
        actions.create_organization(by=sato, plan=plan, name="推進委員会", kind="committee")


def test_it_refuses_staff_and_strangers_and_lets_only_the_secretariat_in(world: World):
    url = page(world.published)
    assert signed_in(world.sato).get(url).status_code == 200
    assert signed_in(world.tanaka).get(url).status_code == 403  # reads the plan, may not assign
    assert signed_in(world.takahashi).get(url).status_code == 403
    assert signed_in(world.other).get(url).status_code == 403  # a published plan is readable
    assert signed_in(world.other).get(page(world.other_draft)).status_code == 200
    assert signed_in(world.sato).get(page(world.other_draft)).status_code == 404
    assert Client().get(url).status_code == 302
    with pytest.raises(PermissionDenied, match="報告の単位と担当を決められるのは事務局です。"):
        actions.choose_reporting_level(by=world.tanaka, plan=world.published, level="",
                                       version=reporting.assignment_version(world.published))
