"""The Excel round trip (照会): one organization's entries out as a workbook, and back in.

Many departments still answer the secretariat's 照会 by spreadsheet. `build_workbook` writes the
organization's entries of a cycle, one row each, with the key columns locked and a signed key
cell naming the cycle and organization; `parse_workbook` reads the filled file (or the same
columns saved as CSV) into a `Preview`: per row, the entry, the changes it would make and the
errors in Japanese. Nothing is written here; `actions.apply_workbook` applies a preview without
errors, all or nothing.

A row is compared with the version it was downloaded at (the 版 column): a row the user did not
touch is left alone even if someone changed the entry since, and a row the user did change
conflicts if someone else changed the entry in between.
"""

from sasaeai.lib.spreadsheets import XLSX_TYPE
from sasaeai.progress.workbook.reading import (
    FieldChange,
    Preview,
    RowResult,
    parse_workbook,
    read_rows,
)
from sasaeai.progress.workbook.sheet import (
    COLUMNS,
    GUIDE,
    MAX_UPLOAD_BYTES,
    SHEET,
    display_values,
    is_open,
    workbook_key,
)
from sasaeai.progress.workbook.writing import build_workbook

__all__ = [
    "COLUMNS", "GUIDE", "MAX_UPLOAD_BYTES", "SHEET", "XLSX_TYPE", "FieldChange", "Preview",
    "RowResult", "build_workbook", "display_values", "is_open", "parse_workbook", "read_rows",
    "workbook_key",
]
