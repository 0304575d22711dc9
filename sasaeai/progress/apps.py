from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "sasaeai.progress"
    label = "progress"
    verbose_name = "進行管理"

    def ready(self) -> None:
        from sasaeai.audit.actions import recorded
        from sasaeai.progress.notifications import on_recorded

        recorded.connect(on_recorded, dispatch_uid="sasaeai.progress.notifications")
