from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sasaeai.api"
    label = "api"
    verbose_name = "読み取りAPI"
