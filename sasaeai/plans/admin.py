from django.contrib import admin

from sasaeai.audit.admin import AuditedAdmin
from sasaeai.plans.models import (
    Actor,
    ActorStatement,
    Challenge,
    Evidence,
    Initiative,
    Placement,
    Plan,
    PlanElement,
    ReportingAssignment,
)


class ActorInline(admin.TabularInline):
    model = Actor
    extra = 0


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ["title", "municipality", "kind", "generation", "start_fy", "end_fy", "status"]
    list_filter = ["status", "kind", "municipality"]
    search_fields = ["title", "philosophy"]
    list_select_related = ["municipality"]
    filter_horizontal = ["owners"]
    autocomplete_fields = ["predecessor", "parent", "area"]
    inlines = [ActorInline]


@admin.register(PlanElement)
class PlanElementAdmin(AuditedAdmin):
    list_display = ["__str__", "plan", "level_label", "number_label", "is_priority", "is_new", "order"]
    list_filter = ["plan__municipality", "plan", "level_label", "is_priority", "is_new"]
    search_fields = ["title", "number_label"]
    list_select_related = ["plan"]
    autocomplete_fields = ["parent"]


class PlacementInline(admin.TabularInline):
    model = Placement
    extra = 0
    autocomplete_fields = ["element"]


@admin.register(Initiative)
class InitiativeAdmin(AuditedAdmin):
    list_display = ["__str__", "plan", "element", "is_priority", "is_new", "order"]
    list_filter = ["plan__municipality", "plan", "is_priority", "is_new"]
    search_fields = ["title", "number_label"]
    list_select_related = ["plan", "element"]
    autocomplete_fields = ["element"]
    filter_horizontal = ["responsible"]
    inlines = [PlacementInline]


@admin.register(ReportingAssignment)
class ReportingAssignmentAdmin(AuditedAdmin):
    list_display = ["element", "organization", "plan", "is_sample"]
    list_filter = ["plan__municipality", "plan", "is_sample"]
    list_select_related = ["plan", "element", "organization"]
    autocomplete_fields = ["element"]


@admin.register(ActorStatement)
class ActorStatementAdmin(AuditedAdmin):
    list_display = ["__str__", "actor", "element", "initiative", "repeat_note", "order"]
    list_filter = ["plan__municipality", "plan", "actor__kind"]
    search_fields = ["text", "detail"]
    list_select_related = ["actor", "element", "initiative"]
    autocomplete_fields = ["element", "initiative", "repeat_of"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0


@admin.register(Challenge)
class ChallengeAdmin(AuditedAdmin):
    list_display = ["__str__", "plan", "order"]
    list_filter = ["plan__municipality", "plan"]
    search_fields = ["title", "description"]
    list_select_related = ["plan"]
    filter_horizontal = ["elements", "initiatives"]
    inlines = [EvidenceInline]
