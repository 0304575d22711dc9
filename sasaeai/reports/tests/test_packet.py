"""The committee packet: made in the background with its progress shown, kept version by
version, and a PDF that opens, embeds its fonts, reads as Japanese and renders every page."""

import subprocess

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.progress.models import Cycle, Packet

pytestmark = pytest.mark.django_db


def kurume_cycle() -> Cycle:
    return Cycle.objects.select_related("plan__municipality").get(
        plan__municipality__code="402036", plan__slug="jiki")


def client(username: str) -> Client:
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def test_the_secretariat_makes_the_kurume_packet_and_it_is_a_proper_japanese_pdf(tmp_path):
    cycle = kurume_cycle()
    url = reverse("packets", args=["402036", "jiki", cycle.pk])
    sato = client("kurume-jimukyoku")
    response = sato.post(url, follow=True)
    assert "委員会資料の第1版の作成を始めました。" in response.text
    packet = Packet.objects.get(cycle=cycle)
    assert (packet.version, packet.status, packet.progress) == (1, "done", 100)
    # Cover, contents, summary, then the goals with their 13 取組 several to a page.
    assert packet.pages and 5 < packet.pages < 13
    pdf = sato.get(reverse("packet_download", args=["402036", "jiki", cycle.pk, 1]))
    path = tmp_path / "packet.pdf"
    path.write_bytes(pdf.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "委員会資料" in text and "目次" in text and "進捗状況" in text
    assert "社協" in text and "未提出：下書き" in text  # the departments still writing
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(path), str(tmp_path / "page")],
                   check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == packet.pages
    assert all(p.stat().st_size > 1500 for p in pages)  # none blank
    assert AuditEvent.objects.filter(action="reports.packet.request").count() == 1


def test_a_new_version_never_overwrites_the_one_handed_out():
    cycle = kurume_cycle()
    url = reverse("packets", args=["402036", "jiki", cycle.pk])
    sato = client("kurume-jimukyoku")
    sato.post(url)
    first = bytes(Packet.objects.get(cycle=cycle, version=1).pdf or b"")
    sato.post(url)
    assert list(cycle.packets.values_list("version", flat=True)) == [2, 1]
    assert bytes(Packet.objects.get(cycle=cycle, version=1).pdf or b"") == first
    page = sato.get(url).text
    assert "第2版" in page and "第1版" in page


@pytest.mark.parametrize(("username", "get", "post"), [
    # The cycle is still 入力中: committee members see it from 委員会審議 on.
    ("kurume-iin", 404, 404), ("kurume-etsuran", 200, 403), ("kurume-tanto", 404, 404),
    ("omitama-jimukyoku", 404, 404),
])
def test_committee_and_viewers_read_packets_and_only_the_secretariat_makes_them(username, get,
                                                                                 post):
    cycle = kurume_cycle()
    url = reverse("packets", args=["402036", "jiki", cycle.pk])
    c = client(username)
    assert c.get(url).status_code == get
    assert c.post(url).status_code == post
    assert not Packet.objects.filter(cycle=cycle).exists()
    assert Client().get(url).status_code == 302
