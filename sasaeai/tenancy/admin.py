from django.contrib import admin

from sasaeai.audit.admin import AuditedAdmin
from sasaeai.tenancy.models import Area, Municipality, Organization


@admin.register(Municipality)
class MunicipalityAdmin(AuditedAdmin):
    list_display = ["code", "name", "kana", "prefecture"]
    search_fields = ["code", "name", "kana"]


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "municipality", "parent"]
    list_filter = ["kind", "municipality"]
    search_fields = ["name", "short_name"]
    list_select_related = ["municipality", "parent"]
    autocomplete_fields = ["parent"]


@admin.register(Area)
class AreaAdmin(AuditedAdmin):
    list_display = ["name", "level_label", "parent", "municipality", "is_sample_name"]
    list_filter = ["municipality", "level_label", "is_sample_name"]
    search_fields = ["name"]
    list_select_related = ["municipality", "parent"]
    autocomplete_fields = ["parent"]
