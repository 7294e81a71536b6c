"""Who serves a grid (AB岗): A, or B while A is away, or nobody — and
everything for the grid worker follows: new requests, their messages,
visits due, the queue, reach and acting for the grid."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.gridwork.conftest import GRID, GRID_B, TOWN, A, B
from wangge.accounts.models import Unit
from wangge.accounts.reach import reach_for
from wangge.accounts.selectors import units_for
from wangge.core.errors import DomainError, NotFound
from wangge.dispatch.flow import request_self_handle
from wangge.dispatch.selectors import request_queue_for
from wangge.dispatch.services import request_intake
from wangge.gridwork import cover
from wangge.gridwork.cover import grids_served_by, on_duty, serving
from wangge.gridwork.posts import leave_end
from wangge.gridwork.today import today_for
from wangge.notify.models import Message
from wangge.notify.selectors import inbox_for
from wangge.registry.models import Household
from wangge.registry.selectors import household_get_for
from wangge.territory.models import Area


def _intake(description: str = "村道边垃圾堆了好几天,没人清运"):  # type: ignore[no-untyped-def]
    return request_intake(
        actor=None,
        channel="portal",
        category_code="210101",  # 暴露垃圾: the grid handles it
        description=description,
        grid_code=GRID,
    )


def _grid_codes(user) -> list[str]:  # type: ignore[no-untyped-def]
    ids = [s.grid_id for s in grids_served_by(user)]
    return sorted(Area.objects.filter(pk__in=ids).values_list("code", flat=True))


def _due_households(user) -> set[str]:  # type: ignore[no-untyped-def]
    visits = today_for(user)["visits"]
    return {v["household"] for v in visits["overdue"] + visits["due"]}


def test_a_goes_on_leave_then_b_serves_then_a_again(  # type: ignore[no-untyped-def]
    db: None, user_named, away
) -> None:
    """The issue's A/B test: A goes on leave → new requests and due visits
    go to B → A returns → new ones go to A again."""
    a, b = user_named(A), user_named(B)
    grid = Area.objects.get(code=GRID)
    # A grid's households all due (never visited): they show as visits due.
    Household.objects.filter(grid=grid).update(last_visit_on=None)
    mine = set(Household.objects.filter(grid=grid).values_list("number", flat=True))
    assert mine

    before = _intake()
    assert before.assignee_id == a.pk
    assert mine <= _due_households(a)
    assert not mine & _due_households(b)

    leave = away(A)
    during = _intake("路灯坏了三盏,晚上一片漆黑")
    assert during.unit.code == f"G-{GRID}"  # still the grid's matter
    assert during.assignee_id == b.pk
    assert "B岗代岗" in during.events.get().note
    told = Message.objects.get(request=during, kind="arrived")
    assert told.user_id == b.pk
    assert told in inbox_for(b)
    assert told not in inbox_for(a)
    assert mine <= _due_households(b)
    assert not mine & _due_households(a)
    assert during.number in [r["number"] for r in today_for(b)["requests"]]
    assert during.number not in [r["number"] for r in today_for(a)["requests"]]
    assert before.assignee_id == a.pk  # what arrived before keeps its record
    assert during.pk in {r.pk for r in request_queue_for(b)}  # the staff queue too
    assert during.pk not in {r.pk for r in request_queue_for(a)}

    leave_end(actor=user_named(TOWN), leave=leave)
    after = _intake("井盖松动,有安全隐患,请尽快处理")
    assert after.assignee_id == a.pk
    assert mine <= _due_households(a)
    assert not mine & _due_households(b)
    assert after.number in [r["number"] for r in today_for(a)["requests"]]
    assert after.number not in [r["number"] for r in today_for(b)["requests"]]
    assert {before.pk, during.pk, after.pk} <= {r.pk for r in request_queue_for(a)}
    assert not {before.pk, during.pk, after.pk} & {r.pk for r in request_queue_for(b)}


def test_grids_served_by(db: None, user_named, away) -> None:  # type: ignore[no-untyped-def]
    a, b = user_named(A), user_named(B)
    assert _grid_codes(a) == [GRID]
    assert _grid_codes(b) == [GRID_B]
    away(A)
    assert _grid_codes(a) == []
    assert _grid_codes(b) == [GRID, GRID_B]
    served = {s.grid_id: s for s in grids_served_by(b)}
    grid = Area.objects.get(code=GRID)
    assert served[grid.pk].covering
    assert not served[Area.objects.get(code=GRID_B).pk].covering


def test_both_away_nobody_serves_and_the_village_takes_new_matters(  # type: ignore[no-untyped-def]
    db: None, user_named, away
) -> None:
    away(A)
    away(B)
    grid = Area.objects.get(code=GRID)
    duty = on_duty(grid)
    assert duty.uncovered
    assert serving(grid) is None
    r = _intake()
    assert r.unit.code == "V-611022109223"
    assert r.assignee_id is None
    assert "均不在岗" in r.events.get().note


def test_a_grid_without_posts_is_routed_as_before(db: None) -> None:
    from wangge.gridwork.models import GridPost

    grid = Area.objects.get(code=GRID)
    GridPost.objects.filter(grid=grid).delete()
    assert not on_duty(grid).uncovered
    r = _intake()
    assert (r.unit.code, r.assignee_id) == (f"G-{GRID}", None)


def test_an_inactive_worker_is_away(db: None, user_named, worker_of) -> None:  # type: ignore[no-untyped-def]
    from wangge.gridwork.models import GridWorker

    GridWorker.objects.filter(pk=worker_of(A).pk).update(is_active=False)
    assert serving(Area.objects.get(code=GRID)) == user_named(B)


def test_b_reaches_and_acts_in_a_grid_only_while_covering(  # type: ignore[no-untyped-def]
    db: None, user_named, away
) -> None:
    grid = Area.objects.get(code=GRID)
    number = Household.objects.filter(grid=grid).values_list("number", flat=True).first()
    grid_unit = Unit.objects.get(code=f"G-{GRID}")
    r = _intake()

    b = user_named(B)
    with pytest.raises(NotFound):
        household_get_for(b, number)
    assert grid_unit.pk not in units_for(b)

    leave = away(A)
    b = user_named(B)  # reach is computed per request (per user object)
    assert household_get_for(b, number).number == number
    assert reach_for(b).covering_paths() == [grid.path]
    assert grid_unit.pk in units_for(b)
    done = request_self_handle(actor=b, request=r, result="已联系保洁员当场清运完毕")
    assert done.state == "finished"

    leave_end(actor=user_named(TOWN), leave=leave)
    b = user_named(B)
    with pytest.raises(NotFound):
        household_get_for(b, number)
    assert grid_unit.pk not in units_for(b)
    again = _intake("又有人乱倒垃圾,堆在路口")
    with pytest.raises(DomainError) as e:
        request_self_handle(actor=b, request=again, result="已联系保洁员当场清运完毕")
    assert e.value.code == "forbidden"


def test_cover_ends_with_the_leave_by_itself(db: None, user_named, away) -> None:  # type: ignore[no-untyped-def]
    """No one ends the leave: at its planned end, A serves again."""
    leave = away(A, hours=2)
    grid = Area.objects.get(code=GRID)
    assert on_duty(grid, timezone.now()).user_id == user_named(B).pk
    later = leave.ends_at + dt.timedelta(seconds=1)
    assert on_duty(grid, later).user_id == user_named(A).pk
    assert [s.grid_id for s in grids_served_by(user_named(B), later)] == [
        Area.objects.get(code=GRID_B).pk
    ]


def test_dispatch_to_a_grid_names_the_worker_on_duty(db: None, user_named, away) -> None:  # type: ignore[no-untyped-def]
    from wangge.dispatch.flow import request_dispatch

    away(A)
    r = request_intake(
        actor=None,
        channel="portal",
        category_code="130101",  # the town office's
        description="村里手机信号很差,打电话断断续续",
        grid_code=GRID,
    )
    assert r.assignee_id is None
    r = request_dispatch(actor=user_named(TOWN), request=r, unit_code=f"G-{GRID}")
    assert r.assignee_id == user_named(B).pk
    assert Message.objects.filter(request=r, kind="arrived", user=user_named(B)).exists()
    r = request_dispatch(actor=user_named(TOWN), request=r, unit_code="D-611022-zhujian")
    assert r.assignee_id is None


def test_the_snapshot_answers_as_the_database(  # type: ignore[no-untyped-def]
    db: None, user_named, away, monkeypatch
) -> None:
    away(A)
    grids = list(Area.objects.filter(code__startswith="611022109223", level="grid"))
    users = [user_named(A), user_named(B), user_named("wg611022109223005")]
    from_db = (
        {g.code: on_duty(g) for g in grids},
        {u.username: grids_served_by(u) for u in users},
    )
    taken = cover._build()
    monkeypatch.setattr(cover.SNAPSHOT, "get", lambda: taken)
    from_snapshot = (
        {g.code: on_duty(g) for g in grids},
        {u.username: grids_served_by(u) for u in users},
    )
    assert from_snapshot == from_db
    assert from_db[0][GRID].post == "B"


def test_messages_for_the_grid_go_to_the_worker_on_duty_now(  # type: ignore[no-untyped-def]
    db: None, user_named, away
) -> None:
    """A department finishes a matter: the on-site check is asked of the
    grid's worker on duty — B while A is away."""
    from wangge.dispatch.flow import request_dispatch, request_finish, request_sign

    r = request_intake(
        actor=None,
        channel="portal",
        category_code="130101",
        description="村里手机信号很差,打电话断断续续",
        grid_code=GRID,
    )
    r = request_dispatch(actor=user_named(TOWN), request=r, unit_code="D-611022-zhujian")
    dept = user_named("danfeng_zhujian")
    r = request_sign(actor=dept, request=r)
    away(A)
    request_finish(actor=dept, request=r, result="已协调运营商增设基站,信号恢复")
    check = Message.objects.get(request=r, kind="check")
    assert check.unit.code == f"G-{GRID}"
    assert check.user == user_named(B)
    assert check in inbox_for(user_named(B))
    assert check not in inbox_for(user_named(A))


def test_tasks_follow_cover(db: None, user_named, away) -> None:  # type: ignore[no-untyped-def]
    """A task given to A's grid is on A's phone, on B's while A is away
    (with B's own grid's), and A's again when A is back."""
    from wangge.tasks.selectors import grids_of
    from wangge.tasks.services import task_create

    a, b = user_named(A), user_named(B)
    task_create(
        actor=user_named(TOWN),
        title="寒潮来临前走访独居老人",
        due_on=timezone.localdate() + dt.timedelta(days=5),
        area_codes=[GRID, GRID_B],
    )

    def grids(user) -> list[str]:  # type: ignore[no-untyped-def]
        return sorted(t["grid"] for t in today_for(user)["tasks"])

    assert grids(a) == [GRID]
    assert grids(b) == [GRID_B]
    leave = away(A)
    assert grids(a) == []
    assert grids(b) == [GRID, GRID_B]
    assert Area.objects.get(code=GRID).pk in grids_of(b)  # the staff "my tasks" page too
    leave_end(actor=user_named(TOWN), leave=leave)
    assert grids(a) == [GRID]
    assert grids(b) == [GRID_B]
