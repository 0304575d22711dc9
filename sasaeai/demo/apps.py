from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sasaeai.demo"
    label = "demo"
    verbose_name = "デモデータ"
