from django.contrib import admin

from sasaeai.audit.admin import AuditedAdmin
from sasaeai.progress.models import (
    Cycle,
    Entry,
    EntryVersion,
    Opinion,
    PlanRatingScale,
    RatingLevel,
    RatingScale,
)


class RatingLevelInline(admin.TabularInline):
    model = RatingLevel
    extra = 0


@admin.register(RatingScale)
class RatingScaleAdmin(AuditedAdmin):
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]
    inlines = [RatingLevelInline]


@admin.register(PlanRatingScale)
class PlanRatingScaleAdmin(AuditedAdmin):
    list_display = ["plan", "scale"]
    list_select_related = ["plan", "scale"]


@admin.register(Cycle)
class CycleAdmin(AuditedAdmin):
    list_display = ["__str__", "plan", "kind", "fiscal_year", "status", "entries_due"]
    list_filter = ["status", "kind", "plan__municipality"]
    list_select_related = ["plan"]
    # Status moves only through the application's actions (checks, history, audit).
    readonly_fields = ["status", "version", "confirmed_at", "published_at"]


class EntryVersionInline(admin.TabularInline):
    model = EntryVersion
    extra = 0
    can_delete = False
    readonly_fields = ["number", "action", "status", "content", "reason", "at", "by_label"]
    fields = ("number", "action", "status", "content", "reason", "at", "by_label")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """Read-only in the back office: entries change through the actions, which keep history."""

    list_display = ["__str__", "cycle", "organization", "status", "version"]
    list_filter = ["status", "cycle__plan__municipality", "organization__kind"]
    list_select_related = ["cycle", "organization", "initiative", "element"]
    search_fields = ["progress", "issues", "results"]
    inlines = [EntryVersionInline]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Opinion)
class OpinionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cycle", "author_label", "responded_at"]
    list_select_related = ["cycle"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
