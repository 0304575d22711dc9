"""Backups that can be restored anywhere: everything, or one municipality, as one JSON file.

The file lists every row of every model (Django's serializer, with primary keys kept and content
types named by their natural keys), model by model in dependency order, so it restores into an
empty database of either engine (SQLite → SQLite, PostgreSQL → PostgreSQL, SQLite → PostgreSQL).
A canonical hash of the content (each model's rows sorted by key, fields in sorted order) is
written into the file and checked after a restore: equal hashes mean equal content.

One municipality's backup holds the rows that belong to it (found by following foreign keys to
`Municipality`), its users, and its audit events. Sessions, content types and permissions are
the installation's own and never part of a backup, nor is the sign-in throttling's state. A
user's second-factor devices and API keys go with the user. The file holds password hashes and
the authenticator apps' keys: keep it as safe as the database itself.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, models, transaction

FORMAT = "sasaeai-backup"
VERSION = "1.0"
EXCLUDED = {"contenttypes.contenttype", "auth.permission", "sessions.session",
            "admin.logentry", "django_tasks_db.dbtaskresult",
            # Sign-in throttling state and its logs belong to the installation, like sessions.
            "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
# Rows that belong to a user rather than to a municipality, found through their user.
BY_USER = {"otp_totp.totpdevice": "user", "otp_static.staticdevice": "user",
           "otp_static.statictoken": "device__user", "accounts.apitoken": "user"}


class BackupError(ValueError):
    """A backup that cannot be restored; the message is Japanese."""


def backed_up_models() -> list[type[models.Model]]:
    """Concrete models in an order where every row's foreign keys come earlier."""
    from django.core.serializers import sort_dependencies

    app_list = [(config, None) for config in apps.get_app_configs()]
    ordered = sort_dependencies(app_list, allow_cycles=True)
    return [m for m in ordered if m._meta.label_lower not in EXCLUDED
            and not m._meta.proxy and m._meta.managed]


def _path_to_municipality(model: type[models.Model], depth: int = 0) -> str | None:
    """A lookup path from the model to its municipality ("plan__municipality"), if any."""
    from sasaeai.tenancy.models import Municipality

    if model is Municipality:
        return "pk"
    if depth > 5:
        return None
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model is Municipality:
            return field.name
    for field in model._meta.concrete_fields:
        target = field.related_model if field.is_relation else None
        if target is None or target is model or target._meta.label_lower in EXCLUDED:
            continue
        if target._meta.label_lower == "accounts.user":
            continue
        rest = _path_to_municipality(target, depth + 1)
        if rest is not None:
            return f"{field.name}__{rest}" if rest != "pk" else field.name
    return None


def querysets(municipality: Any = None) -> Iterator[models.QuerySet[Any]]:
    for model in backed_up_models():
        rows = model._default_manager.all()
        if municipality is not None:
            label = model._meta.label_lower
            if label == "accounts.user":
                rows = rows.filter(memberships__organization__municipality=municipality).distinct()
            elif label == "audit.auditevent":
                rows = rows.filter(municipality_code=municipality.code)
            elif label in BY_USER:
                rows = rows.filter(**{f"{BY_USER[label]}__memberships__organization__municipality":
                                      municipality}).distinct()
            else:
                path = _path_to_municipality(model)
                if path is None:
                    continue
                value = municipality.pk if path == "pk" else municipality
                rows = rows.filter(**{path: value}).distinct()
        yield rows.order_by("pk")


def _plain(value: Any) -> Any:
    """Field values as JSON without loss: times keep their microseconds (Django's JSON encoder
    cuts them to milliseconds, which a restore could not give back), decimals their digits."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _records(rows: models.QuerySet[Any]) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = [
        _plain(record) for record in serializers.serialize(
            "python", rows, use_natural_foreign_keys=True)]
    for record in data:
        # Many-to-many keys in a stable order: databases return them in any order.
        model = apps.get_model(record["model"])
        for field in model._meta.many_to_many:
            if isinstance(record["fields"].get(field.name), list):
                record["fields"][field.name].sort(key=lambda v: json.dumps(v, default=str))
    return data


def canonical_hash(records: Iterable[dict[str, Any]]) -> str:
    digest = hashlib.sha256()
    for record in sorted(records, key=lambda r: (r["model"], str(r["pk"]))):
        digest.update(json.dumps(record, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def make_backup(municipality: Any = None) -> dict[str, Any]:
    records: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    for rows in querysets(municipality):
        found = _records(rows)
        if found:
            counts[rows.model._meta.label_lower] = len(found)
        records += found
    return {"format": FORMAT, "version": VERSION,
            "scope": municipality.code if municipality is not None else "all",
            "counts": counts, "hash": canonical_hash(records), "records": records}


def current_hash(labels: Iterable[str], municipality: Any = None) -> tuple[dict[str, int], str]:
    """Counts and hash of the database as it is now, for the models a backup names."""
    wanted = set(labels)
    records: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    for rows in querysets(municipality):
        label = rows.model._meta.label_lower
        if label in wanted:
            found = _records(rows)
            counts[label] = len(found)
            records += found
    return counts, canonical_hash(records)


def restore(backup: Any) -> dict[str, int]:
    """Load a backup into an empty database, all or nothing; check counts and hash after."""
    if not isinstance(backup, dict) or backup.get("format") != FORMAT:
        raise BackupError("ささえあいのバックアップファイルではありません。")
    if str(backup.get("version", "")).split(".")[0] != "1":
        raise BackupError(f"バックアップの版「{backup.get('version')}」には対応していません。")
    from sasaeai.accounts.models import User
    from sasaeai.tenancy.models import Municipality

    if Municipality.objects.exists() or User.objects.exists():
        raise BackupError("復元先のデータベースが空ではありません。"
                          "新しいデータベースを作り（sasaeai migrate）、そこに復元してください。")
    text = json.dumps(backup["records"], ensure_ascii=False)
    touched: set[type[models.Model]] = set()
    with transaction.atomic():
        for obj in serializers.deserialize("json", text, handle_forward_references=True):
            obj.save()
            touched.add(type(obj.object))
        # Keys were kept: move each table's sequence past them (PostgreSQL).
        statements = connection.ops.sequence_reset_sql(no_style(), list(touched))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        counts, digest = current_hash(backup["counts"].keys(),
                                      _scope(backup.get("scope")))
        if counts != backup["counts"] or digest != backup["hash"]:
            raise BackupError("復元した内容がバックアップと一致しないため、復元を取り消しました。")
    return counts


def _scope(code: Any) -> Any:
    from sasaeai.tenancy.models import Municipality

    return None if code == "all" else Municipality.objects.get(code=code)
