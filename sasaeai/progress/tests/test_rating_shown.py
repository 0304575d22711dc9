"""A 自己評価 typed 「ｂ」 in an Excel sheet is stored as typed beside the scale's 「B」, and shown and
exported as 「B」 everywhere: the cycle page, the report, the summary and its CSV (久留米市, the
scale A〜D)."""

import csv
import io

import pytest

from sasaeai.progress.models import Entry
from sasaeai.progress.tests.test_tasks_page import kurume_cycle, logged_in

pytestmark = pytest.mark.django_db


def typed_in_excel() -> Entry:
    cycle = kurume_cycle()
    entry = cycle.entries.filter(status=Entry.Status.SUBMITTED).order_by("pk").first()
    assert entry is not None
    Entry.objects.filter(pk=entry.pk).update(self_rating="B", self_rating_verbatim="ｂ",
                                             progress="ｂと入力された報告")
    entry.refresh_from_db()
    return entry


def test_the_scales_symbol_is_shown_and_exported_and_the_typed_text_kept():
    entry = typed_in_excel()
    assert entry.self_rating_verbatim == "ｂ" and entry.self_rating_shown == "B"
    sato = logged_in("kurume-jimukyoku")
    cycle_page = sato.get(entry.cycle.get_absolute_url()).text
    assert "<td>B</td>" in cycle_page and "<td>ｂ</td>" not in cycle_page
    assert ">ｂ<" not in sato.get(entry.get_absolute_url()).text
    summary = f"{entry.cycle.get_absolute_url()}summary/"
    rows = list(csv.DictReader(io.StringIO(
        sato.get(summary, {"export": "csv"}).content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["進捗状況"] == "ｂと入力された報告")
    assert row["自己評価"] == "B"
