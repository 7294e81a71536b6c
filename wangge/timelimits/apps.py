from django.apps import AppConfig


class TimelimitsConfig(AppConfig):
    name = "wangge.timelimits"
    verbose_name = "时限与工作日"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wangge.timelimits import services
        from wangge.timelimits.models import CalendarDay, TimeLimit, TimeLimitProfile

        services.DAYS.watch(CalendarDay)
        services.LIMITS_ENTERED.watch(TimeLimit, TimeLimitProfile)
