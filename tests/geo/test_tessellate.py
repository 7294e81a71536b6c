"""Synthetic subdivision: partition (towns, villages) and split (grids)."""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Point, Polygon, box, shape
from shapely.geometry.base import BaseGeometry

from wangge.geo.gcj02 import geometry_gcj02_to_wgs84
from wangge.geo.ordering import reading_order
from wangge.geo.tessellate import partition, split

REPO = Path(__file__).resolve().parents[2]
FENCES = REPO / "data" / "shangluo" / "fences"

# A comb: a thin base with five long teeth. Voronoi cells cut across the gaps between the teeth,
# so clipping leaves detached pieces that must be merged.
COMB = shapely.union_all(
    [box(110.0, 33.0, 110.5, 33.05)]
    + [box(110.0 + i * 0.1, 33.05, 110.05 + i * 0.1, 33.4) for i in range(5)]
)


def county(code: str) -> BaseGeometry:
    fence = shape(json.loads((FENCES / f"{code}.json").read_text(encoding="utf-8")))
    return geometry_gcj02_to_wgs84(fence)


def tolerance(polygon: BaseGeometry) -> float:
    """The limit: 1e-10 of the polygon's area, and never more than 1 m^2."""
    lat = polygon.centroid.y
    square_metre = 1.0 / (111_320.0 * 111_320.0 * math.cos(math.radians(lat)))
    return min(1e-10 * float(polygon.area), square_metre)


def assert_tiles(polygon: BaseGeometry, cells: list[BaseGeometry]) -> None:
    """Cells are non-empty, inside the polygon, and cover it without gaps or overlaps."""
    tol = tolerance(polygon)
    assert all(not c.is_empty and c.area > 0 for c in cells)
    assert all(c.geom_type in ("Polygon", "MultiPolygon") for c in cells)
    assert abs(sum(c.area for c in cells) - polygon.area) < tol
    assert shapely.union_all(cells).symmetric_difference(polygon).area < tol
    assert max(c.difference(polygon).area for c in cells) < tol
    array = np.array(cells, dtype=object)
    left, right = shapely.STRtree(array).query(array, predicate="intersects")
    pairs = left < right
    overlaps = shapely.area(shapely.intersection(array[left[pairs]], array[right[pairs]]))
    assert overlaps.max(initial=0.0) < tol


def fingerprint(cells: dict[str, BaseGeometry] | list[BaseGeometry]) -> str:
    items = sorted(cells.items()) if isinstance(cells, dict) else list(enumerate(cells))
    digest = hashlib.sha256()
    for key, geom in items:
        digest.update(f"{key}:".encode())
        digest.update(shapely.to_wkb(geom))
    return digest.hexdigest()


@pytest.fixture(scope="module")
def danfeng() -> BaseGeometry:
    return county("611022")


@pytest.fixture(scope="module")
def danfeng_seeds(danfeng: BaseGeometry) -> list[tuple[str, Point | None]]:
    rng = np.random.default_rng(3)
    min_x, min_y, max_x, max_y = danfeng.bounds
    seeds: list[tuple[str, Point | None]] = []
    while len(seeds) < 20:
        p = Point(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y))
        if danfeng.contains(p):
            seeds.append((f"known{len(seeds):02d}", p))
    seeds += [(f"gen{i:03d}", None) for i in range(120)]
    seeds.append(("outside", Point(100.0, 30.0)))
    # Same point as known00; the smaller key keeps a shared point, so this one is replaced.
    seeds.append(("zz-duplicate", seeds[0][1]))
    return seeds


@pytest.fixture(scope="module")
def danfeng_villages(
    danfeng: BaseGeometry, danfeng_seeds: list[tuple[str, Point | None]]
) -> dict[str, BaseGeometry]:
    return partition(danfeng, danfeng_seeds, salt="611022")


