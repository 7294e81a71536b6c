"""In a real Chromium: 商镇's town dispatcher opens 黑沟河村's grids, draws the river across the
village by clicking on the map (a double-click ends the line), tries a GeoJSON file that is
not lines (refused, nothing added), imports one that is, removes it again, computes, and sees
the line on the new generation's map; back on the village page the form starts with it.

The live server commits: 黑沟河村 keeps a draft with one barrier for the rest of the session
(no other test uses this village)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_area_map import _login

pytestmark = pytest.mark.browser

VILLAGE = "611022109212"  # 商镇黑沟河村
SHOTS = Path("/tmp")


def _river_points(page: Page) -> list[tuple[float, float]]:
    """Page positions of three points across the village, west edge to east edge."""
    points = page.evaluate(
        """() => {
          const gm = document.getElementById("genmap").genmap;
          const b = gm.villageBounds, lat = b.getCenter().lat, h = b.getNorth() - b.getSouth();
          return [[b.getWest(), lat], [(b.getWest() + b.getEast()) / 2, lat + h * 0.08],
                  [b.getEast(), lat - h * 0.04]]
            .map(([lon, lat]) => gm.map.latLngToContainerPoint([lat, lon]))
            .map((p) => [p.x, p.y]);
        }"""
    )
    box = page.locator("#genmap").bounding_box()
    assert box is not None
    return [(box["x"] + x, box["y"] + y) for x, y in points]


def test_town_dispatcher_draws_a_river_and_the_partition_keeps_to_it(
    page: Page, live_url: str, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    _login(page, live_url, "shangzhen_dispatcher")
    page.goto(f"{live_url}/areas/{VILLAGE}/grids/")
    expect(page.locator("h1")).to_contain_text("黑沟河村 · 网格划分")
    expect(page.locator("#genmap")).to_have_attribute(
        "data-loaded", re.compile(r"^[1-9]\d*$"), timeout=10_000
    )
    expect(page.locator("#barrier-empty")).to_be_visible()
    expect(page.locator("#barriers-source")).to_have_count(0)  # nothing to carry forward yet

    # Draw: click, click, double-click.
    expect(page.locator("#barrier-draw")).to_be_enabled()
    page.click("#barrier-draw")
    expect(page.locator("#barrier-hint")).to_contain_text("依次点击")
    (x1, y1), (x2, y2), (x3, y3) = _river_points(page)
    page.mouse.click(x1, y1)
    page.mouse.click(x2, y2)
    expect(page.locator("#barrier-hint")).to_contain_text("已点 2 个点")
    page.mouse.move(x3, y3)
    page.screenshot(path=str(SHOTS / "barriers-drawing.png"))
    page.mouse.dblclick(x3, y3)
    expect(page.locator("#barrier-list li")).to_have_count(1)
    expect(page.locator("#barrier-list li").first).to_contain_text("第1条 · 3个点")
    expect(page.locator("#barrier-hint")).to_be_hidden()
    expect(page.locator("#genmap path.barrier-line")).to_have_count(1)
    drawn = json.loads(page.input_value("#id_barriers"))
    assert [line["type"] for line in drawn] == ["LineString"]
    assert len(drawn[0]["coordinates"]) == 3
    page.screenshot(path=str(SHOTS / "barriers-drawn.png"), full_page=True)

    # A file of areas is refused with a message and adds nothing.
    polygon = {
        "type": "Polygon",
        "coordinates": [[[110.4, 33.77], [110.41, 33.77], [110.4, 33.78], [110.4, 33.77]]],
    }
    page.set_input_files(
        "#barrier-file",
        files=[
            {
                "name": "村界.geojson",
                "mimeType": "application/geo+json",
                "buffer": json.dumps(
                    {"type": "Feature", "geometry": polygon, "properties": {}}
                ).encode(),
            }
        ],
    )
    expect(page.locator("#barrier-message")).to_contain_text("面(Polygon)")
    expect(page.locator("#barrier-message")).to_contain_text("未导入")
    expect(page.locator("#barrier-list li")).to_have_count(1)
    # A file of lines: a MultiLineString gives one line per part; a line elsewhere is skipped.
    lon, lat = drawn[0]["coordinates"][1]
    roads = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "主干道"},
                "geometry": {
                    "type": "MultiLineString",
                    "coordinates": [
                        [[lon, lat - 0.01], [lon, lat + 0.01]],
                        [[lon - 0.005, lat - 0.01], [lon - 0.005, lat + 0.01]],
                    ],
                },
            },
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "LineString", "coordinates": [[100.0, 30.0], [100.1, 30.1]]},
            },
        ],
    }
    page.set_input_files(
        "#barrier-file",
        files=[
            {
                "name": "道路.geojson",
                "mimeType": "application/geo+json",
                "buffer": json.dumps(roads).encode(),
            }
        ],
    )
    expect(page.locator("#barrier-message")).to_contain_text("导入 2 条线")
    expect(page.locator("#barrier-message")).to_contain_text("另有 1 条不在本村范围内")
    expect(page.locator("#barrier-list li")).to_have_count(3)
    expect(page.locator("#genmap path.barrier-line")).to_have_count(3)
    expect(page.locator(".barrier-number")).to_have_text(["1", "2", "3"])
    page.screenshot(path=str(SHOTS / "barriers-imported.png"), full_page=True)
    # The roads were only to try the import: take them off again.
    page.click("#barrier-list li:nth-child(3) button")
    page.click("#barrier-list li:nth-child(2) button")
    expect(page.locator("#barrier-list li")).to_have_count(1)
    expect(page.locator("#genmap path.barrier-line")).to_have_count(1)

    page.click("#compute-button")
    expect(page.locator("h1")).to_contain_text("网格划分方案")
    expect(page.locator(".messages")).to_contain_text("已计算新的网格划分方案")
    expect(page.locator("#barrier-legend")).to_have_text("阻隔线 1 条")
    expect(page.locator("#genmap")).to_have_attribute("data-barriers", "1", timeout=15_000)
    expect(page.locator("#genmap path.barrier-line")).to_have_count(1)
    expect(page.locator(".leaflet-control-layers")).to_contain_text("阻隔线")
    generation = page.url.rstrip("/").rsplit("/", 1)[-1]
    page.screenshot(path=str(SHOTS / "barriers-detail.png"), full_page=True)
    page.screenshot(path=str(artifacts / "grid-barriers-detail.png"), full_page=True)

    # A redraw starts from this line, and says where it came from.
    page.goto(f"{live_url}/areas/{VILLAGE}/grids/")
    expect(page.locator("#barriers-source")).to_contain_text(f"沿用方案 {generation} 的阻隔线")
    expect(page.locator("#barrier-list li")).to_have_count(1)
    expect(page.locator("#genmap path.barrier-line")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "barriers-carried.png"), full_page=True)
