"""Hostile files at every upload: refused with a Japanese message, and nothing changes.

A zip bomb, a file over the size limit, binary garbage, text in an unreadable encoding, formula
cells and 10,000 columns go to each upload a 事務局 has: a survey's microdata, an indicator table,
and a plan workbook or plan file. And text that a spreadsheet would run as a formula, typed into
a codebook or a round's name, comes out of every CSV as text.
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
    assert "送信された内容が大きすぎます" in response.content.decode()
    assert state() == before


# What a spreadsheet would run as a formula, typed where the uploads let a user type: in a
# codebook's question text and option labels, and in the round's name. The pages strip the
# blanks around what they read, so a leading tab or CR arrives as the formula behind it.
FORMULA_STARTS = ["=1+2", "+81-90", "-高齢化", "@SUM(1)", "\t=1+2", "\r=1+2"]


def survey_files(start: str) -> tuple[bytes, bytes]:
    codebook = ("列名,設問文,区分,コード,選択肢,無回答\r\n"
                f'地区,"{start}地区",属性,1,"{start}東地区",\r\n,,,2,"{start}西地区",\r\n'
                f'問1,"{start}参加していますか",設問,1,"{start}参加している",\r\n'
                ',,,2,参加していない,\r\n')
    rows = ["番号,地区,問1"] + [f"{n},{1 + n % 2},{1 + n % 3 // 2}" for n in range(1, 61)]
    return ("\r\n".join(rows) + "\r\n").encode(), codebook.encode()


def cells(response) -> list[str]:
    import csv

    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text[1:])) for cell in row]


@pytest.mark.parametrize("start", FORMULA_STARTS, ids=repr)
def test_labels_and_names_that_start_a_formula_reach_every_csv_as_text(world: World, start):
    from sasaeai.indicators.models import Observation
    from sasaeai.lib.spreadsheets import looks_like_formula

    client = sato(world)
    data, codebook = survey_files(start)
    preview = client.post(reverse("surveys:import", args=["479001"]), {
        "file": SimpleUploadedFile("r5.csv", data), "name": f"{start}市民意識調査",
        "codebook": SimpleUploadedFile("codebook.csv", codebook), "year": "令和5年度",
        "min_group_n": "10", "plans": [world.published.pk]})
    assert preview.status_code == 200, preview.context["form"].errors
    client.post(reverse("surveys:import_confirm", args=["479001"]),
                {"token": preview.context["token"], "digest": preview.context["digest"]})
    survey = SurveyRound.objects.get(municipality=world.home, name__endswith="市民意識調査",
                                     source_filename="r5.csv")
    typed = [survey.name, *survey.questions.values_list("text", flat=True),
             *(label for q in survey.questions.all() for label in
               q.options.values_list("label", flat=True))]
    hostile = [t for t in typed if looks_like_formula(t)]
    assert len(hostile) == 6, typed  # the name, two question texts, three of four labels

    indicator = Indicator.objects.create(plan=world.published, name="地域活動に参加している市民の割合",
                                         unit="%", source_kind="survey")
    Observation.objects.create(indicator=indicator, role="baseline", year=2018, value=40,
                               verbatim="40.0%", sample_size=300)
    query = "?q=問1&option_codes=1&by=地区"
    defined = client.post(reverse("surveys:measure", args=["479001", survey.pk]),
                          {"q": "問1", "option_codes": ["1"], "by": "地区",
                           "indicator": indicator.pk, "weighted": ""})
    assert defined.status_code == 302 and "/indicators/" in defined["Location"]

    every_csv = [
        cells(client.get(survey.get_absolute_url() + query + "&export=csv")),
        cells(client.get(reverse("surveys:codebook_template", args=["479001"]))),
        cells(client.get(reverse("indicators:table", args=["479001", "dai3ji"]),
                         {"export": "csv"})),
        cells(client.get(defined["Location"], {"export": "csv"})),
    ]
    for found in every_csv:
        assert not [c for c in found if looks_like_formula(c)], found
    tabulation = every_csv[0]
    for text in [survey.name, f"{start.strip()}東地区", f"{start.strip()}西地区"]:
        assert "'" + text in tabulation, (text, tabulation)


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_the_personnel_upload_refuses_it(world: World, kind):
    from sasaeai.accounts.models import Invitation, Membership, ScheduledChange

    name, data, message = HOSTILE[kind]
    before = (state(), Membership.objects.count(), Invitation.objects.count(),
              ScheduledChange.objects.count())
    response = sato(world).post(reverse("people:personnel", args=["479001"]),
                                {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    assert message.replace("大きすぎます", "") in response.text
    assert "何も反映していません" in response.text or "大きすぎます" in response.text
    assert 'name="token"' not in response.text
    assert (state(), Membership.objects.count(), Invitation.objects.count(),
            ScheduledChange.objects.count()) == before
