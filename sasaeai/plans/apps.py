from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "sasaeai.plans"
    label = "plans"
    verbose_name = "計画"

    def ready(self) -> None:
        from sasaeai.plans import editing

        editing.register()
