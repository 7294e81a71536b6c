from django.apps import AppConfig


class TimelimitsConfig(AppConfig):
    name = "wangge.timelimits"
    verbose_name = "时限与工作日"
    default_auto_field = "django.db.models.BigAutoField"
