"""The plan workbook: a whole plan goes out as one .xlsx and comes back as the same document.

What the workbook does not hold (cycles, judgement overrides, the judgement rule and the rating
scale) comes back empty, and the `order` of rows comes back as 0, 1, 2 … in row order within
each group: `normalised` applies both to the document a workbook was made from, so that the
two can be compared whole.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest

from sasaeai.exchange.planimport import check_document
from sasaeai.exchange.workbook import (
    ACTOR_KINDS,
    AGGREGATIONS,
    COLUMNS,
    EVIDENCE_KINDS,
    INDICATOR_KINDS,
    MARGIN_BASES,
    MARGIN_PRINTED,
    OBSERVATION_STATUSES,
    ORG_KINDS,
    PLAN_KINDS,
    PLAN_STATUSES,
    POLARITIES,
    ROLES,
    SOURCE_KINDS,
    SPHERES,
    TARGET_KINDS,
    XLSX_TYPE,
    WorkbookResult,
    build_plan_workbook,
    parse_plan_workbook,
)

MUNICIPALITY = {"code": "999999", "name": "ささえ市", "prefecture": "テスト県"}
SHEETS = ["記入方法", "計画", "組織", "圏域", "体系", "主体", "取組", "役割", "課題", "指標",
          "目標値", "実績値", "報告の割り当て"]
DEMO_PLANS = [("082368", "dai3ji"), ("352012", "chiiki-fukushi-keikaku"), ("282103", "dai4ki"),
              ("092169", None), ("402036", "jiki"), ("402036", "dai2ki")]


# A plan with every kind of row ---------------------------------------------------------------

def observation(**fields: Any) -> dict[str, Any]:
    return {"role": "actual", "year": None, "year_end": None, "year_kind": "fiscal",
            "as_of": None, "value": None, "verbatim": "", "status": "measured",
            "sample_size": None, "margin": None, "margin_basis": "", "ci_low": None,
            "ci_high": None, "breakdown_label": "", "breakdown": [], "note": "", "area": None,
            **fields}


def indicator(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "unit": "", "polarity": "higher", "polarity_inferred": False,
            "kind": "outcome", "aggregation": "fiscal", "source_kind": "", "source_text": "",
            "definition": "", "rationale": "", "note": "", "order": 0, "element": None,
            "initiative": None, "source_organization": None, "reporting_organization": None,
            "targets": [], "observations": [],
            "judgement_overrides": [], **fields}


def element(key: str, parent: str | None, level: str, number: str, title: str,
            order: int, **fields: Any) -> dict[str, Any]:
    return {"key": key, "parent": parent, "level_label": level, "number_label": number,
            "title": title, "description": "", "is_priority": False, "is_new": False,
            "order": order, **fields}


def rich_document() -> dict[str, Any]:
    """Areas with one name under two parents, an organization whose name holds 「、」, siblings
    whose codes would collide, 再掲, statements for the plan, an element and an initiative,
    every kind of target and observation, texts a spreadsheet would take for formulas, and a
    plan that reports on its 施策の方向 (one made up, one named by the department)."""
    return {
        "format": "sasaeai-plan", "version": "1.2", "municipality": dict(MUNICIPALITY),
        "organizations": [
            {"key": "O1", "parent": None, "name": "ささえ市", "short_name": "", "kind": "city",
             "order": 0},
            {"key": "O2", "parent": "O1", "name": "福祉部、地域福祉課", "short_name": "地域福祉課",
             "kind": "department", "order": 0},
            {"key": "O3", "parent": None, "name": "ささえ市社会福祉協議会", "short_name": "社協",
             "kind": "shakyo", "order": 1},
        ],
        "areas": [
            {"key": "R1", "parent": None, "name": "全市", "level_label": "全市",
             "description": "", "is_sample_name": False, "order": 0},
            {"key": "R2", "parent": "R1", "name": "東部", "level_label": "中学校区",
             "description": "東部の3地区", "is_sample_name": False, "order": 0},
            {"key": "R3", "parent": "R2", "name": "第1地区", "level_label": "地区",
             "description": "", "is_sample_name": False, "order": 0},
            {"key": "R4", "parent": "R1", "name": "西部", "level_label": "中学校区",
             "description": "", "is_sample_name": False, "order": 1},
            {"key": "R5", "parent": "R4", "name": "第1地区", "level_label": "地区",
             "description": "", "is_sample_name": True, "order": 0},
        ],
        "plan": {
            "slug": "dai1ki", "title": "ささえ市地域福祉計画", "kind": "integrated",
            "generation": "第1期", "start_fy": 2019, "end_fy": 2025,
            "philosophy": "=みんなで支える", "philosophy_description": "+81 から始まる\n複数行の説明",
            "summary": "-", "status": "published", "source_document": "@計画書.pdf",
            "owners": ["O1", "O3"], "predecessor": {"slug": "dai0ki", "title": "前の計画"},
            "parent": None, "area": "R1", "reporting_level": "施策の方向",
        },
        "elements": [
            element("E1", None, "基本目標", "1", "つながる地域", 0, is_priority=True),
            element("E2", "E1", "基本施策", "(1)", "見守り", 0, description="説明\n2行目"),
            element("E3", "E2", "施策の方向", "①", "=SUM(A1)", 0, is_new=True),
            element("E4", "E1", "基本施策", "", "番号のない施策", 1),
            element("E5", None, "重点", "", "1", 1),  # its code would be 「1」 like E1's
        ],
        "initiatives": [
            {"key": "I1", "element": "E3", "number_label": "1", "title": "見守り訪問",
             "description": " 前後に空白 ", "is_priority": True, "is_new": False, "order": 0,
             "responsible": ["O2", "O3"]},
            {"key": "I2", "element": "E3", "number_label": "2", "title": "サロン",
             "description": "", "is_priority": False, "is_new": True, "order": 1,
             "responsible": []},
            {"key": "I3", "element": "E4", "number_label": "", "title": "名称だけの取組",
             "description": "_x0041_ はそのまま", "is_priority": False, "is_new": False,
             "order": 0, "responsible": ["O1"]},
        ],
        "placements": [
            {"initiative": "I1", "element": "E4", "note": "【再掲】", "order": 0},
            {"initiative": "I3", "element": "E2", "note": "", "order": 0},
            {"initiative": "I1", "element": "E5", "note": "", "order": 1},
        ],
        "reporting_assignments": [
            {"element": "E3", "organization": "O2", "is_sample": False},
            {"element": "E3", "organization": "O3", "is_sample": True},
        ],
        "actors": [
            {"key": "A1", "kind": "residents", "label": "地域住民等ができること", "sphere": "self",
             "sphere_label": "", "order": 0},
            {"key": "A2", "kind": "shakyo", "label": "社協が取り組むこと", "sphere": "",
             "sphere_label": "", "order": 1},
            {"key": "A3", "kind": "everyone", "label": "みんなで", "sphere": "mutual",
             "sphere_label": "互助・共助", "order": 2},
        ],
        "statements": [
            {"key": "S1", "actor": "A1", "element": None, "initiative": None, "repeat_of": None,
             "text": "あいさつをしよう", "detail": "", "repeat_note": "", "order": 0},
            {"key": "S2", "actor": "A2", "element": "E2", "initiative": None, "repeat_of": None,
             "text": "見守りの仕組みをつくる", "detail": "補足", "repeat_note": "", "order": 0},
            {"key": "S3", "actor": "A1", "element": None, "initiative": "I1", "repeat_of": None,
             "text": "訪問に協力する", "detail": "", "repeat_note": "", "order": 0},
            {"key": "S4", "actor": "A3", "element": None, "initiative": "I1", "repeat_of": "S5",
             "text": "=1+1", "detail": "", "repeat_note": "【再掲 p12参照】", "order": 1},
            {"key": "S5", "actor": "A2", "element": "E2", "initiative": None, "repeat_of": None,
             "text": "-見守り協定", "detail": "", "repeat_note": "", "order": 1},
        ],
        "challenges": [
            {"number_label": "課題1", "title": "孤立", "description": "説明", "order": 0,
             "elements": ["E1", "E2"], "initiatives": ["I1"],
             "evidence": [{"kind": "survey", "text": "アンケートで30%", "order": 0},
                          {"kind": "", "text": "地区の声", "order": 1}]},
            {"number_label": "", "title": "担い手不足", "description": "", "order": 1,
             "elements": [], "initiatives": [], "evidence": []},
        ],
        "indicators": [
            indicator(
                "地域活動に参加している市民の割合", unit="%", source_kind="survey",
                source_text="市民意識調査", element="E2", source_organization="O3",
                reporting_organization="O2",
                definition="定義", rationale="理由", note="注記",
                targets=[{"year": 2025, "year_kind": "fiscal", "kind": "at_least",
                          "value": "50.5", "verbatim": "50.5%以上"}],
                observations=[
                    observation(year=2023, value="45", verbatim="45%", as_of="2023-10-01",
                                area="R5"),
                    observation(year=2024, status="surveying", verbatim="調査中"),
                    observation(role="baseline", year=2020, value="41.6", verbatim="41.6%",
                                sample_size=812, margin="3.1", margin_basis="sampling",
                                ci_low="38.5", ci_high="44.7", breakdown_label="地区別",
                                breakdown=[{"label": "東部", "n": 400, "value": "40.1"},
                                           {"label": "西部", "suppressed": True}]),
                ]),
            indicator(
                "相談件数", unit="件", polarity="lower", polarity_inferred=True, kind="activity",
                aggregation="cumulative", source_kind="records", initiative="I1", order=1,
                targets=[{"year": None, "year_kind": "unspecified", "kind": "up", "value": None,
                          "verbatim": "↗"},
                         {"year": 2024, "year_kind": "calendar", "kind": "value",
                          "value": "35000", "verbatim": "35,000 件"}],
                observations=[observation(year=2021, year_end=2023, year_kind="calendar",
                                          value="-1.5", status="estimated", margin="0.5",
                                          note="3年平均")]),
            indicator("=HYPERLINK(\"http://example.com\")", polarity="band", order=2,
                      aggregation="point",
                      targets=[{"year": 2025, "year_kind": "fiscal", "kind": "maintain",
                                "value": "100", "verbatim": "維持"},
                               {"year": 2026, "year_kind": "fiscal", "kind": "pending",
                                "value": None, "verbatim": "検討中"}]),
        ],
        "judgement_rule": None, "rating_scale": None, "cycles": [],
    }


# How a document is compared --------------------------------------------------------------

def normalised(doc: dict[str, Any]) -> dict[str, Any]:
    """The document as the workbook gives it back: without what the workbook does not hold,
    and with each `order` renumbered 0, 1, 2 … within its group in list order. Placements are
    listed as the exporter lists them (by order, then in initiative order)."""
    doc = copy.deepcopy(doc)
    doc.update(cycles=[], judgement_rule=None, rating_scale=None)
    for item in doc["indicators"]:
        item["judgement_overrides"] = []
    for item in doc["elements"] + doc["initiatives"]:
        item.pop("archived_at", None)  # 廃止 is the editor's (the plan file carries it)

    def renumber(rows: list[dict[str, Any]], group: Callable[[dict[str, Any]], Any]) -> None:
        seen: dict[Any, int] = {}
        for row in rows:
            row["order"] = seen.get(group(row), 0)
            seen[group(row)] = row["order"] + 1

    for name in ("organizations", "areas", "elements"):
        renumber(doc[name], lambda row: row["parent"])
    renumber(doc["initiatives"], lambda row: row["element"])
    renumber(doc["placements"], lambda row: row["initiative"])
    rank = {item["key"]: n for n, item in enumerate(doc["initiatives"])}
    doc["placements"].sort(key=lambda row: (row["order"], rank[row["initiative"]]))
    renumber(doc["statements"], lambda row: (row["element"], row["initiative"]))
    for name in ("actors", "challenges", "indicators"):
        renumber(doc[name], lambda row: None)
    for challenge in doc["challenges"]:
        renumber(challenge["evidence"], lambda row: None)
    return doc


def round_trip(doc: dict[str, Any]) -> WorkbookResult:
    result = parse_plan_workbook(build_plan_workbook(doc), municipality=doc["municipality"])
    assert result.errors == []
    return result


def edited(data: bytes, sheet: str, cell: str, value: Any) -> bytes:
    """The workbook with one cell changed, as someone would in Excel."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    book[sheet][cell] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def errors_of(data: bytes) -> list[str]:
    result = parse_plan_workbook(data, municipality=MUNICIPALITY)
    assert result.doc is None
    return result.errors


