"""Form fields that choose rows by id, safe against ids no column can hold.

Django's model choice fields pass the submitted id to the database: 10**30 overflows SQLite's
integer (a 500) before the field can say 「一覧から選んでください」. These refuse anything that is
not a plain ASCII id first, with the field's own Japanese message."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from sasaeai.lib.values import ascii_int


def _refuse_odd_ids(field: forms.Field, value: Any) -> None:
    values = value if isinstance(value, list | tuple) else [value]
    for pk in values:
        if pk in field.empty_values:
            continue
        if ascii_int(str(pk)) is None:
            key = "invalid_pk_value" if isinstance(field, forms.ModelMultipleChoiceField) else (
                "invalid_choice")
            raise ValidationError(field.error_messages[key], code=key, params={"pk": "", "value": ""})


class IdChoices(forms.ModelMultipleChoiceField):
    """Several rows by id."""

    def clean(self, value: Any) -> Any:
        _refuse_odd_ids(self, value)
        return super().clean(value)


class IdChoice(forms.ModelChoiceField):
    """One row by id."""

    def clean(self, value: Any) -> Any:
        _refuse_odd_ids(self, value)
        return super().clean(value)
