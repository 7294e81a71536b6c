from django.apps import AppConfig


class GridworkConfig(AppConfig):
    name = "wangge.gridwork"
    verbose_name = "网格员与入户走访"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wangge.gridwork import cover

        cover.watch()