# The round trip ------------------------------------------------------------------------------

def test_it_gives_back_a_plan_with_every_kind_of_row_unchanged():
    doc = rich_document()
    assert check_document(doc) == []
    result = round_trip(doc)
    assert result.doc == normalised(doc)
    assert check_document(result.doc) == []
    assert result.notes[-1].startswith("「ささえ市地域福祉計画」を読み込みました")


def test_it_reads_its_own_output_back_to_the_same_document():
    first = round_trip(rich_document()).doc
    assert first is not None
    assert round_trip(first).doc == first


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "slug"), DEMO_PLANS)
def test_it_round_trips_every_demo_plan(code: str, slug: str | None):
    from sasaeai.exchange.planjson import export_plan
    from sasaeai.plans.models import Plan

    plans = Plan.objects.select_related("municipality").filter(municipality__code=code)
    document = export_plan(plans.get(slug=slug) if slug else plans.get())
    result = round_trip(document)
    assert result.doc == normalised(document)
    assert check_document(result.doc) == []
    assert round_trip(result.doc).doc == result.doc


def test_it_names_rows_by_codes_and_names_not_by_position():
    book = openpyxl.load_workbook(io.BytesIO(build_plan_workbook(rich_document())),
                                  read_only=True)
    column = {name: [row[0] for row in book[name].iter_rows(min_row=2, values_only=True)]
              for name in ("体系", "取組", "圏域")}
    # Number (or title) paths; a sibling that would repeat a code gets 「（2）」.
    assert column["体系"] == ["1", "1 > (1)", "1 > (1) > ①", "1 > 番号のない施策", "1（2）"]
    assert column["取組"] == ["1 > (1) > ① > 1", "1 > (1) > ① > 2", "1 > 番号のない施策 > 名称だけの取組"]
    [placements] = [row[8] for row in book["取組"].iter_rows(min_row=2, max_row=2,
                                                             values_only=True)]
    assert placements == "1 > 番号のない施策｜【再掲】\n1（2）"
    # An area whose name is not unique is named with its parents.
    observations = list(book["実績値"].iter_rows(min_row=2, values_only=True))
    assert observations[0][14] == "全市 > 西部 > 第1地区"
    book.close()


