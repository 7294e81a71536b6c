"""Staff pages: the queue shows what my units hold, nearest deadline first;
the request page offers only the actions I may take; a stale page loses
clearly; people outside see "not found"."""

from __future__ import annotations

from django.test import Client

from wangge.dispatch.models import Request, State
from wangge.dispatch.services import request_intake

GRID = "611022109223001"


def _client(user_named, name: str) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user_named(name))
    return c


def _intake(category: str = "130101") -> Request:
    return request_intake(
        actor=None,
        channel="portal",
        category_code=category,
        description="村里手机信号很差,打不出电话",
        grid_code=GRID,
        contact_name="王先生",
        contact_phone="13912345678",
    )


def test_queue_and_page_for_the_holder(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    r = _intake()
    town = _client(user_named, "shangzhen_dispatcher")
    page = town.get("/requests/").content.decode()
    assert r.number in page
    page = town.get(f"/requests/{r.number}/").content.decode()
    assert "村里手机信号很差" in page
    assert "139****5678" in page
    assert "13912345678" not in page
    assert 'id="do-sign"' in page
    assert 'id="dispatch-form"' in page
    assert 'id="do-finish"' not in page


def test_dispatch_and_sign_through_the_pages(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    r = _intake()
    town = _client(user_named, "shangzhen_dispatcher")
    resp = town.post(
        f"/requests/{r.number}/dispatch/",
        {"unit": "D-611022-zhujian", "note": "请核实", "version": r.version},
        follow=True,
    )
    assert "已办理" in resp.content.decode()
    dept = _client(user_named, "danfeng_zhujian")
    assert r.number in dept.get("/requests/").content.decode()
    r.refresh_from_db()
    resp = dept.post(f"/requests/{r.number}/sign/", {"version": r.version}, follow=True)
    assert "已办理" in resp.content.decode()
    assert Request.objects.get(pk=r.pk).state == State.SIGNED
    # The same sign from a page rendered before it: refused, clearly.
    resp = dept.post(
        f"/requests/{r.number}/finish/", {"version": r.version, "result": "已处理完毕"}, follow=True
    )
    assert "刷新" in resp.content.decode()


def test_outsiders_get_not_found(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    r = _intake()
    other_town = _client(user_named, "longjuzhaijiedao_dispatcher")
    assert other_town.get(f"/requests/{r.number}/").status_code == 404
    assert other_town.post(f"/requests/{r.number}/sign/", {"version": 0}).status_code == 404
    # A department sees matters of its categories in its county only.
    assert _client(user_named, "danfeng_zhujian").get(f"/requests/{r.number}/").status_code == 404


def test_deadline_shows_the_end_of_the_day() -> None:
    import datetime as dt

    from wangge.dispatch.templatetags.deadlines import deadline
    from wangge.timelimits.clock import BEIJING

    assert deadline(dt.datetime(2026, 10, 11, tzinfo=BEIJING)) == "2026-10-10 24:00"
    assert deadline(dt.datetime(2026, 10, 8, 9, 30, tzinfo=BEIJING)) == "2026-10-08 09:30"
    assert deadline(None) == "—"
