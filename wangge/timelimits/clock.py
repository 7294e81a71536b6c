"""Deadlines in working time: "sign within 2 working hours", "finish within
5 working days", with the clock stopped while an extension request waits.

Two measures of working time, one mechanism:

- **working days**: each working day counts whole (24 hours). As the law
  counts periods in days, counting starts the day after the request
  arrives, and the deadline is the end of the last day — 24:00 of the Nth
  working day after the day of arrival (a holiday in between does not
  count; a deadline that would fall on one moves past it).
- **working hours**: only office hours of working days count (by default
  08:30–12:00 and 14:00–18:00, Beijing time), from the moment of arrival.

Every deadline is computed from stored timestamps (arrival, the start and
end of each pause), so a restart or a sweep that runs twice changes nothing.
Pure Python, no Django.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from wangge.timelimits.calendar import WorkCalendar

BEIJING = ZoneInfo("Asia/Shanghai")
Unit = Literal["days", "hours"]
# Ten years of days with no working day in them means a broken calendar.
_MAX_DAYS = 3660


@dataclass(frozen=True)
class Limit:
    amount: float
    unit: Unit

    def __post_init__(self) -> None:
        if self.unit not in ("days", "hours"):
            raise ValueError(f"unit must be days or hours, not {self.unit!r}")
        if self.amount < 0:
            raise ValueError("a time limit cannot be negative")

    @property
    def seconds(self) -> float:
        return self.amount * (86400 if self.unit == "days" else 3600)

    def __str__(self) -> str:
        amount = int(self.amount) if float(self.amount).is_integer() else self.amount
        return f"{amount}个工作日" if self.unit == "days" else f"{amount}个工作小时"


@dataclass(frozen=True)
class OfficeHours:
    spans: tuple[tuple[dt.time, dt.time], ...] = (
        (dt.time(8, 30), dt.time(12, 0)),
        (dt.time(14, 0), dt.time(18, 0)),
    )

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        """``"08:30-12:00,14:00-18:00"`` (as in the WANGGE_OFFICE_HOURS setting)."""
        spans = []
        for part in text.split(","):
            first, _, last = part.strip().partition("-")
            a, b = dt.time.fromisoformat(first.strip()), dt.time.fromisoformat(last.strip())
            if not a < b:
                raise ValueError(f"office hours {part!r}: the end must be after the start")
            spans.append((a, b))
        spans.sort()
        for (_, earlier_end), (later_start, _) in itertools.pairwise(spans):
            if later_start < earlier_end:
                raise ValueError("office hours overlap")
        return cls(tuple(spans))


Pause = tuple[dt.datetime, dt.datetime | None]


class WorkClock:
    def __init__(
        self,
        calendar: WorkCalendar,
        office: OfficeHours | None = None,
        tz: dt.tzinfo = BEIJING,
    ) -> None:
        self.calendar = calendar
        self.office = office or OfficeHours()
        self.tz = tz

    # -- the two measures ------------------------------------------------

    def _counted(self, day: dt.date, unit: Unit) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """The stretches of ``day`` that count as working time."""
        if not self.calendar.is_workday(day):
            return
        if unit == "days":
            start = dt.datetime.combine(day, dt.time(), self.tz)
            yield start, start + dt.timedelta(days=1)
            return
        for a, b in self.office.spans:
            yield dt.datetime.combine(day, a, self.tz), dt.datetime.combine(day, b, self.tz)

    def elapsed(self, start: dt.datetime, end: dt.datetime, unit: Unit) -> float:
        """Working seconds between two instants (0 if ``end`` is not later)."""
        start, end = start.astimezone(self.tz), end.astimezone(self.tz)
        total = 0.0
        day = start.date()
        while day <= end.date():
            for a, b in self._counted(day, unit):
                lo, hi = max(a, start), min(b, end)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += dt.timedelta(days=1)
        return total

    def advance(self, start: dt.datetime, seconds: float, unit: Unit) -> dt.datetime:
        """The instant when ``seconds`` of working time have run from ``start``."""
        at = start.astimezone(self.tz)
        left = seconds
        day = at.date()
        for _ in range(_MAX_DAYS):
            for a, b in self._counted(day, unit):
                lo = max(a, at)
                if b <= lo:
                    continue
                span = (b - lo).total_seconds()
                if left <= span:
                    return lo + dt.timedelta(seconds=left)
                left -= span
            day += dt.timedelta(days=1)
        raise ValueError("no working time in ten years: check the working-day calendar")

    # -- deadlines -------------------------------------------------------

    def start_of_count(self, arrival: dt.datetime, unit: Unit) -> dt.datetime:
        """Days count from the day after arrival; hours from arrival."""
        local = arrival.astimezone(self.tz)
        if unit == "hours":
            return local
        return dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), self.tz)

    def deadline(
        self, arrival: dt.datetime, limit: Limit, pauses: Sequence[Pause] = ()
    ) -> dt.datetime | None:
        """When ``limit`` runs out for a matter that arrived at ``arrival``,
        not counting working time inside the pauses (each a start and an
        end). None while a pause is still open: the clock is stopped."""
        origin = self.start_of_count(arrival, limit.unit)
        paused = 0.0
        for begin, end in pauses:
            if end is None:
                return None
            paused += self.elapsed(max(begin, origin), end, limit.unit)
        if limit.amount == 0:
            return (
                arrival.astimezone(self.tz)
                if not paused
                else self.advance(origin, paused, limit.unit)
            )
        return self.advance(origin, limit.seconds + paused, limit.unit)

    def used(
        self, arrival: dt.datetime, limit: Limit, now: dt.datetime, pauses: Sequence[Pause] = ()
    ) -> float:
        """The share of the limit used by ``now`` (1.0 = due; more = overdue),
        for warnings before a deadline and for lateness in the figures."""
        if limit.seconds == 0:
            return 1.0
        origin = self.start_of_count(arrival, limit.unit)
        spent = self.elapsed(origin, now, limit.unit)
        for begin, end in pauses:
            spent -= self.elapsed(max(begin, origin), min(end or now, now), limit.unit)
        return max(spent, 0.0) / limit.seconds
