"""Aggregates of a stored round: the DataFrame of its answers and the tabulations shown on pages.

Reads only; the writes that store a result as an indicator's Observation are in actions.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from sasaeai.surveys.models import Question, SurveyRound
from sasaeai.surveys.tabulate import Group, tabulate

WEIGHT = "__weight__"


class WeightError(ValueError):
    """A weight column that is not a positive number on every row."""


def round_frame(survey: SurveyRound, columns: Sequence[str], weight_column: str = ""
                ) -> pl.DataFrame:
    """The answers to `columns` (codes as text, None where empty) and, under WEIGHT, the
    round's design weight or the numbers of another column named as the weight."""
    rows = survey.respondents.order_by("row_number").values_list("answers", "weight")
    data: dict[str, list[object]] = {c: [] for c in columns}
    weights: list[float | None] = []
    for answers, weight in rows:
        for column in columns:
            data[column].append(answers.get(column))
        weights.append(float(weight) if weight is not None else None)
    schema: dict[str, pl.DataType] = {c: pl.String() for c in columns}
    frame = pl.DataFrame(data, schema=schema)
    weight_column = weight_column or survey.weight_column
    if weight_column and weight_column != survey.weight_column:
        weights = []
        for number, (answers, _weight) in enumerate(rows, start=1):
            try:
                value = float(answers.get(weight_column, ""))
            except ValueError:
                value = -1.0
            if not value > 0:
                raise WeightError(f"列「{weight_column}」の{number}人目の値がウェイト（正の数）ではありません。")
            weights.append(value)
    if weight_column:
        frame = frame.with_columns(pl.Series(WEIGHT, weights, dtype=pl.Float64))
    return frame


def questions_by_column(survey: SurveyRound) -> dict[str, Question]:
    return {q.column: q for q in survey.questions.prefetch_related("options")}


def tabulate_question(
    survey: SurveyRound, question: Question, option_codes: Sequence[str], *,
    by: Question | None = None, weighted: bool = True, weight_column: str = "",
) -> list[Group]:
    """One question of a stored round, overall and by an attribute, suppression applied."""
    columns = [question.column] + ([by.column] if by is not None else [])
    frame = round_frame(survey, columns, weight_column if weighted else "")
    use_weight = WEIGHT if weighted and (weight_column or survey.weight_column) else None
    return tabulate(
        frame, question=question.column, options=list(option_codes),
        missing=question.missing_codes(),
        by=by.column if by is not None else None,
        by_missing=by.missing_codes() if by is not None else (),
        by_order=[o.code for o in by.options.all()] if by is not None else (),
        weight=use_weight, min_n=survey.min_group_n,
    )


def group_labels(by: Question | None) -> dict[str, str]:
    """The option label of each group code (地区 "1" → 「小川地区」)."""
    if by is None:
        return {}
    return {o.code: o.label for o in by.options.all()}
