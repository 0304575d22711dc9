"""Rating marks as people type them: Ｃ, Ⅽ and C are one mark; 〇, ◯ and ○ are one mark."""

from __future__ import annotations

import unicodedata

# Look-alikes NFKC leaves apart, folded to the form rating scales are defined with.
LOOK_ALIKES = {
    "〇": "○", "◯": "○", "⚪": "○", "○": "○",
    "◎": "◎", "⊚": "◎",
    "✕": "×", "✖": "×", "╳": "×",
    "△": "△", "▵": "△", "▲": "△",
    "−": "-", "－": "-", "‐": "-", "―": "-", "—": "-", "–": "-", "ー": "-",
}


def normalize_mark(text: str) -> str:
    """The matching key of a mark. Never stored in place of what was typed."""
    stripped = text.strip()
    folded = "".join(LOOK_ALIKES.get(ch, ch) for ch in stripped)
    folded = unicodedata.normalize("NFKC", folded)
    return "".join(LOOK_ALIKES.get(ch, ch) for ch in folded).strip()
