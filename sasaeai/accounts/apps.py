from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sasaeai.accounts"
    label = "accounts"
    verbose_name = "利用者と所属"
