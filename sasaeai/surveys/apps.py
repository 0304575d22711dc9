from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "sasaeai.surveys"
    label = "surveys"
    verbose_name = "市民アンケート"
