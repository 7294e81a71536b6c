"""The audit log: every governance write is recorded, the SM3 chain holds,
tampering is found and named, and nobody can edit it through the app."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client

from wangge.audit.chain import link_hash
from wangge.audit.models import AppendOnlyError, AuditHead, AuditRecord
from wangge.audit.services import audit_record, audit_verify
from wangge.core.context import Origin, origin
from wangge.demo.seed import DEMO_PASSWORD
from wangge.territory.models import Area
from wangge.territory.services import area_update


def _without_update_guard(sql: str, params: list[object]) -> None:
    """Run raw SQL past the database's append-only trigger, as an attacker
    with database access could."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER USER")
            cur.execute(sql, params)
            cur.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER USER")
        else:
            cur.execute("DROP TRIGGER audit_no_update")
            cur.execute(sql, params)
            cur.execute(
                "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditrecord "
                "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END"
            )


def test_area_update_is_audited_with_who_where_and_what(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    dispatcher = user_named("shangzhen_dispatcher")
    village = Area.objects.get(code="611022109001")
    with origin(Origin(address="192.0.2.7", channel="web")):
        area_update(actor=dispatcher, area=village, name="商镇社区(新)")
    rec = AuditRecord.objects.order_by("-seq").first()
    assert rec is not None
    assert (rec.action, rec.actor_label, rec.address, rec.object_id) == (
        "area.update",
        "shangzhen_dispatcher",
        "192.0.2.7",
        "611022109001",
    )
    assert rec.changes == {"name": ["商镇社区", "商镇社区(新)"]}
    assert rec.area_path == village.path
    assert audit_verify().ok


def test_chain_links_each_record_to_the_previous(db: None) -> None:
    a = audit_record(actor=None, action="test.one")
    b = audit_record(actor=None, action="test.two")
    assert b.seq == a.seq + 1
    assert b.prev_hash == a.hash
    assert len(b.hash) == 64
    report = audit_verify()
    assert report.ok
    assert report.checked == AuditRecord.objects.count()


def test_records_cannot_be_changed_or_deleted_through_the_app(db: None) -> None:
    rec = audit_record(actor=None, action="test.keep")
    rec.reason = "changed"
    with pytest.raises(AppendOnlyError):
        rec.save()
    with pytest.raises(AppendOnlyError):
        rec.delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=rec.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=rec.pk).delete()


def test_database_refuses_updates_too(db: None) -> None:
    rec = audit_record(actor=None, action="test.db")
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute("UPDATE audit_auditrecord SET reason = %s WHERE id = %s", ["x", rec.pk])


def test_admin_cannot_edit_or_delete_records(db: None) -> None:
    rec = audit_record(actor=None, action="test.admin")
    c = Client()
    c.post("/login/", {"username": "admin", "password": DEMO_PASSWORD})
    assert c.get("/admin/audit/auditrecord/").status_code == 200
    view = c.get(f"/admin/audit/auditrecord/{rec.pk}/change/")
    assert view.status_code == 200
    assert b'name="_save"' not in view.content
    assert c.post(f"/admin/audit/auditrecord/{rec.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditRecord.objects.filter(pk=rec.pk).exists()


def test_verify_names_the_first_tampered_record(db: None) -> None:
    records = [audit_record(actor=None, action=f"test.t{i}") for i in range(5)]
    target = records[2]
    _without_update_guard(
        "UPDATE audit_auditrecord SET reason = %s WHERE id = %s", ["rewritten", target.pk]
    )
    report = audit_verify()
    assert not report.ok
    assert report.first_broken_seq == target.seq
    with pytest.raises(CommandError, match=f"第 {target.seq} 条"):
        call_command("verify_audit")


def test_verify_finds_a_record_removed_from_the_middle_or_the_end(db: None) -> None:
    records = [audit_record(actor=None, action=f"test.d{i}") for i in range(4)]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER USER")
        cur.execute("DELETE FROM audit_auditrecord WHERE id = %s", [records[-1].pk])
    report = audit_verify()
    assert report.first_broken_seq == records[-1].seq  # cut from the end: the head knows
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditrecord WHERE id = %s", [records[1].pk])
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER USER")
    assert audit_verify().first_broken_seq == records[2].seq


def test_verify_command_passes_on_an_intact_chain(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    audit_record(actor=None, action="test.ok")
    call_command("verify_audit")
    assert "审计链完好" in capsys.readouterr().out


def test_hash_covers_the_content() -> None:
    import datetime as dt

    content = {
        "seq": 1,
        "at": dt.datetime(2026, 11, 29, tzinfo=dt.UTC),
        "actor_id": None,
        "actor_label": "system",
        "action": "a",
        "object_type": "",
        "object_id": "",
        "object_label": "",
        "area_path": "",
        "address": "",
        "channel": "cli",
        "user_agent": "",
        "reason": "",
        "changes": {"k": [1, "二"]},
    }
    h = link_hash("0" * 64, content)
    assert h != link_hash("0" * 64, {**content, "reason": "x"})
    assert h != link_hash("1" * 64, content)
    assert h == link_hash("0" * 64, dict(content))


def test_concurrent_writers_keep_one_unbroken_chain(django_db_setup, django_db_blocker) -> None:  # type: ignore[no-untyped-def]
    """Eight threads append at once, each on its own connection and
    committing for real (no test transaction around them); the chain stays
    gapless and verifiable."""
    with django_db_blocker.unblock():
        before = AuditHead.objects.get(pk=1).seq
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        from django.db import connections

        try:
            with django_db_blocker.unblock():
                for i in range(10):
                    audit_record(actor=None, action=f"test.concurrent.{n}.{i}")
        except BaseException as exc:  # collected and re-raised below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with django_db_blocker.unblock():
        assert AuditHead.objects.get(pk=1).seq == before + 80
        assert audit_verify().ok
