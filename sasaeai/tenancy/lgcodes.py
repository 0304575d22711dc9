"""The national list of 地方公共団体コード of the 市区町村 (tenancy/data/lgcodes.csv: its source
and date are in its first lines), to fill a new municipality's name, よみ and prefecture from its
code and to catch a mistyped one."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "lgcodes.csv"


@dataclass(frozen=True)
class Known:
    code: str
    prefecture: str
    name: str
    kana: str


@cache
def _all() -> dict[str, Known]:
    with DATA.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {r["code"]: Known(r["code"], r["prefecture"], r["name"], r["kana"]) for r in rows}


def lookup(code: str) -> Known | None:
    return _all().get(code)
