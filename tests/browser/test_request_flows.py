"""Whole flows in a real Chromium, phone-sized where a grid worker or a
resident acts:

1. a resident reports → the grid worker settles it on the spot → the
   resident rates it;
2. a matter nobody signs in time → the sweep urges it and escalates it one
   level up → the village secretary finds it in the queue with the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_area_map import _login

pytestmark = pytest.mark.browser

GRID = "611022109223001"


def test_resident_reports_grid_settles_resident_rates(
    page: Page, live_url: str, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_url}/portal/")
    page.select_option("#category", "2101")  # 市容环境 → the grid
    page.fill("#description", "保定村一组路口垃圾散落一地,请尽快清理")
    page.select_option("#village", "611022109223")
    page.fill("#phone", "13800005555")
    page.click("#submit")
    number = page.locator("#number").inner_text()
    unit = page.locator("#done").inner_text()
    assert "网格" in unit, unit

    # The grid worker of the grid the matter went to settles it on the spot.
    grid_name = unit.split("已派给:")[1].split("\n")[0].strip()
    worker = _WORKERS[grid_name]
    _login(page, live_url, worker)
    page.goto(f"{live_url}/requests/{number}/")
    page.fill("#sh-result", "已叫上保洁员当场清理干净")
    page.click("text=网格自处置")
    expect(page.locator("h1")).to_contain_text("待核查")
    page.screenshot(path=str(artifacts / "flow-self-handled.png"), full_page=True)
    page.click("text=退出")

    # The resident rates it from the portal.
    page.goto(f"{live_url}/portal/track/")
    page.fill("#number", number)
    page.fill("#phone", "13800005555")
    page.click("#track button")
    expect(page.locator("#status")).to_contain_text("已叫上保洁员当场清理干净")
    page.select_option("#rating", "5")
    page.click("#rate button")
    expect(page.locator("#thanks")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("已办结")
    page.screenshot(path=str(artifacts / "flow-rated.png"), full_page=True)


_WORKERS: dict[str, str] = {}


@pytest.fixture(scope="session", autouse=True)
def _grid_workers(live_url: str, django_db_blocker: Any) -> None:
    """Usernames of 保定村's grid workers by grid name (looked up outside the
    browser's event loop)."""
    from django.db import connections

    from wangge.territory.models import Area

    with django_db_blocker.unblock():
        for code, name in Area.objects.filter(
            level="grid", code__startswith="611022109223"
        ).values_list("code", "name"):
            _WORKERS[name] = f"wg{code}"
        connections.close_all()


@pytest.fixture(scope="session")
def escalated(live_url: str, django_db_blocker: Any) -> str:
    """A matter for the grid that nobody signed, after the sweep ran past
    its limit."""
    import datetime as dt

    from django.db import connections

    from wangge.dispatch.services import request_intake
    from wangge.dispatch.sweep import sweep

    with django_db_blocker.unblock():
        r = request_intake(
            actor=None,
            channel="hotline",
            category_code="210101",
            description="保定村二组路边垃圾堆放,无人清运",
            grid_code=GRID,
        )
        assert r.sign_due is not None
        sweep(r.sign_due + dt.timedelta(minutes=1))
        number = r.number
        connections.close_all()
    return number


def test_overdue_matter_is_escalated_to_the_village(
    page: Page, live_url: str, artifacts: Path, escalated: str
) -> None:
    _login(page, live_url, "sj611022109223")
    page.click("text=我的工单")
    expect(page.locator("#queue")).to_contain_text(escalated)
    page.click(f"text={escalated}")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("签收超时,系统催办并上报")
    expect(page.locator("#unit")).to_contain_text("村民委员会")
    page.screenshot(path=str(artifacts / "flow-escalated.png"), full_page=True)
