"""The 照会 sheet: its columns, its signed key cell, and an entry's values as the sheet shows them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core import signing

from sasaeai.lib.spreadsheets import Column, safe_text
from sasaeai.progress.models import Cycle, Entry, RatingLevel
from sasaeai.tenancy.models import Organization

SHEET = "報告"
GUIDE = "記入方法"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_RATIO = 100  # an .xlsx of text compresses 3–10×; a zip bomb, thousands of times
KEY_PREFIX = "sasaeai-shokai:"
KEY_SALT = "sasaeai.progress.workbook"  # the module's name when it was one; keys signed with it

# key: "id", "number", "title", "status", "version", or an Entry field
COLUMNS = (
    Column("報告ID", 8, key="id"),
    Column("取組番号", 9, key="number"),
    Column("取組名", 28, key="title"),
    Column("状態", 9, key="status"),
    Column("版", 5, key="version"),
    Column("実績", 36, key="results", editable=True),
    Column("実績（数値）", 12, key="results_value", editable=True),
    Column("単位", 8, key="results_unit", editable=True),
    Column("進捗状況", 42, key="progress", editable=True),
    Column("課題", 36, key="issues", editable=True),
    Column("今後の方向性", 13, key="direction", editable=True),
    Column("今後の方向性（内容）", 32, key="direction_text", editable=True),
    Column("自己評価", 9, key="self_rating", editable=True),
)
EDITABLE = [c for c in COLUMNS if c.editable]
TEXT_FIELDS = ("results", "results_unit", "progress", "issues", "direction_text")
LABELS = {c.key: c.title for c in COLUMNS}
DIRECTIONS = [(d.value, d.label) for d in Entry.Direction if d.value]
MAX_LENGTHS = {"results_unit": 20}


# The key cell ------------------------------------------------------------------------------

def workbook_key(cycle: Cycle, organization: Organization) -> str:
    """Names the cycle and organization a workbook was made for; signed, so a hand-made or
    edited key is recognised as such."""
    signed = signing.Signer(salt=KEY_SALT).sign(f"{cycle.pk}:{organization.pk}")
    return KEY_PREFIX + signed


def _read_key(text: str) -> tuple[int, int] | None:
    try:
        value = signing.Signer(salt=KEY_SALT).unsign(text[len(KEY_PREFIX):].strip())
        cycle_pk, org_pk = value.split(":")
        return int(cycle_pk), int(org_pk)
    except (signing.BadSignature, ValueError):
        return None


# Entries and their state ---------------------------------------------------------------------

def _levels(cycle: Cycle) -> list[RatingLevel]:
    return list(cycle.rating_scale.levels.all()) if cycle.rating_scale else []


def is_open(cycle: Cycle, entry: Entry) -> bool:
    return cycle.is_open_for_input and entry.is_editable


# Values as the sheet shows them, and as they compare --------------------------------------

def display_values(content: dict[str, Any]) -> dict[str, str]:
    """The editable columns of an entry (or of one of its versions) as the sheet shows them."""
    direction = content.get("direction") or ""
    value = content.get("results_value") or ""
    labels = dict(DIRECTIONS)
    return {
        **{name: safe_text(content.get(name) or "") for name in TEXT_FIELDS},
        "results_value": safe_text(Decimal(value)) if value else "",
        "direction": labels.get(direction, direction),
        "self_rating": content.get("self_rating_verbatim") or content.get("self_rating") or "",
    }


def _comparable(content: dict[str, Any]) -> dict[str, Any]:
    value = content.get("results_value") or ""
    return {
        **{name: safe_text(content.get(name) or "") for name in TEXT_FIELDS},
        "results_value": Decimal(value) if value else None,
        "direction": content.get("direction") or "",
        "self_rating": (content.get("self_rating_verbatim") or content.get("self_rating")
                        or "").strip(),
    }

