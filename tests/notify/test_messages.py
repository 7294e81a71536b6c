"""Messages: what residents and units are told as a request moves, once
only for deadline warnings, shown in the inbox and the portal, and handed
to a configured sender (an SMS gateway) after the step commits."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.test import Client

from wangge.dispatch import flow
from wangge.dispatch.duplicates import request_merge
from wangge.dispatch.models import Request
from wangge.dispatch.services import request_intake
from wangge.dispatch.sweep import sweep
from wangge.notify.models import Message, Status
from wangge.notify.senders import SendError
from wangge.notify.services import message_deliver

GRID = "611022109223001"
PHONE = "13900002222"


def _intake(
    user_named, phone: str = PHONE, text: str = "保定村一组路灯坏了三盏,晚上很黑"
) -> Request:  # type: ignore[no-untyped-def]
    return request_intake(
        actor=None,
        channel="hotline",
        category_code="2101",
        description=text,
        grid_code=GRID,
        contact_phone=phone,
    )


def _bodies(r: Request, audience: str) -> list[str]:
    return list(
        Message.objects.filter(request=r, audience=audience)
        .order_by("pk")
        .values_list("body", flat=True)
    )


def test_intake_tells_the_resident_and_the_unit(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    r = _intake(user_named)
    resident = Message.objects.get(request=r, audience="resident")
    assert r.number in resident.body
    assert "受理" in resident.body
    assert resident.phone_index == r.contact_phone_index
    assert PHONE not in resident.phone_enc  # stored protected
    assert resident.status == Status.STORED  # the default sender keeps it in the system
    staff = Message.objects.get(request=r, audience="staff")
    assert staff.unit_id == r.unit_id
    assert "签收" in staff.body

    anonymous = request_intake(
        actor=None, channel="hotline", category_code="2101", grid_code=GRID,
        description="匿名反映:村口有人乱倒建筑垃圾", anonymous=True, contact_phone=PHONE,
    )  # fmt: skip
    assert not Message.objects.filter(request=anonymous, audience="resident").exists()


def test_outcome_reaches_merged_requesters(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    main = _intake(user_named)
    copy = _intake(user_named, "13900003333", "保定村一组路灯坏了,晚上走路看不见")
    town = user_named("shangzhen_dispatcher")
    request_merge(actor=town, request=copy, into=main)
    assert "合并办理" in _bodies(copy, "resident")[-1]
    worker = user_named("wg" + main.grid.code)
    main = flow.request_self_handle(actor=worker, request=main, result="已更换三盏路灯灯泡")
    assert "已更换三盏路灯灯泡" in _bodies(main, "resident")[-1]
    told = _bodies(copy, "resident")[-1]
    assert copy.number in told
    assert main.number in told
    assert "已更换三盏路灯灯泡" in told


def test_deadline_warning_once(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    r = _intake(user_named)
    assert r.sign_due is not None
    near = r.sign_due - dt.timedelta(minutes=10)
    first = sweep(near)
    second = sweep(near)
    warns = Message.objects.filter(request=r, kind="warn")
    assert warns.count() == 1
    assert first.warned >= 1
    assert second.warned == 0
    assert warns.get().unit_id == r.unit_id
    # Long before the deadline: no warning.
    other = _intake(user_named, text="保定村二组水管漏水,路面结冰")
    sweep(other.created_at + dt.timedelta(seconds=5))
    assert not Message.objects.filter(request=other, kind="warn").exists()


class _Gateway(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []  # noqa: RUF012

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def gateway() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Gateway.received.clear()
    yield f"http://127.0.0.1:{server.server_port}/sms"
    server.shutdown()


def test_sms_sender_delivers_after_commit(
    db: None, user_named, settings, gateway: str, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.WANGGE_MESSAGE_SENDERS = {"resident": "wangge.notify.senders.WebhookSmsSender"}
    settings.WANGGE_SMS_WEBHOOK_URL = gateway
    with django_capture_on_commit_callbacks(execute=True):
        r = _intake(user_named)
    sent = Message.objects.get(request=r, audience="resident")
    assert sent.status == Status.SENT
    assert sent.sent_at is not None
    assert _Gateway.received == [{"id": sent.pk, "phone": PHONE, "text": sent.body}]
    # Staff messages keep the default sender.
    assert Message.objects.get(request=r, audience="staff").status == Status.STORED


def test_gateway_down_keeps_the_message(db: None, user_named, settings) -> None:  # type: ignore[no-untyped-def]
    settings.WANGGE_MESSAGE_SENDERS = {"resident": "wangge.notify.senders.WebhookSmsSender"}
    settings.WANGGE_SMS_WEBHOOK_URL = "http://127.0.0.1:9/nothing-listens"
    r = _intake(user_named)  # delivery waits for a commit that never comes here
    m = Message.objects.get(request=r, audience="resident")
    assert m.status == Status.QUEUED
    with pytest.raises(SendError):
        message_deliver(m.pk)
    m.refresh_from_db()
    assert m.status == Status.FAILED
    assert m.attempts == 1
    assert m.error


def test_inbox_and_portal(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    r = _intake(user_named)
    c = Client()
    c.force_login(user_named("wg" + r.grid.code))
    page = c.get("/inbox/").content.decode()
    assert r.number in page
    assert "签收" in page
    assert "消息(" in page  # the unread count in the navigation
    c.post("/inbox/read/")
    assert not Message.objects.filter(unit=r.unit, read_at__isnull=True).exists()
    # Someone else's inbox does not hold it.
    other = Client()
    other.force_login(user_named("longjuzhaijiedao_dispatcher"))
    assert r.number not in other.get("/inbox/").content.decode()
    # The resident reads what they were told in the portal.
    track = Client().post("/portal/track/", {"number": r.number, "phone": PHONE})
    assert "已受理" in track.content.decode()
