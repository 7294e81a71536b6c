"""After the unit finishes: the grid worker's on-site check, the call back
with a rating (redo when unsatisfied), the long-term list; and the deadline
sweep — urge, escalate one level up, never twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from wangge.core.errors import DomainError
from wangge.dispatch.flow import (
    request_callback,
    request_check,
    request_dispatch,
    request_finish,
    request_long_term,
    request_sign,
)
from wangge.dispatch.models import Request, State
from wangge.dispatch.services import request_intake
from wangge.dispatch.sweep import sweep

GRID = "611022109223001"


def _finished(user_named) -> Request:  # type: ignore[no-untyped-def]
    r = request_intake(
        actor=None,
        channel="hotline",
        category_code="130101",
        description="村里手机信号很差,打不出电话",
        grid_code=GRID,
    )
    r = request_dispatch(
        actor=user_named("shangzhen_dispatcher"), request=r, unit_code="D-611022-zhujian"
    )
    dept = user_named("danfeng_zhujian")
    r = request_sign(actor=dept, request=r)
    return request_finish(actor=dept, request=r, result="已协调运营商加装信号放大器")


def test_check_callback_close(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    r = _finished(user_named)
    with pytest.raises(DomainError) as e:
        request_check(actor=user_named("danfeng_zhujian"), request=r, passed=True, note="")
    assert e.value.code == "forbidden"
    r = request_check(actor=user_named("wg" + GRID), request=r, passed=True, note="信号已正常")
    assert r.state == State.CHECKED
    with pytest.raises(DomainError, match="满意度"):
        request_callback(actor=user_named("shangzhen_dispatcher"), request=r, solved=True, rating=9)
    r = request_callback(actor=user_named("shangzhen_dispatcher"), request=r, solved=True, rating=4)
    assert (r.state, r.solved, r.rating, r.redo_count) == (State.CLOSED, True, 4, 0)
    assert r.closed_at is not None
    assert [e.action for e in r.events.all()][-2:] == ["check", "callback"]


def test_failed_check_and_unsatisfied_callback_send_it_back(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    worker, town = user_named("wg" + GRID), user_named("shangzhen_dispatcher")
    r = _finished(user_named)
    with pytest.raises(DomainError, match="现场情况"):
        request_check(actor=worker, request=r, passed=False, note="")
    r = request_check(actor=worker, request=r, passed=False, note="现场信号仍然时有时无")
    assert r.state == State.SIGNED
    dept = user_named("danfeng_zhujian")
    r = request_finish(actor=dept, request=r, result="运营商已新建基站,信号覆盖全村")
    r = request_check(actor=worker, request=r, passed=True, note="")
    r = request_callback(actor=town, request=r, solved=False, rating=2, note="晚上还是没信号")
    assert (r.state, r.redo_count, r.rating) == (State.SIGNED, 1, 2)
    assert r.finish_due is not None
    assert r.finish_due > timezone.now()


def test_long_term_list_needs_a_plan(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    town = user_named("shangzhen_dispatcher")
    r = request_intake(
        actor=None,
        channel="walk_in",
        category_code="110101",
        description="组里两户宅基地界址争议多年未解决",
        grid_code=GRID,
    )
    with pytest.raises(DomainError, match="计划"):
        request_long_term(actor=town, request=r, plan="以后再说")
    r = request_long_term(
        actor=town, request=r, plan="镇司法所牵头,每月调解一次,年底前完成确权测量"
    )
    assert r.state == State.LONG_TERM


def test_sweep_escalates_up_the_ladder_once(db: None) -> None:
    r = request_intake(
        actor=None,
        channel="portal",
        category_code="210101",  # → the grid
        description="村口垃圾堆放多日无人清运",
        grid_code=GRID,
    )
    assert r.unit.code == f"G-{GRID}"
    assert r.sign_due is not None
    later = r.sign_due + dt.timedelta(minutes=1)
    sweep(later)
    sweep(later)  # a second sweep at the same moment does nothing more
    assert r.events.filter(action="escalate").count() == 1
    r.refresh_from_db()
    assert r.unit.code == "V-611022109223"
    assert r.responsible is not None
    assert r.responsible.code == f"G-{GRID}"  # still answerable
    assert r.sign_due > later
    # Up again: village → town → county command centre → urged, not lost.
    for expected in ("T-611022109000", "CC-611022000000"):
        sweep(r.sign_due + dt.timedelta(minutes=1))
        r.refresh_from_db()
        assert r.unit.code == expected
    sweep(r.sign_due + dt.timedelta(minutes=1))
    sweep(r.sign_due + dt.timedelta(minutes=2))
    assert r.events.filter(action="urge").count() == 1  # the top is urged, once
    assert r.events.filter(action="escalate").count() == 3


def test_sweep_urges_late_finishing_once(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    r = request_intake(
        actor=None,
        channel="portal",
        category_code="130101",
        description="村里手机信号很差,打不出电话",
        grid_code=GRID,
    )
    r = request_sign(actor=user_named("shangzhen_dispatcher"), request=r)
    assert r.finish_due is not None
    late = r.finish_due + dt.timedelta(hours=1)
    sweep(late)
    sweep(late)
    assert r.events.filter(action="urge").count() == 1
    r.refresh_from_db()
    assert r.state == State.SIGNED


def test_sweep_runs_every_five_minutes() -> None:
    from huey.contrib.djhuey import HUEY

    import wangge.dispatch.tasks  # noqa: F401 - registers the task

    def due(at: dt.datetime) -> set[str]:
        return {t.name for t in HUEY.read_periodic(at)}

    assert "deadline_sweep" in due(dt.datetime(2026, 12, 1, 10, 5))
    assert "deadline_sweep" not in due(dt.datetime(2026, 12, 1, 10, 7))
