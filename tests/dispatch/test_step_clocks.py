"""The clocks after signing: first contact, site check and call back each
get their deadline from the profile when the step before is taken; late
ones are urged once, to whoever owes the step."""

from __future__ import annotations

import datetime as dt

import pytest

from wangge.core.errors import DomainError
from wangge.dispatch import flow
from wangge.dispatch.models import RequestEvent
from wangge.dispatch.services import request_intake
from wangge.dispatch.sweep import sweep
from wangge.notify.models import Message

GRID = "611022109223001"


def _signed(user_named, **kw):  # type: ignore[no-untyped-def]
    r = request_intake(
        actor=None, channel="hotline", category_code="130101", grid_code=GRID,
        description="村里手机信号很差,打电话总断线", **kw,
    )  # fmt: skip
    town = user_named("shangzhen_dispatcher")
    return flow.request_sign(actor=town, request=r), town


def _urges(r, text: str) -> int:  # type: ignore[no-untyped-def]
    return RequestEvent.objects.filter(request=r, action="urge", note__contains=text).count()


def test_contact_clock(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    r, town = _signed(user_named, contact_phone="13900005555")
    assert r.contact_due is not None
    assert r.contact_due > r.signed_at
    late = r.contact_due + dt.timedelta(minutes=1)
    sweep(late)
    sweep(late)
    assert _urges(r, "首次联系超时") == 1
    r = flow.request_contact(actor=town, request=r, note="已电话联系,约好明天上门")
    assert r.contacted_at is not None
    with pytest.raises(DomainError):
        flow.request_contact(actor=town, request=r, note="又联系了一次")
    anonymous, _ = _signed(user_named, anonymous=True)
    assert anonymous.contact_due is None
    with pytest.raises(DomainError):
        flow.request_contact(actor=town, request=anonymous, note="无法联系")


def test_check_and_callback_clocks(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    r, town = _signed(user_named)
    r = flow.request_finish(actor=town, request=r, result="已协调运营商调整基站天线")
    assert r.check_due is not None
    sweep(r.check_due + dt.timedelta(minutes=1))
    assert _urges(r, "现场核查超时") == 1
    grid_msg = Message.objects.get(request=r, kind="urge", body__contains="现场核查已超时")
    assert grid_msg.unit.area_id == r.grid_id  # the grid owes the check
    worker = user_named("wg" + GRID)
    r = flow.request_check(actor=worker, request=r, passed=True, note="")
    assert r.callback_due is not None
    sweep(r.callback_due + dt.timedelta(minutes=1))
    sweep(r.callback_due + dt.timedelta(minutes=2))
    assert _urges(r, "回访超时") == 1
    town_msg = Message.objects.get(request=r, kind="urge", body__contains="回访已超时")
    assert town_msg.unit.kind == "town_office"
