"""Administrators browse the audit log; for anyone else it does not exist."""

from __future__ import annotations

from django.test import Client

from wangge.audit.services import audit_record


def test_admin_browses_and_filters(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    audit_record(actor=None, action="test.visible", object_id="X-1")
    c = Client()
    c.force_login(user_named("admin"))
    page = c.get("/audit/?action=test.")
    assert page.status_code == 200
    assert "test.visible" in page.content.decode()
    api = c.get("/api/audit/?object=X-1")
    assert api.status_code == 200
    (row,) = api.json()["results"]
    assert row["action"] == "test.visible"
    assert len(row["hash"]) == 64


def test_county_admin_sees_only_their_countys_records(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    from wangge.territory.models import Area

    danfeng = Area.objects.get(code="611022109223")
    shangzhou = Area.objects.filter(county_code="611002", level="village").first()
    audit_record(actor=None, action="test.scope", obj=danfeng)
    audit_record(actor=None, action="test.scope", obj=shangzhou)
    c = Client()
    c.force_login(user_named("danfeng_admin"))
    rows = c.get("/api/audit/?action=test.scope").json()["results"]
    assert [r["object_id"] for r in rows] == [danfeng.code]


def test_others_get_not_found(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user_named("shangzhen_dispatcher"))
    assert c.get("/audit/").status_code == 404
    r = c.get("/api/audit/")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
    assert "审计日志" not in c.get("/").content.decode()
