from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "wangge.dispatch"
    verbose_name = "诉求与派单"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wangge.dispatch import reference

        reference.watch()
