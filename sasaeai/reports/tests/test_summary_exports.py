"""The 進捗のまとめ as a file: the same rows as the screen, in Excel and in a printable PDF."""

import io
import re
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sasaeai.plans.models import Plan
from sasaeai.progress.models import Cycle

pytestmark = pytest.mark.django_db


def shimotsuke_url() -> str:
    cycle = Cycle.objects.get(plan__municipality__code="092169")
    return reverse("progress:summary", args=["092169", cycle.plan.slug, cycle.pk])


def test_it_exports_the_shimotsuke_summary_to_excel_row_by_row():
    response = Client().get(shimotsuke_url() + "?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["進捗のまとめ"]
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "しもつけ 第2期 地域福祉計画 第2期計画 事業進捗のまとめ(確定版)"
    assert rows[3][:2] == ("取組", "主体") and rows[3][6:8] == ("進捗状況", "課題")
    body = [r for r in rows[4:] if r[1] in {"下野市", "社協"}]
    assert len(body) == 28
    first = body[0]
    assert first[6].startswith("地域活動団体や学校、スポーツ団体、サロン運営ボランティア等")
    assert first[7].startswith("参加者の減少やメンバーの固定化が課題")


def test_it_prints_the_summary_as_a_japanese_a4_landscape_pdf(tmp_path):
    response = Client().get(shimotsuke_url() + "?export=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "summary.pdf"
    path.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "Page size:       841.89 x 595.276 pts (A4)" in info.stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    assert "BIZ-UDPGothic" in fonts.stdout or "NotoSansCJK" in fonts.stdout
    assert all(" yes " in line for line in fonts.stdout.splitlines()[2:] if line.strip())
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "しもつけふくしフェスタ" in text.replace(" ", "").replace("\n", "")
    assert re.search(r"1\s*/\s*\d", text)  # page numbers


def test_it_refuses_exports_to_whoever_may_not_read_the_summary():
    plan = Plan.objects.get(municipality__code="402036", slug="jiki")
    cycle = Cycle.objects.get(plan=plan, fiscal_year=2024)
    url = reverse("progress:summary", args=["402036", plan.slug, cycle.pk])
    for export in ("xlsx", "pdf"):
        assert Client().get(url + f"?export={export}").status_code == 404


@pytest.mark.django_db
def test_the_published_summary_has_a_csv_twin_for_anyone():
    import csv
    import io

    from django.test import Client

    from sasaeai.progress.models import Cycle

    cycle = Cycle.objects.select_related("plan__municipality").get(
        plan__municipality__code="092169", status="published")
    response = Client().get(f"{cycle.get_absolute_url()}summary/", {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["基本目標", "取組", "主体"] and rows[0][-1] == "ライセンス"
    assert {r[2] for r in rows[1:]} == {"下野市", "社協"}
    assert len(rows) > 20
