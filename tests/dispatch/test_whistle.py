"""吹哨报到: the town whistles a lead and helpers; the lead signs and
finishes, helpers report in and record their part; a helper late to
report in is urged once; a signed unit can transfer the matter on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from wangge.core.errors import DomainError
from wangge.dispatch import flow
from wangge.dispatch.models import Assist, Request, RequestEvent, State
from wangge.dispatch.selectors import request_get_for, request_queue_for
from wangge.dispatch.services import request_intake
from wangge.dispatch.sweep import sweep
from wangge.dispatch.whistle import request_assist_done, request_report_in, request_whistle

GRID = "611022109223001"
LEAD = "D-611022-zhujian"


def _matter(user_named) -> Request:  # type: ignore[no-untyped-def]
    return request_intake(
        actor=user_named("wg" + GRID),
        channel="grid_worker",
        category_code="2101",
        description="保定村桥头护栏被大车撞坏,存在安全隐患",
        grid_code=GRID,
    )


def _helpers() -> list[str]:
    from wangge.accounts.models import Unit

    return list(
        Unit.objects.filter(kind="department", area__code="611022000000")
        .exclude(code=LEAD)
        .order_by("code")
        .values_list("code", flat=True)[:2]
    )


def _helper_user(code: str):  # type: ignore[no-untyped-def]
    from wangge.accounts.models import RoleAssignment

    return RoleAssignment.objects.filter(unit__code=code, is_active=True).first().user


def test_whistle_lead_and_helpers(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    town = user_named("shangzhen_dispatcher")
    r = _matter(user_named)
    helpers = _helpers()
    r = request_whistle(actor=town, request=r, lead=LEAD, helpers=helpers, note="联合处置")
    assert r.state == State.DISPATCHED
    assert r.unit.code == LEAD
    assert r.responsible is not None  # the first unit stays responsible until the lead signs
    rows = {a.unit.code: a for a in r.assists.select_related("unit")}
    assert set(rows) == {LEAD, *helpers}
    assert rows[LEAD].role == "lead"
    assert all(rows[c].role == "help" and rows[c].sign_due for c in helpers)

    # Each helper sees the matter in its queue, and reports in.
    helper = _helper_user(helpers[0])
    assert r.number in [x.number for x in request_queue_for(helper)]
    version = r.version
    request_report_in(actor=helper, request=request_get_for(helper, r.number), note="已安排")
    with pytest.raises(DomainError):  # once only
        request_report_in(actor=helper, request=r)
    r.refresh_from_db()
    assert r.version == version  # helpers never bump the lead's version

    # The lead signs (its report-in) and finishes.
    lead = user_named("danfeng_zhujian")
    r = flow.request_sign(actor=lead, request=r)
    assert r.responsible is None
    assert Assist.objects.get(request=r, unit__code=LEAD).signed_at is not None
    request_assist_done(actor=helper, request=r, note="已协助设置警示标志")
    assert Assist.objects.get(request=r, unit__code=helpers[0]).done_at is not None
    r = flow.request_finish(actor=lead, request=r, result="护栏已更换,警示标志已撤除")
    assert r.state == State.FINISHED
    actions = list(r.events.values_list("action", flat=True))
    assert actions == ["submit", "whistle", "report_in", "sign", "assist_done", "finish"]
    # Done with its part, the helper's queue no longer holds it.
    assert r.number not in [x.number for x in request_queue_for(helper)]


def test_whistle_refusals_change_nothing(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    r = _matter(user_named)
    worker = user_named("wg" + GRID)
    with pytest.raises(DomainError) as e:
        request_whistle(actor=worker, request=r, lead=LEAD)
    assert e.value.code == "forbidden"
    town = user_named("shangzhen_dispatcher")
    with pytest.raises(DomainError):
        request_whistle(actor=town, request=r, lead="D-999999-nowhere")
    with pytest.raises(DomainError):
        request_whistle(actor=town, request=r, lead=LEAD, helpers=["nope"])
    r.refresh_from_db()
    assert r.state == State.SUBMITTED
    assert not r.assists.exists()
    assert list(r.events.values_list("action", flat=True)) == ["submit"]
    # A unit that was not whistled cannot report in.
    with pytest.raises(DomainError):
        request_report_in(actor=user_named("danfeng_zhujian"), request=r)


def test_late_helper_urged_once(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    town = user_named("shangzhen_dispatcher")
    r = request_whistle(actor=town, request=_matter(user_named), lead=LEAD, helpers=_helpers()[:1])
    later = timezone.now() + dt.timedelta(days=30)
    sweep(later)
    sweep(later)
    urges = RequestEvent.objects.filter(request=r, action="urge", note__contains="报到超时")
    assert urges.count() == 1
    assert Assist.objects.get(request=r, role="help").urged_at is not None


def test_transfer_after_signing(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    town = user_named("shangzhen_dispatcher")
    r = request_whistle(actor=town, request=_matter(user_named), lead=LEAD)
    lead = user_named("danfeng_zhujian")
    r = flow.request_sign(actor=lead, request=r)
    target = _helpers()[0]
    with pytest.raises(DomainError):
        flow.request_transfer(actor=lead, request=r, unit_code=target, reason="")
    r = flow.request_transfer(actor=lead, request=r, unit_code=target, reason="属对方职责")
    assert r.state == State.DISPATCHED
    assert r.unit.code == target
    assert r.responsible.code == LEAD  # stays responsible until the new unit signs
    assert Assist.objects.get(request=r, role="lead").unit.code == target
    # The transferring unit still sees it (first-responder duty).
    assert request_get_for(lead, r.number) == r
    r = flow.request_sign(actor=_helper_user(target), request=r)
    assert r.responsible is None
