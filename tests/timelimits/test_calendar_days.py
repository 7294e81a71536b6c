"""Administrators enter a new year's schedule; deadlines follow at once."""

from __future__ import annotations

import datetime as dt

import pytest

from wangge.audit.models import AuditRecord
from wangge.core.errors import DomainError
from wangge.timelimits.clock import BEIJING, Limit
from wangge.timelimits.services import calendar_day_set, work_clock


def test_entered_day_moves_deadlines_and_is_audited(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    arrival = dt.datetime(2026, 12, 29, 10, tzinfo=BEIJING)
    assert work_clock().deadline(arrival, Limit(5, "days")) == dt.datetime(
        2027, 1, 6, tzinfo=BEIJING
    )
    admin = user_named("admin")
    calendar_day_set(actor=admin, date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    assert work_clock().deadline(arrival, Limit(5, "days")) == dt.datetime(
        2027, 1, 7, tzinfo=BEIJING
    )
    assert AuditRecord.objects.filter(action="calendar.day_set").exists()


def test_only_city_administrators_edit_the_calendar(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    for name in ("danfeng_admin", "shangzhen_dispatcher"):
        with pytest.raises(DomainError) as e:
            calendar_day_set(actor=user_named(name), date=dt.date(2027, 1, 1), is_workday=False)
        assert e.value.code == "forbidden"


def test_profiles_installed_and_editable(db: None) -> None:
    from wangge.timelimits.models import TimeLimit
    from wangge.timelimits.services import limits_for

    normal = limits_for("standard", "normal")
    assert set(normal) == {"sign", "contact", "finish", "check", "callback"}
    assert str(normal["sign"]) == "2个工作小时"
    assert str(normal["finish"]) == "5个工作日"
    # Every shipped step is in the table, for administrators to edit.
    assert TimeLimit.objects.count() == 4 * 3 * 5
    TimeLimit.objects.filter(profile__code="standard", urgency="normal", step="finish").update(
        amount=7
    )
    assert str(limits_for("standard", "normal")["finish"]) == "7个工作日"
    # Emergencies are faster than everything else; unknown names fall back.
    assert limits_for("emergency", "urgent")["finish"].seconds < normal["finish"].seconds
    assert limits_for("nonsense", "whatever")["finish"].amount == 7
