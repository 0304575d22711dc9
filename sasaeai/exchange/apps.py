from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "sasaeai.exchange"
    label = "exchange"
    verbose_name = "計画の取り込みと書き出し"
