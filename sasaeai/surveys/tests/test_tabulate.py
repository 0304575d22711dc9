"""Tabulation: the base is valid answers, small groups are suppressed, weights are honoured."""

from collections.abc import Sequence

import polars as pl
import pytest

from sasaeai.lib.stats import kish_effective_n, weighted_share, wilson_interval
from sasaeai.surveys.tabulate import tabulate, tabulate_many

Row = tuple[str | None, str | None, float]


def frame(rows: Sequence[Row]) -> pl.DataFrame:
    return pl.DataFrame({"q": [r[0] for r in rows], "area": [r[1] for r in rows],
                         "w": [r[2] for r in rows]},
                        schema={"q": pl.String, "area": pl.String, "w": pl.Float64})


# 東: 40 answers (10 yes), 西: 30 answers (15 yes), 南: 6 answers, 2 with no area,
# plus 4 無回答 (code 9) and 3 empty cells that are not in any base.
ROWS: list[Row] = ([("1", "東", 1.0)] * 10 + [("2", "東", 1.0)] * 30 + [("1", "西", 2.0)] * 15
        + [("3", "西", 2.0)] * 15 + [("1", "南", 1.0)] * 6 + [("2", None, 1.0)] * 2
        + [("9", "東", 1.0)] * 4 + [(None, "西", 1.0)] * 3)


def test_it_counts_the_share_of_valid_answers_with_no_answer_left_out():
    [total] = tabulate(frame(ROWS), question="q", options=["1"], missing=["9"])
    assert (total.group, total.n, total.count) == ("全体", 78, 31)
    assert total.share == pytest.approx(31 / 78)
    assert (total.ci_low, total.ci_high) == pytest.approx(wilson_interval(31, 78), abs=1e-12)
    assert total.effective_n is None


def test_it_suppresses_small_groups_and_one_more_so_none_can_be_recovered():
    groups = tabulate(frame(ROWS), question="q", options=["1"], missing=["9"], by="area",
                      by_order=["東", "西", "南"])
    assert [g.group for g in groups] == ["全体", "東", "西", "南", "無回答"]
    shown = {g.group: (g.n, g.count) for g in groups if not g.suppressed}
    # 南 (6) and 無回答 (2) are under 10: two groups hidden, the others shown.
    assert shown == {"全体": (78, 31), "東": (40, 10), "西": (30, 15)}
    for g in groups:
        if g.suppressed:
            assert (g.n, g.count, g.share, g.ci_low, g.ci_high) == (None,) * 5
    # With only 南 small, 全体 − 東 − 西 would reveal it: the smallest other group goes too.
    rows = [r for r in ROWS if r[1] is not None]
    groups = tabulate(frame(rows), question="q", options=["1"], missing=["9"], by="area",
                      by_order=["東", "西", "南"])
    assert [g.group for g in groups if g.suppressed] == ["西", "南"]


def test_the_minimum_is_the_rounds_choice():
    groups = tabulate(frame(ROWS), question="q", options=["1"], missing=["9"], by="area",
                      min_n=2)
    assert not any(g.suppressed for g in groups)
    [total] = tabulate(frame(ROWS[:5]), question="q", options=["1"], min_n=10)
    assert total.suppressed


def test_it_weights_the_share_and_uses_kishs_effective_n():
    [total] = tabulate(frame(ROWS), question="q", options=["1"], missing=["9"], weight="w")
    valid = [r for r in ROWS if r[0] not in (None, "9")]
    share = weighted_share([r[0] == "1" for r in valid], [r[2] for r in valid])
    n_eff = kish_effective_n([r[2] for r in valid])
    assert total.share == pytest.approx(share, abs=1e-12)
    assert total.effective_n == pytest.approx(n_eff, abs=1e-9)
    assert (total.ci_low, total.ci_high) == pytest.approx(
        wilson_interval(share * n_eff, n_eff), abs=1e-12)
    assert (total.n, total.count) == (78, 31)  # counts stay unweighted


def test_it_tabulates_many_questions_in_one_pass_with_the_same_figures():
    table = tabulate_many(frame(ROWS), [("q", ["1"], ["9"]), ("q", ["1", "2"], ["9"])],
                          by="area")
    east = table.filter(pl.col("group") == "東").row(0, named=True)
    assert (east["q0_n"], east["q0_count"], east["q1_count"]) == (40, 10, 40)
    assert (east["q0_ci_low"], east["q0_ci_high"]) == pytest.approx(wilson_interval(10, 40))


def test_the_many_question_pass_gives_exactly_what_one_question_at_a_time_gives():
    odd = pl.DataFrame({
        "q1": ["1", "2", " ", "\u3000", "9", None, "1 ", "3", "1", "2"] * 30,
        "q2": ["2", "2", "1", "", "9", "1", "1", "\u00a0", "3", "1"] * 30,
        "area": (["東"] * 5 + ["西"] * 4 + [None]) * 30,
        "w": [0.5, 1.0, 1.5, 2.0, 0.8, 1.2, 1.1, 0.9, 1.3, 0.7] * 30,
    }, schema={"q1": pl.String, "q2": pl.String, "area": pl.String, "w": pl.Float64})
    questions = [("q1", ["1"], ["9"]), ("q2", ["1", "2"], ["9"])]
    for weight in (None, "w"):
        table = tabulate_many(odd, questions, by="area", weight=weight)
        for i, (question, options, missing) in enumerate(questions):
            groups = tabulate(odd, question=question, options=options, missing=missing,
                              by="area", weight=weight, min_n=1)[1:]
            for g in groups:
                row = table.filter(pl.col("group") == g.group).row(0, named=True)
                assert (row[f"q{i}_n"], row[f"q{i}_count"]) == (g.n, g.count)
                assert (row[f"q{i}_share"], row[f"q{i}_ci_low"], row[f"q{i}_ci_high"]) == (
                    g.share, g.ci_low, g.ci_high), (question, g.group, weight)
