"""Which days are working days in China.

The State Council publishes each year's public holidays and the weekend
days worked in exchange (调休). The chinese-calendar package knows them for
2004–2026 (version 1.11.0) and raises for later years, yet a deadline set in
December 2026 already reaches into 2027. So administrators enter the days of
a new year's schedule (``CalendarDay``), which take precedence, and a year
nobody has entered falls back to Monday–Friday, marked as estimated —
never an exception.

Pure Python, no Django: the entered days are passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import lru_cache

import chinese_calendar


@lru_cache(maxsize=8192)
def _library(day: dt.date) -> bool | None:
    """The package's answer, or None for a year it does not know."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


class WorkCalendar:
    """Working days: entered days first, then the package, then Mon–Fri."""

    def __init__(self, entered: Mapping[dt.date, bool] | None = None) -> None:
        self._entered = dict(entered or {})
        self._entered_years = {d.year for d in self._entered}

    def is_workday(self, day: dt.date) -> bool:
        hit = self._entered.get(day)
        if hit is not None:
            return hit
        known = _library(day)
        return day.weekday() < 5 if known is None else known

    def is_estimated(self, day: dt.date) -> bool:
        """True when neither an administrator nor the package knows the
        day's year: it is judged by Monday–Friday only."""
        return (
            day not in self._entered
            and day.year not in self._entered_years
            and _library(day) is None
        )

    def workdays(self, first: dt.date, last: dt.date) -> Iterable[dt.date]:
        day = first
        while day <= last:
            if self.is_workday(day):
                yield day
            day += dt.timedelta(days=1)
