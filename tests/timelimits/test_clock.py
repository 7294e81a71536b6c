"""Working-time deadlines across China's 2026 Mid-Autumn and National Day
holidays (25–27 Sep, 1–7 Oct; Sun 20 Sep and Sat 10 Oct worked instead),
into 2027 (which the calendar package does not know), with pauses.
Pure: no database."""

from __future__ import annotations

import datetime as dt

import pytest

from wangge.timelimits.calendar import WorkCalendar
from wangge.timelimits.clock import BEIJING, Limit, OfficeHours, WorkClock

CLOCK = WorkClock(WorkCalendar())


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=BEIJING)


def test_the_2026_schedule() -> None:
    cal = WorkCalendar()
    assert cal.is_workday(dt.date(2026, 9, 20))  # a Sunday worked for National Day
    assert not cal.is_workday(dt.date(2026, 9, 25))  # Mid-Autumn, a Friday
    assert [d.day for d in cal.workdays(dt.date(2026, 9, 30), dt.date(2026, 10, 12))] == [
        30,
        8,
        9,
        10,  # Saturday, worked
        12,
    ]
    assert not cal.is_estimated(dt.date(2026, 10, 1))


@pytest.mark.parametrize(
    ("arrival", "limit", "deadline"),
    [
        # Days count from the next day; the deadline is the end of the last one.
        (at(2026, 9, 21, 10), Limit(1, "days"), at(2026, 9, 23)),
        (at(2026, 9, 30, 15), Limit(3, "days"), at(2026, 10, 11)),  # 8, 9, Sat 10
        (at(2026, 9, 24, 9), Limit(5, "days"), at(2026, 10, 10)),  # 28, 29, 30, 8, 9 Oct
        (at(2026, 10, 3, 11), Limit(1, "days"), at(2026, 10, 9)),  # arrived on a holiday
        (at(2026, 10, 9, 10), Limit(1, "days"), at(2026, 10, 11)),  # the worked Saturday
        # Hours count office time from arrival.
        (at(2026, 9, 30, 17), Limit(2, "hours"), at(2026, 10, 8, 9, 30)),
        (at(2026, 9, 30, 11), Limit(2, "hours"), at(2026, 9, 30, 15)),  # over lunch
        (at(2026, 9, 30, 19), Limit(1, "hours"), at(2026, 10, 8, 9, 30)),  # after hours
        (at(2026, 9, 19, 10), Limit(4, "hours"), at(2026, 9, 20, 14, 30)),  # Sat → worked Sun
        (at(2026, 9, 30, 15), Limit(0, "days"), at(2026, 9, 30, 15)),
    ],
)
def test_deadlines_around_the_holidays(
    arrival: dt.datetime, limit: Limit, deadline: dt.datetime
) -> None:
    assert CLOCK.deadline(arrival, limit) == deadline


def test_a_pause_stops_the_clock_and_moves_the_deadline() -> None:
    arrival = at(2026, 9, 28, 9)
    limit = Limit(3, "days")  # 29, 30 Sep, 8 Oct → end of 8 Oct
    assert CLOCK.deadline(arrival, limit) == at(2026, 10, 9)
    # An extension request waiting from 30 Sep 12:00 …
    assert CLOCK.deadline(arrival, limit, [(at(2026, 9, 30, 12), None)]) is None
    # … answered on 8 Oct 12:00: half of 30 Sep and half of 8 Oct were paused.
    paused = [(at(2026, 9, 30, 12), at(2026, 10, 8, 12))]
    assert CLOCK.deadline(arrival, limit, paused) == at(2026, 10, 10)
    # A pause before the count began does not count.
    assert CLOCK.deadline(arrival, limit, [(at(2026, 9, 28, 9), at(2026, 9, 28, 18))]) == at(
        2026, 10, 9
    )


def test_used_share_for_warnings() -> None:
    arrival, limit = at(2026, 9, 28, 9), Limit(2, "hours")
    assert CLOCK.used(arrival, limit, at(2026, 9, 28, 10)) == pytest.approx(0.5)
    assert CLOCK.used(arrival, limit, at(2026, 9, 28, 15)) == pytest.approx(2.0)  # 9–12, 14–15
    paused = [(at(2026, 9, 28, 9, 30), at(2026, 9, 28, 10))]
    assert CLOCK.used(arrival, limit, at(2026, 9, 28, 10), paused) == pytest.approx(0.25)


def test_2027_estimated_until_entered() -> None:
    arrival = at(2026, 12, 29, 10)
    # Unknown year: Monday–Friday, flagged; no exception.
    assert CLOCK.calendar.is_estimated(dt.date(2027, 1, 1))
    assert CLOCK.deadline(arrival, Limit(5, "days")) == at(2027, 1, 6)
    # An administrator enters New Year 2027 (Fri 1 Jan off): one day later.
    entered = WorkClock(WorkCalendar({dt.date(2027, 1, 1): False}))
    assert not entered.calendar.is_estimated(dt.date(2027, 1, 4))
    assert entered.deadline(arrival, Limit(5, "days")) == at(2027, 1, 7)
    # Entered days also override the package's years.
    swapped = WorkCalendar({dt.date(2026, 10, 5): True})
    assert swapped.is_workday(dt.date(2026, 10, 5))


def test_office_hours_setting() -> None:
    hours = OfficeHours.parse("09:00-12:00, 13:30-17:30")
    clock = WorkClock(WorkCalendar(), hours)
    assert clock.deadline(at(2026, 9, 28, 11), Limit(2, "hours")) == at(2026, 9, 28, 14, 30)
    for bad in ("12:00-09:00", "08:00-12:00,11:00-13:00", "nine-five"):
        with pytest.raises(ValueError, match=r"office hours|isoformat"):
            OfficeHours.parse(bad)
    with pytest.raises(ValueError, match="unit"):
        Limit(1, "weeks")  # type: ignore[arg-type]
    assert str(Limit(5, "days")) == "5个工作日"
    assert str(Limit(2, "hours")) == "2个工作小时"


def test_a_calendar_without_working_days_is_an_error_not_a_hang() -> None:
    class Never(WorkCalendar):
        def is_workday(self, day: dt.date) -> bool:
            return False

    with pytest.raises(ValueError, match="ten years"):
        WorkClock(Never()).deadline(at(2026, 9, 28), Limit(1, "days"))


def test_timezones_are_respected() -> None:
    utc_arrival = dt.datetime(2026, 9, 30, 9, 0, tzinfo=dt.UTC)  # 17:00 in Beijing
    assert CLOCK.deadline(utc_arrival, Limit(2, "hours")) == at(2026, 10, 8, 9, 30)
