"""Barrier lines (rivers, main roads) on the grids page: drawn lines are posted with the compute
form and no grid of the draft crosses them; the form starts with the lines of an earlier
generation; bad lines are shown with the service's message and change nothing; both maps
carry the lines."""

from __future__ import annotations

import html
import json
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import shape
from shapely.ops import split

from tests.territory.test_generation_pages import _client
from wangge.audit.models import AuditRecord
from wangge.registry.models import Household
from wangge.territory.activation import generation_activate
from wangge.territory.generations import generation_compute, generation_submit
from wangge.territory.models import Area, GridGeneration

VILLAGE = "611022109223"  # 商镇保定村
TOWN = "shangzhen_dispatcher"
SECRETARY = "sj611022109223"


def _households() -> tuple[list[int], np.ndarray, np.ndarray, dict[int, str]]:
    rows = list(
        Household.objects.filter(
            is_active=True, area_path__prefix=Area.objects.get(code=VILLAGE).path
        )
        .exclude(lon=None)
        .values_list("pk", "lon", "lat", "grid__code")
    )
    return (
        [r[0] for r in rows],
        np.array([r[1] for r in rows]),
        np.array([r[2] for r in rows]),
        {r[0]: r[3] for r in rows},
    )


def _river() -> dict[str, Any]:
    """A north–south line through the village at the households' median longitude: half the
    households on each bank, and several of today's grids astride it."""
    _pks, lon, _lat, _grids = _households()
    x = round(float(np.median(lon)), 6)
    _x0, y0, _x1, y1 = shape(Area.objects.get(code=VILLAGE).geometry).bounds
    return {
        "type": "LineString",
        "coordinates": [[x, y0 - 0.01], [x + 0.002, (y0 + y1) / 2], [x, y1 + 0.01]],
    }


def _grids_astride(line: dict[str, Any], grid_of: dict[int, str]) -> set[str]:
    """The grids with households on both sides of the line (by the village cut along it)."""
    pks, lon, lat, _grids = _households()
    banks = list(split(shape(Area.objects.get(code=VILLAGE).geometry), shape(line)).geoms)
    assert len(banks) == 2
    bank = np.full(len(pks), -1)
    for i, face in enumerate(banks):
        bank[shapely.contains_xy(face, lon, lat)] = i
    assert (bank == 0).sum() > 50
    assert (bank == 1).sum() > 50
    sides: dict[str, set[int]] = {}
    for pk, b in zip(pks, bank.tolist(), strict=True):
        sides.setdefault(grid_of[pk], set()).add(b)
    return {code for code, s in sides.items() if len(s) > 1}


def test_drawn_barriers_go_into_the_draft_and_no_grid_crosses_them(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    river = _river()
    _pks, _lon, _lat, now = _households()
    assert _grids_astride(river, now)  # today's grids cross it: the barrier must change them
    c = _client(user_named, SECRETARY)
    r = c.post(
        f"/areas/{VILLAGE}/grids/compute/",
        {"min": "30", "max": "40", "measure": "households", "barriers": json.dumps([river])},
    )
    assert r.status_code == 302
    g = GridGeneration.objects.filter(village__code=VILLAGE).latest("pk")
    assert g.barriers == [river]
    assert _grids_astride(river, {int(k): v for k, v in g.assignment.items()}) == set()
    # The detail page counts it and its map carries it.
    assert "阻隔线 1 条" in c.get(r["Location"]).content.decode()
    features = c.get(f"/grids/generations/{g.pk}/map.geojson").json()["features"]
    lines = [f for f in features if f["properties"]["role"] == "barrier"]
    assert [f["geometry"] for f in lines] == [river]
    assert lines[0]["properties"]["number"] == 1


def _form_barriers(page: str) -> list[Any]:
    start = page.index('name="barriers" id="id_barriers" value="') + len(
        'name="barriers" id="id_barriers" value="'
    )
    return json.loads(html.unescape(page[start : page.index('"', start)]))


def test_the_form_starts_with_the_barriers_of_the_active_then_the_latest_generation(  # type: ignore[no-untyped-def]
    db: None, user_named
) -> None:
    town = user_named(TOWN)
    village = Area.objects.get(code=VILLAGE)
    c = _client(user_named, TOWN)
    page = c.get(f"/areas/{VILLAGE}/grids/").content.decode()
    assert _form_barriers(page) == []  # the demo's generation has none
    assert "沿用" not in page

    river = _river()
    road = {"type": "LineString", "coordinates": river["coordinates"][::-1]}
    drawn = generation_compute(
        actor=town, village=village, minimum=30, maximum=40, barriers=[river]
    )
    generation_compute(actor=town, village=village, minimum=30, maximum=40)  # a later one, none
    page = c.get(f"/areas/{VILLAGE}/grids/").content.decode()
    assert _form_barriers(page) == [river]
    assert f"方案 {drawn.pk}</a> 的阻隔线" in page

    # Once a generation with lines is active, its lines come first, even before a later draft's.
    generation_activate(actor=town, generation=generation_submit(actor=town, generation=drawn))
    later = generation_compute(actor=town, village=village, minimum=30, maximum=40, barriers=[road])
    page = c.get(f"/areas/{VILLAGE}/grids/").content.decode()
    assert _form_barriers(page) == [river]
    assert f"方案 {drawn.pk}</a> 的阻隔线" in page
    assert later.barriers == [road]
    # The village's map shows the active generation's lines.
    features = c.get(f"/areas/{VILLAGE}/grids/map.geojson").json()["features"]
    lines = [f for f in features if f["properties"]["role"] == "barrier"]
    assert [(f["geometry"], f["properties"]["generation"]) for f in lines] == [(river, drawn.pk)]


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ("[{not json", "阻隔线数据无法读取"),
        (json.dumps([{"type": "Point", "coordinates": [110.39, 33.75]}]), "第 1 条阻隔线须为线"),
        (
            json.dumps([{"type": "LineString", "coordinates": [[100.0, 30.0], [100.1, 30.1]]}]),
            "第 1 条阻隔线不在该村(社区)范围内",
        ),
        (json.dumps([{"type": "LineString", "coordinates": [[110.39, 33.75]]}]), "第 1 条阻隔线"),
        (
            json.dumps(
                [{"type": "LineString", "coordinates": [[110.38, 33.74], [110.4, 33.77]]}] * 51
            ),
            "最多 50 条",
        ),
        (
            json.dumps(
                [
                    {
                        "type": "LineString",
                        "coordinates": [[110.38 + i * 1e-6, 33.75] for i in range(20_001)],
                    }
                ]
            ),
            "点太多",
        ),
    ],
)
def test_bad_barriers_are_shown_and_change_nothing(  # type: ignore[no-untyped-def]
    db: None, user_named, posted: str, message: str
) -> None:
    before = (GridGeneration.objects.count(), AuditRecord.objects.count())
    c = _client(user_named, TOWN)
    r = c.post(
        f"/areas/{VILLAGE}/grids/compute/",
        {"min": "33", "max": "44", "measure": "households", "barriers": posted},
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert message in page
    # What the user entered stays in the form: sizes and lines.
    assert 'value="33"' in page
    assert 'value="44"' in page
    assert f'id="id_barriers" value="{html.escape(posted)}"' in page
    assert "沿用" not in page
    assert (GridGeneration.objects.count(), AuditRecord.objects.count()) == before
