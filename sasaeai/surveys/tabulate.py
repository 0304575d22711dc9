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

import operator
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import reduce

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
    shares, bounds = _finish_exprs(weighted=weighted, prefix=prefix)
    return frame.with_columns(shares).with_columns(bounds)


def _finish_exprs(*, weighted: bool, prefix: str) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """The share and effective n, then the bounds computed from those two columns."""
    n, count = pl.col(f"{prefix}n"), pl.col(f"{prefix}count")
    if weighted:
        w, wh, w2 = pl.col(f"{prefix}w"), pl.col(f"{prefix}wh"), pl.col(f"{prefix}w2")
        share: pl.Expr = pl.when(w > 0).then(wh / w)
        effective: pl.Expr = pl.when(w2 > 0).then(w * w / w2)
    else:
        share = pl.when(n > 0).then(count / n)
        effective = n.cast(pl.Float64)
    low, high = wilson_exprs(pl.col(f"{prefix}share"), pl.col(f"{prefix}effective_n"))
    return (
        [share.alias(f"{prefix}share"), effective.alias(f"{prefix}effective_n")],
        [pl.when(pl.col(f"{prefix}effective_n") > 0).then(low).alias(f"{prefix}ci_low"),
         pl.when(pl.col(f"{prefix}effective_n") > 0).then(high).alias(f"{prefix}ci_high")],
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
    """Every question × every group (question, options, missing codes), with shares and
    intervals; the benchmark's workload and the round page's overview.

    The figures are those of `share_aggs` and `finish`, to the last digit, computed faster:
    - the blank values are looked for only among the few cells that could be blank, so each
      cell is compared for equality with a few codes, instead of being trimmed and looked up
      in a set once for each of the five sums;
    - the valid/hit masks are computed once, all questions in parallel, and the sums read them;
    - the counts are integers, exact whichever engine adds them, so the faster lazy engine
      does; the weight sums stay with `DataFrame.group_by` on the group expression, as
      `share_aggs` is run, because the lazy engine adds floats in another order and its sums
      differ from those in the last digit.
    """
    names = list(dict.fromkeys(q for q, _, _ in questions))
    found = frame.select(
        _maybe_blank(pl.col(q)).unique().implode().alias(str(i)) for i, q in enumerate(names)
    ).row(0)
    blanks = {q: _blank(values) for q, values in zip(names, found, strict=True)}
    keep = [pl.col(by)]
    if weight is not None:
        # Σw² reads w² computed once; (w·valid)² and w²·valid are the same numbers.
        keep += [pl.col(weight).alias("__w"), (pl.col(weight) * pl.col(weight)).alias("__w2")]
    counts: list[pl.Expr] = []
    sums: list[pl.Expr] = []
    for i, (question, options, missing) in enumerate(questions):
        valid, hit = _masks(question, blanks[question], options, missing)
        keep += [valid.alias(f"__valid_{i}"), hit.alias(f"__hit_{i}")]
        valid, hit, prefix = pl.col(f"__valid_{i}"), pl.col(f"__hit_{i}"), f"q{i}_"
        counts += [valid.sum().alias(f"{prefix}n"), hit.sum().alias(f"{prefix}count")]
        if weight is not None:
            sums += [
                pl.when(valid).then(pl.col("__w")).otherwise(0.0).sum().alias(f"{prefix}w"),
                pl.when(hit).then(pl.col("__w")).otherwise(0.0).sum().alias(f"{prefix}wh"),
                pl.when(valid).then(pl.col("__w2")).otherwise(0.0).sum().alias(f"{prefix}w2"),
            ]
    marked = frame.lazy().select(keep).collect()
    key = _group_key(by, ())
    table = marked.lazy().group_by(key).agg(counts).collect()
    if sums:
        table = table.join(marked.group_by(key).agg(sums), on="group", how="left")
    sums_named = ("n", "count", *(("w", "wh", "w2") if weight is not None else ()))
    finished = ("share", "effective_n", "ci_low", "ci_high")
    shares: list[pl.Expr] = []
    bounds: list[pl.Expr] = []
    for i in range(len(questions)):
        first, second = _finish_exprs(weighted=weight is not None, prefix=f"q{i}_")
        shares += first
        bounds += second
    # `finish` for every question, in two steps rather than two per question, and the columns
    # in the order `finish` would have left them.
    columns = ["group"] + [f"q{i}_{name}" for i in range(len(questions)) for name in sums_named]
    columns += [f"q{i}_{name}" for i in range(len(questions)) for name in finished]
    return table.lazy().with_columns(shares).with_columns(bounds).select(columns).collect()


def _maybe_blank(column: pl.Expr) -> pl.Expr:
    """The cells that might be blank. A blank cell is empty or starts with whitespace, and
    every whitespace character is either ASCII below "!" or not ASCII at all (U+0080 and up,
    which UTF-8, compared byte by byte, sorts after all of ASCII). Comparing text is much
    cheaper than trimming it, and coded answers ("1", "9") are never candidates."""
    return column.filter((column < "!") | (column >= "\u0080"))


def _blank(values: Sequence[str | None]) -> list[str]:
    """The values `_valid` rejects as empty, decided by the same trim."""
    present = pl.Series([v for v in values if v is not None], dtype=pl.String)
    return present.filter(present.str.strip_chars() == "").to_list()


def _masks(question: str, blank: Sequence[str], options: Sequence[str],
           missing: Sequence[str]) -> tuple[pl.Expr, pl.Expr]:
    """`_valid` and its hits, for a column whose blank values are `blank`: the same booleans,
    with equality tests against a few codes in place of a trim of every cell."""
    invalid = list(dict.fromkeys([*missing, *blank]))
    chosen = [v for v in dict.fromkeys(options) if v not in invalid]
    column = pl.col(question)
    valid = column.is_not_null() & ~_one_of(column, invalid)
    # `chosen` holds only valid codes, so a hit is valid without testing it again.
    return valid, column.is_not_null() & _one_of(column, chosen)


def _one_of(column: pl.Expr, values: Sequence[str]) -> pl.Expr:
    """`column.is_in(values)`; a few equality tests are several times faster on text."""
    if not values:
        return pl.lit(False)
    if len(values) > 8:
        return column.is_in(list(values))
    return reduce(operator.or_, (column == value for value in values))
