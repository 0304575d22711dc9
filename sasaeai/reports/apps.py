from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "sasaeai.reports"
    label = "reports"
    verbose_name = "帳票"