# Writing ---------------------------------------------------------------------------------------

def test_it_writes_every_cell_as_text_so_formula_like_text_survives():
    data = build_plan_workbook(rich_document())
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
             if cell.value is not None]
    assert {cell.data_type for cell in cells} == {"s"}  # no formula, no number
    texts = {cell.value: cell for cell in cells}
    for text in ("=SUM(A1)", "=1+1", "-", "+81 から始まる\n複数行の説明", "@計画書.pdf",
                 "-見守り協定", "=HYPERLINK(\"http://example.com\")"):
        assert texts[text].quotePrefix, text
    assert "35000" in texts and "50.5" in texts and "-1.5" in texts  # decimals as written
    doc = parse_plan_workbook(data, municipality=MUNICIPALITY).doc
    assert doc is not None
    assert doc["plan"]["philosophy"] == "=みんなで支える"
    assert doc["plan"]["summary"] == "-"
    assert doc["elements"][2]["title"] == "=SUM(A1)"
    assert doc["indicators"][2]["name"] == "=HYPERLINK(\"http://example.com\")"


def test_it_writes_the_plan_period_in_wareki_and_reads_it_back_either_way():
    data = build_plan_workbook(rich_document())
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = {row[0]: row[1] for row in book["計画"].iter_rows(min_row=2, values_only=True)}
    assert (rows["計画期間（開始年度）"], rows["計画期間（終了年度）"]) == ("令和元年度", "令和7年度")
    assert (rows["計画の種類"], rows["状態"], rows["策定主体"]) == (
        "一体的計画", "公開", "ささえ市、ささえ市社会福祉協議会")
    book.close()
    for written, year in (("2021", 2021), ("R3", 2021), ("平成31年度", 2019)):
        doc = parse_plan_workbook(edited(data, "計画", "B6", written), municipality=MUNICIPALITY).doc
        assert doc is not None and doc["plan"]["start_fy"] == year


