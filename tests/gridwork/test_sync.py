"""Offline sync: each operation applied exactly once, in order, with one
answer each; an error loses nothing else; resends answer "already had
it"; the same batch sent twice at once stores one copy."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from django.utils import timezone

from tests.gridwork.conftest import GRID, TOWN, A, B, new_id, now_iso
from wangge.core.errors import DomainError
from wangge.dispatch.models import Request
from wangge.gridwork.models import Finding, Patrol, PatrolPoint, SyncOp, Visit
from wangge.gridwork.posts import leave_end
from wangge.gridwork.sync import sync_apply
from wangge.registry.models import Household


def _household(grid: str = GRID) -> Household:
    return Household.objects.filter(grid__code=grid, is_active=True).order_by("number").first()  # type: ignore[return-value]


def _visit(number: str, **more) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return {
        "id": new_id(),
        "op": "visit",
        "household": number,
        "at": now_iso(-30),
        "notes": "老人身体还好,叮嘱注意防寒",
        "lon": 110.37,
        "lat": 33.76,
        "duties": ["know_grid", "care"],
        **more,
    }


def test_a_visit_once_and_a_resend_answers_already_had_it(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    a = user_named(A)
    h = _household()
    Household.objects.filter(pk=h.pk).update(last_visit_on=None)
    op = _visit(h.number)
    first = sync_apply(actor=a, ops=[op])
    assert first[0]["status"] == "ok", first
    assert first[0]["result"]["last_visit_on"] == timezone.localdate().isoformat()
    again = sync_apply(actor=a, ops=[op])
    assert again[0]["status"] == "duplicate"
    assert again[0]["original"] == "ok"
    assert again[0]["result"] == first[0]["result"]
    assert Visit.objects.filter(client_id=op["id"]).count() == 1
    visit = Visit.objects.get(client_id=op["id"])
    assert sorted(d.code for d in visit.duties.all()) == ["care", "know_grid"]
    assert visit.worker == a
    assert visit.grid.code == GRID
    assert visit.received_at >= visit.visited_at


def test_last_visit_only_moves_forwards(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    h = _household()
    today = timezone.localdate()
    Household.objects.filter(pk=h.pk).update(last_visit_on=today)
    old = _visit(h.number, at=(timezone.now() - dt.timedelta(days=10)).isoformat())
    assert sync_apply(actor=user_named(A), ops=[old])[0]["status"] == "ok"
    h.refresh_from_db()
    assert h.last_visit_on == today


def test_an_error_loses_nothing_else_and_dependants_wait(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    a = user_named(A)
    h = _household()
    bad_patrol = {"id": new_id(), "op": "patrol_start", "grid": "999999999999999", "at": now_iso()}
    ops = [
        _visit(h.number),
        {"id": new_id(), "op": "visit", "household": "nope", "at": now_iso()},
        bad_patrol,
        {
            "id": new_id(),
            "op": "patrol_points",
            "patrol": bad_patrol["id"],
            "points": [{"at": now_iso(), "lon": 110.37, "lat": 33.76}],
        },
        _visit(h.number, at=now_iso(5)),  # a phone clock a little fast: accepted
        _visit(h.number, at=now_iso(60 * 24)),  # tomorrow: refused
        {"id": "not-a-uuid", "op": "visit"},
        {"id": new_id(), "op": "teleport"},
    ]
    answers = sync_apply(actor=a, ops=ops)
    assert [x["status"] for x in answers] == [
        "ok", "error", "error", "error", "ok", "error", "error", "error",
    ]  # fmt: skip
    assert answers[1]["code"] == "not_found"
    assert answers[3]["code"] == "sync.depends"
    assert answers[5]["code"] == "field.time"
    assert all(x["message"] for x in answers if x["status"] == "error")
    assert [x["id"] for x in answers[:6]] == [o["id"] for o in ops[:6]]
    stored = set(SyncOp.objects.filter(user=a).values_list("client_id", flat=True))
    assert {str(i) for i in stored} >= {ops[0]["id"], ops[4]["id"]}
    assert not {str(i) for i in stored} & {o["id"] for o in ops[1:4]}


def test_a_batch_that_is_not_a_list_changes_nothing(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    for bad in (None, {}, [], "ops", [{}] * 201):
        with pytest.raises(DomainError) as e:
            sync_apply(actor=user_named(A), ops=bad)
        assert e.value.code == "sync.batch"


def test_a_patrol_with_its_trail_findings_and_stop(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    a = user_named(A)
    start = {
        "id": new_id(), "op": "patrol_start", "grid": GRID, "at": now_iso(-60),
        "duties": ["patrol"],
    }  # fmt: skip
    points = {
        "id": new_id(),
        "op": "patrol_points",
        "patrol": start["id"],
        "points": [
            {"at": now_iso(-50), "lon": 110.3700, "lat": 33.7600, "accuracy": 8},
            {"at": now_iso(-40), "lon": 110.3710, "lat": 33.7600},
            {"at": now_iso(-45), "lon": 110.3705, "lat": 33.7600},  # arrived out of order
        ],
    }
    report = {
        "id": new_id(),
        "op": "finding",
        "patrol": start["id"],
        "at": now_iso(-42),
        "description": "路边垃圾堆放,气味很大",
        "outcome": "reported",
        "category": "210101",
        "duties": ["hazards"],
    }
    handled = {
        "id": new_id(),
        "op": "finding",
        "patrol": start["id"],
        "at": now_iso(-41),
        "description": "两户因晾晒占道争吵",
        "outcome": "handled",
        "handled_note": "现场劝解,双方各让一步",
        "duties": ["disputes"],
    }
    stop = {"id": new_id(), "op": "patrol_stop", "patrol": start["id"], "at": now_iso(-30)}
    stop_again = {**stop, "id": new_id(), "at": now_iso(-20)}
    answers = sync_apply(actor=a, ops=[start, points, report, handled, stop, stop_again])
    assert [x["status"] for x in answers] == ["ok", "ok", "ok", "ok", "ok", "conflict"], answers
    patrol = Patrol.objects.get(client_id=start["id"])
    assert patrol.point_count == 3
    assert 90 < patrol.distance_m < 95  # 0.001° of longitude at 33.76° N ≈ 92.5 m, in time order
    assert patrol.stopped_at is not None
    assert answers[5]["result"]["what"] == "巡查此前已经结束"
    number = answers[2]["result"]["request"]
    request = Request.objects.get(number=number)
    assert (request.channel, request.grid.code, request.assignee_id) == ("grid_worker", GRID, a.pk)
    assert request.created_by == a
    assert Finding.objects.get(client_id=handled["id"]).handled_note.startswith("现场劝解")
    # Sent again (the answer was lost): one request, one finding, same answers.
    again = sync_apply(actor=a, ops=[report, points])
    assert [x["status"] for x in again] == ["duplicate", "duplicate"]
    assert again[0]["result"]["request"] == number
    assert Request.objects.filter(idempotency_key=f"field-{report['id']}").count() == 1
    assert PatrolPoint.objects.filter(patrol=patrol).count() == 3


def test_someone_elses_patrol_is_not_found(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    start = {"id": new_id(), "op": "patrol_start", "grid": GRID, "at": now_iso(-10)}
    assert sync_apply(actor=user_named(A), ops=[start])[0]["status"] == "ok"
    stop = {"id": new_id(), "op": "patrol_stop", "patrol": start["id"], "at": now_iso()}
    answer = sync_apply(actor=user_named(B), ops=[stop])[0]
    assert (answer["status"], answer["code"]) == ("error", "patrol.unknown")


def test_an_id_used_by_someone_else_is_refused(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    op = _visit(_household().number)
    assert sync_apply(actor=user_named(A), ops=[op])[0]["status"] == "ok"
    answer = sync_apply(actor=user_named("wg611022109223003"), ops=[op])[0]
    assert (answer["status"], answer["code"]) == ("error", "sync.id_taken")


def test_outside_ones_grid_is_not_found(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    elsewhere = _household("611022001001001") or _household("611022109223005")
    answer = sync_apply(actor=user_named(A), ops=[_visit(elsewhere.number)])[0]
    assert (answer["status"], answer["code"]) == ("error", "not_found")
    assert not Visit.objects.filter(household=elsewhere, worker=user_named(A)).exists()


def test_what_b_recorded_while_covering_is_taken_after_the_cover(  # type: ignore[no-untyped-def]
    db: None, user_named, away
) -> None:
    """B visited A's household offline during the cover; the phone found a
    signal after A came back: the visit is still B's to record."""
    leave = away(A)
    visited = timezone.now().isoformat()
    leave_end(actor=user_named(TOWN), leave=leave)
    h = _household()
    late = sync_apply(actor=user_named(B), ops=[_visit(h.number, at=visited)])[0]
    assert late["status"] == "ok", late
    now = sync_apply(actor=user_named(B), ops=[_visit(h.number, at=now_iso())])[0]
    assert (now["status"], now["code"]) == ("error", "not_found")


