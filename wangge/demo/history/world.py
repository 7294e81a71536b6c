"""What a request's life needs to know: its place and the units over it,
the working clock and the limits, "now", and how well each town performs."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wangge.demo.history import topics as words
from wangge.timelimits.clock import BEIJING, Limit, WorkClock

if TYPE_CHECKING:
    from wangge.demo.history.life import Life

_SECOND = dt.timedelta(seconds=1)


@dataclass(frozen=True)
class UnitRef:
    id: int
    name: str
    kind: str
    user: int | None  # the demo user acting for it
    slug: str = ""  # departments: the slug of their demo username


@dataclass(frozen=True)
class Place:
    """A grid with the units over it."""

    grid_id: int
    code: str
    path: str
    grid: UnitRef
    village: UnitRef
    town: UnitRef
    village_name: str
    urban: bool


@dataclass
class Spec:
    """A request as it came in (intake), before its life."""

    place: Place
    topic: words.Topic
    category_id: int
    profile: str
    urgency: str
    channel: str
    created: dt.datetime
    description: str
    routed: UnitRef
    created_by: int | None = None
    household_id: int | None = None
    lon: float | None = None
    lat: float | None = None
    anonymous: bool = False
    contact_name: str = ""
    phone: str = ""
    copy_of: Spec | None = None
    script: Callable[[Life, random.Random], None] | None = None  # scripted lives
    number: str = ""
    pk: int = 0


class Workdays:
    """The working days around the history, indexed, for picking office
    moments without walking the calendar day by day."""

    def __init__(self, clock: WorkClock, first: dt.date, last: dt.date) -> None:
        self.first, self.tz = first, clock.tz
        self.spans = clock.office.spans
        n = (last - first).days + 1
        dates = [first + dt.timedelta(days=i) for i in range(n)]
        self.days = [d for d in dates if clock.calendar.is_workday(d)]
        # For each date of the range: the index of the first working day on or after it.
        self._next: list[int] = []
        k = 0
        for d in dates:
            while k < len(self.days) and self.days[k] < d:
                k += 1
            self._next.append(k)

    def on_or_after(self, day: dt.date) -> int:
        i = (day - self.first).days
        if i < 0:
            return 0
        return self._next[i] if i < len(self._next) else len(self.days)

    def shift(self, day: dt.date, k: int) -> dt.date:
        """The working day ``k`` working days after ``day`` (k >= 1)."""
        i = self.on_or_after(day + dt.timedelta(days=1)) + k - 1
        return self.days[min(i, len(self.days) - 1)]

    def _in_day(
        self, day: dt.date, lo: dt.datetime | None, hi: dt.datetime | None, rng: random.Random
    ) -> dt.datetime | None:
        parts = []
        for a, b in self.spans:
            start = dt.datetime.combine(day, a, self.tz)
            end = dt.datetime.combine(day, b, self.tz)
            if lo is not None:
                start = max(start, lo)
            if hi is not None:
                end = min(end, hi)
            if end > start:
                parts.append((start, (end - start).total_seconds()))
        total = sum(p[1] for p in parts)
        if total < 60:
            return None
        x = rng.random() * total
        for start, length in parts:
            if x < length:
                return start + dt.timedelta(seconds=int(x))
            x -= length
        return None

    def moment(
        self, start: dt.datetime, end: dt.datetime, rng: random.Random, skew: float = 1.0
    ) -> dt.datetime | None:
        """A moment in office hours strictly between ``start`` and ``end``,
        on a working day, nearer the start the larger ``skew``."""
        s, e = start.astimezone(self.tz), (end - _SECOND).astimezone(self.tz)
        i0, i1 = self.on_or_after(s.date()), self.on_or_after(e.date() + dt.timedelta(days=1)) - 1
        if i1 < i0 or i0 >= len(self.days):
            return None
        for _ in range(4):
            k = min(i0 + int((i1 - i0 + 1) * rng.random() ** skew), i1)
            day = self.days[k]
            t = self._in_day(
                day, s if day == s.date() else None, end if day == e.date() else None, rng
            )
            if t is not None:
                return t
        return None


@dataclass
class World:
    """What every life needs: the clock, "now", the limits, the county's
    command centre and departments, and how well each town performs."""

    clock: WorkClock
    now: dt.datetime
    limits: dict[tuple[str, str], dict[str, Limit]]
    command: UnitRef
    departments: dict[str, UnitRef]
    workdays: Workdays
    quality: dict[str, float] = field(default_factory=dict)  # town code → 1 = typical
    _due_cache: dict[tuple[dt.date, float], dt.datetime] = field(default_factory=dict)

    def due(self, start: dt.datetime, profile: str, urgency: str, step: str) -> dt.datetime:
        limit = self.limits[(profile, urgency)][step]
        if limit.unit != "days":
            out = self.clock.deadline(start, limit)
            assert out is not None
            return out
        # Working days count from the day after arrival: the deadline
        # depends on the day only.
        key = (start.astimezone(BEIJING).date(), limit.amount)
        hit = self._due_cache.get(key)
        if hit is None:
            hit = self.clock.deadline(start, limit)
            assert hit is not None
            self._due_cache[key] = hit
        return hit

    def q(self, place: Place) -> float:
        return self.quality.get(place.code[:9], 1.0)