def test_it_makes_an_empty_template_with_headers_guide_and_dropdowns():
    data = build_plan_workbook(None)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == SHEETS
    guide = [row[1] for row in book["記入方法"].iter_rows(values_only=True) if row[1]]
    assert any("数式は使えません" in text for text in guide)
    assert any("項目コード" in text and "1 > (1) > ①" in text for text in guide)
    for name, columns in COLUMNS.items():
        sheet = book[name]
        assert [cell.value for cell in sheet[1]] == [c.title for c in columns]
        assert all(cell.font.b for cell in sheet[1])
        assert sheet.freeze_panes == "B2"
        if name != "計画":
            assert sheet.max_row == 1  # headers only, no example rows
    kinds = next(v for v in book["組織"].data_validations.dataValidation if "C2" in v.sqref)
    assert kinds.type == "list" and "社会福祉協議会" in kinds.formula1
    assert kinds.error and kinds.prompt  # Japanese messages
    assert any("B4" in v.sqref and "地域福祉計画" in v.formula1
               for v in book["計画"].data_validations.dataValidation)
    roles = [v for v in book["実績値"].data_validations.dataValidation if "B2" in v.sqref]
    assert roles and "基準値" in roles[0].formula1


def test_it_reads_the_empty_template_to_what_is_missing():
    assert errors_of(build_plan_workbook(None)) == [
        "「計画」シート：計画名がありません。",
        "「計画」シート：URL名がありません。",
        "「計画」シート：計画の種類がありません。",
    ]


