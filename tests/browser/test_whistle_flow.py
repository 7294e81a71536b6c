"""The whistle flow in a real Chromium: a resident reports a matter the town
cannot settle alone → the town whistles two departments (住建 to lead,
应急 to help) → the helper reports in and records its part → the lead
signs and finishes → the grid worker checks on site (phone-sized) → the
town calls back and records the rating → the resident sees it closed."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_area_map import _login

pytestmark = pytest.mark.browser

PHONE = "13800007777"


def _open(page: Page, live_url: str, user: str, number: str) -> None:
    _login(page, live_url, user)
    page.goto(f"{live_url}/requests/{number}/")


def _photo(path: Path, colour: tuple[int, int, int]) -> str:
    """A camera-sized photo (4000 × 3000) for the phone to shrink."""
    from PIL import Image

    Image.new("RGB", (4000, 3000), colour).save(path, "JPEG", quality=95)
    return str(path)


def test_town_whistles_two_departments(
    page: Page, live_url: str, artifacts: Path, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_url}/portal/")
    page.set_input_files("#photos", _photo(tmp_path / "wall.jpg", (150, 120, 100)))
    expect(page.locator("#photos-note")).to_contain_text("1 张照片")  # shrunk on the phone
    page.select_option("#category", "0107")  # 村镇建设 → the town office
    page.fill("#description", "保定村三组河堤旁的危房墙体开裂,雨天随时可能倒塌,请尽快处理")
    page.select_option("#village", "611022109223")
    page.fill("#phone", PHONE)
    page.click("#submit")
    number = page.locator("#number").inner_text()
    expect(page.locator("#done")).to_contain_text("商镇")

    # The town whistles: 住建局 leads, 应急管理局 helps.
    page.set_viewport_size({"width": 1280, "height": 900})
    _open(page, live_url, "shangzhen_dispatcher", number)
    page.click("#open-whistle")
    page.select_option("#whistle-lead", "D-611022-zhujian")
    page.check("#whistle-helpers input[value='D-611022-yingji']")
    page.fill("#whistle-note", "危房临河,请住建牵头鉴定,应急协助设置警戒")
    page.screenshot(path=str(artifacts / "whistle-dialog.png"), full_page=True)
    page.click("#do-whistle")
    expect(page.locator("#unit")).to_contain_text("住房和城乡建设局")
    assists = page.locator("#assists")
    expect(assists).to_contain_text("应急管理局")
    expect(assists).to_contain_text("待报到")
    page.click("text=退出")

    # The helper reports in and records its part.
    _open(page, live_url, "danfeng_yingji", number)
    page.fill("#ri-note", "已派员赶赴现场")
    page.click("#do-report-in")
    page.fill("#ad-note", "已在危房周边拉设警戒线并疏散临近两户")
    page.click("#do-assist-done")
    expect(page.locator("#assists")).to_contain_text("已在危房周边拉设警戒线")
    page.click("text=退出")

    # The lead signs and finishes.
    _open(page, live_url, "danfeng_zhujian", number)
    page.click("#do-sign")
    expect(page.locator("h1")).to_contain_text("办理中")
    page.fill("#fin-result", "经鉴定为C级危房,已组织加固墙体,住户临时安置到村委会周转房")
    page.set_input_files("#fin-photos", _photo(tmp_path / "fixed.jpg", (90, 140, 90)))
    page.click("#do-finish")
    expect(page.locator("h1")).to_contain_text("待核查")
    page.screenshot(path=str(artifacts / "whistle-finished.png"), full_page=True)
    page.click("text=退出")

    # The grid worker of the place checks on site, on the phone.
    worker = _grid_worker_of(page, live_url, number)
    page.set_viewport_size({"width": 390, "height": 844})
    _open(page, live_url, worker, number)
    page.fill("#chk-note", "现场看过,墙体已加固,住户已安置")
    page.click("#do-check")
    expect(page.locator("h1")).to_contain_text("待回访")
    page.click("text=退出")

    # The town calls the resident back and records the answer.
    page.set_viewport_size({"width": 1280, "height": 900})
    _open(page, live_url, "shangzhen_dispatcher", number)
    page.select_option("#cb-solved", "1")
    page.select_option("#cb-rating", "5")
    page.fill("#cb-note", "居民表示感谢")
    page.click("text=提交回访")
    expect(page.locator("h1")).to_contain_text("已办结")
    timeline = page.locator("#timeline")
    for text in ("吹哨", "应急管理局报到", "协办", "住房和城乡建设局签收", "现场看过", "非常满意"):
        expect(timeline).to_contain_text(text)
    page.screenshot(path=str(artifacts / "whistle-closed.png"), full_page=True)
    page.click("text=退出")

    # The resident sees it closed, with the whistle on the public steps.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_url}/portal/track/")
    page.fill("#number", number)
    page.fill("#phone", PHONE)
    page.click("#track button")
    expect(page.locator("#status")).to_contain_text("已办结")
    expect(page.locator("#status")).to_contain_text("多部门联合办理")
    # Their own photo and the result's photo, each loaded.
    photos = page.locator("#photos img")
    expect(photos).to_have_count(2)
    page.wait_for_function(
        "Array.from(document.querySelectorAll('#photos img')).every(i => i.naturalWidth > 0)"
    )
    expect(page.locator("#notes")).to_contain_text("已办结,感谢您的评价")
    page.screenshot(path=str(artifacts / "whistle-resident.png"), full_page=True)


def _grid_worker_of(page: Page, live_url: str, number: str) -> str:
    """The grid worker of the request's grid, read off the request page the
    town sees (the grid's code is in its link)."""
    _login(page, live_url, "shangzhen_dispatcher")
    page.goto(f"{live_url}/requests/{number}/")
    href = page.locator("#summary a[href^='/areas/']").first.get_attribute("href") or ""
    page.click("text=退出")
    return "wg" + href.strip("/").split("/")[-1]


def test_hotline_desk_registers_a_matter(page: Page, live_url: str, artifacts: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, live_url, "shangzhen_dispatcher")
    page.click("text=我的工单")
    page.click("#new")
    page.select_option("#channel", "hotline")
    page.select_option("#category", "310201")
    page.fill("#description", "保定村四组两户因宅基地边界争吵,已经动手,请尽快调解")
    page.select_option("#village", "611022109223")
    page.fill("#name", "刘女士")
    page.fill("#phone", "13800008888")
    page.screenshot(path=str(artifacts / "request-new.png"), full_page=True)
    page.click("#submit")
    expect(page.locator("h1")).to_contain_text("诉求 611022-")
    expect(page.locator("#timeline")).to_contain_text("经热线提交")
