"""In a real Chromium: 商镇's town dispatcher opens 铁庙村's grids, runs a partition with bigger
grids, previews it on the map against the current grids with the households that would move
highlighted and the counts per grid, submits it and activates it.

The live server commits: 铁庙村 stays switched to the new grids for the rest of the session (no
other test uses its grids)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_area_map import _login

pytestmark = pytest.mark.browser

VILLAGE = "611022109221"  # 商镇铁庙村


def test_town_dispatcher_previews_and_activates_a_partition(
    page: Page, live_url: str, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    _login(page, live_url, "shangzhen_dispatcher")
    page.goto(f"{live_url}/areas/{VILLAGE}/")
    page.click("#grids-link")
    expect(page.locator("h1")).to_contain_text("铁庙村 · 网格划分")
    expect(page.locator("#genmap")).to_have_attribute(
        "data-loaded", re.compile(r"^[1-9]\d*$"), timeout=10_000
    )
    before = int(page.locator("#grid-count").inner_text())
    expect(page.locator("#current-grids tbody tr")).to_have_count(before)
    page.screenshot(path=str(artifacts / "village-grids.png"), full_page=True)

    # Bigger grids than today's: fewer of them, so households must move.
    page.fill("#id_min", "40")
    page.fill("#id_max", "50")
    page.click("#compute-button")
    expect(page.locator("h1")).to_contain_text("网格划分方案")
    expect(page.locator("#state")).to_have_text("草稿")
    expect(page.locator(".messages")).to_contain_text("已计算新的网格划分方案")
    expect(page.locator("#genmap")).to_have_attribute(
        "data-moved", re.compile(r"^[1-9]\d*$"), timeout=15_000
    )
    moved = int(page.locator("#moved-count").inner_text())
    assert moved > 0
    assert int(page.locator("#genmap").get_attribute("data-moved") or 0) == moved
    new_count = int(page.locator("#new-count").inner_text())
    assert 0 < new_count < before
    # The households that would move are red dots on the map, listed below with their grids;
    # every new grid has its count of households and where they come from.
    assert page.locator('#genmap path[fill="#d62728"]').count() == moved
    expect(page.locator("#moved tbody tr")).to_have_count(min(moved, 200))
    expect(page.locator("#new-grids tbody tr")).to_have_count(new_count)
    expect(page.locator("#old-grids tbody tr")).to_have_count(before)
    expect(page.locator(".leaflet-control-layers")).to_contain_text("需换网格的住户")
    page.screenshot(path=str(artifacts / "grid-partition-preview.png"), full_page=True)

    page.click("#submit-button")
    expect(page.locator("#state")).to_have_text("待审批")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#activate-button")
    expect(page.locator("#state")).to_have_text("已启用")
    expect(page.locator(".messages")).to_contain_text(f"新建网格 {new_count} 个")
    expect(page.locator("#outcome")).to_contain_text(f"停用原网格 {before} 个")
    expect(page.locator("#genmap")).to_have_attribute(
        "data-loaded", re.compile(r"^[1-9]\d*$"), timeout=10_000
    )
    page.screenshot(path=str(artifacts / "grid-partition-active.png"), full_page=True)

    # The village's grids are now the new ones.
    page.click("text=铁庙村 · 网格划分")
    expect(page.locator("#grid-count")).to_have_text(str(new_count))
    expect(page.locator("#generations")).to_contain_text("已启用")
    expect(page.locator("#generations")).to_contain_text("已被取代")
