"""The phone pages' server side: shells only for those who do field work,
the CSRF cookie the outbox reads, the service worker script with the
shell's version and what it keeps, and today's list naming each
household's head. (What the pages do is proved in Chromium:
tests/browser/test_field_phone.py.)"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client, override_settings

from tests.disputes.conftest import GRID as DISPUTE_GRID
from tests.disputes.conftest import household_with_member, register
from tests.gridwork.conftest import SECRETARY, TOWN, A
from wangge.gridwork import phone_views
from wangge.registry.models import Membership

PAGES = ["/field/", "/field/household/", "/field/visit/", "/field/patrol/", "/field/outbox/"]


def _client(user_named: Any, name: str) -> Client:
    c = Client()
    c.force_login(user_named(name))
    return c


def _config(body: str) -> dict[str, Any]:
    found = re.search(r"var CONFIG = (\{.*?\n\});", body, re.S)
    assert found, body[:500]
    return json.loads(found.group(1))


@pytest.mark.parametrize("path", PAGES)
def test_a_grid_worker_gets_each_page_with_the_csrf_cookie(
    db: None, user_named: Any, path: str
) -> None:
    page = _client(user_named, A).get(path)
    assert page.status_code == 200
    assert "csrftoken" in page.cookies  # read by the outbox at send time
    html = page.content.decode()
    assert 'data-user="wg611022109223001"' in html
    assert 'id="outbox-count"' in html  # what waits, on every page


def test_pages_need_sign_in_and_field_work(db: None, user_named: Any) -> None:
    anonymous = Client().get("/field/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/?next=/field/")
    # Supervisors without field work get "not found", as elsewhere.
    assert _client(user_named, TOWN).get("/field/").status_code == 404
    assert _client(user_named, SECRETARY).get("/field/visit/").status_code == 404


def test_the_nav_offers_the_phone_pages_to_grid_workers_only(db: None, user_named: Any) -> None:
    assert "手机工作台" in _client(user_named, A).get("/").content.decode()
    assert "手机工作台" not in _client(user_named, TOWN).get("/").content.decode()


def test_the_service_worker_lists_the_shell_and_is_always_fresh(db: None) -> None:
    r = Client().get("/field/sw.js")  # no sign-in: browsers fetch updates without cookies
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/javascript")
    assert r["Cache-Control"] == "no-cache"
    config = _config(r.content.decode())
    assert config["version"] == phone_views.shell_version()
    assert config["pages"] == PAGES
    assert set(PAGES) <= set(config["shell"])
    statics = [u for u in config["shell"] if u.startswith("/static/")]
    assert "/static/wangge/field/outbox.js" in statics
    assert "/static/wangge/photos.js" in statics
    for url in statics:  # every file listed is served
        assert Client().get(url).status_code == 200, url
    assert "/api/field/today/" in config["api"]
    assert "/api/field/meta/" in config["api"]
    assert config["apiPrefix"] == "/api/field/"


def test_a_changed_file_changes_the_version(tmp_path: Any, monkeypatch: Any) -> None:
    """A deploy that changes any shell file must change the script's bytes,
    so phones install the new worker and drop the old shell."""
    static = tmp_path / "static"
    (static / "wangge" / "field").mkdir(parents=True)
    for name in ("photos.js", "locate.js"):
        (static / "wangge" / name).write_text("//")
    script = static / "wangge" / "field" / "outbox.js"
    script.write_text("// one")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "today.html").write_text("<p>")
    monkeypatch.setattr(phone_views, "_STATIC", static)
    monkeypatch.setattr(phone_views, "_TEMPLATES", templates)
    first = phone_views._fingerprint()
    assert phone_views._fingerprint() == first
    script.write_text("// two")
    second = phone_views._fingerprint()
    assert second != first
    (templates / "today.html").write_text("<p>今日")
    assert phone_views._fingerprint() not in (first, second)


@override_settings(DEBUG=False)
def test_in_production_the_version_is_worked_out_once(monkeypatch: Any) -> None:
    phone_views._cached_fingerprint.cache_clear()
    calls: list[int] = []
    monkeypatch.setattr(phone_views, "_fingerprint", lambda: calls.append(1) or "abc")
    monkeypatch.setattr(
        phone_views, "_cached_fingerprint", phone_views.functools.cache(phone_views._fingerprint)
    )
    assert phone_views.shell_version() == "abc"
    assert phone_views.shell_version() == "abc"
    assert len(calls) == 1


def test_today_names_each_household_by_its_head(db: None, user_named: Any) -> None:
    today = _client(user_named, A).get("/api/field/today/").json()
    listed = today["visits"]["overdue"] + today["visits"]["due"]
    assert listed
    heads = dict(
        Membership.objects.filter(
            household__number__in=[h["household"] for h in listed],
            moved_out__isnull=True,
            relation="户主",
        ).values_list("household__number", "person__name")
    )
    assert heads
    for h in listed:
        assert h["head"] == heads.get(h["household"], "")


def test_the_card_names_the_households_unresolved_disputes(db: None, user_named: Any) -> None:
    household, _ = household_with_member(DISPUTE_GRID)
    dispute = register(user_named(A), household=household_with_member(DISPUTE_GRID), risk="high")
    card = _client(user_named, A).get(f"/api/field/households/{household.number}/").json()
    assert [d["number"] for d in card["disputes"]] == [dispute.number]
    shown = card["disputes"][0]
    assert shown["risk_label"] == "高风险"
    assert shown["state_label"] == "调解中"
    assert shown["summary"] == "两户因排水沟堵塞发生争执"
    # A household with none says so.
    other, _ = household_with_member(DISPUTE_GRID, skip=1)
    assert (
        _client(user_named, A).get(f"/api/field/households/{other.number}/").json()["disputes"]
        == []
    )