def test_it_serves_the_workbook_type():
    assert XLSX_TYPE == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Reading what people type ---------------------------------------------------------------------

def test_it_makes_an_empty_code_from_the_parent_code_and_the_number():
    data = edited(build_plan_workbook(rich_document()), "体系", "A4", None)  # 1 > (1) > ①
    data = edited(data, "取組", "A2", "")
    result = parse_plan_workbook(data, municipality=MUNICIPALITY)
    assert result.doc == normalised(rich_document())


def test_it_reads_choices_marks_and_numbers_as_people_type_them():
    data = build_plan_workbook(rich_document())
    for sheet, cell, value in (
        ("組織", "C2", "city"),  # a code instead of its label
        ("体系", "H4", "〇"),  # 新規: a different circle
        ("目標値", "E2", "５０．５"),  # full width
        ("目標値", "E4", "35,000"),  # thousands separator
        ("実績値", "F2", "2023/10/1"),  # a date as Excel shows it
        ("実績値", "C2", 2023),  # a year typed as a number
    ):
        data = edited(data, sheet, cell, value)
    result = parse_plan_workbook(data, municipality=MUNICIPALITY)
    assert result.errors == []
    assert result.doc == normalised(rich_document())


@pytest.mark.parametrize(("sheet", "cell", "value", "message"), [
    ("体系", "B4", "1 > (9)",
     "「体系」シート 4行目「上位の項目コード」：「1 > (9)」という項目がありません。"),
    ("体系", "B3", "1 > (1) > ①",
     "「体系」シート 3行目「上位の項目コード」：上位の項目「1 > (1) > ①」（4行目）は、この行より上に"
     "書いてください。"),
    ("体系", "A6", "1",
     "「体系」シート 6行目「項目コード」：項目コード「1」が2回あります（2行目と6行目）。"),
    ("体系", "E2", "", "「体系」シート 2行目「名称」：名称がありません。"),
    ("組織", "C2", "市役所",
     "「組織」シート 2行目「種別」：「市役所」は選択肢にありません（「市町村」「社会福祉協議会」"
     "「地区社協」「担当課」「審議会・委員会」「地域団体」から選んでください）。"),
    ("組織", "A4", "ささえ市",
     "「組織」シート 4行目「組織名」：組織名「ささえ市」が2回あります（2行目と4行目）。"),
    ("取組", "H2", "ささえ市、福祉課",
     "「取組」シート 2行目「担当組織」：「福祉課」という組織がありません（「組織」シートの組織名を"
     "書いてください）。"),
    ("取組", "I2", "1 > (1) > ①",
     "「取組」シート 2行目「再掲先」：「1 > (1) > ①」：掲載先と同じ項目には再掲できません。"),
    ("主体", "A3", "地域住民等ができること",
     "「主体」シート 3行目「主体の見出し」：主体の見出し「地域住民等ができること」が2回あります"
     "（2行目と3行目）。計画の中で見出しは重複できません。"),
    ("役割", "B2", "市民",
     "「役割」シート 2行目「主体の見出し」：「市民」という主体がありません。"),
    ("役割", "C3", "取組",
     "「役割」シート 3行目「対象」：「1 > (1)」という取組がありません。"),
    ("役割", "H5", "9",
     "「役割」シート 5行目「再掲元の役割番号」：役割番号「9」の役割がありません。"),
    ("課題", "E2", "1\n2",
     "「課題」シート 2行目「対応する項目コード」：「2」という項目がありません。"),
    ("指標", "E2", "多いほどよい",
     "「指標」シート 2行目「望ましい方向」：「多いほどよい」は選択肢にありません（「高いほどよい」"
     "「低いほどよい」「一定の範囲がよい」から選んでください）。"),
    ("指標", "A3", "地域活動に参加している市民の割合",
     "「指標」シート 3行目「指標名」：指標名「地域活動に参加している市民の割合」が2回あります"
     "（2行目と3行目）。計画の中で指標名は重複できません。"),
    ("目標値", "E2", "50.5%以上",
     "「目標値」シート 2行目「目標値」：「50.5%以上」は数値として読めません。半角の数字と小数点だけで"
     "書いてください（例：85.3）。単位や「以上」などは「表記どおり」の列に書きます。"),
    ("目標値", "E2", "",
     "「目標値」シート 2行目「目標値」：目標の種類が「以上」のときは目標値が必要です。"),
    ("目標値", "B2", "来年",
     "「目標値」シート 2行目「年」：「来年」は年として読めません。西暦の数字で書いてください"
     "（例：2025）。"),
    ("実績値", "A2", "参加率",
     "「実績値」シート 2行目「指標名」：「参加率」という指標（「指標」シートの指標名）がありません。"),
    ("実績値", "G2", "45%",
     "「実績値」シート 2行目「値」：「45%」は数値として読めません。半角の数字と小数点だけで書いて"
     "ください（例：85.3）。単位や「以上」などは「表記どおり」の列に書きます。"),
    ("実績値", "Q4", "[{\"label\": ",
     "「実績値」シート 4行目「内訳（JSON）」：内訳のJSONが読み取れません。書き出したときのまま変えないか、"
     "空欄にしてください。"),
    ("実績値", "Q4", "[" * 30_000,
     "「実績値」シート 4行目「内訳（JSON）」：内訳のJSONが読み取れません。書き出したときのまま変えないか、"
     "空欄にしてください。"),
    ("実績値", "Q4", "{\"label\": \"東部\"}",
     "「実績値」シート 4行目「内訳（JSON）」：内訳のJSONは、区分ごとの項目（{…}）を並べた配列（[…]）に"
     "してください。"),
    ("実績値", "O2", "第1地区",
     "「実績値」シート 2行目「圏域」：「第1地区」という名前の圏域が複数あります。"
     "「上位の圏域名 > 圏域名」のように書いてください。"),
    ("計画", "B3", "第1期",
     "「計画」シート 3行目「URL名」：「第1期」は使えません。URL名は半角英数字・ハイフン（-）・下線（_）"
     "で書いてください。"),
    ("計画", "B4", "福祉計画",
     "「計画」シート 4行目「計画の種類」：「福祉計画」は選択肢にありません（「地域福祉計画」"
     "「地域福祉活動計画」「一体的計画」「地区福祉活動計画」「重層的支援体制整備事業実施計画」から"
     "選んでください）。"),
])
def test_it_names_the_sheet_row_and_column_of_a_mistake(sheet: str, cell: str, value: str,
                                                        message: str):
    data = edited(build_plan_workbook(rich_document()), sheet, cell, value)
    assert message in errors_of(data)


