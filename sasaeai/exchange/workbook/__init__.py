"""The plan workbook: a whole plan in one .xlsx, to and from a `sasaeai-plan` document.

Many plans are first typed into spreadsheets, so a plan can also travel as a workbook: one sheet
per kind of row (計画, 組織, 圏域, 体系, 取組, 主体, 役割, 課題, 指標, 目標値, 実績値), behind a
「記入方法」 sheet that explains them. `build_plan_workbook(doc)` writes a document (or, with
None, the empty template); `parse_plan_workbook(data, municipality=...)` reads a filled workbook
back into a document that `planimport.import_plan` takes, or into Japanese error messages that
name the sheet, the row and the column. Pure functions over documents: no database here.

What the workbook leaves out, on purpose: progress cycles, judgement overrides, the judgement
rule and the rating scale, which have their own screens. A document read from a workbook has
`cycles == []`, `judgement_rule is None`, `rating_scale is None` and no overrides.

How rows find each other (the same rules are written in the 記入方法 sheet):
- 体系 rows by 項目コード: the number as printed (or the title when there is none) of the row
  and its ancestors, joined with " > " (「1 > (1) > ①」). A code is only a name: any text that is
  unique works, and an empty code is made from the parent's code and the row's own number.
  Two siblings that would get the same code are told apart with 「（2）」 on writing.
- 取組 rows by 取組コード: the home element's code + " > " + the number (or title).
- organizations by 組織名 (unique in a municipality), actors by 見出し (unique in a plan),
  indicators by 指標名 (unique in a plan), areas by 圏域名, or by 「上位の圏域名 > 圏域名」 when
  the name alone is not unique (names are unique only under one parent).
- 役割番号 and 課題番号 are numbers local to the file, for 再掲 and for evidence rows.
Rows are never matched by position; the order of rows is the display order (the `order` of
each row is 0, 1, 2 … within its group, in row order).

Every cell is written as text (`TextCells`), so no text becomes a formula and a decimal keeps
its exact digits; reading goes through `read_xlsx_book`, which refuses formulas, zip bombs and
oversized files. Bad input never raises: each problem becomes one message and `doc` is None.
"""

from sasaeai.exchange.workbook.columns import (
    ACTOR_KINDS,
    AGGREGATIONS,
    COLUMNS,
    EVIDENCE_KINDS,
    INDICATOR_KINDS,
    MARGIN_BASES,
    MARGIN_PRINTED,
    MAX_UPLOAD_BYTES,
    OBSERVATION_STATUSES,
    ORG_KINDS,
    PLAN_FIELDS,
    PLAN_KINDS,
    PLAN_STATUSES,
    POLARITIES,
    ROLES,
    SHEETS,
    SOURCE_KINDS,
    SPHERES,
    SUBJECTS,
    TARGET_KINDS,
    YEAR_KINDS,
)
from sasaeai.exchange.workbook.reading import WorkbookResult, parse_plan_workbook
from sasaeai.exchange.workbook.writing import build_plan_workbook
from sasaeai.lib.spreadsheets import XLSX_TYPE

__all__ = [
    "ACTOR_KINDS", "AGGREGATIONS", "COLUMNS", "EVIDENCE_KINDS", "INDICATOR_KINDS", "MARGIN_BASES",
    "MARGIN_PRINTED", "MAX_UPLOAD_BYTES", "OBSERVATION_STATUSES", "ORG_KINDS", "PLAN_FIELDS",
    "PLAN_KINDS", "PLAN_STATUSES", "POLARITIES", "ROLES", "SHEETS", "SOURCE_KINDS", "SPHERES",
    "SUBJECTS", "TARGET_KINDS", "XLSX_TYPE", "YEAR_KINDS", "WorkbookResult",
    "build_plan_workbook", "parse_plan_workbook",
]
