from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "wangge.tasks"
    verbose_name = "交办任务"
    default_auto_field = "django.db.models.BigAutoField"
