from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "wangge.core"
    verbose_name = "基础"

    def ready(self) -> None:
        from wangge.core import lookups  # noqa: F401 - registers field__prefix
