"""Reading a survey file: what is understood, and every problem named by row and column."""

import io

import xlsxwriter

from sasaeai.demo import synthetic_survey
from sasaeai.surveys.microdata import parse_survey

HEADER = "回答者番号,地区,年代,問1,問2,ウェイト\r\n"


def csv_of(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return (header + "".join(r + "\r\n" for r in rows)).encode(encoding)


def test_it_reads_the_synthetic_survey_with_its_codebook():
    parsed = parse_survey(synthetic_survey.microdata_csv(), "r5.csv",
                          codebook=synthetic_survey.codebook_csv(), codebook_name="cb.csv")
    assert parsed.errors == []
    assert len(parsed.respondents) == 2000
    assert parsed.weight_column == "ウェイト"
    kinds = {c.column: c.kind for c in parsed.columns}
    assert kinds == {"回答者番号": "ignored", "地区": "attribute", "年代": "attribute",
                     "性別": "attribute", "問8": "question", "問15": "question",
                     "ウェイト": "weight"}
    q8 = parsed.column("問8")
    assert q8 is not None and q8.text.startswith("あなたは、自治会や子ども会")
    assert [(o.code, o.label, o.is_missing) for o in q8.options][-1] == ("9", "無回答", True)
    assert sum(o.count for o in q8.options) == 2000
    assert parsed.respondents[0].number == 2  # the header is row 1


def test_it_reads_cp932_as_excel_writes_it_and_a_bom():
    for encoding in ("cp932", "utf-8-sig", "utf-8"):
        parsed = parse_survey(csv_of("1,髙田①,30代,1,2,1.0", encoding=encoding), "a.csv",
                              weight_column="ウェイト")
        assert parsed.errors == [], encoding
        assert parsed.respondents[0].answers["地区"] == "髙田①"


def test_without_a_codebook_headers_are_questions_and_values_are_options():
    parsed = parse_survey(csv_of("1,東,30代,1,2,1", "2,西,40代,10,,1", "3,東,40代,2,無回答,1"),
                          "a.csv", weight_column="ウェイト")
    assert parsed.errors == []
    assert {c.column: c.kind for c in parsed.columns} == {
        "回答者番号": "ignored", "地区": "attribute", "年代": "attribute", "問1": "question",
        "問2": "question", "ウェイト": "weight"}
    q1, q2 = parsed.column("問1"), parsed.column("問2")
    assert q1 is not None and [o.code for o in q1.options] == ["1", "2", "10"]  # numeric order
    assert q2 is not None and [(o.code, o.is_missing) for o in q2.options] == [
        ("2", False), ("無回答", True)]
    assert "問2" not in parsed.respondents[1].answers  # an empty cell is no answer, not ""


def test_it_names_the_row_and_column_of_every_bad_cell():
    codebook = ("列名,設問文,区分,コード,選択肢,無回答\r\n"
                "問1,地域活動に参加していますか,設問,1,参加している,\r\n,,,2,参加していない,\r\n"
                ",,,9,無回答,○\r\n").encode()
    parsed = parse_survey(
        csv_of("1,東,30代,1,2,1.2", "2,西,40代,7,1,abc", "3,東,40代,2,1,-1", "4,東,,1,1,1,余分"),
        "a.csv", codebook=codebook, codebook_name="cb.csv", weight_column="ウェイト")
    assert parsed.errors == [
        "3行目・列「問1」：「7」はコードブックの選択肢（1、2、9）にありません。",
        "3行目・列「ウェイト」：ウェイト「abc」は正の数ではありません。",
        "4行目・列「ウェイト」：ウェイト「-1」は正の数ではありません。",
        "5行目：見出しより多い7列の値があります（見出しは6列）。",
    ]
    assert not parsed.can_import
    assert any("コードブックにないため" in w for w in parsed.warnings)


def test_it_refuses_headers_it_cannot_tell_apart():
    parsed = parse_survey(csv_of("1,東,2", header="問1,地区,問1\r\n"), "a.csv")
    assert parsed.errors == ["回答データ1行目：列名「問1」が2回あります。列名は重ならないようにしてください。"]
    parsed = parse_survey(csv_of("1,東,2", header="問1,,問2\r\n"), "a.csv")
    assert parsed.errors == ["回答データ1行目：2列目の列名が空です。すべての列に名前を付けてください。"]


def test_it_says_what_is_missing():
    assert parse_survey(b"", "a.csv").errors == ["回答データ：ファイルが空です。"]
    assert parse_survey(csv_of(), "a.csv").errors == [
        "回答データに回答者の行がありません（1行目の見出しだけです）。"]
    parsed = parse_survey(csv_of("1,東,30代,1,2,1"), "a.csv", weight_column="重み")
    assert parsed.errors[0].startswith("ウェイトの列「重み」が回答データにありません")
    codebook = "設問文,選択肢\r\n地域活動,参加している\r\n".encode()
    parsed = parse_survey(csv_of("1,東,30代,1,2,1"), "a.csv", codebook=codebook,
                          codebook_name="cb.csv")
    assert parsed.errors[0].startswith("コードブック：コードブックの1行目に「列名」「コード」の列が見つかりません")


def test_it_refuses_hostile_files_with_a_message():
    garbage = bytes(range(256)) * 100
    assert parse_survey(garbage, "a.csv").errors[0].startswith("回答データ：")
    old_excel = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
    assert "古い形式のExcelファイル" in parse_survey(old_excel, "a.xls").errors[0]
    big = b"a," * (5 * 1024 * 1024)
    assert "大きすぎます" in parse_survey(big, "a.csv").errors[0]


def test_it_refuses_a_formula_in_an_xlsx_and_reads_a_plain_one():
    def book(formula: bool) -> bytes:
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer)
        sheet = workbook.add_worksheet()
        for col, text in enumerate(["問1", "地区"]):
            sheet.write_string(0, col, text)
        sheet.write_number(1, 0, 1)
        if formula:
            sheet.write_formula(1, 1, "=1+1", None, 2)
        else:
            sheet.write_string(1, 1, "東")
        workbook.close()
        return buffer.getvalue()

    parsed = parse_survey(book(False), "a.xlsx")
    assert parsed.errors == [] and parsed.respondents[0].answers == {"問1": "1", "地区": "東"}
    assert "数式" in parse_survey(book(True), "a.xlsx").errors[0]
