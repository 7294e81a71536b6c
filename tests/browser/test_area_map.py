"""In a real Chromium: 商镇's town dispatcher signs in, opens the map of 商镇
and sees its villages, and cannot open a village of another town."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from wangge.demo.seed import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def _login(page: Page, live_url: str, username: str) -> None:
    page.goto(f"{live_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("您好")


def test_town_dispatcher_sees_shangzhen_map(page: Page, live_url: str, artifacts: Path) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    _login(page, live_url, "shangzhen_dispatcher")
    page.screenshot(path=str(artifacts / "home.png"))
    page.click("text=区域与网格")
    expect(page.locator("h1")).to_contain_text("商镇")
    # The map drew 商镇 and its villages as polygons, with their names.
    expect(page.locator("#map")).to_have_attribute("data-loaded", "13", timeout=10_000)
    polygons = page.locator("#map path.leaflet-interactive")
    assert polygons.count() == 12  # the villages; the town's own outline is not clickable
    for name in ("保定村", "商山村", "王塬村", "东峰村", "铁庙村"):
        expect(page.locator(".map-label", has_text=name)).to_be_visible()
        expect(page.locator("#children")).to_contain_text(name)
    page.screenshot(path=str(artifacts / "shangzhen-map.png"), full_page=True)

    # Clicking a village on the map opens it, with its grids.
    box = page.locator(".map-label", has_text="保定村").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("h1")).to_contain_text("保定村")
    expect(page.locator("#children")).to_contain_text("第1网格")
    page.screenshot(path=str(artifacts / "baoding-grids.png"), full_page=True)

    # A village of another town (龙驹寨街道's 凤麓社区, which exists: see
    # test_area_edit) is "not found". No database access here: the test body
    # runs inside Playwright's greenlet, whose connection teardown can't see.
    response = page.goto(f"{live_url}/areas/611022001004/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("未找到")
    page.screenshot(path=str(artifacts / "other-town-404.png"))


def test_grid_worker_on_a_phone(page: Page, live_url: str, artifacts: Path) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, live_url, "wg611022109223001")
    expect(page.locator("#roles")).to_contain_text("保定村第1网格")
    page.screenshot(path=str(artifacts / "phone-home.png"), full_page=True)
    page.click("text=区域与网格")
    expect(page.locator("h1")).to_contain_text("保定村第1网格")
    expect(page.locator("#map")).to_have_attribute("data-loaded", "1", timeout=10_000)
    # Nothing is wider than the phone's screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.screenshot(path=str(artifacts / "phone-grid.png"), full_page=True)
