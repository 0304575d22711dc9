from django.contrib import admin

from sasaeai.notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "subject", "read_at", "mailed"]
    list_filter = ["kind"]
    search_fields = ["subject", "recipient__username"]
    readonly_fields = ["created_at"]
