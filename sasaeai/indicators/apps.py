from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "sasaeai.indicators"
    label = "indicators"
    verbose_name = "成果指標"

    def ready(self) -> None:
        from sasaeai.indicators import edits

        edits.register()