def test_partition_of_a_real_county_tiles_it(
    danfeng: BaseGeometry,
    danfeng_seeds: list[tuple[str, Point | None]],
    danfeng_villages: dict[str, BaseGeometry],
) -> None:
    assert set(danfeng_villages) == {key for key, _ in danfeng_seeds}
    assert_tiles(danfeng, list(danfeng_villages.values()))
    assert all(c.geom_type == "Polygon" for c in danfeng_villages.values())


def test_known_seeds_stay_in_their_own_cells(
    danfeng_seeds: list[tuple[str, Point | None]],
    danfeng_villages: dict[str, BaseGeometry],
) -> None:
    for key, seed in danfeng_seeds:
        if key.startswith("known"):
            assert seed is not None
            assert danfeng_villages[key].contains(seed), key
    # The duplicate of known00 got its own, generated, cell elsewhere.
    assert not danfeng_villages["zz-duplicate"].contains(danfeng_seeds[0][1])


def test_partition_is_identical_whatever_the_seed_order(
    danfeng: BaseGeometry,
    danfeng_seeds: list[tuple[str, Point | None]],
    danfeng_villages: dict[str, BaseGeometry],
) -> None:
    shuffled = [danfeng_seeds[i] for i in np.random.default_rng(5).permutation(len(danfeng_seeds))]
    assert fingerprint(partition(danfeng, shuffled, salt="611022")) == fingerprint(danfeng_villages)
    assert fingerprint(partition(danfeng, danfeng_seeds, salt="other")) != fingerprint(
        danfeng_villages
    )


RUN_IN_SUBPROCESS = """
import hashlib, shapely
from shapely.geometry import box
from wangge.geo.tessellate import partition, split
comb = shapely.union_all(
    [box(110.0, 33.0, 110.5, 33.05)]
    + [box(110.0 + i * 0.1, 33.05, 110.05 + i * 0.1, 33.4) for i in range(5)]
)
cells = partition(comb, [(k, None) for k in "abcdefgh"], salt="s")
grids = split(box(110, 33, 110.3, 33.2), 7, salt="t")
digest = hashlib.sha256()
for geom in [cells[k] for k in sorted(cells)] + grids:
    digest.update(shapely.to_wkb(geom))
print(digest.hexdigest())
"""


def test_results_are_identical_across_processes() -> None:
    # A different PYTHONHASHSEED changes set and dict-of-str iteration orders; the result must
    # not depend on them.
    outputs = set()
    for hash_seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        run = subprocess.run(
            [sys.executable, "-c", RUN_IN_SUBPROCESS],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr
        outputs.add(run.stdout)
    assert len(outputs) == 1


def test_partition_merges_detached_pieces_of_a_concave_polygon() -> None:
    seeds: list[tuple[str, Point | None]] = [
        ("a", Point(110.02, 33.3)),
        ("b", Point(110.12, 33.3)),
        ("c", Point(110.25, 33.02)),
    ]
    seeds += [(f"g{i}", None) for i in range(6)]
    cells = partition(COMB, seeds, salt="comb")
    assert_tiles(COMB, list(cells.values()))
    assert all(c.geom_type == "Polygon" for c in cells.values())


@pytest.mark.parametrize("n", [2, 3, 5, 9, 16])
def test_split_of_a_concave_polygon_gives_single_polygons(n: int) -> None:
    cells = split(COMB, n, salt="comb")
    assert len(cells) == n
    assert_tiles(COMB, cells)
    assert all(c.geom_type == "Polygon" for c in cells)


def test_partition_of_a_multipolygon() -> None:
    islands = MultiPolygon([box(110, 33, 110.1, 33.1), box(110.2, 33, 110.3, 33.1)])
    cells = partition(islands, [(k, None) for k in "abcde"], salt="islands")
    assert_tiles(islands, list(cells.values()))


def test_partition_with_a_single_seed_returns_the_polygon() -> None:
    assert partition(COMB, [("only", None)], salt="x") == {"only": COMB}


def test_partition_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="at least one"):
        partition(COMB, [], salt="x")
    with pytest.raises(ValueError, match="distinct"):
        partition(COMB, [("a", None), ("a", None)], salt="x")
    with pytest.raises(ValueError, match="empty"):
        partition(Polygon(), [("a", None), ("b", None)], salt="x")


