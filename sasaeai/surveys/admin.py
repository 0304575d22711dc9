from django.contrib import admin

from sasaeai.audit.admin import AuditedAdmin
from sasaeai.surveys.models import (
    Option,
    Question,
    Respondent,
    SurveyMeasure,
    SurveyResult,
    SurveyRound,
)


@admin.register(SurveyRound)
class SurveyRoundAdmin(AuditedAdmin):
    list_display = ["name", "municipality", "year", "valid_responses", "is_synthetic"]
    list_filter = ["municipality", "is_synthetic"]
    search_fields = ["name"]
    filter_horizontal = ["plans"]
    readonly_fields = ["valid_responses", "file_digest", "imported_by", "imported_at"]


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


@admin.register(Question)
class QuestionAdmin(AuditedAdmin):
    list_display = ["column", "text", "kind", "round"]
    list_filter = ["round__municipality", "round", "kind"]
    search_fields = ["column", "text"]
    list_select_related = ["round"]
    inlines = [OptionInline]


@admin.register(Respondent)
class RespondentAdmin(AuditedAdmin):
    list_display = ["round", "row_number", "weight"]
    list_filter = ["round__municipality", "round"]
    list_select_related = ["round"]


@admin.register(SurveyMeasure)
class SurveyMeasureAdmin(AuditedAdmin):
    list_display = ["indicator", "column", "options_label", "weighted", "breakdown_column"]
    list_select_related = ["indicator"]
    search_fields = ["indicator__name", "column"]


@admin.register(SurveyResult)
class SurveyResultAdmin(AuditedAdmin):
    list_display = ["measure", "round", "n", "share", "ci_low", "ci_high", "test_p"]
    list_select_related = ["measure__indicator", "round"]
    readonly_fields = [f.name for f in SurveyResult._meta.concrete_fields]
