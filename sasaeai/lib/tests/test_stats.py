"""Survey statistics, held to SciPy's answers to 1e-9."""

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sp

from sasaeai.lib.stats import (
    Z95,
    kish_effective_n,
    two_proportion_test,
    weighted_share,
    wilson_interval,
)
from sasaeai.surveys.tabulate import wilson_exprs

# (count, n): a share of zero, of all, a small sample, the demo's size, a national one.
CASES = [(0, 10), (10, 10), (1, 3), (413, 1000), (1299, 1958), (27, 98), (500_123, 1_000_000)]


def scipy_wilson(count: int, n: int) -> tuple[float, float]:
    ci = sp.binomtest(count, n).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def test_it_uses_the_two_sided_95_percent_critical_value():
    assert abs(Z95 - float(sp.norm.ppf(0.975))) < 1e-12


@pytest.mark.parametrize(("count", "n"), CASES)
def test_it_matches_scipys_wilson_interval(count, n):
    low, high = wilson_interval(count, n)
    expected = scipy_wilson(count, n)
    assert low == pytest.approx(expected[0], abs=1e-9)
    assert high == pytest.approx(expected[1], abs=1e-9)


@given(n=st.integers(1, 100_000), data=st.data())
def test_it_matches_scipy_on_generated_samples(n, data):
    count = data.draw(st.integers(0, n))
    low, high = wilson_interval(count, n)
    expected = scipy_wilson(count, n)
    assert abs(low - expected[0]) < 1e-9 and abs(high - expected[1]) < 1e-9
    assert 0 <= low <= count / n <= high <= 1


def test_the_polars_expressions_give_the_same_bounds_as_the_plain_function():
    frame = pl.DataFrame({"count": [c for c, _ in CASES], "n": [n for _, n in CASES]})
    low, high = wilson_exprs(pl.col("count") / pl.col("n"), pl.col("n").cast(pl.Float64))
    out = frame.select(low.alias("low"), high.alias("high"))
    for (count, n), row in zip(CASES, out.iter_rows(), strict=True):
        assert row == pytest.approx(wilson_interval(count, n), abs=1e-12)


def test_the_weighted_share_and_kishs_n_match_numpy_and_the_definition():
    rng = np.random.default_rng(7)
    weights = rng.uniform(0.5, 2.5, 1000)
    hits = rng.random(1000) < 0.4
    share = weighted_share(hits.tolist(), weights.tolist())
    assert share == pytest.approx(float(np.average(hits, weights=weights)), abs=1e-12)
    n_eff = kish_effective_n(weights.tolist())
    assert n_eff == pytest.approx(float(weights.sum() ** 2 / (weights ** 2).sum()), abs=1e-9)
    assert n_eff < 1000
    # The weighted interval is Wilson's with the effective n, against SciPy's normal quantile.
    low, high = wilson_interval(share * n_eff, n_eff)
    z = float(sp.norm.ppf(0.975))
    centre = (share + z * z / (2 * n_eff)) / (1 + z * z / n_eff)
    half = z * math.sqrt(share * (1 - share) / n_eff + z * z / (4 * n_eff ** 2)) / (
        1 + z * z / n_eff)
    assert (low, high) == pytest.approx((centre - half, centre + half), abs=1e-9)


def test_equal_weights_change_nothing():
    assert kish_effective_n([1.3] * 50) == pytest.approx(50)
    assert weighted_share([True] * 20 + [False] * 30, [1.3] * 50) == pytest.approx(0.4)


@pytest.mark.parametrize(("p1", "n1", "p2", "n2"), [
    (0.601, 1200, 0.646, 1958),   # 小美玉市-shaped: 平成27年 → 令和5年度
    (0.30, 500, 0.31, 480),       # a change well inside the noise
    (0.275, 800, 0.35, 900),
])
def test_the_two_proportion_test_matches_scipys_chi_square(p1, n1, p2, n2):
    test = two_proportion_test(p1, n1, p2, n2)
    a, b = round(p1 * n1), round(p2 * n2)
    table = [[a, n1 - a], [b, n2 - b]]
    chi2, p_value, _dof, _expected = sp.chi2_contingency(table, correction=False)
    exact = two_proportion_test(a / n1, n1, b / n2, n2)
    assert exact.p_value == pytest.approx(float(p_value), abs=1e-9)
    assert exact.z ** 2 == pytest.approx(float(chi2), rel=1e-9)
    # The band the judgement uses is exactly where the test turns significant.
    assert (abs(test.difference) > test.critical_difference) == test.significant


def test_it_refuses_what_cannot_be_computed_with_a_japanese_message():
    with pytest.raises(ValueError, match="回答数が0"):
        wilson_interval(0, 0)
    with pytest.raises(ValueError, match="範囲外"):
        wilson_interval(11, 10)
    with pytest.raises(ValueError, match="ウェイト"):
        kish_effective_n([0.0, 0.0])
