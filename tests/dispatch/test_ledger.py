"""The demand ledger: what each user may see, the filters, and the export
(masked, audited)."""

from __future__ import annotations

import datetime as dt
import io

from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from wangge.audit.models import AuditRecord
from wangge.dispatch.flow import request_sign
from wangge.dispatch.ledger import LedgerFilter, ledger_for
from wangge.dispatch.models import Request
from wangge.dispatch.services import request_intake


def _make(category: str, grid: str, channel: str = "portal") -> Request:
    return request_intake(
        actor=None,
        channel=channel,
        category_code=category,
        description="路灯坏了一个多月,晚上出行不安全",
        grid_code=grid,
        contact_name="赵女士",
        contact_phone="13700001234",
    )


def _numbers(user, **kw) -> set[str]:  # type: ignore[no-untyped-def]
    return set(ledger_for(user, LedgerFilter(**kw)).values_list("number", flat=True))


def test_filters_and_reach(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    shangzhen = _make("210101", "611022109223001")
    hotline = _make("130101", "611022109223002", channel="hotline")
    elsewhere = _make("210101", "611022001212001")
    town = user_named("shangzhen_dispatcher")
    mine = _numbers(town)
    assert {shangzhen.number, hotline.number} <= mine
    assert elsewhere.number not in mine  # another town's matter
    assert _numbers(town, channel="hotline") == {hotline.number}
    assert _numbers(town, category="21") == {shangzhen.number}
    assert _numbers(town, area="611022109223") >= {shangzhen.number, hotline.number}
    assert _numbers(town, unit="T-611022109000") == {hotline.number}
    assert _numbers(town, since=timezone.localdate() + dt.timedelta(days=1)) == set()
    # Overdue: a sign limit in the past.
    Request.objects.filter(pk=hotline.pk).update(sign_due=timezone.now() - dt.timedelta(hours=1))
    assert _numbers(town, overdue=True) == {hotline.number}
    signed = request_sign(actor=town, request=Request.objects.get(pk=hotline.pk))
    assert _numbers(town, state="signed") == {signed.number}
    county = user_named("danfeng_command")
    assert {shangzhen.number, hotline.number, elsewhere.number} <= _numbers(county)


def test_page_and_export(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    r = _make("210101", "611022109223001")
    c = Client()
    c.force_login(user_named("shangzhen_dispatcher"))
    page = c.get("/ledger/", {"category": "21"}).content.decode()
    assert r.number in page
    assert "13700001234" not in page
    resp = c.get("/ledger/export/", {"category": "21"})
    assert resp.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active  # type: ignore[attr-defined]
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号"
    found = [row for row in rows if row[0] == r.number]
    assert found
    assert found[0][8] == "137****1234"
    assert not any("13700001234" in str(v) for row in rows for v in row)
    assert AuditRecord.objects.filter(action="request.export").exists()


def test_saved_views(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    from wangge.dispatch.models import SavedView

    c = Client()
    c.force_login(user_named("shangzhen_dispatcher"))
    answer = c.post(
        "/ledger/views/",
        {"name": "超时未签收", "state": "dispatched", "overdue": "1", "page": "3", "shared": "1"},
    )
    view = SavedView.objects.get(name="超时未签收")
    assert answer["Location"].endswith("?state=dispatched&overdue=1")
    assert view.query == "state=dispatched&overdue=1"  # the filter only, no page
    assert ">超时未签收</a>" in c.get("/ledger/").content.decode()
    # Nothing to save, or no name: refused, nothing kept.
    c.post("/ledger/views/", {"name": "空的"})
    c.post("/ledger/views/", {"name": "", "state": "signed"})
    assert SavedView.objects.filter(owner__username="shangzhen_dispatcher").count() == 1
    # Shared: a colleague of the same office sees it; another town does not.
    from wangge.accounts.models import RoleAssignment, User
    from wangge.accounts.services import role_grant

    mine = RoleAssignment.objects.filter(user__username="shangzhen_dispatcher").first()
    colleague = User.objects.create_user(username="shangzhen_2", password="x-very-long-pw-1")
    role_grant(actor=None, user=colleague, role=mine.role, area=mine.area)
    other = Client()
    other.force_login(colleague)
    assert ">超时未签收</a>" in other.get("/ledger/").content.decode()
    stranger = Client()
    stranger.force_login(user_named("longjuzhaijiedao_dispatcher"))
    assert ">超时未签收</a>" not in stranger.get("/ledger/").content.decode()
    # Only the owner deletes it.
    assert other.post(f"/ledger/views/{view.pk}/delete/").status_code == 404
    c.post(f"/ledger/views/{view.pk}/delete/")
    assert not SavedView.objects.filter(pk=view.pk).exists()
