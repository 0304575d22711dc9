"""Hostile files at every upload: refused with a Japanese message, and nothing changes.

A zip bomb, a file over the size limit, binary garbage, text in an unreadable encoding, formula
cells and 10,000 columns go to each upload a 事務局 has: a survey's microdata, an indicator table,
and a plan workbook or plan file.
"""

import io
import zipfile

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sasaeai.audit.models import AuditEvent
from sasaeai.indicators.models import Indicator
from sasaeai.plans.models import Plan
from sasaeai.surveys.models import Respondent, SurveyRound
from sasaeai.testing import World

pytestmark = pytest.mark.django_db


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * (60 * 1024 * 1024))
    return buffer.getvalue()


def with_formula() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_string(0, 0, "指標")
    sheet.write_string(0, 1, "基準値")
    sheet.write_string(1, 0, "サロン数")
    sheet.write_formula(1, 1, "=1+1", None, 2)
    book.close()
    return buffer.getvalue()


HOSTILE = {
    "zip bomb": ("bomb.xlsx", zip_bomb(), "圧縮率が異常に高い"),
    "too big": ("big.csv", b"a," * (4 * 1024 * 1024 + 1), "大きすぎます"),
    "garbage": ("garbage.csv", bytes(range(256)) * 64, ""),
    "encoding": ("latin1.csv", "指標,値\n".encode("utf-16"), ""),
    "formula": ("formula.xlsx", with_formula(), "数式"),
    "columns": ("wide.csv", (",".join(f"列{i}" for i in range(10_000)) + "\n"
                             + ",".join("1" for _ in range(10_000)) + "\n").encode(), "列が多すぎます"),
}


def state() -> tuple[int, ...]:
    return (SurveyRound.objects.count(), Respondent.objects.count(), Indicator.objects.count(),
            Plan.objects.count(), AuditEvent.objects.count())


def sato(world: World) -> Client:
    client = Client()
    client.force_login(world.sato)
    return client


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_the_survey_upload_refuses_it(world: World, kind):
    name, data, message = HOSTILE[kind]
    before = state()
    response = sato(world).post(reverse("surveys:import", args=["479001"]), {
        "file": SimpleUploadedFile(name, data), "name": "調査", "year": "令和5年度",
        "min_group_n": "10"})
    assert response.status_code == 400
    assert "何も取り込めません" in response.text or "大きすぎます" in response.text
    assert message in response.text
    assert state() == before


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_the_indicator_table_upload_refuses_it(world: World, kind):
    name, data, message = HOSTILE[kind]
    before = state()
    response = sato(world).post(reverse("indicators:import", args=["479001", "dai3ji"]),
                                {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    assert message in response.text
    assert "この内容で取り込む" not in response.text
    assert state() == before


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_the_plan_upload_refuses_it(world: World, kind):
    name, data, _message = HOSTILE[kind]
    name = name.replace(".csv", ".xlsx")
    before = state()
    response = sato(world).post(reverse("exchange:import", args=["479001"]),
                                {"file": SimpleUploadedFile(name, data), "target": "new",
                                 "slug": "hostile"})
    assert response.status_code == 400
    assert "取り込めません" in response.text
    assert state() == before


def test_a_200_mb_upload_is_refused_from_its_declared_length_alone(world: World):
    before = state()
    response = sato(world).post(reverse("surveys:import", args=["479001"]),
                                {"name": "調査", "year": "令和5年度"},
                                CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert response.status_code == 413
    assert "ファイルが大きすぎます" in response.content.decode()
    assert state() == before
