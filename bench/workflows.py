"""The long waits: the committee packet PDF, the whole-plan workbook out and in, and a pasted
indicator table of 500 rows.

    python -m bench.workflows [--repeats R]     (against the configured, generated DB)

Run in a child process per database (see bench/__main__.py), on the first municipality's plan
(about 60 取組, 15 indicators with 7 values each). Each figure times the calls the views (or the
packet task) make, i.e. what the user waits for:

- packet: `render_packet` of the last published cycle (what `build_packet` runs in the worker).
  Floor: WeasyPrint writing a one-page Japanese document (its fixed cost).
- workbook export: `export_plan(cycles=False)` + `build_plan_workbook`, as the 事務局 downloads it.
  Floor: XlsxWriter writing the same cell values, unformatted, into one sheet per sheet.
- workbook import: the confirmation of an upload as a new plan: `parse_plan_workbook` +
  `import_plan` (saved, then rolled back so every repetition starts alike); the preview (the
  same with dry_run) and an update of the plan from its own workbook (`update_plan`, the
  preview of a round trip) are timed too. Floor: openpyxl reading every cell of the file.
- paste: 500 new indicators with a baseline, an actual value and a target each (1,500 figures)
  pasted as tab-separated text; the preview (`rows_from_text`, `parse_table`, `plan_changes`,
  `changes_digest`) and the confirmation (`parse_table`, `import_indicator_table`, rolled back).
  Floor: splitting the text and bulk-inserting as many indicators and observations (rolled back).

The figure is the median of the repetitions (after one warm-up, not counted, for the packet
and the workbook: the first call pays for imports and font loading).
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from bench.common import figure

REPEATS = 5
PACKET_REPEATS = 2
PASTE_ROWS = 500
TARGETS = {"packet": 10.0, "export": 2.0, "import": 5.0, "paste": 5.0}


class Rollback(Exception):
    """Raised to roll a timed transaction back."""


def timed(call: Callable[[], Any], repeats: int, *, warmup: bool = True,
          rollback: bool = False) -> tuple[list[float], Any]:
    from django.db import transaction

    def once() -> tuple[float, Any]:
        start = time.perf_counter()
        if not rollback:
            value = call()
            return time.perf_counter() - start, value
        holder: list[Any] = []
        try:
            with transaction.atomic():
                start = time.perf_counter()
                holder.append(call())
                holder.append(time.perf_counter() - start)
                raise Rollback
        except Rollback:
            pass
        return holder[1], holder[0]

    if warmup:
        once()
    runs = [once() for _ in range(repeats)]
    return [t for t, _ in runs], runs[-1][1]


def paste_text(rows: int = PASTE_ROWS) -> str:
    lines = ["基本目標\t指標名\t単位\t基準値（平成30年度）\t現状値（令和5年度）\t目標値（令和6年度）\t出典"]
    topics = ["見守り訪問", "サロン参加", "相談受付", "ボランティア派遣", "配食サービス利用"]
    for n in range(rows):
        base = 100 + n * 3
        lines.append(f"{n % 3 + 1}\t{topics[n % len(topics)]}の件数（第{n + 1}地区）\t件\t"
                     f"{base:,}\t{base + 25:,}\t{base + 60:,}\t業務統計")
    return "\n".join(lines) + "\n"


def measure(repeats: int = REPEATS, packet_repeats: int = PACKET_REPEATS) -> dict[str, Any]:
    import openpyxl
    import xlsxwriter
    from django.db import connection
    from weasyprint import HTML

    from bench.national import END_FY, SLUG, places
    from sasaeai.accounts.models import User
    from sasaeai.exchange.planimport import import_plan
    from sasaeai.exchange.planjson import export_plan
    from sasaeai.exchange.planupdate import update_plan
    from sasaeai.exchange.workbook import build_plan_workbook, parse_plan_workbook
    from sasaeai.indicators import actions
    from sasaeai.indicators.models import Indicator, Observation
    from sasaeai.indicators.tables import parse_table, rows_from_text
    from sasaeai.plans.models import Plan
    from sasaeai.progress.models import Cycle
    from sasaeai.reports.packet import render_packet

    code = places()[0].code
    plan = Plan.objects.select_related("municipality").get(municipality__code=code, slug=SLUG)
    municipality = plan.municipality
    secretariat = User.objects.get(username=f"b{code}-jimukyoku")
    place = {"code": municipality.code, "name": municipality.name,
             "prefecture": municipality.prefecture}
    out: dict[str, Any] = {"vendor": connection.vendor, "plan": {
        "initiatives": plan.initiatives.count(), "elements": plan.elements.count(),
        "indicators": plan.indicators.count(), "statements": plan.statements.count()}}

    # -- packet
    cycle = (Cycle.objects.select_related("plan__municipality", "rating_scale")
             .get(plan=plan, fiscal_year=END_FY - 1))
    packet_times, (pdf, pages) = timed(lambda: render_packet(cycle, version=1), packet_repeats)
    one_page = ("<html lang='ja'><body><h1>委員会資料</h1><p>地域福祉計画の進捗状況</p></body></html>")
    floor_times, _ = timed(lambda: HTML(string=one_page).write_pdf(), repeats)
    out["packet"] = {"times": packet_times, "floor": floor_times, "pages": pages,
                     "bytes": len(pdf), "entries": cycle.entries.count()}

    # -- workbook export
    def export() -> bytes:
        fresh = Plan.objects.select_related("municipality").get(pk=plan.pk)
        return build_plan_workbook(export_plan(fresh, public=False, cycles=False))

    export_times, data = timed(export, repeats)
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    sheets = {ws.title: [list(row) for row in ws.iter_rows(values_only=True)]
              for ws in book.worksheets}
    cells = sum(len(r) for rows in sheets.values() for r in rows)

    def bare_export() -> bytes:
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        for title, rows in sheets.items():
            sheet = workbook.add_worksheet(title)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is not None:
                        sheet.write(r, c, value)
        workbook.close()
        return buffer.getvalue()

    bare_export_times, _ = timed(bare_export, repeats)
    out["export"] = {"times": export_times, "floor": bare_export_times, "bytes": len(data),
                     "sheets": len(sheets), "cells": cells}

    # -- workbook import (a new plan from the workbook), its preview, and a round-trip update
    def parse() -> Any:
        result = parse_plan_workbook(data, municipality=place)
        if result.errors:
            raise SystemExit(f"the exported workbook does not read back: {result.errors[:3]}")
        return result.doc

    def import_new(dry_run: bool) -> Any:
        return import_plan(by=secretariat, municipality=municipality, doc=parse(),
                           slug="bench-import", dry_run=dry_run)

    def update_preview() -> Any:
        fresh = Plan.objects.select_related("municipality").get(pk=plan.pk)
        return update_plan(by=secretariat, plan=fresh, doc=parse(), dry_run=True)

    import_times, imported = timed(lambda: import_new(False), repeats, rollback=True)
    preview_times, _ = timed(lambda: import_new(True), repeats)
    update_times, updated = timed(update_preview, repeats)

    def bare_read() -> int:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return sum(1 for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                   for _ in row)

    read_times, _ = timed(bare_read, repeats)
    out["import"] = {"times": import_times, "preview": preview_times, "update": update_times,
                     "floor": read_times, "counts": imported.counts,
                     "update_changes": len(updated.changes)}

    # -- pasted table
    text = paste_text()

    def preview() -> Any:
        table = parse_table(rows_from_text(text))
        changes = actions.plan_changes(plan, table)
        actions.changes_digest(changes)
        return table, changes

    paste_preview_times, (table, changes) = timed(preview, repeats)
    if table.errors or any(c.blocked for c in changes):
        raise SystemExit(f"the pasted table does not import: {table.errors[:3]}")

    def confirm() -> Any:
        fresh = Plan.objects.select_related("municipality").get(pk=plan.pk)
        return actions.import_indicator_table(by=secretariat, plan=fresh,
                                              table=parse_table(rows_from_text(text)))

    paste_times, done = timed(confirm, repeats, rollback=True)

    def bare_insert() -> int:
        rows = [line.split("\t") for line in text.splitlines()[1:]]
        made = Indicator.objects.bulk_create(
            [Indicator(plan=plan, name=f"{r[1]}#bench", unit=r[2], order=1000 + n)
             for n, r in enumerate(rows)])
        Observation.objects.bulk_create(
            [Observation(indicator=i, role=role, year=year, value=Decimal(r[col].replace(",", "")),
                         verbatim=r[col])
             for i, r in zip(made, rows, strict=True)
             for role, year, col in (("baseline", 2018, 3), ("actual", 2023, 4),
                                     ("actual", 2024, 5))])
        return len(made)

    paste_floor_times, _ = timed(bare_insert, repeats, rollback=True)
    out["paste"] = {"times": paste_times, "preview": paste_preview_times,
                    "floor": paste_floor_times, "rows": PASTE_ROWS,
                    "created": sum(1 for c in done if c.action == "新規")}
    return out


def figures(measured: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}

    def add(key: str, times: list[float], floor: list[float], target: float, size: str,
            **extra: Any) -> None:
        value = statistics.median(times)
        found[key] = figure(value, "s", floor=statistics.median(floor), size=size,
                            target=f"≤{target:g} s", met=value <= target, digits=3,
                            max_s=round(max(times), 3), repeats=len(times), **extra)

    for size, answer in measured.items():
        packet, export, imported, paste = (answer[k] for k in
                                           ("packet", "export", "import", "paste"))
        common = {"vendor": answer["vendor"], **{f"plan_{k}": v for k, v in
                                                 answer["plan"].items()}}
        add(f"workflow.packet.{size}.s", packet["times"], packet["floor"], TARGETS["packet"],
            size, pages=packet["pages"], pdf_bytes=packet["bytes"], entries=packet["entries"],
            floor_is="WeasyPrint, one-page document", **common)
        add(f"workflow.workbook_export.{size}.s", export["times"], export["floor"],
            TARGETS["export"], size, sheets=export["sheets"], cells=export["cells"],
            xlsx_bytes=export["bytes"], floor_is="XlsxWriter, same cells unformatted", **common)
        add(f"workflow.workbook_import.{size}.s", imported["times"], imported["floor"],
            TARGETS["import"], size, counts=imported["counts"],
            floor_is="openpyxl reading every cell", **common)
        add(f"workflow.workbook_import_preview.{size}.s", imported["preview"],
            imported["floor"], TARGETS["import"], size,
            floor_is="openpyxl reading every cell", **common)
        add(f"workflow.workbook_update_preview.{size}.s", imported["update"], imported["floor"],
            TARGETS["import"], size, changes=imported["update_changes"],
            floor_is="openpyxl reading every cell", **common)
        add(f"workflow.paste_500.{size}.s", paste["times"], paste["floor"], TARGETS["paste"],
            size, rows=paste["rows"], created=paste["created"],
            floor_is="split + bulk_create of as many rows", **common)
        add(f"workflow.paste_500_preview.{size}.s", paste["preview"], paste["floor"],
            TARGETS["paste"], size, rows=paste["rows"],
            floor_is="split + bulk_create of as many rows", **common)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workflows", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--packet-repeats", type=int, default=PACKET_REPEATS)
    args = parser.parse_args(argv)
    from bench.common import setup_django

    setup_django()
    print(json.dumps(measure(args.repeats, args.packet_repeats), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
