"""The plan workbook through the database: export, import as a new plan, export again: the same
workbook content, for every demo plan; and a plan updated from its own workbook does not change."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.exchange.planimport import import_plan
from sasaeai.exchange.planjson import export_plan
from sasaeai.exchange.planupdate import update_plan
from sasaeai.exchange.workbook import build_plan_workbook, parse_plan_workbook
from sasaeai.lib.spreadsheets import read_xlsx_book
from sasaeai.plans.models import Plan

pytestmark = pytest.mark.django_db

DEMO = [("082368", "dai3ji"), ("352012", "chiiki-fukushi-keikaku"), ("282103", "dai4ki"),
        ("092169", "dai2ki"), ("402036", "jiki"), ("402036", "dai2ki")]


def sheets(data: bytes) -> dict[str, list[list[str]]]:
    return read_xlsx_book(data, max_bytes=10 * 1024 * 1024, max_ratio=100)


def place(plan: Plan) -> dict[str, str]:
    m = plan.municipality
    return {"code": m.code, "name": m.name, "prefecture": m.prefecture}


@pytest.mark.parametrize(("code", "slug"), DEMO)
def test_a_demo_plan_comes_back_as_the_same_workbook(code, slug):
    plan = Plan.objects.select_related("municipality").get(municipality__code=code, slug=slug)
    first = build_plan_workbook(export_plan(plan, cycles=False))
    read = parse_plan_workbook(first, municipality=place(plan))
    assert read.errors == [] and read.doc is not None
    result = import_plan(by=None, municipality=plan.municipality, doc=read.doc,
                         slug=f"{slug}-wb")
    assert result is not None
    second = build_plan_workbook(export_plan(Plan.objects.get(pk=result.plan.pk), cycles=False))
    before, after = sheets(first), sheets(second)
    assert list(before) == list(after)
    url_row = next(i for i, row in enumerate(after["計画"]) if row and row[0] == "URL名")
    assert after["計画"][url_row][1] == f"{slug}-wb"
    after["計画"][url_row] = before["計画"][url_row]
    assert after == before
    # And the plan updated from its own workbook does not change.
    assert update_plan(by=None, plan=plan, doc=read.doc).changes == []


def test_the_secretariat_updates_a_plan_from_its_edited_workbook_in_the_browser():
    plan = Plan.objects.select_related("municipality").get(municipality__code="082368",
                                                           slug="dai3ji")
    client = Client()
    client.force_login(User.objects.get(username="omitama-jimukyoku"))
    download = client.get(reverse("exchange:plan_workbook", args=["082368", "dai3ji"]))
    read = parse_plan_workbook(download.content, municipality=place(plan))
    assert read.doc is not None
    read.doc["indicators"][0]["rationale"] = "市民アンケートで毎回聞いている設問のため"
    edited = build_plan_workbook(read.doc)
    response = client.post(reverse("exchange:import", args=["082368"]), {
        "file": SimpleUploadedFile("edited.xlsx", edited), "target": str(plan.pk)})
    assert response.status_code == 200
    assert "を更新します：追加0件・変更1件" in response.text
    assert "設定理由：「」→「市民アンケートで毎回聞いている設問のため」" in response.text
    client.post(reverse("exchange:import_confirm", args=["082368"]),
                {"token": response.context["token"]})
    assert plan.indicators.order_by("order", "id").first().rationale == (  # type: ignore[union-attr]
        "市民アンケートで毎回聞いている設問のため")
    template = client.get(reverse("exchange:template", args=["082368"]))
    assert list(sheets(template.content))[:3] == ["記入方法", "計画", "組織"]