def test_it_refuses_a_formula_and_names_its_cell():
    data = edited(build_plan_workbook(rich_document()), "体系", "E3", "=1+1")
    assert errors_of(data) == [
        "「体系」シートのセル E3 に数式があります。数式は読み込みません。値だけを入力するか、"
        "コピーして「値の貼り付け」をしてから保存してください。"]


def test_it_refuses_a_file_that_is_not_a_workbook():
    assert errors_of(b"name,title\n1,2\n") == [
        "Excelファイル（.xlsx）として読み込めません。ファイルの形式を確認してください。"]
    assert errors_of(b"") == [
        "Excelファイル（.xlsx）として読み込めません。ファイルの形式を確認してください。"]


def test_it_refuses_a_zip_bomb_before_opening_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (50 * 1024 * 1024) + b"/>")
    [message] = errors_of(buffer.getvalue())
    assert message.startswith("ファイルの圧縮率が異常に高いため、安全のため読み込みません")


def test_it_asks_for_missing_sheets_and_columns():
    book = openpyxl.load_workbook(io.BytesIO(build_plan_workbook(rich_document())))
    del book["課題"]
    book["指標"]["D1"] = "単位（%）"
    buffer = io.BytesIO()
    book.save(buffer)
    assert errors_of(buffer.getvalue()) == [
        "「課題」シートがありません。シート名は変えないでください（計画ワークブックのひな形を"
        "ダウンロードして使ってください）。"]
    data = edited(build_plan_workbook(rich_document()), "指標", "D1", "単位（%）")
    result = parse_plan_workbook(data, municipality=MUNICIPALITY)
    assert result.errors == [
        "「指標」シート：列「単位」がありません。1行目の見出しは変えないでください。"]
    assert result.notes == ["「指標」シート：列「単位（%）」は読み込みませんでした。"]


