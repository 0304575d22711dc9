"""Settings a Japanese office relies on: language, time zone, how dates are typed."""

import datetime

from django import forms
from django.conf import settings
from django.db import connection


class DueDateForm(forms.Form):
    due = forms.DateField()


def test_it_accepts_dates_as_japanese_offices_type_them():
    for text in ["2025/04/01", "2025-04-01", "2025年4月1日"]:
        form = DueDateForm({"due": text})
        assert form.is_valid(), text
        assert form.cleaned_data["due"] == datetime.date(2025, 4, 1)


def test_it_rejects_american_dates_with_a_japanese_message():
    form = DueDateForm({"due": "04/01/2025"})
    assert not form.is_valid()
    assert form.errors["due"] == ["日付を正しく入力してください。"]


def test_it_speaks_only_japanese_in_tokyo_time():
    assert settings.LANGUAGE_CODE == "ja"
    assert settings.LANGUAGES == [("ja", "日本語")]
    assert settings.TIME_ZONE == "Asia/Tokyo"


def test_it_waits_for_sqlite_locks_and_takes_them_at_begin():
    if connection.vendor != "sqlite":
        assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
        return
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["timeout"] >= 5
    assert options["transaction_mode"] == "IMMEDIATE"
