"""Indicator tables as the plans print them: every number, year, kind and status as understood."""

from decimal import Decimal
from pathlib import Path

import pytest

from sasaeai.indicators.tables import parse_table, role_of, rows_from_text

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"


def seed_table(name: str, first: str, lines: int, then: str = "") -> str:
    """The lines of a seed file's table, from its header line (the one followed by a line
    starting with `then`), as extracted from the PDF."""
    text = (SEEDS / name).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(text) if line.startswith(first)
                 and text[i + 1].startswith(then))
    return "\n".join(text[start:start + lines])


def figure(f) -> tuple:
    c = f.cell
    return (c.verbatim, c.value, c.year.start if c.year else None,
            str(c.year.kind) if c.year else None, str(c.target_kind or c.status))


OMITAMA = seed_table("003_b0c3c8aac5bc6577.txt", "基本目標\t目標数値", 11).split("アンケート調査69")[0]


def test_it_reads_omitamas_table_whose_names_are_headed_target():
    table = parse_table(rows_from_text(OMITAMA))
    assert table.errors == []
    assert [c.role for c in table.columns] == ["element", "name", "baseline", "actual", "target",
                                               "source"]
    assert "「目標数値」の列を指標名として読みました" in table.notes[0]
    assert len(table.rows) == 10
    rows = {r.name: r for r in table.rows}
    community = rows["学区コミュニティ組織数"]
    assert community.baseline is not None
    assert figure(community.baseline) == ("8組織", Decimal(8), 2015, "calendar", "measured")
    assert [figure(f) for f in community.actuals] == [
        ("9組織", Decimal(9), 2020, "calendar", "measured")]
    assert [figure(f) for f in community.targets] == [
        ("12組織", Decimal(12), 2025, "calendar", "value")]
    assert (community.unit, community.source, community.source_kind) == ("組織", "市民協働課",
                                                                       "records")
    assert community.element.startswith("3. 安全・安心に")  # carried down the merged cells
    drill = rows["地域の防災訓練に参加していると回答した割合"]
    assert (drill.unit, drill.source_kind, drill.polarity) == ("%", "survey", "higher")
    assert rows["小美玉市の地域福祉に関する市民と行政の協働(パートナーシップ)が「非常に進んでいる」、"
                "「どちらかといえば進んでいる」と回答した割合"].element == "計画全体"
    assert all(not r.problems for r in table.rows)


def test_it_reads_shimonosekis_direction_only_table():
    table = parse_table(rows_from_text(seed_table("000_575948ff08344834.txt", "基本目標\t指標", 5)))
    assert table.notes == ["基準値の列がないため、「現状値*」を基準値として読みました。"]
    assert [(r.baseline and figure(r.baseline), [figure(t) for t in r.targets])
            for r in table.rows] == [
        (("27.5%", Decimal("27.5"), None, None, "measured"), [("↗", None, None, None, "up")]),
        (("37.8%", Decimal("37.8"), None, None, "measured"), [("↗", None, None, None, "up")]),
        (("51.7%", Decimal("51.7"), None, None, "measured"), [("↗", None, None, None, "up")]),
        (("29.2%", Decimal("29.2"), None, None, "measured"), [("↗", None, None, None, "up")]),
    ]
    assert table.rows[2].element.startswith("2 “ささえあいの輪づくり”")


def test_it_reads_kurumes_previous_plan_tables():
    text = seed_table("004_abfac9722d59242b.txt", "目標項目", 3, then="地域包括支援センター")
    table = parse_table(rows_from_text(text))
    assert [c.role for c in table.columns] == ["name", "baseline", "target", "actual"]
    consult, awareness = table.rows
    assert figure(consult.baseline) == ("31,398 件", Decimal(31398), 2011, "unspecified",
                                        "measured")
    assert [figure(t) for t in consult.targets] == [
        ("35,000 件以上", Decimal(35000), 2019, "unspecified", "at_least")]
    assert [figure(a) for a in consult.actuals] == [
        ("39,871 件", Decimal(39871), 2018, "unspecified", "measured")]
    assert consult.polarity == "higher"
    assert [figure(a) for a in awareness.actuals] == [("調査中", None, 2018, "unspecified",
                                                      "surveying")]
    assert awareness.name == "市民の意識の変化※"
    assert awareness.polarity == "lower"  # 56.6% → 40%: inferred, marked for review
    assert "低いほどよい" in awareness.notes[0]
    text = seed_table("004_abfac9722d59242b.txt", "目標項目", 4, then="サロンの参加者数")
    salon = parse_table(rows_from_text(text)).rows
    assert figure(salon[2].baseline) == ("—", None, 2010, "unspecified", "not_surveyed")


