"""When a household is next to be visited (走访周期), from its colour and its last visit.

The interval is the colour's, in plain calendar days (working days are the calendar module's
business); the defaults are red 7, yellow 30, green 90 and administrators may edit them. The
household's *current* colour always decides: a household turned red whose last visit was 20
days ago is overdue at once, and one turned green gets more time. Pure Python, no Django.

``due_on`` is the last visit plus the interval, or today for a household never visited.
``state`` is, with ``warn_days`` (default 3) the warning window:

``overdue``
    ``today > due_on``: the visit is late (``days_left`` is negative).
``due``
    ``today <= due_on <= today + warn_days``: visit now or within the next few days. A
    household never visited is ``due`` (not ``overdue``: nobody missed a date).
``done``
    ``due_on > today + warn_days``: visited for this cycle; nothing to do yet.

The warning window is capped below the interval so that a household visited today is always
``done``, whatever the window and the intervals are set to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final, Literal, TypeAlias

from wangge.registry.colour_defaults import DEFAULT_VISIT_INTERVALS

__all__ = [
    "DEFAULT_WARN_DAYS",
    "STATE_LABELS",
    "VisitState",
    "VisitStatus",
    "next_due",
    "parse_intervals",
    "visit_status",
]

VisitState: TypeAlias = Literal["done", "due", "overdue"]

DEFAULT_WARN_DAYS: Final = 3
STATE_LABELS: Final[Mapping[str, str]] = {
    "done": "本周期已走访",
    "due": "待走访",
    "overdue": "已逾期",
}
_COLOURS: Final = ("red", "yellow", "green")
# Longer than a year between visits is not a visiting schedule; refuses typos like 900.
_MAX_INTERVAL: Final = 366


@dataclass(frozen=True, slots=True)
class VisitStatus:
    colour: str
    interval_days: int
    last_visit: date | None
    due_on: date
    state: VisitState
    days_left: int  # due_on - today: negative once overdue

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


def parse_intervals(data: Mapping[str, object]) -> dict[str, int]:
    """Validate intervals as edited by an administrator: a whole number of days from 1 to 366
    for each of red, yellow and green. Raises ValueError with a Chinese message."""
    unknown = [k for k in data if k not in _COLOURS]
    if unknown:
        raise ValueError(f"走访周期中有未知的颜色“{unknown[0]}”，应为 red、yellow、green")
    result: dict[str, int] = {}
    for colour in _COLOURS:
        if colour not in data:
            raise ValueError(f"走访周期缺少颜色“{colour}”的天数")
        days = data[colour]
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= _MAX_INTERVAL:
            raise ValueError(
                f"颜色“{colour}”的走访周期应为 1 到 {_MAX_INTERVAL} 之间的整数天，实际是 {days!r}"
            )
        result[colour] = days
    return result


def _interval(colour: str, intervals: Mapping[str, int]) -> int:
    try:
        days = intervals[colour]
    except KeyError:
        raise ValueError(f"没有颜色“{colour}”的走访周期") from None
    if days < 1:
        raise ValueError(f"颜色“{colour}”的走访周期应至少为 1 天，实际是 {days}")
    return days


def next_due(
    colour: str,
    last_visit: date | None,
    intervals: Mapping[str, int] = DEFAULT_VISIT_INTERVALS,
) -> date | None:
    """The date the next visit is due: the last visit plus the colour's interval. None for a
    household never visited, which is due at once (``visit_status`` says today)."""
    days = _interval(colour, intervals)
    if last_visit is None:
        return None
    return last_visit + timedelta(days=days)


def visit_status(
    colour: str,
    last_visit: date | None,
    today: date,
    intervals: Mapping[str, int] = DEFAULT_VISIT_INTERVALS,
    *,
    warn_days: int = DEFAULT_WARN_DAYS,
) -> VisitStatus:
    """Where a household stands in its visit cycle on ``today`` (see the module docstring)."""
    if warn_days < 0:
        raise ValueError(f"提醒天数不能为负数，实际是 {warn_days}")
    interval = _interval(colour, intervals)
    due_on = next_due(colour, last_visit, intervals) or today
    days_left = (due_on - today).days
    window = min(warn_days, interval - 1)
    state: VisitState
    if days_left < 0:
        state = "overdue"
    elif days_left <= window:
        state = "due"
    else:
        state = "done"
    return VisitStatus(colour, interval, last_visit, due_on, state, days_left)
