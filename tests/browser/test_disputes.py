"""In a real Chromium: a grid worker registers a dispute from a household on
their phone; the household turns yellow with the reason; the worker
mediates and takes it up to the village; the village secretary records the
agreement (with a photo) and the settlement, and the reason is gone. Then
the town gives a task to 商镇 with a live preview, a grid worker completes
their grid's share, and the progress page counts it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_area_map import _login

pytestmark = pytest.mark.browser

GRID = "611022109223003"  # not the grid the other dispute tests use
VILLAGE = "611022109223"


@pytest.fixture(scope="session")
def party_household(live_url: str, django_db_blocker: Any) -> dict[str, str]:
    """A household of the grid with nothing that colours it but visits, and a
    member's name (looked up here, outside the browser's event loop)."""
    from django.db import connections

    from wangge.registry.models import Membership

    with django_db_blocker.unblock():
        m = (
            Membership.objects.filter(
                household__grid__code=GRID,
                moved_out__isnull=True,
                household__colour__in=["green", "yellow"],
            )
            .exclude(household__colour_reasons__icontains="矛盾纠纷")
            .select_related("household", "person")
            .order_by("household__number", "pk")
            .first()
        )
        assert m is not None
        found = {"number": m.household.number, "name": m.person.name}
        connections.close_all()
    return found


def _photo(path: Path) -> str:
    from PIL import Image

    Image.new("RGB", (3000, 2000), (235, 230, 220)).save(path, "JPEG", quality=90)
    return str(path)


def test_a_dispute_from_the_field_to_settlement(
    page: Page, live_url: str, artifacts: Path, tmp_path: Path, party_household: dict[str, str]
) -> None:
    number, name = party_household["number"], party_household["name"]
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, live_url, f"wg{GRID}")
    page.goto(f"{live_url}/disputes/new/?household={number}")
    expect(page.locator("#p0_household")).to_have_value(number)
    page.select_option("#type", "land")
    page.check("#risk input[value='medium']")
    page.fill("#summary", "两户因承包地地界发生争执,一方拔除界桩")
    page.fill("#p0_name", name)
    page.fill("#p1_name", "外村承包户刘某")
    page.fill("#p1_phone", "13991234567")
    page.click("#do-register")
    expect(page.locator("h1")).to_contain_text("矛盾纠纷 JF611022-")
    expect(page.locator("#ladder li.current")).to_have_text("网格")
    expect(page.locator("#parties")).to_contain_text("139****4567")
    assert "13991234567" not in page.content()
    dispute_url = page.url
    page.fill("#md-mediators", "网格员")
    page.fill("#md-note", "到地块现场查看界桩位置,双方各执一词")
    page.select_option("#md-result", "failed")
    page.click("#do-mediate")
    expect(page.locator("#timeline")).to_contain_text("双方各执一词")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    page.screenshot(path=str(artifacts / "dispute-phone.png"), full_page=True)
    # The household now carries the dispute as a colour reason.
    page.goto(f"{live_url}/households/{number}/")
    expect(page.locator("#reasons ul")).to_contain_text("有未化解的矛盾纠纷")
    page.goto(dispute_url)
    page.click("text=上报上一级调处")
    page.fill("#es-reason", "涉及承包地确权,需村调委会调解")
    page.click("#do-escalate")
    expect(page.locator("#ladder li.current")).to_have_text("村调委会")
    expect(page.locator("#actions")).to_contain_text("该纠纷现由村调委会调处")
    page.click("text=退出")

    # The village secretary mediates, records the agreement and the outcome.
    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, live_url, f"sj{VILLAGE}")
    page.goto(dispute_url)
    page.fill("#md-mediators", "村调委会主任、网格员")
    page.fill("#md-note", "召集双方及老组长,对照二轮承包合同重新确认地界")
    page.select_option("#md-result", "agreed")
    page.click("#do-mediate")
    page.click("text=登记调解协议")
    page.fill("#ag-text", "双方同意以二轮承包合同所附四至为准,由村委会重新埋设界桩,互不追究。")
    page.set_input_files("#ag-photos", _photo(tmp_path / "agreement.jpg"))
    page.click("#do-agreement")
    expect(page.locator("#agreements img")).to_have_count(1)
    page.select_option("#cl-outcome", "settled")
    page.fill("#cl-note", "重新埋设界桩,双方签字确认")
    page.click("#do-conclude")
    expect(page.locator("#state")).to_contain_text("化解成功")
    expect(page.locator("#follow-ups")).to_contain_text("待回访")
    page.screenshot(path=str(artifacts / "dispute-settled.png"), full_page=True)
    page.goto(f"{live_url}/households/{number}/")
    expect(page.locator("#reasons ul")).not_to_contain_text("矛盾纠纷")
    page.goto(f"{live_url}/disputes/?area={VILLAGE}")
    expect(page.locator("#disputes")).to_contain_text("拔除界桩")
    page.screenshot(path=str(artifacts / "dispute-ledger.png"))


def test_a_task_to_a_town_and_its_progress(page: Page, live_url: str, artifacts: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, live_url, "shangzhen_dispatcher")
    page.goto(f"{live_url}/tasks/new/")
    page.fill("#title", "寒潮来临前走访所有独居老人")
    page.fill("#description", "逐户查看取暖、饮食和用电安全,留下网格员电话。")
    page.select_option("#areas", ["611022109000"])
    page.select_option("#tag", "elderly_alone")
    expect(page.locator("#preview-counts")).to_contain_text("个网格")
    expect(page.locator("#preview-counts")).to_contain_text("户")
    page.screenshot(path=str(artifacts / "task-new.png"), full_page=True)
    page.click("#do-create")
    expect(page.locator("h1")).to_have_text("寒潮来临前走访所有独居老人")
    task_url = page.url
    first = page.locator("#progress-table tbody tr").first
    expect(first).to_contain_text("0%")
    page.click("text=退出")

    # A grid worker of 保定村 completes every target household of their grid.
    page.set_viewport_size({"width": 390, "height": 844})
    worker = "wg611022109223001"
    _login(page, live_url, worker)
    page.goto(f"{live_url}/tasks/")
    row_link = page.locator("#mine a", has_text="寒潮来临前走访所有独居老人")
    if row_link.count() == 0:
        pytest.skip("no elderly person living alone in the worker's grid in this sample")
    row_link.first.click()
    buttons = page.locator("#targets button")
    for _ in range(buttons.count()):
        page.locator("#targets button").first.click()
        expect(page.locator(".messages")).to_contain_text("已标记完成")
    expect(page.locator("#row-state")).to_have_text("已完成")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "task-row-phone.png"), full_page=True)
    page.click("text=退出")

    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, live_url, "shangzhen_dispatcher")
    page.goto(task_url)
    expect(page.locator("#totals")).to_contain_text("网格已完成")
    baoding = page.locator("#progress-table tr", has_text="保定村")
    expect(baoding).not_to_contain_text(" 0%")
    page.screenshot(path=str(artifacts / "task-progress.png"), full_page=True)