OTHER = """指標名\t単位\t策定時（平成28年度）\t26年度現状値\t目標値（平成32年度）\t出典
サロン参加者数\t人\t参加者2,728人/年(H29年度~R元年度の参加者平均人数)\t‐\t3,000人以上\t社協調べ
孤立死の件数\t件\t12件\t10件(推計)\t8件以下\t福祉課
相談窓口の認知度\t%\t−\t35.9%(平成25年度)※3\t↗\t市民意識調査
"""


def test_it_reads_tables_written_like_other_plans():
    table = parse_table(rows_from_text(OTHER))
    assert table.errors == []
    # 26年度 is read in the era the other headers use; 平成32年度 is still meant (FY2020).
    assert [(c.year.start, str(c.year.kind)) if c.year else None for c in table.columns] == [
        None, None, (2016, "fiscal"), (2014, "fiscal"), (2020, "fiscal"), None]
    salon, deaths, awareness = table.rows
    assert salon.baseline is not None and salon.baseline.cell.year is not None
    assert (salon.baseline.cell.value, salon.baseline.cell.year.start,
            salon.baseline.cell.year.end) == (Decimal(2728), 2017, 2019)  # a 3-year average
    assert [figure(a) for a in salon.actuals] == [("‐", None, 2014, "fiscal", "not_surveyed")]
    assert [figure(t) for t in salon.targets] == [("3,000人以上", Decimal(3000), 2020, "fiscal",
                                                   "at_least")]
    assert [figure(a) for a in deaths.actuals] == [("10件(推計)", Decimal(10), 2014, "fiscal",
                                                    "estimated")]
    assert deaths.polarity == "lower"  # 8件以下
    assert figure(awareness.baseline) == ("−", None, 2016, "fiscal", "not_surveyed")
    assert awareness.actuals[0].cell.footnotes == ("※3",)
    assert figure(awareness.actuals[0]) == ("35.9%(平成25年度)※3", Decimal("35.9"), 2013,
                                            "fiscal", "measured")
    assert awareness.source_kind == "survey"


@pytest.mark.parametrize(("header", "role"), [
    ("指標", "name"), ("目標項目", "name"), ("指標項目", "name"), ("基準値", "baseline"),
    ("基準数値 (H22)", "baseline"), ("初期値", "baseline"), ("策定時", "baseline"),
    ("前回 (平成27年)", "baseline"), ("現状値*", "actual"), ("今回", "actual"),
    ("(参考) (H30 実績)", "actual"), ("実績値", "actual"), ("目標値(令和8年度)", "target"),
    ("目標の方向", "target"), ("単位", "unit"), ("現状値の出典", "source"), ("備考", "source"),
    ("データ出典", "source"), ("設定理由", "rationale"), ("目標設定の考え方", "rationale"),
    ("基本目標", "element"), ("No.", None),
])
def test_it_knows_the_headers_plans_use(header, role):
    assert role_of(header) == role


def test_it_says_what_it_cannot_read():
    assert parse_table([]).errors == ["表が空です。見出しの行と指標の行を貼り付けてください。"]
    table = parse_table(rows_from_text("番号\t値\n1\t2\n"))
    assert table.errors[0].startswith("指標名の列が見つかりません。")
    table = parse_table(rows_from_text("指標\t26年度現状値\tA\nサロン数\t5か所\n"))
    assert table.errors == ["見出し「26年度現状値」の年を読み取れません（元号が書かれていないため西暦何年か"
                            "決められません（平成・令和などの元号が必要です））。元号を選んでから読み取ってください。"]
    assert table.rows == []
    read = parse_table(rows_from_text("指標\t26年度現状値\nサロン数\t5か所\n"), era="平成")
    year = read.rows[0].actuals[0].cell.year
    assert year is not None and year.start == 2014
    table = parse_table(rows_from_text(
        "指標\t基準値\t目標値\nサロン数\t5か所\t10人\nサロン数\t1\t2\n\t3\t4\n見出しだけ\t\t\n"
        "相談件数\t100件\tたくさん\n行のずれ\t1\t2\t3\n"))
    problems = {r.line: r.problems for r in table.rows}
    assert problems[2] == ["セルごとに単位が違います（か所・人）。単位の列を加えるか、セルを直してください。",
                           "同じ指標名の行がほかにもあります。1つの指標は1行にしてください。"]
    assert problems[4] == ["指標名が空です（前の行の指標名が改行で分かれていないか確かめてください）。"]
    assert problems[6] == ["「目標値」：『たくさん』から数値を読み取れません"]
    assert problems[7][0].startswith("見出しより多い4列の値があります")
    assert "5行目「見出しだけ」は値がないため見出し行として読み飛ばしました。" in table.notes


def test_pasted_text_without_tabs_is_refused_with_a_hint():
    from sasaeai.indicators.tables import TableError

    with pytest.raises(TableError, match="タブ"):
        rows_from_text("指標 基準値 目標値\nサロン数 5 10")
