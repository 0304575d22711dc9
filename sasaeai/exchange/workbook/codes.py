"""How the rows of a plan workbook name each other: codes, names and the order of trees."""

from __future__ import annotations

import re
from typing import Any

from sasaeai.exchange.workbook.columns import SEPARATOR
from sasaeai.lib.values import ascii_int


def _code_key(text: str) -> str:
    """The matching key of a code or a name: spaces around 「>」 and runs of spaces do not
    matter (full width stays full width: ① is not 1)."""
    return re.sub(r"\s*>\s*", SEPARATOR, " ".join(text.split())).strip()


def _label(number_label: str, title: str) -> str:
    """A row's part of a code: its number, or its title when it has none, on one line."""
    text = " ".join((number_label or title or "").split()).replace("｜", "|")
    return text or "（名称なし）"


def _unique(code: str, used: set[str]) -> str:
    candidate, n = code, 2
    while _code_key(candidate) in used:
        candidate, n = f"{code}（{n}）", n + 1
    used.add(_code_key(candidate))
    return candidate


def _tree_order(parents: list[int | None]) -> list[int]:
    """Rows (given by the index of their parent row, which comes first) depth first, siblings
    in row order: the order `planjson` writes trees in."""
    children: dict[int | None, list[int]] = {}
    for index, parent in enumerate(parents):
        children.setdefault(parent, []).append(index)
    out: list[int] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        index = stack.pop()
        out.append(index)
        stack.extend(reversed(children.get(index, [])))
    return out


def _orders(groups: list[Any]) -> list[int]:
    """0, 1, 2 … within each group, in list order."""
    seen: dict[Any, int] = {}
    out = []
    for group in groups:
        out.append(seen.get(group, 0))
        seen[group] = out[-1] + 1
    return out


def _key_number(key: str) -> int:
    return ascii_int(key[1:]) or 0


def _split_names(text: str, known: dict[str, int]) -> tuple[list[int], list[str]]:
    """Organization names separated by 「、」 or line breaks; a name that itself holds 「、」 is
    found by trying the longest run of pieces first. Returns indexes and unknown names."""
    pieces = re.split(r"[、,，\n]", text)
    separators = re.findall(r"[、,，\n]", text)
    found: list[int] = []
    unknown: list[str] = []
    i = 0
    while i < len(pieces):
        for j in range(len(pieces), i, -1):
            joined = pieces[i]
            for k in range(i + 1, j):
                joined += separators[k - 1] + pieces[k]
            if _code_key(joined) in known:
                if known[_code_key(joined)] not in found:
                    found.append(known[_code_key(joined)])
                i = j
                break
        else:
            if pieces[i].strip():
                unknown.append(pieces[i].strip())
            i += 1
    return found, unknown


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]

