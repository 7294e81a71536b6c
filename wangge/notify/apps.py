from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "wangge.notify"
    label = "notify"
    verbose_name = "消息通知"
    default_auto_field = "django.db.models.BigAutoField"
