"""Year labels of a chart's x axis in 和暦, as the plans write them: 令和2, R2年度, 平成27年・年度.

Labels are as long as the room between neighbouring ticks allows: the era's name and the AD
year first, then the era's letter (R2), then the letter alone, turned 45°.
"""

from __future__ import annotations

from collections.abc import Iterable

from sasaeai.lib.wareki import YearKind, era_of

__all__ = ["SUFFIX", "tick_style", "year_tick_label"]

SUFFIX = {YearKind.FISCAL: "年度", YearKind.CALENDAR: "年", YearKind.UNSPECIFIED: ""}
_ERA_LETTER = {"明治": "M", "大正": "T", "昭和": "S", "平成": "H", "令和": "R"}

# The width of the plotting area, roughly, in points (the figure is 6.4 inches wide).
_AXIS_WIDTH_PT = 410


def year_tick_label(
    ad_year: int, kinds: Iterable[YearKind | str] = (), *, letters: bool = False,
    suffix: bool = True, ad: bool = False,
) -> str:
    """The label of one year on the x axis: 令和2, R2年度, 平成27年・年度 …

    ``kinds`` are the kinds of the figures at that year; with ``suffix`` each is written
    (年, 年度, or both when a calendar and a fiscal figure share the year).  The era is that of
    the fiscal year when any figure is a 年度, else that of the calendar year, as
    :func:`~sasaeai.lib.wareki.format_year` does.  ``letters`` writes R2 for 令和2; ``ad``
    adds the AD year on a second line.
    """
    found = [YearKind(kind) for kind in dict.fromkeys(kinds)]
    name, count = era_of(ad_year, fiscal=YearKind.FISCAL in found)
    number = "元" if count == 1 else str(count)
    label = f"{_ERA_LETTER.get(name, name) if letters else name}{number}"
    if suffix:
        written = [SUFFIX[kind] for kind in (YearKind.CALENDAR, YearKind.FISCAL) if kind in found]
        if len(written) == 2:
            label += "年・年度"
        elif written:
            label += written[0]
    if ad:
        label += f"\n({ad_year})"
    return label


def _text_width(text: str, size: float = 9) -> float:
    """A rough width in points: CJK characters are square, Latin ones about half as wide."""
    return max(sum(size if ord(c) > 0x2E7F else size * 0.6 for c in line)
               for line in text.split("\n"))


def tick_style(
    ticks: list[int], kinds: dict[int, list[YearKind]], *, mixed: bool, span: float
) -> tuple[bool, bool, bool]:
    """(letters, ad, rotate): the longest tick labels that fit between neighbouring ticks."""
    if len(ticks) < 2:
        return False, True, False
    per_year = _AXIS_WIDTH_PT / span
    for letters, ad in ((False, True), (True, True), (True, False)):
        widths = [_text_width(year_tick_label(y, kinds[y], letters=letters, suffix=mixed, ad=ad))
                  for y in ticks]
        if all((b - a) * per_year >= (wa + wb) / 2 + 4
               for a, b, wa, wb in zip(ticks, ticks[1:], widths, widths[1:], strict=False)):
            return letters, ad, False
    return True, False, True