def test_it_checks_the_figures_as_the_database_would():
    data = build_plan_workbook(rich_document())
    measured = edited(data, "実績値", "G2", "")  # 実測 without a value
    assert ("「実績値」シート 2行目「値」：状態が「実測」のときは値が必要です（値がなければ状態を"
            "選んでください）。") in errors_of(measured)
    interval = edited(data, "実績値", "M4", "50")
    assert ("「実績値」シート 4行目「95%信頼区間の下限」：95%信頼区間の下限が上限より大きく"
            "なっています。") in errors_of(interval)
    twice = edited(data, "目標値", "B3", "2024")
    twice = edited(twice, "目標値", "C3", "年")
    assert ("「目標値」シート 4行目「年」：この指標の2024年の目標値が2つあります（3行目と4行目）。"
            ) in errors_of(twice)


def test_it_keeps_its_choice_labels_in_step_with_the_models():
    from sasaeai.indicators.models import Indicator, Observation, Target
    from sasaeai.plans.models import Actor, Evidence, Plan
    from sasaeai.tenancy.models import Organization

    def labels(choices: Any) -> dict[str, str]:
        return {value: str(label) for value, label in choices.choices if value}

    assert labels(Plan.Kind) == PLAN_KINDS
    assert labels(Plan.Status) == PLAN_STATUSES
    assert labels(Organization.Kind) == ORG_KINDS
    assert labels(Actor.Kind) == ACTOR_KINDS
    assert labels(Actor.Sphere) == SPHERES
    assert labels(Evidence.Kind) == EVIDENCE_KINDS
    assert labels(Indicator.Polarity) == POLARITIES
    assert labels(Indicator.Kind) == INDICATOR_KINDS
    assert labels(Indicator.Aggregation) == AGGREGATIONS
    assert labels(Indicator.SourceKind) == SOURCE_KINDS
    assert labels(Target.Kind) == TARGET_KINDS
    assert labels(Observation.Role) == ROLES
    assert labels(Observation.Status) == OBSERVATION_STATUSES
    assert labels(Observation.MarginBasis) == MARGIN_BASES
    assert str(Observation.MarginBasis.PRINTED.label) == MARGIN_PRINTED


@pytest.mark.django_db
def test_it_reads_a_document_the_importer_saves():
    from sasaeai.exchange.planimport import import_plan
    from sasaeai.tenancy.models import Municipality

    result = round_trip(rich_document())
    municipality = Municipality.objects.get(code="082368")
    imported = import_plan(by=None, municipality=municipality, doc=result.doc, dry_run=True)
    assert imported is not None
    assert imported.counts == {"elements": 5, "initiatives": 3, "placements": 3,
                               "reporting_assignments": 2, "actors": 3, "statements": 5,
                               "challenges": 2, "indicators": 3, "cycles": 0}


def test_it_reads_every_sheet_of_the_book_in_one_open():
    from sasaeai.lib.spreadsheets import read_xlsx_book

    book = read_xlsx_book(build_plan_workbook(rich_document()), max_bytes=5 * 1024 * 1024,
                          max_ratio=100)
    assert list(book) == SHEETS
    assert book["主体"] == [["主体の見出し", "主体の種類", "自助・共助・公助", "区分の表記"],
                          ["地域住民等ができること", "市民・地域住民等", "自助"],
                          ["社協が取り組むこと", "社協"],
                          ["みんなで", "みんな（協働）", "共助", "互助・共助"]]
