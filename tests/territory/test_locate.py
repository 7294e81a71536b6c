"""Point → grid through the service and the API."""

from __future__ import annotations

import random

import pytest
from django.test import Client
from shapely.geometry import Point, shape

from wangge.territory import locate
from wangge.territory.models import Area
from wangge.territory.services import area_tree_sync
from wangge.territory.shangluo import AreaRecord


@pytest.fixture
def fresh_index(db: None) -> None:
    locate.forget()


def test_every_grid_finds_itself(fresh_index: None) -> None:
    # Active grids: a redrawn village's old grids stay, inactive (see test_generations).
    grids = list(Area.objects.filter(level="grid", county_code="611022", is_active=True))
    for grid in random.Random(7).sample(grids, 300):
        p = shape(grid.geometry).representative_point()
        loc = locate.point_locate(p.x, p.y)
        assert loc is not None
        assert loc.grid_code == grid.code
        assert grid.path.startswith("611000000000/" + loc.county_code + "/" + loc.town_code + "/")
        assert loc.village_code == grid.code[:12]


def test_points_outside_the_city_find_nothing(fresh_index: None) -> None:
    assert locate.point_locate(116.4, 39.9) is None  # Beijing
    assert locate.point_locate(0.0, 0.0) is None


def test_a_village_without_grids_is_its_own_leaf(fresh_index: None) -> None:
    village = Area.objects.filter(level="village", county_code="611002").first()
    assert village is not None
    p = shape(village.geometry).representative_point()
    loc = locate.point_locate(p.x, p.y)
    assert loc is not None
    assert loc.grid_code is None
    assert loc.village_code == village.code


def test_index_follows_territory_changes(fresh_index: None) -> None:
    grid = Area.objects.filter(level="grid", county_code="611022").order_by("code").first()
    assert grid is not None
    p = shape(grid.geometry).representative_point()
    assert locate.point_locate(p.x, p.y).grid_code == grid.code  # type: ignore[union-attr]
    # Re-synchronising a tree where that grid's place is a new area: the
    # version bump must make the index rebuild.
    village = grid.parent
    assert village is not None
    rec = AreaRecord(
        code=village.code,
        name=village.name,
        official_name="",
        level="village",
        form=village.form,
        parent_code=None,
        county_code=village.county_code,
        ur_code=village.ur_code,
        geometry=shape(village.geometry),
    )
    Area.objects.filter(parent=village).update(is_active=False)
    area_tree_sync(actor=None, root=rec)
    locate.forget()  # on_commit never fires inside the test transaction
    loc = locate.point_locate(p.x, p.y)
    assert loc is not None
    assert loc.grid_code is None
    assert loc.village_code == village.code


def test_locate_api_respects_reach(fresh_index: None) -> None:
    from wangge.accounts.models import User

    grid = Area.objects.filter(level="grid", code__startswith="611022109").order_by("code").first()
    assert grid is not None
    p = shape(grid.geometry).representative_point()
    c = Client()
    c.force_login(User.objects.get(username="shangzhen_dispatcher"))
    r = c.get(f"/api/locate/?lon={p.x}&lat={p.y}")
    assert r.status_code == 200
    assert r.json()["grid_code"] == grid.code
    # A point in another town: not yours, so "not found".
    other = (
        Area.objects.filter(level="grid", county_code="611022")
        .exclude(code__startswith="611022109")
        .first()
    )
    assert other is not None
    q = shape(other.geometry).representative_point()
    r = c.get(f"/api/locate/?lon={q.x}&lat={q.y}")
    assert r.status_code == 404
    assert r.json() == c.get("/api/locate/?lon=116.4&lat=39.9").json()
    bad = c.get("/api/locate/?lon=east&lat=1")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    assert Point(p.x, p.y).within(shape(grid.geometry))
