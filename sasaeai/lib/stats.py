"""Proportions from surveys: shares, Wilson intervals, Kish's effective n, two-proportion tests.

Plain Python on `statistics.NormalDist`, so the judgement, the importers and the tests can use it
without Django or SciPy (the tests check every formula against SciPy). The vectorised twins of
these formulas, for whole tables at once, are in `sasaeai.surveys.tabulate`; both must agree.

Shares are fractions (0.413), never percentages: the callers say which they show.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import NormalDist

CONFIDENCE = 0.95
# The two-sided 95 % critical value (1.959963984540054).
Z95 = NormalDist().inv_cdf(1 - (1 - CONFIDENCE) / 2)


def wilson_interval(count: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a share `count / n` (no continuity correction).

    `count` and `n` may be weighted: a weighted share with Kish's effective n in place of n is
    the usual design-based approximation. Raises ValueError for n ≤ 0 or a count outside 0…n.
    """
    if not n > 0:
        raise ValueError("回答数が0のため、信頼区間を計算できません。")
    if count < 0 or count > n * (1 + 1e-12):
        raise ValueError("該当数が回答数の範囲外です。")
    p = min(count / n, 1.0)
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    # At a share of 0 or 1 the bound is exactly 0 or 1; rounding must not move it off.
    low = 0.0 if p == 0 else max(0.0, centre - half)
    high = 1.0 if p == 1 else min(1.0, centre + half)
    return low, high


def kish_effective_n(weights: Iterable[float]) -> float:
    """Kish's effective sample size (Σw)² / Σw²: what n a weighted sample is worth."""
    total = squares = 0.0
    for w in weights:
        total += w
        squares += w * w
    if squares <= 0:
        raise ValueError("ウェイトの合計が0のため、有効標本数を計算できません。")
    return total * total / squares


def weighted_share(hits: Iterable[bool], weights: Iterable[float]) -> float:
    """Σ w·hit / Σ w over the same respondents."""
    total = hit_total = 0.0
    for hit, w in zip(hits, weights, strict=True):
        total += w
        if hit:
            hit_total += w
    if total <= 0:
        raise ValueError("ウェイトの合計が0のため、割合を計算できません。")
    return hit_total / total


@dataclass(frozen=True)
class TwoProportion:
    """A two-sided test that two shares from independent samples differ (pooled z test).

    `critical_difference` is the difference the test would just call significant at 95 %:
    a change smaller than it is within the noise of the two samples. The judgement of progress
    uses it as its band, so "横ばい" there means exactly "not significant" here.
    """

    difference: float
    z: float
    p_value: float
    critical_difference: float

    @property
    def significant(self) -> bool:
        return self.p_value < 1 - CONFIDENCE


def two_proportion_test(p1: float, n1: float, p2: float, n2: float) -> TwoProportion:
    """Compare share p2 (of n2, the newer) with p1 (of n1); n may be an effective n."""
    if not (n1 > 0 and n2 > 0):
        raise ValueError("回答数が0の調査とは比較できません。")
    for p in (p1, p2):
        if not 0 <= p <= 1:
            raise ValueError("割合は0から1の範囲で指定してください。")
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    difference = p2 - p1
    if se == 0:
        # Both samples all-yes or all-no: any difference is real, no difference is none.
        z = 0.0 if difference == 0 else math.copysign(math.inf, difference)
        p_value = 1.0 if difference == 0 else 0.0
    else:
        z = difference / se
        p_value = 2 * NormalDist().cdf(-abs(z))
    return TwoProportion(difference=difference, z=z, p_value=p_value,
                         critical_difference=Z95 * se)
