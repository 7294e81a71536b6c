from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wangge.timelimits.models import CalendarDay, TimeLimit, TimeLimitProfile
from wangge.timelimits.services import _may_edit_calendar, calendar_day_set


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "note", "updated_at")
    list_filter = ("is_workday",)
    search_fields = ("note",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _may_edit_calendar(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit_calendar(request.user)

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        # Through the service, so the change is audited like any other.
        saved = calendar_day_set(
            actor=request.user, date=obj.date, is_workday=obj.is_workday, note=obj.note
        )
        obj.pk = saved.pk


class TimeLimitInline(admin.TabularInline):
    model = TimeLimit
    extra = 0


@admin.register(TimeLimitProfile)
class TimeLimitProfileAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    inlines = (TimeLimitInline,)
