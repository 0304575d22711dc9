"""Survey aggregation on polars: shares of chosen answers, overall and by group, with intervals.

No Django here: the pages, the commands, the demo and the benchmark call the same functions.
The microdata is a DataFrame of text columns (the codes as written in the file) plus, when the
survey is weighted, a Float64 weight column.

Rules, everywhere a share is shown:
- the base is the valid answers: empty cells and the codes marked 無回答 are left out;
- with a weight, the share is weighted and the interval uses Kish's effective n;
- a group with fewer valid answers than `min_n` is suppressed (no n, count, share or interval
  shown), and when exactly one group would be suppressed, the next smallest one is too, so that
  no suppressed figure can be recovered from the total and the other groups.
The interval formula is `lib.stats.wilson_interval`, written here as polars expressions so a whole
table is computed in one pass; the tests hold the two to the same digits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import polars as pl

from sasaeai.lib.stats import Z95

TOTAL = "全体"
NO_ANSWER_GROUP = "無回答"
DEFAULT_MIN_N = 10


@dataclass(frozen=True)
class Group:
    """One row of a tabulation. Shares and intervals are fractions (0.413), not percentages."""

    group: str
    n: int | None
    count: int | None
    share: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool
    effective_n: float | None = None

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        if self.effective_n is None:
            data.pop("effective_n")
        return data


def wilson_exprs(p: pl.Expr, n: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Wilson bounds for share p over n, as expressions (see lib.stats.wilson_interval)."""
    z2 = Z95 * Z95
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = Z95 * ((p * (1 - p) / n + z2 / (4 * n * n)).sqrt()) / denominator
    low = pl.when(p == 0).then(0.0).otherwise((centre - half).clip(0.0, 1.0))
    high = pl.when(p == 1).then(1.0).otherwise((centre + half).clip(0.0, 1.0))
    return low, high


def _valid(question: str, missing: Sequence[str]) -> pl.Expr:
    column = pl.col(question)
    valid = column.is_not_null() & (column.str.strip_chars() != "")
    if missing:
        valid = valid & ~column.is_in(list(missing))
    return valid


def share_aggs(question: str, options: Sequence[str], missing: Sequence[str] = (),
               weight: str | None = None, prefix: str = "") -> list[pl.Expr]:
    """The aggregations one question needs: n, count and (weighted) shares with intervals are
    derived from these by `finish`."""
    valid = _valid(question, missing)
    hit = valid & pl.col(question).is_in(list(options))
    aggs = [valid.sum().alias(f"{prefix}n"), hit.sum().alias(f"{prefix}count")]
    if weight is not None:
        w = pl.when(valid).then(pl.col(weight)).otherwise(0.0)
        aggs += [
            w.sum().alias(f"{prefix}w"),
            pl.when(hit).then(pl.col(weight)).otherwise(0.0).sum().alias(f"{prefix}wh"),
            (w * w).sum().alias(f"{prefix}w2"),
        ]
    return aggs


def finish(frame: pl.DataFrame, *, weighted: bool, prefix: str = "") -> pl.DataFrame:
    """Shares, effective n and Wilson bounds from the sums of `share_aggs`."""
    n, count = pl.col(f"{prefix}n"), pl.col(f"{prefix}count")
    if weighted:
        w, wh, w2 = pl.col(f"{prefix}w"), pl.col(f"{prefix}wh"), pl.col(f"{prefix}w2")
        share: pl.Expr = pl.when(w > 0).then(wh / w)
        effective: pl.Expr = pl.when(w2 > 0).then(w * w / w2)
    else:
        share = pl.when(n > 0).then(count / n)
        effective = n.cast(pl.Float64)
    frame = frame.with_columns(share.alias(f"{prefix}share"),
                               effective.alias(f"{prefix}effective_n"))
    low, high = wilson_exprs(pl.col(f"{prefix}share"), pl.col(f"{prefix}effective_n"))
    return frame.with_columns(
        pl.when(pl.col(f"{prefix}effective_n") > 0).then(low).alias(f"{prefix}ci_low"),
        pl.when(pl.col(f"{prefix}effective_n") > 0).then(high).alias(f"{prefix}ci_high"),
    )


def _group_key(by: str, missing: Sequence[str]) -> pl.Expr:
    column = pl.col(by)
    empty = column.is_null() | (column.str.strip_chars() == "")
    if missing:
        empty = empty | column.is_in(list(missing))
    return pl.when(empty).then(pl.lit(NO_ANSWER_GROUP)).otherwise(column).alias("group")


def tabulate(
    frame: pl.DataFrame,
    *,
    question: str,
    options: Sequence[str],
    missing: Sequence[str] = (),
    by: str | None = None,
    by_missing: Sequence[str] = (),
    by_order: Sequence[str] = (),
    weight: str | None = None,
    min_n: int = DEFAULT_MIN_N,
) -> list[Group]:
    """The share answering one of `options` to `question`: 全体 first, then one row per value of
    `by` (in `by_order`, then as found, 無回答 last), suppression applied."""
    for name in (question, by, weight):
        if name is not None and name not in frame.columns:
            raise KeyError(name)
    aggs = share_aggs(question, options, missing, weight)
    weighted = weight is not None
    total = finish(frame.select(aggs), weighted=weighted).with_columns(
        pl.lit(TOTAL).alias("group"))
    groups = [_row(total.row(0, named=True), weighted, min_n)]
    if by is None:
        return groups
    table = finish(frame.group_by(_group_key(by, by_missing)).agg(aggs), weighted=weighted)
    rank = {name: i for i, name in enumerate(by_order)}
    rows = sorted(table.iter_rows(named=True), key=lambda r: (
        r["group"] == NO_ANSWER_GROUP, rank.get(r["group"], len(rank)), str(r["group"])))
    parts = [_row(r, weighted, min_n) for r in rows]
    return groups + _secondary_suppression(parts, min_n)


def _row(row: dict[str, object], weighted: bool, min_n: int) -> Group:
    n = int(row["n"] or 0)  # type: ignore[call-overload]
    if n < min_n:
        return Group(str(row["group"]), None, None, None, None, None, True)
    return Group(
        group=str(row["group"]), n=n, count=int(row["count"] or 0),  # type: ignore[call-overload]
        share=_float(row["share"]), ci_low=_float(row["ci_low"]),
        ci_high=_float(row["ci_high"]),
        suppressed=False, effective_n=_float(row["effective_n"]) if weighted else None,
    )


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _secondary_suppression(parts: list[Group], min_n: int) -> list[Group]:
    """With one suppressed group, the total minus the others would reveal it: hide one more."""
    hidden = [g for g in parts if g.suppressed]
    shown = [g for g in parts if not g.suppressed]
    if len(hidden) != 1 or not shown:
        return parts
    smallest = min(shown, key=lambda g: (g.n or 0, g.group))
    return [Group(g.group, None, None, None, None, None, True) if g is smallest else g
            for g in parts]


def tabulate_many(
    frame: pl.DataFrame,
    questions: Sequence[tuple[str, Sequence[str], Sequence[str]]],
    *,
    by: str,
    weight: str | None = None,
) -> pl.DataFrame:
    """Every question × every group in one pass (question, options, missing codes), with
    shares and intervals; the benchmark's workload and the round page's overview."""
    aggs: list[pl.Expr] = []
    for i, (question, options, missing) in enumerate(questions):
        aggs += share_aggs(question, options, missing, weight, prefix=f"q{i}_")
    table = frame.group_by(_group_key(by, ())).agg(aggs)
    for i in range(len(questions)):
        table = finish(table, weighted=weight is not None, prefix=f"q{i}_")
    return table
