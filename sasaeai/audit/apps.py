from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sasaeai.audit"
    label = "audit"
    verbose_name = "監査ログ"
