"""Hostile input that once answered 500: each case now has a clear Japanese answer and changes
nothing. (The generated sweep over every route is in test_hostile_input.py.)

Who asks: 匿名の市民 for the public pages, 事務局の佐藤 and 小美玉市の事務局 for the imports,
委員の高橋 for an opinion, 担当課の田中 for the 照会 workbook, 事務局の佐藤 for the second factor.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from sasaeai.accounts.models import User
from sasaeai.exchange.planimport import PlanImportError, build
from sasaeai.exchange.planjson import export_plan
from sasaeai.exchange.tests.test_planupdate import omitama
from sasaeai.indicators.charts import indicator_chart_svg
from sasaeai.indicators.models import Indicator, Observation, Target
from sasaeai.progress.models import Cycle, Opinion
from sasaeai.progress.workbook import SHEET, build_workbook, parse_workbook
from sasaeai.testing import PASSWORD, Review, World, build_review
from sasaeai.tests.permission_estate import advance
from sasaeai.tests.test_hostile_input import nul_refused_like_postgresql
from sasaeai.tests.test_routes import counts

pytestmark = pytest.mark.django_db

UNICODE_DIGITS = ["²", "①", "፩", "⁰", "፩፪", "٣"]
MATHTEXT = r"$\frac{1}$"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def signed_in(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def omitama_secretariat() -> Client:
    return signed_in(User.objects.get(username="omitama-jimukyoku"))


def plan_upload(client: Client, name: str, data: bytes) -> Any:
    return client.post(reverse("exchange:import", args=["082368"]), {
        "file": SimpleUploadedFile(name, data), "target": "new", "slug": "hostile"})


def test_it_ignores_a_fiscal_year_written_in_digits_other_than_ascii(world: World):
    anonymous = Client(raise_request_exception=False)
    url = reverse("indicators:table", args=["479001", "dai3ji"])
    for fy in [*UNICODE_DIGITS, "2024" + "²", "9" * 400, "-2024"]:
        response = anonymous.get(url, {"fy": fy})
        assert response.status_code == 200, fy
        assert response.context["year"] is None, fy  # judged as of the latest figures
    assert anonymous.get(url, {"fy": "2024"}).context["year"] == 2024


def test_it_refuses_a_plan_file_nested_200000_deep_and_registers_nothing():
    client = omitama_secretariat()
    before = counts()
    response = plan_upload(client, "deep.json", nested(200_000).encode())
    assert response.status_code == 400
    assert "入れ子が深すぎます" in response.text
    assert counts() == before


def test_it_refuses_a_plan_file_nested_just_under_the_recursion_limit():
    """Deep enough for the schema check to recurse, shallow enough for json to read."""
    document = export_plan(omitama())
    document["plan"]["title"] = json.loads(nested(900))
    client = omitama_secretariat()
    before = counts()
    response = plan_upload(client, "deep.json",
                           json.dumps(document, ensure_ascii=False).encode())
    assert response.status_code == 400
    assert "plan／title：値の型が違います（文字列にしてください）。" in response.text
    assert counts() == before


def with_bad_as_of(document: dict[str, Any]) -> dict[str, Any]:
    observation = next(o for i in document["indicators"] for o in i["observations"])
    observation["as_of"] = "2024-99-99"
    return document


def test_it_refuses_a_plan_file_with_an_impossible_date_and_registers_nothing():
    data = json.dumps(with_bad_as_of(export_plan(omitama())), ensure_ascii=False).encode()
    client = omitama_secretariat()
    before = counts()
    response = plan_upload(client, "bad-date.json", data)
    assert response.status_code == 400
    assert "「2024-99-99」は日付として読めません" in response.text
    assert counts() == before


def test_it_refuses_an_impossible_date_in_an_update_of_a_plan_too():
    client = omitama_secretariat()
    plan = omitama()
    data = json.dumps(with_bad_as_of(export_plan(plan)), ensure_ascii=False).encode()
    before = counts()
    response = client.post(reverse("exchange:import", args=["082368"]), {
        "file": SimpleUploadedFile("bad-date.json", data), "target": str(plan.pk)})
    assert response.status_code == 400
    assert "「2024-99-99」は日付として読めません" in response.text
    assert counts() == before


def run_import_plan(tmp_path: Path, content: str) -> str:
    path = tmp_path / "hostile.json"
    path.write_text(content, encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_plan", str(path), "--municipality", "082368", "--slug", "hostile",
                     stdout=StringIO(), stderr=err)
    return f"{refused.value} {err.getvalue()}"


def test_it_stops_import_plan_on_a_file_nested_200000_deep(tmp_path: Path):
    before = counts()
    assert "入れ子が深すぎます" in run_import_plan(tmp_path, nested(200_000))
    assert counts() == before


def test_it_stops_import_plan_on_an_impossible_date(tmp_path: Path):
    content = json.dumps(with_bad_as_of(export_plan(omitama())), ensure_ascii=False)
    before = counts()
    said = run_import_plan(tmp_path, content)
    assert "「2024-99-99」は日付として読めません" in said and "何も登録しませんでした" in said
    assert counts() == before


def test_it_answers_404_to_an_opinion_on_an_entry_that_is_not_a_number(world: World):
    review = build_review(world)
    cycle = advance(review.cycle, Cycle.Status.REVIEWING, world.sato)
    url = reverse("progress:opinion_create", args=["479001", "dai3ji", cycle.pk])
    takahashi = signed_in(world.takahashi)
    for entry in ("abc", "²", "፩", str(10**30), "-1", "1\x00"):
        response = takahashi.post(url, {"entry": entry, "text": "周知を強めてください。"})
        assert response.status_code == 404, entry
    assert not Opinion.objects.filter(cycle=cycle).exists()


def workbook_with_id(review: Review, typed_id: str) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(build_workbook(review.cycle, review.dept)))
    sheet = book[SHEET]
    rows = list(sheet.iter_rows())
    head = next(i for i, row in enumerate(rows) if row[0].value == "報告ID")
    rows[head + 1][0].value = typed_id
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# Full-width digits (and ², ①) are read as their ASCII digits, as NFKC folds them; digits
# of other scripts are not read at all.
@pytest.mark.parametrize("typed_id", ["፩፪", "⑴", "٣", str(10**30)])
def test_it_reports_a_workbook_id_in_other_digits_as_unreadable(world: World, typed_id: str):
    review = build_review(world)
    preview = parse_workbook(review.cycle, review.dept, workbook_with_id(review, typed_id),
                             filename="照会.xlsx")
    problems = [e for row in preview.rows for e in row.errors]
    assert f"報告ID「{typed_id}」が読み取れません。" in problems


def test_it_uploads_a_workbook_with_ethiopic_ids_as_a_preview_with_errors(world: World):
    review = build_review(world)
    url = reverse("progress:workbook_upload", args=["479001", "dai3ji", review.cycle.pk,
                                                    review.dept.pk])
    tanaka = signed_in(world.tanaka)
    before = counts()
    response = tanaka.post(url, {"file": SimpleUploadedFile(
        "照会.xlsx", workbook_with_id(review, "፩፪"))})
    assert response.status_code in {200, 400}
    assert "報告ID「፩፪」が読み取れません。" in response.text
    assert counts() == before


@pytest.mark.parametrize("code", ["²²²²²²", "①②③④⑤⑥", "፩፪፫፬፭፮", "⁰⁰⁰⁰⁰⁰", "٣٣٣٣٣٣"])
def test_it_refuses_a_set_up_code_in_other_digits_with_a_japanese_message(world: World,
                                                                          code: str):
    sato = Client(raise_request_exception=False)
    sato.force_login(world.ito)  # a viewer has no second factor yet
    setup = reverse("accounts:two_factor_setup")
    assert sato.get(setup).status_code == 200
    response = sato.post(setup, {"code": code})
    assert response.status_code == 400
    assert "確認コードが正しくありません" in response.text
    assert not TOTPDevice.objects.filter(user=world.ito).exists()


@pytest.mark.parametrize("code", ["²²²²²²", "፩፪፫፬፭፮"])
def test_it_refuses_a_sign_in_code_in_other_digits(world: World, code: str):
    sato = Client(raise_request_exception=False)
    sato.force_login(world.sato)
    sato.logout()
    sato.post(reverse("accounts:login"), {"username": "sato", "password": PASSWORD})
    response = sato.post(reverse("accounts:two_factor"), {"code": code})
    assert response.status_code == 400
    assert "確認コードが正しくありません" in response.text


def test_it_draws_a_unit_written_in_mathtext_as_plain_text(world: World):
    indicator = Indicator.objects.create(plan=world.published, name=f"参加者数{MATHTEXT}",
                                         unit=MATHTEXT, source_kind="records",
                                         source_text=MATHTEXT)
    Observation.objects.create(indicator=indicator, role="baseline", year=2020,
                               value=Decimal("120"), verbatim=f"120{MATHTEXT}")
    Target.objects.create(indicator=indicator, kind=Target.Kind.VALUE, year=2025,
                          value=Decimal("150"), verbatim=f"150{MATHTEXT}", year_kind="fiscal")
    svg = indicator_chart_svg(Indicator.objects.with_figures().get(pk=indicator.pk))
    assert svg is not None and MATHTEXT in svg
    response = Client(raise_request_exception=False).get(
        reverse("indicators:detail", args=["479001", "dai3ji", indicator.pk]))
    assert response.status_code == 200


def test_it_refuses_an_impossible_time_which_the_schema_does_not_check():
    with pytest.raises(PlanImportError) as refused:
        build(Cycle, {"confirmed_at": "2024-99-99T25:00:00"})
    assert refused.value.errors == ["評価サイクルの確定日時：「2024-99-99T25:00:00」は日時として読めません。"]


def test_it_sends_a_next_that_is_not_a_path_to_the_top_page(world: World):
    sato = signed_in(world.sato)
    for target in ("foo", "²", MATHTEXT, "a\x00b", "//evil.example/"):
        response = sato.get(reverse("accounts:two_factor"), {"next": target})
        assert (response.status_code, response["Location"]) == (302, "/"), target


def test_it_ignores_a_ticked_clear_box_on_the_table_upload(world: World):
    """The pasted-table form and the survey's codebook are optional uploads: a "clear" box
    sent with them (there is none on the page) no longer turns the upload into False."""
    sato = signed_in(world.sato)
    response = sato.post(reverse("indicators:import", args=["479001", "dai3ji"]),
                         {"file-clear": "on"})
    assert response.status_code == 400
    assert "表を貼り付けるか、ファイルを選んでください。" in response.text


def test_it_ignores_a_ticked_clear_box_on_the_survey_codebook(world: World):
    sato = signed_in(world.sato)
    response = sato.post(reverse("surveys:import", args=["479001"]),
                         {"codebook-clear": "on", "name": "令和5年度市民意識調査", "year": "令和5年度"})
    assert response.status_code == 400
    assert "アップロードするファイルを選んでください。" in response.text


def test_it_refuses_a_plan_id_no_column_can_hold(world: World):
    sato = signed_in(world.sato)
    response = sato.post(reverse("surveys:import", args=["479001"]),
                         {"plans": [str(world.published.pk), str(10**30)],
                          "name": "令和5年度市民意識調査", "year": "令和5年度"})
    assert response.status_code == 400
    assert "選べない計画が含まれています。" in response.text


def test_it_searches_without_the_nul_postgresql_would_refuse(world: World):
    anonymous = Client(raise_request_exception=False)
    with nul_refused_like_postgresql():
        for url, key in ((reverse("home"), "q"), (reverse("home"), "pref"),
                         (reverse("public:search", args=["479001", "dai3ji"]), "q")):
            assert anonymous.get(url, {key: "見守り\x00"}).status_code == 200, (url, key)
