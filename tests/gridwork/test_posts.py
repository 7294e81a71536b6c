"""Posts and rotation (a change closes the old row and opens a new one,
never overwrites), leave (bad input refused, nothing changed), who may do
what, and zone heads seeing their zone's grids."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.gridwork.conftest import GRID, OTHER_TOWN, SECRETARY, TOWN, A, B
from wangge.accounts.models import RoleAssignment
from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.audit.models import AuditRecord
from wangge.core.errors import DomainError, NotFound
from wangge.gridwork.cover import on_duty
from wangge.gridwork.models import GridPost, Leave, ReservePerson
from wangge.gridwork.posts import leave_end, leave_record, post_assign, post_vacate
from wangge.gridwork.reserve import reserve_add, reserve_update
from wangge.territory.models import Area

C = "wg611022109223003"


def test_rotation_closes_the_old_post_and_keeps_it(db: None, user_named, worker_of) -> None:  # type: ignore[no-untyped-def]
    grid = Area.objects.get(code=GRID)
    old = GridPost.objects.get(grid=grid, post="A", ended_at__isnull=True)
    made = post_assign(
        actor=user_named(TOWN), grid=grid, post="A", worker=worker_of(C), note="年度轮岗"
    )
    old.refresh_from_db()
    assert old.ended_at == made.started_at
    assert old.worker.user.username == A
    assert old.ended_by == user_named(TOWN)
    assert list(
        GridPost.objects.filter(grid=grid, post="A")
        .order_by("started_at")
        .values_list("worker__user__username", flat=True)
    ) == [A, C]
    assert on_duty(grid).user_id == user_named(C).pk
    # The A post is what reaches the grid: the role follows it.
    assert RoleAssignment.objects.get(user__username=C, area=grid, role="grid_worker").is_active
    assert not RoleAssignment.objects.get(user__username=A, area=grid, role="grid_worker").is_active
    assert not reach_for(user_named(A)).allows(Capability.PERSON_VIEW, grid.path)
    assert AuditRecord.objects.filter(action="gridwork.post_assign", object_id=GRID).exists()


def test_a_worker_never_holds_both_posts_of_a_grid(db: None, user_named, worker_of) -> None:  # type: ignore[no-untyped-def]
    grid = Area.objects.get(code=GRID)
    before = GridPost.objects.count()
    with pytest.raises(DomainError) as e:
        post_assign(actor=user_named(TOWN), grid=grid, post="B", worker=worker_of(A))
    assert e.value.code == "post.both"
    with pytest.raises(DomainError) as e:
        post_assign(actor=user_named(TOWN), grid=grid, post="A", worker=worker_of(A))
    assert e.value.code == "post.same"
    assert GridPost.objects.count() == before


def test_vacating_a_post(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    grid = Area.objects.get(code=GRID)
    post_vacate(actor=user_named(SECRETARY), grid=grid, post="A", note="辞职")
    assert on_duty(grid).user_id == user_named(B).pk  # B serves an empty A post
    with pytest.raises(DomainError) as e:
        post_vacate(actor=user_named(SECRETARY), grid=grid, post="A")
    assert e.value.code == "post.empty"


def test_who_may_change_posts(db: None, user_named, worker_of) -> None:  # type: ignore[no-untyped-def]
    grid = Area.objects.get(code=GRID)
    with pytest.raises(DomainError) as e:
        post_assign(actor=user_named(A), grid=grid, post="B", worker=worker_of(C))
    assert e.value.code == "forbidden"
    with pytest.raises(NotFound):
        post_assign(actor=user_named(OTHER_TOWN), grid=grid, post="B", worker=worker_of(C))


def test_leave_is_checked_and_nothing_changes_on_bad_input(  # type: ignore[no-untyped-def]
    db: None, user_named, worker_of
) -> None:
    town, worker = user_named(TOWN), worker_of(A)
    now = timezone.now()
    cases = [
        ({"kind": "holiday"}, "leave.kind"),
        ({"reason": " "}, "leave.reason"),
        ({"ends_at": now - dt.timedelta(hours=1)}, "leave.range"),
        ({"ends_at": now + dt.timedelta(days=400)}, "leave.range"),
        ({"starts_at": now - dt.timedelta(days=40)}, "leave.range"),
    ]
    before = Leave.objects.count()
    for change, code in cases:
        args = {
            "kind": "leave",
            "starts_at": now,
            "ends_at": now + dt.timedelta(days=1),
            "reason": "家中有事",
            **change,
        }
        with pytest.raises(DomainError) as e:
            leave_record(actor=town, worker=worker, **args)
        assert e.value.code == code, change
    assert Leave.objects.count() == before


def test_overlapping_leave_is_refused(db: None, user_named, worker_of, away) -> None:  # type: ignore[no-untyped-def]
    away(A, hours=24)
    now = timezone.now()
    with pytest.raises(DomainError) as e:
        leave_record(
            actor=user_named(TOWN),
            worker=worker_of(A),
            kind="away",
            starts_at=now + dt.timedelta(hours=12),
            ends_at=now + dt.timedelta(hours=36),
            reason="外出办事",
        )
    assert e.value.code == "leave.overlap"


def test_ending_leave_early_keeps_what_was_planned(db: None, user_named, away) -> None:  # type: ignore[no-untyped-def]
    leave = away(A, hours=48)
    planned = leave.ends_at
    leave = leave_end(actor=user_named(SECRETARY), leave=leave)
    assert leave.ends_at <= timezone.now()
    assert leave.planned_ends_at == planned
    assert leave.ended_early_by == user_named(SECRETARY)
    with pytest.raises(DomainError) as e:
        leave_end(actor=user_named(SECRETARY), leave=leave)
    assert e.value.code == "leave.over"


def test_leave_of_a_future_day_is_cancelled_by_ending_it(db: None, user_named, worker_of) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    leave = leave_record(
        actor=user_named(TOWN),
        worker=worker_of(A),
        kind="training",
        starts_at=now + dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=3),
        reason="参加县网格员培训",
    )
    leave = leave_end(actor=user_named(TOWN), leave=leave)
    assert leave.ends_at == leave.starts_at  # never in force


def test_a_grid_worker_cannot_record_leave(db: None, user_named, worker_of) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    with pytest.raises(DomainError) as e:
        leave_record(
            actor=user_named(B),
            worker=worker_of(A),
            kind="leave",
            starts_at=now,
            ends_at=now + dt.timedelta(days=1),
            reason="家中有事",
        )
    assert e.value.code in ("forbidden", "not_found")


def test_zone_heads_see_their_zone_and_record_leave(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    from wangge.accounts.models import User
    from wangge.gridwork.models import GridWorker
    from wangge.gridwork.selectors import posts_of_area_for

    head = User.objects.filter(assignments__role="zone_head").first()
    assert head is not None
    zone = head.assignments.get(role="zone_head").area
    lines = posts_of_area_for(head, zone)
    assert lines
    assert all(line.grid.path.startswith(zone.path) for line in lines)
    worker = GridWorker.objects.get(pk=lines[0].a.worker_id)  # type: ignore[union-attr]
    now = timezone.now()
    leave = leave_record(
        actor=head,
        worker=worker,
        kind="away",
        starts_at=now,
        ends_at=now + dt.timedelta(hours=4),
        reason="到镇上开会",
    )
    assert leave.recorded_by == head
    with pytest.raises(NotFound):
        posts_of_area_for(head, zone.parent)  # type: ignore[arg-type]


def test_reserve_pool(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    village = Area.objects.get(code="611022109223")
    person = reserve_add(
        actor=user_named(SECRETARY),
        village=village,
        name="王小梅",
        phone="139 0000 1234",
        birth_year=timezone.localdate().year - 28,
        education="大专",
        skills="熟悉电脑操作",
    )
    assert person.phone_masked == "139****1234"
    assert "13900001234" not in person.phone_enc
    assert person.age == 28
    reserve_update(
        actor=user_named(SECRETARY), person=person, status="training", notes="已参加培训"
    )
    person.refresh_from_db()
    assert person.status == "training"
    before = ReservePerson.objects.count()
    for bad in ({"name": ""}, {"phone": "12345"}, {"birth_year": 1900}, {"education": "博士后"}):
        with pytest.raises(DomainError):
            reserve_add(actor=user_named(SECRETARY), village=village, **{"name": "李四", **bad})
    with pytest.raises(NotFound):
        reserve_add(actor=user_named(OTHER_TOWN), village=village, name="李四")
    assert ReservePerson.objects.count() == before


def test_posts_follow_a_redrawn_village(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    """A village's grids redrawn: every open post ends at its old grid and
    starts at the grid that took over its work; the worker on duty there is
    the old grid's A, and the history keeps the old rows."""
    from wangge.gridwork.cover import serving
    from wangge.gridwork.models import GridPost
    from wangge.territory.activation import generation_activate
    from wangge.territory.generations import generation_compute, generation_submit
    from wangge.territory.models import Area

    town = user_named(TOWN)
    village = Area.objects.get(code=GRID[:12])
    old = Area.objects.get(code=GRID)
    a_post = GridPost.objects.get(grid=old, post="A", ended_at__isnull=True)
    g = generation_compute(actor=town, village=village, minimum=40, maximum=50)
    g = generation_submit(actor=town, generation=g)
    done = generation_activate(actor=town, generation=g)
    successor = Area.objects.get(code=done.generation.outcome["successors"][GRID])

    assert not GridPost.objects.filter(grid=old, ended_at__isnull=True).exists()
    assert GridPost.objects.filter(pk=a_post.pk, ended_at__isnull=False).exists()
    carried = GridPost.objects.get(grid=successor, post="A", ended_at__isnull=True)
    assert carried.worker_id == a_post.worker_id
    assert serving(successor, timezone.now()) == a_post.worker.user
    open_posts = GridPost.objects.filter(grid__code__in=done.created, ended_at__isnull=True)
    assert done.generation.outcome["others_moved"] == open_posts.count() > 0
    for grid_id in {p.grid_id for p in open_posts}:  # never A and B of one grid
        workers = [p.worker_id for p in open_posts if p.grid_id == grid_id]
        assert len(workers) == len(set(workers))
