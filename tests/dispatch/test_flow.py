"""The first steps of the work flow: the grid settles a small matter itself;
the town sends a matter to a department, which signs and finishes it; a
unit returns what is not theirs within the limit; only the holder acts;
two people acting at once — exactly one wins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from wangge.core.errors import DomainError
from wangge.dispatch.flow import (
    request_dispatch,
    request_finish,
    request_return,
    request_self_handle,
    request_sign,
)
from wangge.dispatch.models import Request, State
from wangge.dispatch.services import request_intake
from wangge.timelimits.services import limits_for, work_clock

GRID = "611022109223001"
WORKER = "wg611022109223001"
TOWN = "shangzhen_dispatcher"
DEPT = "danfeng_zhujian"


def _intake(category: str) -> Request:
    return request_intake(
        actor=None,
        channel="portal",
        category_code=category,
        description="村道边有人搭建彩钢棚,影响通行",
        grid_code=GRID,
    )


def _events(r: Request) -> list[str]:
    return [e.action for e in r.events.all()]


def test_grid_settles_a_small_matter_itself(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    r = _intake("210101")  # 暴露垃圾 → the grid
    assert r.unit.code == f"G-{GRID}"
    r = request_self_handle(actor=user_named(WORKER), request=r, result="已联系保洁员当场清运完毕")
    assert r.state == State.FINISHED
    assert r.result.startswith("已联系")
    assert _events(r) == ["submit", "self_handle"]


def test_town_sends_to_a_department_which_signs_and_finishes(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    r = _intake("130101")  # no department handles 13: the town office gets it
    assert r.unit.code == "T-611022109000"
    town = user_named(TOWN)
    r = request_dispatch(actor=town, request=r, unit_code="D-611022-zhujian", note="请现场核实")
    assert r.state == State.DISPATCHED
    assert r.unit.code == "D-611022-zhujian"
    assert r.responsible is not None
    assert r.responsible.code == "T-611022109000"  # first responder until signed
    sign_limit = limits_for(r.category.profile_id, r.urgency)["sign"]
    event_at = r.events.get(action="dispatch").at
    assert (
        r.sign_due == work_clock().deadline(event_at, sign_limit)
        or abs((r.sign_due - work_clock().deadline(event_at, sign_limit)).total_seconds()) < 5
    )

    with pytest.raises(DomainError) as e:  # the grid worker is not the holder
        request_sign(actor=user_named(WORKER), request=r)
    assert e.value.code == "forbidden"

    dept = user_named(DEPT)
    r = request_sign(actor=dept, request=r)
    assert r.state == State.SIGNED
    assert r.responsible is None
    assert r.finish_due is not None
    assert r.finish_due > r.created_at
    r = request_finish(actor=dept, request=r, result="已拆除违建彩钢棚,恢复通行")
    assert r.state == State.FINISHED
    assert _events(r) == ["submit", "dispatch", "sign", "finish"]


def test_return_within_the_limit_only(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    town, dept = user_named(TOWN), user_named(DEPT)
    r = request_dispatch(actor=town, request=_intake("130101"), unit_code="D-611022-zhujian")
    with pytest.raises(DomainError, match="理由"):
        request_return(actor=dept, request=r, reason="不")
    back = request_return(actor=dept, request=r, reason="不属于住建职责,应由通信管理部门处理")
    assert back.state == State.SUBMITTED
    assert back.unit.code == "T-611022109000"
    assert "退回" in back.events.last().note  # type: ignore[union-attr]

    late = request_dispatch(actor=town, request=back, unit_code="D-611022-zhujian")
    Request.objects.filter(pk=late.pk).update(sign_due=timezone.now() - dt.timedelta(hours=1))
    late.refresh_from_db()
    with pytest.raises(DomainError) as e:
        request_return(actor=dept, request=late, reason="不属于住建职责")
    assert e.value.code == "request.return_late"


def test_two_people_at_once_exactly_one_wins(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    town = user_named(TOWN)
    r = request_dispatch(actor=town, request=_intake("130101"), unit_code="D-611022-zhujian")
    first = Request.objects.get(pk=r.pk)
    second = Request.objects.get(pk=r.pk)  # read at the same moment
    dept = user_named(DEPT)
    request_sign(actor=dept, request=first)
    with pytest.raises(DomainError) as e:
        request_sign(actor=dept, request=second)
    assert e.value.code in ("request.conflict", "request.state")
    stale = Request.objects.get(pk=r.pk)
    stale.version -= 1  # what a second browser tab still holds
    with pytest.raises(DomainError) as e:
        request_finish(actor=dept, request=stale, result="重复提交的办结结果")
    assert e.value.code == "request.conflict"
    assert Request.objects.get(pk=r.pk).events.filter(action="sign").count() == 1


def test_steps_only_from_their_states(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    r = _intake("210101")
    worker = user_named(WORKER)
    with pytest.raises(DomainError) as e:
        request_finish(actor=worker, request=r, result="还没签收就办结")
    assert e.value.code == "request.state"
    dept_matter = request_dispatch(
        actor=user_named(TOWN), request=_intake("130101"), unit_code="D-611022-zhujian"
    )
    with pytest.raises(DomainError, match="只有网格"):
        request_self_handle(actor=user_named(DEPT), request=dept_matter, result="部门不能自处置")
