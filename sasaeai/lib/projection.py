"""What the public may see of a row: the one definition every reader of a model goes through.

A model that holds something only the municipality's members may read names it once:
`PRIVATE_FIELDS` (fields the public never sees, such as who did something or why an entry was
returned) and `PRIVATE_LINKS` (links to rows that are shown only if those rows are public
themselves, such as an unpublished predecessor plan). Its QuerySet's `public()` says which rows
the public sees. The pages show `row.for_reader(public=...)`, the plan file leaves out
`PRIVATE_FIELDS`, and the API and search only select public fields of public rows.

Plain Python: a model is reached through its `_meta`, so nothing here imports Django.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar, Self


class Projected:
    """Mixin for models with private parts (see the module docstring)."""

    PRIVATE_FIELDS: ClassVar[frozenset[str]] = frozenset()
    PRIVATE_LINKS: ClassVar[frozenset[str]] = frozenset()

    def is_public(self) -> bool:
        """Whether the row itself may be shown to the public (what a link to it asks)."""
        return True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "_public_copy", False):
            raise ValueError("公開用の写しは保存できません。")
        super().save(*args, **kwargs)  # type: ignore[misc]

    def public_copy(self) -> Self:
        """A copy for display with the private fields emptied and the links to non-public rows
        cut. It is never saved: views hand it to templates only."""
        shown: Any = copy.copy(self)
        meta = shown._meta
        for name in self.PRIVATE_FIELDS:
            field = meta.get_field(name)
            empty = None if field.null or field.is_relation else field.get_default()
            setattr(shown, field.attname, empty)
            if field.is_relation and field.is_cached(shown):
                field.delete_cached_value(shown)
        for name in self.PRIVATE_LINKS:
            linked = getattr(shown, name)
            if linked is not None and not linked.is_public():
                setattr(shown, name, None)
        shown._public_copy = True
        return shown  # type: ignore[no-any-return]

    def for_reader(self, *, public: bool) -> Self:
        """The row as this reader sees it: whole for the municipality's members, its public
        copy for everyone else."""
        return self.public_copy() if public else self


def private_fields(model: type[Any]) -> frozenset[str]:
    return getattr(model, "PRIVATE_FIELDS", frozenset())
