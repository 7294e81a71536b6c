"""The resident portal: report without an account (a retried submit makes
one request), follow with number + phone, rate when done."""

from __future__ import annotations

from django.test import Client

from wangge.dispatch.flow import request_finish, request_sign
from wangge.dispatch.models import Request, State

VILLAGE = "611022109223"  # 保定村


def _report(c: Client, key: str = "k-portal-1", **extra: str) -> str:
    data = {
        "key": key,
        "category": "2101",  # 市容环境 › …
        "description": "村委会门口垃圾桶满了好几天没人清",
        "village": VILLAGE,
        "name": "李女士",
        "phone": "13800001111",
    }
    data.update(extra)
    return c.post("/portal/", data).content.decode()


def test_report_track_and_rate(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    c = Client()
    page = c.get("/portal/").content.decode()
    assert "我要反映" in page
    assert 'name="key"' in page
    before = Request.objects.count()
    done = _report(c)
    assert "已收到您的诉求" in done
    again = _report(c)  # the same form sent twice (a weak signal, a second tap)
    assert Request.objects.count() == before + 1
    r = Request.objects.get(idempotency_key="k-portal-1")
    assert r.number in done
    assert r.number in again
    assert r.grid.code.startswith(VILLAGE)

    wrong = c.post("/portal/track/", {"number": r.number, "phone": "13800002222"})
    assert "编号或手机号不正确" in wrong.content.decode()
    page = c.post("/portal/track/", {"number": r.number, "phone": "138 0000 1111"}).content.decode()
    assert "已提交" in page
    assert 'id="rate"' not in page  # nothing to rate yet

    holder = r.unit
    from wangge.accounts.models import RoleAssignment

    who = RoleAssignment.objects.filter(area=holder.area).select_related("user").first()
    assert who is not None
    r = request_sign(actor=who.user, request=r)
    request_finish(actor=who.user, request=r, result="已通知保洁员清运,并增加清运次数")
    page = c.post("/portal/track/", {"number": r.number, "phone": "13800001111"}).content.decode()
    assert 'id="rate"' in page
    assert "已通知保洁员清运" in page
    page = c.post(
        "/portal/track/",
        {"number": r.number, "phone": "13800001111", "solved": "1", "rating": "5"},
    ).content.decode()
    assert "谢谢您的评价" in page
    r.refresh_from_db()
    assert (r.state, r.rating, r.solved) == (State.CLOSED, 5, True)


def test_unsatisfied_resident_sends_it_back(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    c = Client()
    _report(c, key="k-portal-2", phone="13800003333")
    r = Request.objects.get(idempotency_key="k-portal-2")
    from wangge.accounts.models import RoleAssignment

    who = RoleAssignment.objects.filter(area=r.unit.area).select_related("user").first()
    assert who is not None
    r = request_sign(actor=who.user, request=r)
    request_finish(actor=who.user, request=r, result="已清理完毕,请监督")
    c.post(
        "/portal/track/",
        {
            "number": r.number,
            "phone": "13800003333",
            "solved": "0",
            "rating": "1",
            "note": "还是满的",
        },
    )
    r.refresh_from_db()
    assert (r.state, r.redo_count) == (State.SIGNED, 1)


def test_bad_report_keeps_what_was_typed(db: None) -> None:
    c = Client()
    page = _report(c, key="k-portal-3", description="脏")
    assert "至少 5 个字" in page
    assert 'value="13800001111"' in page
    assert not Request.objects.filter(idempotency_key="k-portal-3").exists()
