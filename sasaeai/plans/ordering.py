"""Moving a row up or down among its siblings in the plan editors (actors, statements)."""

from __future__ import annotations

from typing import Any


def swap_with_neighbour(siblings: list[Any], pk: int, *, up: bool) -> Any | None:
    """Swap the row `pk` with the one above or below it among `siblings` (locked, in order).
    Orders are renumbered 1… first, so that equal orders (as imported) move too. Returns the
    moved row, or None at the end of the list (nothing written)."""
    at = next(i for i, sibling in enumerate(siblings) if sibling.pk == pk)
    other = at - 1 if up else at + 1
    if other < 0 or other >= len(siblings):
        return None
    for number, sibling in enumerate(siblings, start=1):
        if sibling.order != number:
            sibling.order = number
            sibling.save(update_fields=["order"])
    mine, theirs = siblings[at], siblings[other]
    mine.order, theirs.order = theirs.order, mine.order
    mine.save(update_fields=["order"])
    theirs.save(update_fields=["order"])
    return mine
