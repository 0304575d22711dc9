"""Every CSV the app writes: UTF-8 with a BOM (so Excel opens it as UTF-8), CRLF line ends, and
no cell that a spreadsheet would run as a formula, whoever typed it (a codebook label, a survey's
name and a plan's title all come from uploads).

Open data names the source and the licence on every row: every public table has this twin
(`?export=csv`); the plan as a whole has the JSON plan file. The 事務局's own tables (a survey's
tabulation, a template to fill in) are the same CSV without those columns, and not cached.
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
CONTENT_TYPE = "text/csv; charset=utf-8"


def cell(value: Any) -> str:
    """A cell's text; one that starts like a formula gets a leading apostrophe (as Excel does)."""
    text = safe_text(value)
    # A leading CR is folded into LF by safe_text; the original still decides.
    risky = looks_like_formula(text) or (isinstance(value, str) and looks_like_formula(value))
    return "'" + text if risky else text


def table_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """Rows (the header among them) as a CSV file, every cell through `cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, source: str,
              licence: str = LICENCE) -> bytes:
    return table_bytes([[*header, *SOURCE_COLUMNS],
                        *([*row, source, licence] for row in rows)])


def attachment(content: bytes, filename: str, *, private: bool = False) -> HttpResponse:
    """A CSV file as a download; `private` for what only signed-in staff may read."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *,
                 source: str) -> HttpResponse:
    """A CSV download of a page's table (spaces in the file name become underscores)."""
    return attachment(csv_bytes(header, rows, source=source), filename.replace(" ", "_"))
