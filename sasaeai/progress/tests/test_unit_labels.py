"""A unit is named with its parents' numbers wherever a list names it: 小美玉市 reports on its
施策の方向, numbered ①② again under every 基本施策 of every 基本目標, so 「①」 alone names
nine units; 「1-1-① 学校や地域における福祉教育の充実」 names one."""

from datetime import date

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.plans import reporting
from sasaeai.plans.models import Plan
from sasaeai.progress import actions
from sasaeai.progress.models import Cycle, Entry
from sasaeai.progress.reminders import send_reminders
from sasaeai.testing import Review

pytestmark = pytest.mark.django_db
CODE = "082368"
FIRST = "1-1-① 学校や地域における福祉教育の充実"
LATER = "2-1-① 情報提供の充実"


def omitama() -> Plan:
    return Plan.objects.get(municipality__code=CODE, slug="dai3ji")


def logged_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def open_cycle(due: date | None = None) -> Cycle:
    jimukyoku = User.objects.get(username="omitama-jimukyoku")
    cycle = actions.create_cycle(by=jimukyoku, plan=omitama(), fiscal_year=2024)
    cycle = actions.move_cycle(by=jimukyoku, cycle=cycle, to=Cycle.Status.COLLECTING,
                               expected_version=cycle.version)
    if due is not None:
        Cycle.objects.filter(pk=cycle.pk).update(entries_due=due)
        cycle.refresh_from_db()
    return cycle


def test_each_reporting_unit_has_a_number_of_its_own_in_the_plan():
    units = reporting.units(omitama())
    numbers = [row.subject.unit_number for row in units]
    assert [row.subject.number_label for row in units].count("①") == 9
    assert len(set(numbers)) == len(units) == 29
    assert units[0].subject.unit_label == FIRST
    assert "3-2-③ 地域で取り組む防犯体制づくり" in [row.subject.unit_label for row in units]


def test_an_initiative_is_named_with_its_goals_number(review: Review):
    assert review.watch.unit_label == "1-① 見守り活動の推進"


def test_the_cycle_and_task_pages_name_each_unit_with_its_parents_numbers():
    cycle = open_cycle()
    cycle_page = logged_in("omitama-jimukyoku").get(cycle.get_absolute_url()).text
    assert f"{FIRST}</a>" in cycle_page and f"{LATER}</a>" in cycle_page
    assert "施策の方向①" not in cycle_page
    tasks = logged_in("omitama-shakyo").get(reverse("tasks:mine")).text
    assert f"{FIRST}</h3>" in tasks and f"{LATER}</h3>" in tasks
    csv = logged_in("omitama-jimukyoku").get(cycle.get_absolute_url() + "?export=csv")
    assert FIRST in csv.content.decode("utf-8-sig")


def test_the_entry_page_heads_the_report_with_its_parents_numbers():
    cycle = open_cycle()
    entry = cycle.entries.get(organization__name="防災管理課",
                              element__title="地域で取り組む防犯体制づくり")
    plan = cycle.plan
    page = logged_in("omitama-tanto").get(reverse(
        "progress:entry", args=[CODE, plan.slug, cycle.pk, entry.pk])).text
    assert '<h1><span class="number">3-2-③</span> 地域で取り組む防犯体制づくり' in page
    assert "<title>3-2-③ 地域で取り組む防犯体制づくり（防災管理課）" in page


def test_the_reporting_page_names_each_unit_with_its_parents_numbers():
    page = logged_in("omitama-jimukyoku").get(
        reverse("plans:reporting", args=[CODE, "dai3ji"])).text
    assert f">{FIRST}</label>" in page and f">{LATER}</label>" in page
    assert "施策の方向①" not in page


def test_the_reminder_names_each_unit_with_its_parents_numbers():
    open_cycle(due=date(2025, 5, 30))
    send_reminders(today=date(2025, 5, 27))
    body = next(m for m in mail.outbox if m.to == ["omitama-shakyo@demo.sasaeai.invalid"]).body
    assert f"・{FIRST}（未着手）" in body and f"・{LATER}（未着手）" in body


def test_a_report_is_named_by_its_unit_and_organization():
    entry = Entry.objects.filter(cycle=open_cycle(), organization__name="防災管理課").with_units(
        ).in_plan_order().first()
    assert str(entry) == "3-2-① 災害時における地域防災体制づくり（防災管理課）"
