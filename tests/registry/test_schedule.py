"""The visit schedule: due dates by colour, in calendar days; no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wangge.registry.colour_defaults import DEFAULT_VISIT_INTERVALS
from wangge.registry.schedule import next_due, parse_intervals, visit_status

TODAY = date(2026, 3, 1)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def test_default_intervals() -> None:
    assert DEFAULT_VISIT_INTERVALS == {"red": 7, "yellow": 30, "green": 90}


def test_never_visited_is_due_today() -> None:
    for colour in ("red", "yellow", "green"):
        status = visit_status(colour, None, TODAY)
        assert (status.due_on, status.state, status.days_left) == (TODAY, "due", 0)
        assert status.label == "待走访"
        assert next_due(colour, None) is None


def test_visited_today_is_done_for_the_cycle() -> None:
    for colour, days in DEFAULT_VISIT_INTERVALS.items():
        status = visit_status(colour, TODAY, TODAY)
        assert status.state == "done"
        assert status.due_on == TODAY + timedelta(days=days) == next_due(colour, TODAY)


@pytest.mark.parametrize(
    ("colour", "days_ago", "state", "days_left"),
    [
        ("red", 3, "done", 4),
        ("red", 4, "due", 3),  # within the 3-day warning window
        ("red", 7, "due", 0),  # due today
        ("red", 8, "overdue", -1),
        ("yellow", 26, "done", 4),
        ("yellow", 27, "due", 3),
        ("yellow", 31, "overdue", -1),
        ("green", 86, "done", 4),
        ("green", 90, "due", 0),
        ("green", 100, "overdue", -10),
    ],
)
def test_states_around_the_due_date(colour: str, days_ago: int, state: str, days_left: int) -> None:
    status = visit_status(colour, ago(days_ago), TODAY)
    assert (status.state, status.days_left) == (state, days_left)
    assert status.days_overdue == max(0, -days_left)


def test_a_colour_change_moves_the_due_date() -> None:
    last = ago(20)
    green = visit_status("green", last, TODAY)
    yellow = visit_status("yellow", last, TODAY)
    red = visit_status("red", last, TODAY)
    assert (green.state, green.due_on) == ("done", last + timedelta(days=90))
    assert (yellow.state, yellow.due_on) == ("done", last + timedelta(days=30))
    assert (red.state, red.due_on, red.days_overdue) == ("overdue", last + timedelta(days=7), 13)
    assert red.label == "已逾期"


def test_plain_calendar_days_across_month_and_year_ends() -> None:
    assert next_due("red", date(2025, 12, 28)) == date(2026, 1, 4)
    assert next_due("yellow", date(2024, 2, 1)) == date(2024, 3, 2)  # leap year


def test_edited_intervals_and_warning_window() -> None:
    intervals = {"red": 2, "yellow": 14, "green": 60}
    assert visit_status("yellow", ago(11), TODAY, intervals).state == "due"
    assert visit_status("yellow", ago(11), TODAY, intervals, warn_days=0).state == "done"
    assert visit_status("yellow", ago(4), TODAY, intervals, warn_days=10).state == "due"
    # The window never swallows the whole cycle: visited today is always done.
    assert visit_status("red", TODAY, TODAY, intervals, warn_days=5).state == "done"
    assert visit_status("red", ago(1), TODAY, intervals, warn_days=5).state == "due"


def test_bad_input_is_refused_in_chinese() -> None:
    with pytest.raises(ValueError, match="没有颜色“blue”的走访周期"):
        visit_status("blue", None, TODAY)
    with pytest.raises(ValueError, match="提醒天数不能为负数"):
        visit_status("red", None, TODAY, warn_days=-1)
    with pytest.raises(ValueError, match="至少为 1 天"):
        next_due("red", TODAY, {"red": 0})


def test_parse_intervals() -> None:
    assert parse_intervals({"red": 5, "yellow": 20, "green": 60}) == {
        "red": 5,
        "yellow": 20,
        "green": 60,
    }
    with pytest.raises(ValueError, match="缺少颜色“green”"):
        parse_intervals({"red": 5, "yellow": 20})
    with pytest.raises(ValueError, match="未知的颜色“blue”"):
        parse_intervals({"red": 5, "yellow": 20, "green": 60, "blue": 1})
    for bad in (0, 367, "7", True, 7.5):
        with pytest.raises(ValueError, match="1 到 366 之间的整数天"):
            parse_intervals({"red": bad, "yellow": 20, "green": 60})


@settings(max_examples=50)
@given(
    st.sampled_from(["red", "yellow", "green"]),
    st.one_of(st.none(), st.integers(-5, 400)),
    st.integers(0, 10),
)
def test_state_agrees_with_days_left(colour: str, days_ago: int | None, warn: int) -> None:
    last = None if days_ago is None else ago(days_ago)
    status = visit_status(colour, last, TODAY, warn_days=warn)
    assert status.days_left == (status.due_on - TODAY).days
    window = min(warn, DEFAULT_VISIT_INTERVALS[colour] - 1)
    expected = (
        "overdue" if status.days_left < 0 else "due" if status.days_left <= window else "done"
    )
    assert status.state == expected
