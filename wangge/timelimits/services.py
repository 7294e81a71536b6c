"""The working clock of this installation: the calendar with the days
administrators entered, and the office hours from the settings."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.db import transaction

from wangge.accounts.models import RoleAssignment
from wangge.accounts.roles import Role
from wangge.audit.services import audit_record
from wangge.core.errors import DomainError
from wangge.core.snapshot import Snapshot
from wangge.timelimits.calendar import WorkCalendar
from wangge.timelimits.clock import Limit, OfficeHours, Unit, WorkClock
from wangge.timelimits.defaults import LIMITS, PROFILES
from wangge.timelimits.models import CalendarDay, TimeLimit


def _entered_days() -> dict[dt.date, bool]:
    return dict(CalendarDay.objects.values_list("date", "is_workday"))


def _entered_limits() -> dict[tuple[str, str], list[tuple[str, Any, str]]]:
    limits: dict[tuple[str, str], list[tuple[str, Any, str]]] = {}
    for profile, urgency, step, amount, unit in TimeLimit.objects.values_list(
        "profile__code", "urgency", "step", "amount", "unit"
    ):
        limits.setdefault((profile, urgency), []).append((step, amount, unit))
    return limits


# What administrators entered (a few dozen rows each), read by every intake
# and step: per-process snapshots (wangge.core.snapshot) — an edit counts at
# once in this process, within SNAPSHOT_AGE seconds in the others, and a
# transaction reads the tables afresh.
SNAPSHOT_AGE = 10.0
DAYS = Snapshot(_entered_days, max_age=SNAPSHOT_AGE)
LIMITS_ENTERED = Snapshot(_entered_limits, max_age=SNAPSHOT_AGE)


def work_clock() -> WorkClock:
    entered = DAYS.get()
    if entered is None:
        entered = _entered_days()
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


def limits_for(profile: str, urgency: str) -> dict[str, Limit]:
    """The limit of each step for a profile at an urgency, as administrators
    set them; a step missing from the table takes the shipped default, and
    an unknown profile the "standard" one — a matter always has limits."""
    if profile not in PROFILES:
        profile = "standard"
    if (profile, urgency) not in LIMITS:
        urgency = "normal"
    out = {
        step: Limit(float(amount), cast(Unit, unit))
        for step, (amount, unit) in LIMITS[(profile, urgency)].items()
    }
    entered = LIMITS_ENTERED.get()
    if entered is None:
        entered = _entered_limits()
    for step, amount, unit in entered.get((profile, urgency), []):
        out[step] = Limit(float(amount), cast(Unit, unit))
    return out
