from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "sasaeai.plans"
    label = "plans"
    verbose_name = "計画"

    def ready(self) -> None:
        from sasaeai.audit.undo import undoer
        from sasaeai.plans import editing, renumbering

        editing.register()
        undoer(renumbering.SUMMARY, renumbering.undo_renumber)  # a renumbering at once