def test_split_of_villages_gives_compact_equal_cells_in_reading_order(
    danfeng_villages: dict[str, BaseGeometry],
) -> None:
    for key in sorted(danfeng_villages)[:12]:
        village = danfeng_villages[key]
        grids = split(village, 16, salt=key)
        assert len(grids) == 16
        assert_tiles(village, grids)
        assert all(g.geom_type == "Polygon" for g in grids)
        centroids = [(g.centroid.x, g.centroid.y) for g in grids]
        assert reading_order(centroids) == list(range(16))
        areas = sorted(g.area for g in grids)
        assert areas[-1] / areas[0] < 2.0
        assert np.median(areas) == pytest.approx(village.area / 16, rel=0.15)


def test_split_of_a_square_is_nearly_regular() -> None:
    square = box(110.0, 33.0, 110.0 + 0.1 / math.cos(math.radians(33.05)), 33.1)
    grids = split(square, 16, salt="square")
    assert_tiles(square, grids)
    areas = [g.area for g in grids]
    assert max(areas) / min(areas) < 1.5
    # Reading order: the first cells are the northernmost, each row runs west to east.
    assert grids[0].centroid.y > grids[-1].centroid.y
    assert grids[0].centroid.x < grids[1].centroid.x


def test_split_is_deterministic() -> None:
    first = split(COMB, 7, salt="same")
    assert fingerprint(split(COMB, 7, salt="same")) == fingerprint(first)
    assert fingerprint(split(COMB, 7, salt="different")) != fingerprint(first)


def test_split_edge_cases() -> None:
    assert split(COMB, 1, salt="x") == [COMB]
    with pytest.raises(ValueError, match="at least 1"):
        split(COMB, 0, salt="x")
    with pytest.raises(ValueError, match="empty"):
        split(Polygon(), 3, salt="x")
    # A sliver much thinner than a lattice step still splits.
    sliver = box(110.0, 33.0, 110.5, 33.0001)
    assert_tiles(sliver, split(sliver, 6, salt="sliver"))


@st.composite
def star_polygons(draw: st.DrawFn) -> Polygon:
    """Random star-shaped (often concave) polygons around Shangluo."""
    count = draw(st.integers(5, 14))
    radii = draw(st.lists(st.floats(0.2, 1.0), min_size=count, max_size=count))
    scale = draw(st.floats(0.005, 0.2))
    coords = [
        (
            110.0 + scale * r * math.cos(2 * math.pi * i / count),
            33.7 + scale * r * math.sin(2 * math.pi * i / count),
        )
        for i, r in enumerate(radii)
    ]
    return Polygon(coords)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(star_polygons(), st.integers(2, 20), st.text(max_size=4))
def test_split_tiles_random_polygons(polygon: Polygon, n: int, salt: str) -> None:
    cells = split(polygon, n, salt=salt)
    assert len(cells) == n
    assert_tiles(polygon, cells)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(star_polygons(), st.integers(2, 12), st.integers(0, 2**32 - 1))
def test_partition_tiles_random_polygons(polygon: Polygon, n: int, rng_seed: int) -> None:
    rng = np.random.default_rng(rng_seed)
    min_x, min_y, max_x, max_y = polygon.bounds
    seeds: list[tuple[str, Point | None]] = [
        (f"k{i}", Point(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)) if i % 2 else None)
        for i in range(n)
    ]
    cells = partition(polygon, seeds, salt="random")
    assert set(cells) == {key for key, _ in seeds}
    assert_tiles(polygon, list(cells.values()))
    for key, seed in seeds:
        if seed is not None and polygon.contains(seed):
            assert cells[key].intersects(seed)
