"""A household's colour set by hand: who may, with a reason and an end."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from wangge.audit.models import AuditRecord
from wangge.registry.models import Household


def _green_in_baoding() -> Household:
    hh = Household.objects.filter(area_path__contains="/611022109223/", colour="green").first()
    assert hh is not None
    return hh


def test_secretary_overrides_until_a_date(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    hh = _green_in_baoding()
    c = Client()
    c.force_login(user_named("sj611022109223"))
    assert "人工调整颜色" in c.get(f"/households/{hh.number}/").content.decode()
    until = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    r = c.post(
        f"/households/{hh.number}/override/",
        {"colour": "red", "reason": "家中突发变故", "until": until},
    )
    assert r.status_code == 302
    hh.refresh_from_db()
    assert hh.colour == "red"
    assert "家中突发变故" in hh.colour_reasons[0]
    rec = AuditRecord.objects.get(action="household.colour_override")
    assert rec.reason == "家中突发变故"


def test_bad_override_changes_nothing(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    hh = _green_in_baoding()
    c = Client()
    c.force_login(user_named("sj611022109223"))
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    for data in (
        {"colour": "red", "reason": "", "until": "2099-01-01"},
        {"colour": "red", "reason": "原因", "until": past},
        {"colour": "blue", "reason": "原因", "until": "2099-01-01"},
        {"colour": "red", "reason": "原因", "until": "明年"},
    ):
        c.post(f"/households/{hh.number}/override/", data)
    hh.refresh_from_db()
    assert hh.colour == "green"
    assert not hh.colour_override
    assert not AuditRecord.objects.filter(action="household.colour_override").exists()


def test_grid_worker_cannot_override(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    hh = Household.objects.filter(area_path__contains="/611022109223001/").first()
    assert hh is not None
    c = Client()
    c.force_login(user_named("wg611022109223001"))
    assert "人工调整颜色" not in c.get(f"/households/{hh.number}/").content.decode()
    r = c.post(
        f"/households/{hh.number}/override/",
        {"colour": "red", "reason": "想改", "until": "2099-01-01"},
    )
    assert r.status_code == 302
    hh.refresh_from_db()
    assert not hh.colour_override
