from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from sasaeai.audit.actions import record, snapshot
from sasaeai.audit.models import AuditEvent


def municipality_code_of(obj: models.Model) -> str:
    """The tenant of a row, following the usual paths (plan, indicator, organization…)."""
    for path in ("municipality", "plan.municipality", "indicator.plan.municipality",
                 "organization.municipality", "challenge.plan.municipality",
                 "initiative.plan.municipality", "round.municipality",
                 "question.round.municipality", "measure.indicator.plan.municipality"):
        node: Any = obj
        for part in path.split("."):
            node = getattr(node, part, None)
            if node is None:
                break
        if node is not None and hasattr(node, "code"):
            return str(node.code)
    return ""


class AuditedAdmin(admin.ModelAdmin):
    """Back-office edits leave the same audit events as the application's own actions."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = None
            if change and obj.pk:
                previous = type(obj).objects.filter(pk=obj.pk).first()
                before = snapshot(previous) if previous is not None else None
            super().save_model(request, obj, form, change)
            record(
                by=request.user, action="admin.change" if change else "admin.add", obj=obj,
                before=before, after=snapshot(obj), municipality_code=municipality_code_of(obj),
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record(
                by=request.user, action="admin.delete", obj=obj, before=snapshot(obj),
                municipality_code=municipality_code_of(obj),
            )
            super().delete_model(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            code = municipality_code_of(form.instance)
            for obj in formset.new_objects:
                record(by=request.user, action="admin.add", obj=obj, after=snapshot(obj),
                       municipality_code=code)
            for obj, fields in formset.changed_objects:
                record(by=request.user, action="admin.change", obj=obj, after=snapshot(obj),
                       municipality_code=code, note="変更：" + "、".join(fields))
            for obj in formset.deleted_objects:
                record(by=request.user, action="admin.delete", obj=obj, before=snapshot(obj),
                       municipality_code=code)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        # One event per row: a bulk delete would otherwise leave no trace of what was removed.
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "municipality_code", "action", "object_type", "object_label"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_label", "municipality_code", "note"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
