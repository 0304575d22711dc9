from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "sasaeai.backup"
    label = "backup"
    verbose_name = "バックアップと復元"
