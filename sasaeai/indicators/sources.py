"""Who reports an indicator's figure, read from the source printed under it (「防災管理課調べ」)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from sasaeai.tenancy.models import Organization


def department_named_in(source_text: str, organizations: Iterable[Organization]
                        ) -> Organization | None:
    """The municipality's department the source text names, the longest name first (so
    「高齢福祉課」 is not taken for a shorter 「福祉課」); None when it names none, such as
    「アンケート調査」 or 「国勢調査」."""
    folded = unicodedata.normalize("NFKC", source_text or "")
    if not folded.strip():
        return None
    named = [o for o in organizations if o.kind == Organization.Kind.DEPARTMENT
             and unicodedata.normalize("NFKC", o.name) in folded]
    return max(named, key=lambda o: len(o.name)) if named else None
