from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sasaeai.audit"
    label = "audit"
    verbose_name = "監査ログ"

    def ready(self) -> None:
        from sasaeai.audit import security  # noqa: F401  (connects the failed sign-in log)
