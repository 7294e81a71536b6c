"""GCJ-02 <-> WGS-84 conversion, including the real Shangluo fences."""

from __future__ import annotations

import json
import math
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, shape

from wangge.geo.gcj02 import (
    gcj02_to_wgs84,
    gcj02_to_wgs84_array,
    geometry_gcj02_to_wgs84,
    out_of_china,
    wgs84_to_gcj02,
    wgs84_to_gcj02_array,
)

FENCES = Path(__file__).resolve().parents[2] / "data" / "shangluo" / "fences"
COUNTIES = ["611002", "611021", "611022", "611023", "611024", "611025", "611026"]

china_lon = st.floats(min_value=73.0, max_value=135.0)
china_lat = st.floats(min_value=1.0, max_value=55.0)


def load_fence(code: str) -> shapely.Polygon:
    return shape(json.loads((FENCES / f"{code}.json").read_text(encoding="utf-8")))


def test_forward_matches_published_reference() -> None:
    # Test vector of the widely used wandergis/coordtransform implementation.
    lon, lat = wgs84_to_gcj02(116.404, 39.915)
    assert lon == pytest.approx(116.41024449916938, abs=1e-12)
    assert lat == pytest.approx(39.91640428150164, abs=1e-12)


def test_offset_has_the_expected_size_in_shangluo() -> None:
    lon, lat = wgs84_to_gcj02(110.0, 33.8)
    metres = math.hypot(
        (lon - 110.0) * 111_320 * math.cos(math.radians(33.8)), (lat - 33.8) * 110_574
    )
    assert 100 < metres < 1000


@pytest.mark.parametrize("point", [(2.35, 48.85), (-74.0, 40.7), (150.0, -33.9), (100.0, 60.0)])
def test_outside_china_is_unchanged(point: tuple[float, float]) -> None:
    assert out_of_china(*point)
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point
    lons, lats = gcj02_to_wgs84_array([point[0]], [point[1]])
    assert (lons[0], lats[0]) == point


@given(china_lon, china_lat)
def test_inverse_round_trips_from_gcj02(lon: float, lat: float) -> None:
    back = wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat))
    assert abs(back[0] - lon) < 1e-9
    assert abs(back[1] - lat) < 1e-9


@given(china_lon, china_lat)
def test_inverse_round_trips_from_wgs84(lon: float, lat: float) -> None:
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert abs(back[0] - lon) < 1e-9
    assert abs(back[1] - lat) < 1e-9


def test_array_versions_agree_with_scalar_versions() -> None:
    rng = np.random.default_rng(7)
    lons = np.concatenate([rng.uniform(73, 135, 500), [2.35, 200.0]])
    lats = np.concatenate([rng.uniform(1, 55, 500), [48.85, 10.0]])
    for scalar, vectorised in [
        (wgs84_to_gcj02, wgs84_to_gcj02_array),
        (gcj02_to_wgs84, gcj02_to_wgs84_array),
    ]:
        out_lon, out_lat = vectorised(lons, lats)
        expected = np.array([scalar(x, y) for x, y in zip(lons, lats, strict=True)])
        np.testing.assert_allclose(out_lon, expected[:, 0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(out_lat, expected[:, 1], rtol=0, atol=1e-12)


def test_array_inverse_round_trip_error_is_below_1e7_degrees() -> None:
    rng = np.random.default_rng(8)
    lons, lats = rng.uniform(73, 135, 20_000), rng.uniform(1, 55, 20_000)
    back_lon, back_lat = wgs84_to_gcj02_array(*gcj02_to_wgs84_array(lons, lats))
    assert np.abs(back_lon - lons).max() < 1e-7
    assert np.abs(back_lat - lats).max() < 1e-7


def test_a_point_converts_the_same_wherever_it_sits_in_the_array() -> None:
    rng = np.random.default_rng(9)
    lons, lats = rng.uniform(108, 112, 1000), rng.uniform(33, 35, 1000)
    whole_lon, whole_lat = gcj02_to_wgs84_array(lons, lats)
    for start in (0, 1, 3, 17, 998):
        part_lon, part_lat = gcj02_to_wgs84_array(lons[start:], lats[start:])
        assert np.array_equal(part_lon, whole_lon[start:])
        assert np.array_equal(part_lat, whole_lat[start:])


def test_geometry_conversion_keeps_type_and_vertex_count() -> None:
    line = LineString([(110.0, 33.5), (110.1, 33.6), (110.2, 33.5)])
    converted = geometry_gcj02_to_wgs84(line)
    assert converted.geom_type == "LineString"
    assert len(converted.coords) == 3
    assert converted.coords[1] == pytest.approx(gcj02_to_wgs84(110.1, 33.6), abs=1e-12)
    assert geometry_gcj02_to_wgs84(Point(2.35, 48.85)).coords[0] == (2.35, 48.85)


def test_real_county_fences_still_tile_the_city_after_conversion() -> None:
    counties = {code: geometry_gcj02_to_wgs84(load_fence(code)) for code in COUNTIES}
    city = geometry_gcj02_to_wgs84(load_fence("611000"))
    assert city.is_valid
    assert all(c.is_valid for c in counties.values())

    union = shapely.union_all(list(counties.values()))
    assert union.symmetric_difference(city).area < 1e-12
    for a, b in combinations(COUNTIES, 2):
        assert counties[a].intersection(counties[b]).area < 1e-12, (a, b)

    # Shared border vertices must stay bit-for-bit identical.
    shared_in = set(load_fence("611022").exterior.coords) & set(
        load_fence("611023").exterior.coords
    )
    shared_out = set(counties["611022"].exterior.coords) & set(counties["611023"].exterior.coords)
    assert len(shared_in) > 50
    assert len(shared_out) == len(shared_in)
