"""Open data as CSV: UTF-8 with a BOM (so Excel opens it as UTF-8), the source and the licence
named on every row, and no cell that a spreadsheet would run as a formula.

Every public table has this twin (`?export=csv`); the plan as a whole has the JSON plan file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sasaeai.lib.spreadsheets import looks_like_formula, safe_text

if TYPE_CHECKING:
    from django.http import HttpResponse

LICENCE = "CC BY 4.0（出典を記載すれば、複製・加工・再配布できます）"
SOURCE_COLUMNS = ("出典", "ライセンス")


def cell(value: Any) -> str:
    """A cell's text; one that starts like a formula gets a leading apostrophe (as Excel does)."""
    text = safe_text(value)
    return "'" + text if looks_like_formula(text) else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, source: str,
              licence: str = LICENCE) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*header, *SOURCE_COLUMNS])
    for row in rows:
        writer.writerow([*(cell(v) for v in row), source, licence])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *,
                 source: str) -> HttpResponse:
    """A CSV download of a page's table (spaces in the file name become underscores)."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    response = HttpResponse(csv_bytes(header, rows, source=source),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, filename.replace(" ", "_"))
    return response
