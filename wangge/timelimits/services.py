"""The working clock of this installation: the calendar with the days
administrators entered, and the office hours from the settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction

from wangge.accounts.models import RoleAssignment
from wangge.accounts.roles import Role
from wangge.audit.services import audit_record
from wangge.core.errors import DomainError
from wangge.timelimits.calendar import WorkCalendar
from wangge.timelimits.clock import OfficeHours, WorkClock
from wangge.timelimits.models import CalendarDay


def work_clock() -> WorkClock:
    """Read fresh on each call (the entered days are a few dozen rows), so
    an administrator's edit counts at once in every process."""
    entered = dict(CalendarDay.objects.values_list("date", "is_workday"))
    return WorkClock(WorkCalendar(entered), OfficeHours.parse(settings.WANGGE_OFFICE_HOURS))


def calendar_day_set(*, actor: Any, date: dt.date, is_workday: bool, note: str = "") -> CalendarDay:
    """Enter (or change) one day of the working-day calendar. It moves
    every deadline in every county: superusers and city-level system
    administrators only; audited."""
    if not _may_edit_calendar(actor):
        raise DomainError("forbidden", "只有市级系统管理员可以修改工作日历")
    with transaction.atomic():
        day, _ = CalendarDay.objects.update_or_create(
            date=date, defaults={"is_workday": is_workday, "note": note.strip()[:64]}
        )
        audit_record(
            actor=actor,
            action="calendar.day_set",
            obj=day,
            changes={"date": date.isoformat(), "is_workday": is_workday, "note": day.note},
        )
    return day


def _may_edit_calendar(actor: Any) -> bool:
    if getattr(actor, "is_superuser", False):
        return True
    return RoleAssignment.objects.filter(
        user=actor, role=Role.ADMINISTRATOR, area__level="city", is_active=True
    ).exists()
