from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "sasaeai.public"
    label = "public"
    verbose_name = "公開サイトとオープンデータ"
