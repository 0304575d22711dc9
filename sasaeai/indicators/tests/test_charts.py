"""Indicator charts: inline SVG with text kept as text, stable output, and a table behind it."""

import threading
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from sasaeai.indicators.charts import chart_table, indicator_chart_svg
from sasaeai.indicators.models import Indicator, Observation, Target
from sasaeai.indicators.year_ticks import year_tick_label
from sasaeai.lib.wareki import YearKind

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
OMITAMA_BOUSAI = {"plan__municipality__code": "082368", "plan__slug": "dai3ji",
                  "name": "地域の防災訓練に参加していると回答した割合"}


def get(**lookup: str) -> Indicator:
    return Indicator.objects.with_figures().get(**lookup)


def omitama() -> Indicator:
    return get(**OMITAMA_BOUSAI)


def kurume_previous(name: str) -> Indicator:
    return get(plan__municipality__code="402036", plan__slug="dai2ki", name=name)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def texts(root: ET.Element) -> str:
    return " ".join("".join(e.itertext()) for e in root.iter(f"{SVG}text"))


def ids(root: ET.Element) -> list[str]:
    return [e.get("id", "") for e in root.iter() if e.get("id")]


def test_the_svg_is_an_inline_element_named_by_its_title():
    indicator = omitama()
    svg = indicator_chart_svg(indicator)
    assert svg.startswith("<svg") and "<?xml" not in svg and "DOCTYPE" not in svg
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == indicator.name
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("width") == "100%" and root.get("height") is None
    assert root.get("viewBox")


def test_japanese_text_is_kept_as_text():
    root = parse(indicator_chart_svg(omitama()))
    written = texts(root)
    assert "令和2" in written and "平成27" in written and "令和7" in written
    assert "(2020)" in written
    assert "%" in written  # the unit
    assert "基準値" in written and "実績値" in written and "目標値" in written
    assert "20.0%" in written  # the target as printed
    text = root.find(f".//{SVG}text[@font-family]")
    assert text is not None
    assert text.get("font-family", "").startswith("'BIZ UDPGothic', 'Noto Sans CJK JP'")


def test_it_uses_no_inline_styles_the_csp_would_block():
    svg = indicator_chart_svg(omitama())
    root = parse(svg)
    assert all(e.get("style") is None for e in root.iter())
    assert root.find(f".//{SVG}style") is None
    assert root.find(f".//{SVG}metadata") is None


def test_the_same_figures_give_the_same_svg():
    assert indicator_chart_svg(omitama()) == indicator_chart_svg(omitama())


def test_ids_are_prefixed_so_two_charts_on_a_page_do_not_clash():
    first = parse(indicator_chart_svg(omitama()))
    other = parse(indicator_chart_svg(kurume_previous("地域包括支援センター等の相談件数")))
    assert not set(ids(first)) & set(ids(other))
    known = set(ids(first))
    for element in first.iter():
        for name, value in element.attrib.items():
            if name.endswith("href"):
                assert value[1:] in known
            if "url(#" in value:
                assert value.split("url(#")[1].rstrip(")") in known


def test_the_pace_line_runs_from_the_baseline_to_the_target():
    root = parse(indicator_chart_svg(omitama()))
    assert any(i.endswith("-pace") for i in ids(root))
    assert any(i.endswith("-target-0") for i in ids(root))


def test_a_bound_is_marked_and_its_text_kept():
    svg = indicator_chart_svg(kurume_previous("地域包括支援センター等の相談件数"))
    written = texts(parse(svg))
    assert "35,000 件以上" in written
    assert "目標値（以上）" in written
    assert "（件）" in written
    assert "平成23" in written and "令和元" in written


def test_values_without_a_number_are_not_plotted():
    indicator = kurume_previous("市民の意識の変化")
    root = parse(indicator_chart_svg(indicator))
    written = texts(root)
    assert "56.6%" in written
    assert "調査中" not in written
    assert "実績値" not in written  # no actual has a number
    assert "平成30" not in written  # nor a tick for its year


def test_placeholders_only_give_no_chart():
    indicators = Indicator.objects.with_figures().filter(
        plan__municipality__code="402036", plan__slug="jiki")
    assert indicators
    for indicator in indicators:
        assert indicator_chart_svg(indicator) == ""


def test_a_direction_only_target_is_an_arrow():
    indicators = Indicator.objects.with_figures().filter(plan__municipality__code="352012")
    assert indicators
    for indicator in indicators:
        assert {t.kind for t in indicator.targets.all()} == {Target.Kind.UP}
        root = parse(indicator_chart_svg(indicator))
        assert any(i.endswith("-direction") for i in ids(root))
        assert "目標：増加" in texts(root)
        assert not any(i.endswith("-pace") for i in ids(root))


def test_maintain_is_a_dashed_line_at_the_value():
    indicator = omitama()
    indicator.targets.all().delete()
    Target.objects.create(indicator=indicator, kind=Target.Kind.MAINTAIN, year=2025,
                          year_kind=YearKind.CALENDAR, verbatim="維持")
    root = parse(indicator_chart_svg(omitama()))
    assert any(i.endswith("-maintain") for i in ids(root))
    assert not any(i.endswith("-pace") for i in ids(root))
    assert "目標：維持（維持）" in texts(root)


def test_not_set_draws_no_target():
    indicator = omitama()
    indicator.targets.all().delete()
    Target.objects.create(indicator=indicator, kind=Target.Kind.NOT_SET, verbatim="設定しない")
    root = parse(indicator_chart_svg(omitama()))
    assert not any("-target-" in i or i.endswith(("-pace", "-maintain", "-direction"))
                   for i in ids(root))
    assert "目標" not in texts(root)


