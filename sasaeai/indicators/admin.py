from django.contrib import admin

from sasaeai.audit.admin import AuditedAdmin
from sasaeai.indicators.models import Indicator, Observation, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


class ObservationInline(admin.TabularInline):
    model = Observation
    extra = 0
    fields = ["role", "year", "year_end", "year_kind", "value", "verbatim", "status",
              "sample_size", "margin", "area"]


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ["name", "plan", "unit", "polarity", "kind", "source_text"]
    list_filter = ["plan__municipality", "plan", "kind", "polarity", "source_kind"]
    search_fields = ["name", "source_text"]
    list_select_related = ["plan"]
    autocomplete_fields = ["element", "initiative", "source_organization"]
    inlines = [ObservationInline, TargetInline]
