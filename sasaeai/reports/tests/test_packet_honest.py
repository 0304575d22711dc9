"""An honest, compact packet: the summary first, every report with its state, unfinished ones
marked or left out as the 事務局 chose (and the cover says which), the legend of the scale, the
whole report of each organization, a cover title that breaks only between words, and emoji."""

import subprocess

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.progress.models import Cycle, Packet
from sasaeai.reports.packet import render_packet
from sasaeai.reports.tests.reported import (
    DIRECTION_TEXT,
    INDICATOR,
    ISSUES,
    OPINION,
    PROGRESS,
    REASON,
    RESPONSE,
    RESULTS,
    shimotsuke_reported,
)

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes, tmp_path, *, layout: bool = False, page: int | None = None) -> str:
    path = tmp_path / "packet.pdf"
    path.write_bytes(pdf)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    args = ["pdftotext", *(["-layout"] if layout else []), *pages, str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    return "".join(text.split())


def kurume_packet(tmp_path, **form: str) -> str:
    cycle = Cycle.objects.get(plan__municipality__code="402036", plan__slug="jiki")
    sato = Client()
    sato.force_login(User.objects.get(username="kurume-jimukyoku"))
    sato.post(reverse("packets", args=["402036", "jiki", cycle.pk]), form)
    packet = Packet.objects.get(cycle=cycle)
    return flat(pdf_text(bytes(packet.pdf or b""), tmp_path))


def test_it_opens_with_the_summary_and_marks_every_unfinished_report(tmp_path):
    text = kurume_packet(tmp_path)
    assert "提出されていない報告が19件あります" in text
    overview = text.index("全体のまとめ", text.index("目次") + 10)
    assert overview < text.index("報告の状態（26件）") < text.index("提出されていない報告（19件）")
    assert "評価ごとの件数" in text and "成果指標の判定（4件）" in text
    assert "未提出：下書き" in text and "未提出：未着手" in text and "未提出：差戻し" in text
    assert "提出済" in text


def test_it_prints_the_legend_of_the_rating_scale(tmp_path):
    cycle = Cycle.objects.get(plan__municipality__code="402036", plan__slug="jiki")
    assert cycle.rating_scale is not None
    text = kurume_packet(tmp_path)
    assert "評価の尺度" in text
    for level in cycle.rating_scale.levels.all():
        assert flat(f"{level.code}{level.label}{level.definition}") in text


def test_the_secretariat_may_leave_unfinished_reports_out_and_the_cover_says_so(tmp_path):
    text = kurume_packet(tmp_path, leave_out_unfinished="1")
    assert "事務局の判断によりこの資料に載せていません" in text
    assert "未提出：" not in text
    event = AuditEvent.objects.get(action="reports.packet.request")
    assert event.after is not None and event.after["include_unfinished"] is False


def test_it_prints_the_whole_report_of_each_organization_with_its_state(tmp_path):
    reported = shimotsuke_reported(emoji=True)
    pdf, _pages = render_packet(reported.cycle, version=1)
    text = flat(pdf_text(pdf, tmp_path))
    for written in (RESULTS + "😊", "実績値：1,240人", PROGRESS, ISSUES, "拡充", DIRECTION_TEXT,
                    REASON, OPINION, RESPONSE, f"{INDICATOR}：令和5年度（2023年度）の12か所・順調"):
        assert flat(written) in text
    assert "確認済" in text and "すべての報告（28件）が提出されています" in text
    assert "（記入なし）" not in text
    path = tmp_path / "packet.pdf"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "Noto-Color-Emoji" in fonts


def test_the_cover_title_breaks_only_between_words(tmp_path):
    reported = shimotsuke_reported()
    pdf, _pages = render_packet(reported.cycle, version=1)
    cover = pdf_text(pdf, tmp_path, layout=True, page=1)
    title = f"{reported.cycle.plan.title} {reported.cycle.display_title} 委員会資料"
    lines = [line.split() for line in cover.splitlines() if line.strip()]
    words = [w for line in lines for w in line]
    for phrase in title.split():
        assert phrase in words  # each phrase whole on one line
