"""In a real Chromium: the town's dispatcher opens a village's A/B posts,
records a worker's leave and sees B covering, looks at the rotation
history and the reserve pool, and settles a household change flagged as a
conflict. What the browser wrote is undone afterwards (the session's
database is shared)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_area_map import _login

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def conflict(live_url: str, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    """A 商镇 village (not 保定村, which other tests use), its first grid's
    A worker, and a change that worker proposed after the village edited
    the same household."""
    from django.db import connections
    from django.utils import timezone

    from wangge.accounts.models import User
    from wangge.gridwork.changes import household_state
    from wangge.gridwork.models import GridPost, HouseholdChange, Leave, SyncOp
    from wangge.gridwork.sync import sync_apply
    from wangge.registry.edits import person_update
    from wangge.registry.models import Household, Person

    with django_db_blocker.unblock():
        h = (
            Household.objects.filter(
                area_path__contains="/611022109000/",
                memberships__moved_out__isnull=True,
                grid__code__endswith="001",
            )
            .exclude(area_path__contains="/611022109223/")
            .select_related("grid__parent")
            .order_by("number")
            .first()
        )
        assert h is not None
        post = GridPost.objects.select_related("worker__user").get(
            grid=h.grid, post="A", ended_at__isnull=True
        )
        worker = post.worker.user
        p = Person.objects.filter(memberships__household=h).order_by("pk").first()
        assert p is not None
        kept = {"occupation": p.occupation, "is_away": p.is_away}
        seen = household_state(h)
        town = User.objects.get(username="shangzhen_dispatcher")
        person_update(actor=town, person=p, occupation="个体经营")
        op_id = str(uuid.uuid4())
        answer = sync_apply(
            actor=worker,
            ops=[
                {
                    "id": op_id,
                    "op": "household_change",
                    "household": h.number,
                    "at": timezone.now().isoformat(),
                    "seen_state": seen,
                    "changes": [{"person": p.pk, "field": "is_away", "value": True}],
                }
            ],
        )
        assert answer[0]["status"] == "conflict", answer
        found = {
            "village": h.grid.parent.code,
            "village_name": h.grid.parent.name,
            "grid": h.grid.code,
            "worker": str(worker),
            "worker_id": str(post.worker_id),
            "op": op_id,
        }
        connections.close_all()
    yield found
    with django_db_blocker.unblock():
        HouseholdChange.objects.filter(client_id=op_id).delete()
        SyncOp.objects.filter(client_id=op_id).delete()
        Leave.objects.filter(worker_id=post.worker_id, reason="参加县里培训").delete()
        Person.objects.filter(pk=p.pk).update(**kept)
        connections.close_all()


def test_dispatcher_records_leave_and_settles_a_conflict(
    page: Page, live_url: str, artifacts: Path, conflict: dict[str, str]
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    _login(page, live_url, "shangzhen_dispatcher")
    page.click("nav.mainnav >> text=网格员")
    expect(page.locator("h1")).to_contain_text("商镇")
    page.click(f"#subareas >> text={conflict['village_name']}")
    row = page.locator(f"#posts tr[data-grid='{conflict['grid']}']")
    expect(row.locator(".duty")).to_contain_text("A岗")

    row.locator(f"text={conflict['worker']}").first.click()
    expect(page.locator("h1")).to_contain_text(conflict["worker"])
    page.select_option("#lv_kind", "training")
    page.fill("#lv_reason", "参加县里培训")
    page.click("#leave-form button")
    expect(page.locator(".messages")).to_contain_text("期间由B岗代岗")
    page.screenshot(path=str(artifacts / "gridwork-worker.png"), full_page=True)

    page.goto(f"{live_url}/gridwork/areas/{conflict['village']}/")
    row = page.locator(f"#posts tr[data-grid='{conflict['grid']}']")
    expect(row.locator(".duty")).to_contain_text("B岗代岗")
    expect(row).to_contain_text("培训学习至")
    page.screenshot(path=str(artifacts / "gridwork-posts.png"), full_page=True)

    page.click("#gridwork-tabs >> text=后备队伍台账")
    expect(page.locator("#reserve tbody tr").first).to_be_visible()
    page.screenshot(path=str(artifacts / "gridwork-reserve.png"), full_page=True)

    page.click("#gridwork-tabs >> text=户信息变更审核")
    expect(page.locator("#conflict-note")).to_contain_text("已被他人修改")
    expect(page.locator("#changes tr.conflict")).to_have_count(1)
    page.screenshot(path=str(artifacts / "gridwork-changes.png"), full_page=True)
    page.click("#changes tr.conflict >> text=审核")
    expect(page.locator("#status")).to_contain_text("有冲突")
    expect(page.locator("#conflict-why")).to_be_visible()
    page.screenshot(path=str(artifacts / "gridwork-conflict.png"), full_page=True)
    page.check("input[name=choice_0][value=proposed]")
    page.fill("#ap_note", "已电话核实,本人外出务工")
    page.click("#approve")
    expect(page.locator(".messages")).to_contain_text("已采纳")
    expect(page.locator("#status")).to_contain_text("已采纳")

    page.goto(f"{live_url}/gridwork/workers/{conflict['worker_id']}/")
    page.click("#leaves .end-leave")
    expect(page.locator(".messages")).to_contain_text("已销假")
    page.goto(f"{live_url}/gridwork/areas/{conflict['village']}/")
    row = page.locator(f"#posts tr[data-grid='{conflict['grid']}']")
    expect(row.locator(".duty")).to_contain_text("A岗")