def _run_twice_at_once(django_db_blocker, user, ops):  # type: ignore[no-untyped-def]
    answers: list = []  # type: ignore[type-arg]
    errors: list = []  # type: ignore[type-arg]
    barrier = threading.Barrier(2)

    def send() -> None:
        from django.db import connections

        try:
            with django_db_blocker.unblock():
                barrier.wait()
                answers.append(sync_apply(actor=user, ops=ops))
        except BaseException as exc:  # collected and re-raised below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return answers


def test_the_same_batch_sent_twice_at_once_stores_one_copy(
    django_db_setup, django_db_blocker
) -> None:  # type: ignore[no-untyped-def]
    """Two threads, each on its own connection and committing for real (no
    test transaction around them), send the same batch at the same moment:
    one copy of everything; every operation is answered ok by one and
    duplicate by the other. (On PostgreSQL the second waits on the unique
    id; SQLite takes one writer at a time.)"""
    from wangge.accounts.models import User

    with django_db_blocker.unblock():
        a = User.objects.get(username=A)
        h = _household()
        last = h.last_visit_on
        start = {"id": new_id(), "op": "patrol_start", "grid": GRID, "at": now_iso(-20)}
        ops = [
            _visit(h.number),
            _visit(h.number, at=now_iso(-10)),
            start,
            {
                "id": new_id(),
                "op": "patrol_points",
                "patrol": start["id"],
                "points": [{"at": now_iso(-15), "lon": 110.37, "lat": 33.76}],
            },
            {"id": new_id(), "op": "patrol_stop", "patrol": start["id"], "at": now_iso(-5)},
        ]
    try:
        answers = _run_twice_at_once(django_db_blocker, a, ops)
        assert len(answers) == 2
        for n in range(len(ops)):
            assert sorted(x[n]["status"] for x in answers) == ["duplicate", "ok"], answers
        with django_db_blocker.unblock():
            ids = [uuid.UUID(o["id"]) for o in ops]
            assert SyncOp.objects.filter(client_id__in=ids).count() == len(ops)
            assert Visit.objects.filter(client_id__in=ids[:2]).count() == 2
            assert Patrol.objects.filter(client_id=ids[2]).count() == 1
            assert PatrolPoint.objects.filter(patrol__client_id=ids[2]).count() == 1
    finally:
        with django_db_blocker.unblock():
            ids = [uuid.UUID(o["id"]) for o in ops]
            Visit.objects.filter(client_id__in=ids).delete()
            Patrol.objects.filter(client_id__in=ids).delete()
            SyncOp.objects.filter(client_id__in=ids).delete()
            Household.objects.filter(pk=h.pk).update(last_visit_on=last)
