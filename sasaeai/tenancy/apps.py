from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "sasaeai.tenancy"
    label = "tenancy"
    verbose_name = "自治体・組織・圏域"
