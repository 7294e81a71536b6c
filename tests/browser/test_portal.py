"""On a phone-sized screen, without an account: a resident reports a matter,
gets a number, and follows it with number + phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_resident_reports_and_follows(page: Page, live_url: str, artifacts: Path) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_url}/portal/")
    page.select_option("#category", "2101")
    page.fill("#description", "保定村委会门口垃圾桶满了好几天没人清运")
    page.select_option("#village", "611022109223")
    page.fill("#name", "李女士")
    page.fill("#phone", "13800004444")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "portal-report.png"), full_page=True)
    page.click("#submit")
    expect(page.locator("#done")).to_contain_text("已收到您的诉求")
    number = page.locator("#number").inner_text()
    page.click("text=查询办理进度")
    page.fill("#number", number)
    page.fill("#phone", "13800004444")
    page.click("#track button")
    expect(page.locator("#status")).to_contain_text("已提交")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "portal-track.png"), full_page=True)