def test_error_bars_appear_where_the_margin_is_known():
    assert not any(i.endswith("-errorbar") for i in ids(parse(indicator_chart_svg(omitama()))))
    indicator = omitama()
    Observation.objects.create(indicator=indicator, role=Observation.Role.ACTUAL, year=2023,
                               year_kind=YearKind.CALENDAR, value=Decimal("11.5"),
                               verbatim="11.5%", sample_size=900, margin=Decimal("2.1"))
    root = parse(indicator_chart_svg(omitama()))
    assert any(i.endswith("-errorbar") for i in ids(root))
    assert "誤差の範囲（±）" in texts(root)
    assert "令和5" in texts(root)


def test_mixed_calendar_and_fiscal_years_say_which_on_each_tick():
    indicator = omitama()
    Observation.objects.create(indicator=indicator, role=Observation.Role.ACTUAL, year=2022,
                               year_kind=YearKind.FISCAL, value=Decimal("10.2"),
                               verbatim="10.2%")
    written = texts(parse(indicator_chart_svg(omitama())))
    assert "令和2年" in written and "令和4年度" in written and "平成27年" in written


def test_a_period_is_plotted_at_its_middle():
    indicator = omitama()
    Observation.objects.create(indicator=indicator, role=Observation.Role.ACTUAL, year=2021,
                               year_end=2023, year_kind=YearKind.CALENDAR,
                               value=Decimal("10.0"), verbatim="10.0%（3か年平均）")
    root = parse(indicator_chart_svg(omitama()))
    assert any(i.endswith("-period") for i in ids(root))
    assert "10.0%（3か年平均）" in texts(root)


def test_charts_can_be_drawn_from_several_threads():
    indicator = omitama()
    expected = indicator_chart_svg(indicator)
    results: list[str] = []

    def draw() -> None:
        results.append(indicator_chart_svg(indicator))

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4


def test_tick_labels_are_wareki():
    assert year_tick_label(2020) == "令和2"
    assert year_tick_label(2019, [YearKind.FISCAL], ad=True) == "令和元年度\n(2019)"
    assert year_tick_label(2015, [YearKind.CALENDAR], letters=True) == "H27年"
    assert year_tick_label(2020, [YearKind.CALENDAR, YearKind.FISCAL]) == "令和2年・年度"
    assert year_tick_label(2010, [YearKind.UNSPECIFIED], letters=True) == "H22"
    # FY2019 began under 平成 but is 令和元年度; FY2018 ends in 2019 but is 平成30年度.
    assert year_tick_label(2018, [YearKind.FISCAL]) == "平成30年度"


def test_the_table_lists_every_figure_as_printed():
    rows = chart_table(omitama())
    assert [(r["role"], r["year"], r["value"], r["status"]) for r in rows] == [
        ("基準値", "平成27年（2015年）", "9.0%", "実測"),
        ("実績値", "令和2年（2020年）", "8.0%", "実測"),
        ("目標値", "令和7年（2025年）", "20.0%", "数値"),
    ]
    rows = chart_table(kurume_previous("市民の意識の変化"))
    assert ("実績値", "調査中", "調査中") in [(r["role"], r["value"], r["status"]) for r in rows]
    rows = chart_table(kurume_previous("地域包括支援センター等の相談件数"))
    assert rows[-1]["value"] == "35,000 件以上" and rows[-1]["status"] == "以上"


def test_the_table_keeps_placeholders_and_margins():
    indicator = get(plan__municipality__code="402036", plan__slug="jiki",
                    name="地域での見守り訪問活動件数")
    rows = chart_table(indicator)
    assert [(r["role"], r["value"], r["status"]) for r in rows] == [
        ("基準値", "〇〇件", "未記入（〇〇）"),
        ("目標値", "〇〇件", "検討中"),
    ]
    indicator = omitama()
    Observation.objects.create(indicator=indicator, role=Observation.Role.ACTUAL, year=2023,
                               year_kind=YearKind.CALENDAR, value=Decimal("11.5"),
                               verbatim="11.5%", margin=Decimal("2.10"))
    rows = chart_table(omitama())
    assert len(rows) == 4
    assert rows[2]["value"] == "11.5%" and rows[2]["margin"] == "±2.1ポイント"


def test_a_chart_is_drawn_once_for_the_same_figures_and_again_when_one_changes(world):
    from sasaeai.indicators import charts

    indicator = Indicator.objects.create(plan=world.published, name="見守り活動の参加者数",
                                         unit="人")
    baseline = Observation.objects.create(indicator=indicator, role="baseline", year=2020,
                                          value=Decimal("120"), verbatim="120人")
    Observation.objects.create(indicator=indicator, role="actual", year=2023,
                               value=Decimal("150"), verbatim="150人")
    drawn: list[int] = []
    render = charts._render

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        drawn.append(1)
        return render(*args, **kwargs)

    charts._DRAWN.clear()
    charts._render = counting  # type: ignore[assignment]
    try:
        first = indicator_chart_svg(Indicator.objects.get(pk=indicator.pk))
        again = indicator_chart_svg(Indicator.objects.get(pk=indicator.pk))
        assert again == first and len(drawn) == 1
        baseline.value, baseline.verbatim = Decimal("125"), "125人"
        baseline.save()
        changed = indicator_chart_svg(Indicator.objects.get(pk=indicator.pk))
        assert len(drawn) == 2 and changed != first
    finally:
        charts._render = render  # type: ignore[assignment]
