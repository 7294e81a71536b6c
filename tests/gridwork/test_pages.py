"""Staff pages: posts with who is on duty, rotation, leave, history, the
reserve pool, the change queue with conflicts first; and "not found" for
those who do not supervise grid workers there."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from tests.gridwork.conftest import GRID, SECRETARY, TOWN, A, B, new_id, now_iso
from wangge.gridwork.changes import household_state
from wangge.gridwork.models import GridPost, GridWorker, HouseholdChange, Leave, ReservePerson
from wangge.gridwork.sync import sync_apply
from wangge.registry.edits import person_update
from wangge.registry.models import Household, Person

VILLAGE = "611022109223"


def _login(user_named, name: str) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user_named(name))
    return c


def test_posts_page_shows_who_is_on_duty(db: None, user_named, away) -> None:  # type: ignore[no-untyped-def]
    away(A)
    c = _login(user_named, SECRETARY)
    page = c.get(f"/gridwork/areas/{VILLAGE}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "B岗代岗" in html
    assert "请假至" in html
    assert c.get("/gridwork/").status_code == 302  # straight to their village
    town = _login(user_named, TOWN).get("/gridwork/areas/611022109000/")
    assert town.status_code == 200
    assert "保定村" in town.content.decode()  # its villages are listed
    assert _login(user_named, A).get(f"/gridwork/areas/{VILLAGE}/").status_code == 404
    assert (
        _login(user_named, "longjuzhaijiedao_dispatcher")
        .get(f"/gridwork/areas/{VILLAGE}/")
        .status_code
        == 404
    )


def test_rotation_and_history_through_the_page(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    c = _login(user_named, SECRETARY)
    worker = GridWorker.objects.get(user__username="wg611022109223003")
    r = c.post(
        f"/gridwork/areas/{VILLAGE}/assign/",
        {"grid": GRID, "post": "B", "worker": worker.pk, "note": "年度轮岗"},
    )
    assert r.status_code == 302
    assert GridPost.objects.get(grid__code=GRID, post="B", ended_at__isnull=True).worker == worker
    history = c.get(f"/gridwork/areas/{VILLAGE}/history/").content.decode()
    assert "年度轮岗" in history
    assert str(user_named(B)) in history  # the closed row is still there
    bad = c.post(f"/gridwork/areas/{VILLAGE}/assign/", {"grid": GRID, "post": "C"}, follow=True)
    assert "岗位应为" in bad.content.decode()


def test_leave_through_the_worker_page(db: None, user_named, worker_of) -> None:  # type: ignore[no-untyped-def]
    c = _login(user_named, SECRETARY)
    worker = worker_of(A)
    page = c.get(f"/gridwork/workers/{worker.pk}/")
    assert page.status_code == 200
    now = timezone.localtime()
    r = c.post(
        f"/gridwork/workers/{worker.pk}/leave/",
        {
            "kind": "leave",
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "reason": "家中有事",
        },
        follow=True,
    )
    assert "期间由B岗代岗" in r.content.decode()
    leave = Leave.objects.get(worker=worker, reason="家中有事")
    r = c.post(f"/gridwork/leaves/{leave.pk}/end/", follow=True)
    assert "已销假" in r.content.decode()
    before = Leave.objects.count()
    r = c.post(
        f"/gridwork/workers/{worker.pk}/leave/",
        {"kind": "leave", "starts_at": "", "ends_at": "", "reason": "x"},
        follow=True,
    )
    assert "请填写开始时间" in r.content.decode()
    assert Leave.objects.count() == before


def test_reserve_pool_page(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    c = _login(user_named, SECRETARY)
    r = c.post(
        f"/gridwork/areas/{VILLAGE}/reserve/add/",
        {"name": "赵小军", "village": VILLAGE, "phone": "13700001111", "birth_year": "1995"},
        follow=True,
    )
    assert "已将赵小军列入后备队伍台账" in r.content.decode()
    person = ReservePerson.objects.get(name="赵小军")
    page = c.get(f"/gridwork/areas/{VILLAGE}/reserve/").content.decode()
    assert "137****1111" in page
    assert "13700001111" not in page
    c.post(f"/gridwork/reserve/{person.pk}/status/", {"status": "appointed"})
    person.refresh_from_db()
    assert person.status == "appointed"


def test_change_queue_puts_conflicts_first_and_approves(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    h = Household.objects.filter(grid__code=GRID, memberships__moved_out__isnull=True).first()
    assert h is not None
    p = Person.objects.filter(memberships__household=h).first()
    assert p is not None
    seen = household_state(h)
    plain = {
        "id": new_id(), "op": "household_change", "household": h.number, "at": now_iso(-9),
        "seen_state": seen, "changes": [{"person": p.pk, "field": "education", "value": "初中"}],
    }  # fmt: skip
    sync_apply(actor=user_named(A), ops=[plain])
    person_update(actor=user_named(SECRETARY), person=p, occupation="外出务工")
    late = {
        **plain,
        "id": new_id(),
        "changes": [{"person": p.pk, "field": "is_away", "value": True}],
    }
    sync_apply(actor=user_named(A), ops=[late])
    c = _login(user_named, SECRETARY)
    queue = c.get(f"/gridwork/areas/{VILLAGE}/changes/").content.decode()
    assert "有 1 条申请提交后该户信息已被他人修改" in queue
    rows = list(HouseholdChange.objects.filter(household=h).order_by("received_at"))
    assert queue.index(f"/gridwork/changes/{rows[1].pk}/") < queue.index(
        f"/gridwork/changes/{rows[0].pk}/"
    )  # the conflict first
    detail = c.get(f"/gridwork/changes/{rows[1].pk}/").content.decode()
    assert "采纳发现值" in detail
    state = household_state(h)
    r = c.post(
        f"/gridwork/changes/{rows[1].pk}/approve/",
        {"state": state, "choice_0": "proposed"},
        follow=True,
    )
    assert "已采纳" in r.content.decode()
    p.refresh_from_db()
    assert p.is_away
    r = c.post(f"/gridwork/changes/{rows[0].pk}/approve/", {}, follow=True)
    assert "已被他人修改" in r.content.decode()  # the first became a conflict in turn
    assert _login(user_named, A).get(f"/gridwork/changes/{rows[0].pk}/").status_code == 404


def test_registering_a_worker(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    from wangge.accounts.models import User

    User.objects.create_user(username="wg_new_one", display_name="新网格员")
    c = _login(user_named, SECRETARY)
    r = c.post(
        f"/gridwork/areas/{VILLAGE}/workers/",
        {"username": "wg_new_one", "kind": "part_time", "phone": "13600001111"},
        follow=True,
    )
    assert "已登记网格员新网格员" in r.content.decode()
    worker = GridWorker.objects.get(user__username="wg_new_one")
    assert (worker.kind, worker.area.code, worker.phone_masked) == (
        "part_time", VILLAGE, "136****1111",
    )  # fmt: skip
    again = c.post(
        f"/gridwork/areas/{VILLAGE}/workers/", {"username": "wg_new_one", "kind": "part_time"},
        follow=True,
    )  # fmt: skip
    assert "已登记为网格员" in again.content.decode()
    missing = c.post(
        f"/gridwork/areas/{VILLAGE}/workers/", {"username": "nobody", "kind": "full_time"},
        follow=True,
    )  # fmt: skip
    assert "没有这个账号" in missing.content.decode()


def test_findings_ledger_lists_what_workers_found_for_their_supervisors(
    db: None, user_named
) -> None:  # type: ignore[no-untyped-def]
    def finding(outcome: str, text: str, minutes: float, **more: str) -> dict[str, str]:
        return {
            "id": new_id(), "op": "finding", "grid": GRID, "at": now_iso(minutes),
            "description": text, "outcome": outcome, **more,
        }  # fmt: skip

    answers = sync_apply(
        actor=user_named(A),
        ops=[
            finding("reported", "桥头护栏松动,有坠落风险", -30, category="210101"),
            finding("handled", "两户因晾晒占道争吵", -20, handled_note="现场劝解,双方各让一步"),
        ],
    )
    assert [x["status"] for x in answers] == ["ok", "ok"], answers
    number = answers[0]["result"]["request"]
    c = _login(user_named, SECRETARY)
    html = c.get(f"/gridwork/areas/{VILLAGE}/findings/").content.decode()
    assert "桥头护栏松动" in html
    assert number in html
    assert "现场劝解" in html  # handled on the spot: the note
    handled_only = c.get(f"/gridwork/areas/{VILLAGE}/findings/?outcome=handled").content.decode()
    assert "现场劝解" in handled_only
    assert "桥头护栏松动" not in handled_only
    month = timezone.localdate().strftime("%Y-%m")
    assert (
        "桥头护栏松动"
        in c.get(f"/gridwork/areas/{VILLAGE}/findings/?month={month}").content.decode()
    )
    assert (
        "桥头护栏松动"
        not in c.get(f"/gridwork/areas/{VILLAGE}/findings/?month=2020-01").content.decode()
    )
    # A nonsense filter is ignored, not an error page.
    assert c.get(f"/gridwork/areas/{VILLAGE}/findings/?month=abc&outcome=x").status_code == 200
    town = _login(user_named, TOWN).get("/gridwork/areas/611022109000/findings/")
    assert "桥头护栏松动" in town.content.decode()
    # Another town's dispatcher, or a grid worker: not found.
    other = _login(user_named, "longjuzhaijiedao_dispatcher")
    assert other.get(f"/gridwork/areas/{VILLAGE}/findings/").status_code == 404
    assert _login(user_named, A).get(f"/gridwork/areas/{VILLAGE}/findings/").status_code == 404
