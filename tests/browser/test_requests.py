"""In a real Chromium: the town dispatcher opens a resident's request from
the queue and sends it to a county department; the department signs it;
the timeline shows each step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_area_map import _login

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def resident_request(live_url: str, django_db_blocker: Any) -> str:
    from django.db import connections

    from wangge.dispatch.services import request_intake

    with django_db_blocker.unblock():
        r = request_intake(
            actor=None,
            channel="portal",
            category_code="010101",  # 违法建设 → 住建局 … routed by the town here
            description="保定村一组路边有人正在搭建彩钢棚,占用村道,车辆无法通行",
            grid_code="611022109223001",
            contact_name="王先生",
            contact_phone="13912345678",
        )
        from wangge.accounts.models import Unit
        from wangge.dispatch.models import Request

        # Start it at the town office, as an unsorted matter would.
        office = Unit.objects.get(code="T-611022109000")
        Request.objects.filter(pk=r.pk).update(unit=office)
        r.events.update(unit=office, note=f"经居民端提交,派往{office.name}")
        number = r.number
        connections.close_all()
    return number


def test_town_dispatches_and_the_department_signs(
    page: Page, live_url: str, artifacts: Path, resident_request: str
) -> None:
    _login(page, live_url, "shangzhen_dispatcher")
    page.click("text=我的工单")
    page.click(f"text={resident_request}")
    expect(page.locator("#summary")).to_contain_text("139****5678")
    page.select_option("#dispatch-unit", "D-611022-zhujian")
    page.fill("#dispatch-note", "请住建局现场核实处理")
    page.click("#do-dispatch")
    expect(page.locator("#unit")).to_contain_text("住房和城乡建设局")
    page.click("text=退出")
    _login(page, live_url, "danfeng_zhujian")
    page.goto(f"{live_url}/requests/{resident_request}/")
    page.click("#do-sign")
    expect(page.locator("h1")).to_contain_text("办理中")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("派往丹凤县住房和城乡建设局")
    expect(timeline).to_contain_text("签收")
    page.screenshot(path=str(artifacts / "request-signed.png"), full_page=True)


def test_ledger_lists_and_filters(
    page: Page, live_url: str, artifacts: Path, resident_request: str
) -> None:
    _login(page, live_url, "shangzhen_dispatcher")
    page.click("text=需求台账")
    expect(page.locator("#ledger")).to_contain_text(resident_request)
    page.select_option("#f-category", "01")
    page.click("#filters button.primary")
    expect(page.locator("#ledger")).to_contain_text(resident_request)
    page.screenshot(path=str(artifacts / "ledger.png"), full_page=True)
    page.select_option("#f-category", "21")
    page.click("#filters button.primary")
    expect(page.locator("#ledger")).not_to_contain_text(resident_request)


def test_figures_page_draws_its_chart(
    page: Page, live_url: str, artifacts: Path, resident_request: str
) -> None:
    _login(page, live_url, "shangzhen_dispatcher")
    page.click("text=考核指标")
    expect(page.locator("#totals")).to_contain_text("响应率")
    expect(page.locator("#figures")).to_contain_text("商镇")
    expect(page.locator("#chart")).to_have_attribute("data-rendered", "1")
    page.screenshot(path=str(artifacts / "figures.png"), full_page=True)
