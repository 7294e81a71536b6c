"""Extension requests stop the clock and, approved, add working days; the
town presses the holder on record (督办)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from wangge.core.errors import DomainError
from wangge.dispatch.flow import (
    request_extension_ask,
    request_extension_decide,
    request_sign,
    request_supervise,
)
from wangge.dispatch.models import Extension, Request, State
from wangge.dispatch.services import request_intake
from wangge.dispatch.sweep import sweep
from wangge.timelimits.services import work_clock

GRID = "611022109223001"
TOWN = "shangzhen_dispatcher"


def _signed(user_named) -> Request:  # type: ignore[no-untyped-def]
    r = request_intake(
        actor=None,
        channel="portal",
        category_code="130101",  # → the town office
        description="村里手机信号很差,打不出电话",
        grid_code=GRID,
    )
    return request_sign(actor=user_named(TOWN), request=r)


def test_extension_stops_the_clock_then_adds_days(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    town = user_named(TOWN)
    r = _signed(user_named)
    before = r.finish_due
    assert before is not None
    with pytest.raises(DomainError, match="1 到 30"):
        request_extension_ask(actor=town, request=r, days=99, reason="需要协调运营商建基站")
    r = request_extension_ask(actor=town, request=r, days=3, reason="需要协调运营商建基站")
    assert r.state == State.EXTENSION_PENDING
    assert r.finish_due is None  # the clock is stopped
    sweep(before + dt.timedelta(days=30))
    assert not r.events.filter(action="urge").exists()  # nothing to urge while waiting
    # Approved three days later: the wait does not count, and 3 days are added.
    ext = Extension.objects.get(request=r)
    Extension.objects.filter(pk=ext.pk).update(asked_at=timezone.now() - dt.timedelta(days=3))
    r = request_extension_decide(actor=town, request=r, approve=True, note="同意")
    assert r.state == State.SIGNED
    assert r.finish_due is not None
    clock = work_clock()
    assert r.finish_due > before
    grown = clock.elapsed(before, r.finish_due, "days") / 86400
    assert 3 <= grown <= 7  # three granted days plus up to three paused ones
    assert [e.action for e in r.events.all()][-2:] == ["extension_ask", "extension_approve"]
    with pytest.raises(DomainError, match="没有待审批"):
        request_extension_decide(actor=town, request=r, approve=True)


def test_refused_extension_keeps_the_old_limit(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    town = user_named(TOWN)
    r = _signed(user_named)
    before = r.finish_due
    r = request_extension_ask(actor=town, request=r, days=5, reason="需要协调运营商建基站")
    r = request_extension_decide(actor=town, request=r, approve=False, note="请按期办结")
    assert r.state == State.SIGNED
    assert r.finish_due is not None
    assert before is not None
    assert abs((r.finish_due - before).total_seconds()) < 3 * 86400  # only the brief wait


def test_only_the_town_decides_and_supervises(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    town, worker = user_named(TOWN), user_named("wg" + GRID)
    r = _signed(user_named)
    r = request_extension_ask(actor=town, request=r, days=2, reason="需要协调运营商建基站")
    with pytest.raises(DomainError) as e:
        request_extension_decide(actor=worker, request=r, approve=True)
    assert e.value.code == "forbidden"
    with pytest.raises(DomainError, match="督办意见"):
        request_supervise(actor=town, request=r, note="快")
    r = request_supervise(actor=town, request=r, note="请加快协调进度,本周内反馈")
    assert r.state == State.EXTENSION_PENDING
    assert r.events.last().action == "supervise"  # type: ignore[union-attr]
