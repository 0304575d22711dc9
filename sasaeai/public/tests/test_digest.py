"""The 概要版: a short digest of a plan, as a page and as an A4 PDF with its fonts embedded."""

import subprocess

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_digest_page_gives_the_plan_at_a_glance():
    response = Client().get(reverse("public:digest", args=["082368", "dai3ji"]))
    assert response.status_code == 200
    text = response.text
    assert "ぬくもりあふれるまちづくり" in text  # 基本理念
    assert "基本目標1　地域で共に支えあう あたたかな心づくり" in text
    assert "外国人への支援（新規）" in text
    assert text.count('<th scope="row">') >= 10  # the ten indicators and the facts
    assert "地域の防災訓練に参加していると回答した割合" in text
    assert Client().get(reverse("public:digest", args=["082368", "dai2ji"])).status_code == 404


def test_the_digest_pdf_embeds_its_fonts_and_reads_as_japanese(tmp_path):
    response = Client().get(reverse("public:digest", args=["082368", "dai3ji"]),
                            {"export": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "digest.pdf"
    path.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows)  # every font embedded
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "第3次小美玉市地域福祉計画" in text and "成果指標" in text
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)
    page = next(tmp_path.glob("page*.png"))
    assert page.stat().st_size > 5000  # not a blank page
