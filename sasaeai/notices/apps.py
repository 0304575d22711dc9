from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "sasaeai.notices"
    label = "notices"
    verbose_name = "お知らせ"
