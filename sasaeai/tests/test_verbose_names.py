"""Every model and field of sasaeai speaks Japanese in the admin and in error messages."""

import re

from django.apps import apps

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
OURS = {"tenancy", "accounts", "plans", "indicators", "audit"}
# Fields inherited from Django's AbstractUser are translated by Django's own ja catalogue.
INHERITED = {("accounts", "user")}


def test_it_gives_every_model_and_field_a_japanese_verbose_name():
    missing = []
    for model in apps.get_models():
        label = model._meta.app_label
        if label not in OURS:
            continue
        if not JAPANESE.search(str(model._meta.verbose_name)):
            missing.append(model._meta.label)
        for field in model._meta.get_fields(include_hidden=False):
            if field.auto_created or not hasattr(field, "verbose_name"):
                continue
            if (label, model._meta.model_name) in INHERITED and field.model is not model:
                continue
            if field.name == "id":
                continue
            if not JAPANESE.search(str(field.verbose_name)):
                missing.append(f"{model._meta.label}.{field.name}")
    assert missing == []
