"""PointIndex: point -> polygon lookup, checked against a brute-force STRtree."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

from wangge.geo.pointindex import PointIndex
from wangge.geo.tessellate import partition, split

# A concave "village territory" split into villages and grids, like the real data but smaller.
TERRITORY = Polygon(
    [(110.0, 33.0), (110.6, 33.05), (110.55, 33.5), (110.3, 33.3), (110.1, 33.55), (109.95, 33.3)]
)


@pytest.fixture(scope="module")
def grids() -> list[BaseGeometry]:
    villages = partition(TERRITORY, [(f"v{i:02d}", None) for i in range(12)], salt="territory")
    cells: list[BaseGeometry] = []
    for key in sorted(villages):
        cells.extend(split(villages[key], 16, salt=key))
    return cells


@pytest.fixture(scope="module")
def index(grids: list[BaseGeometry]) -> PointIndex[str]:
    return PointIndex(grids, [f"g{i:04d}" for i in range(len(grids))])


def brute_force(grids: list[BaseGeometry], x: float, y: float) -> set[str]:
    tree = shapely.STRtree(grids)
    return {f"g{i:04d}" for i in tree.query(shapely.Point(x, y), predicate="intersects")}


def test_random_points_match_brute_force(grids: list[BaseGeometry], index: PointIndex[str]) -> None:
    rng = np.random.default_rng(11)
    min_x, min_y, max_x, max_y = index.bounds
    xs = rng.uniform(min_x - 0.05, max_x + 0.05, 5000)
    ys = rng.uniform(min_y - 0.05, max_y + 0.05, 5000)
    tree = shapely.STRtree(grids)
    expected = tree.query(shapely.points(xs, ys), predicate="intersects")
    truth: list[set[str]] = [set() for _ in xs]
    for point, grid in zip(*expected.tolist(), strict=True):
        truth[point].add(f"g{grid:04d}")
    found = [index.locate(x, y) for x, y in zip(xs.tolist(), ys.tolist(), strict=True)]
    for answer, options in zip(found, truth, strict=True):
        if options:
            assert answer in options
        else:
            assert answer is None
    assert index.locate_many(xs, ys) == found
    # The sample exercised inside points, outside points and the concave notch.
    assert 1000 < sum(a is not None for a in found) < 4500


@settings(max_examples=300, deadline=None)
@given(st.floats(109.9, 110.7), st.floats(32.95, 33.6))
def test_any_point_matches_brute_force(
    grids: list[BaseGeometry], index: PointIndex[str], x: float, y: float
) -> None:
    options = brute_force(grids, x, y)
    answer = index.locate(x, y)
    assert (answer in options) if options else answer is None
    assert index.locate_many([x], [y]) == [answer]


def test_points_on_borders(grids: list[BaseGeometry], index: PointIndex[str]) -> None:
    keys = [f"g{i:04d}" for i in range(len(grids))]
    by_key = dict(zip(keys, grids, strict=True))
    tree = shapely.STRtree(grids)
    for grid in grids[::5]:
        ring = list(grid.exterior.coords)
        # Vertices lie exactly on the border: an answer is required, and either neighbour will
        # do as long as it really touches the point.
        for x, y in ring[:-1]:
            answer = index.locate(x, y)
            assert answer is not None
            assert by_key[answer].distance(shapely.Point(x, y)) == 0.0
            assert index.locate_many([x], [y]) == [answer]
        # Computed midpoints of edges are within an ulp of the border, on either side of it (on
        # the outer border that can mean outside everything): they must agree with brute force.
        for a, b in itertools.pairwise(ring):
            x, y = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
            options = {keys[i] for i in tree.query(shapely.Point(x, y), predicate="intersects")}
            answer = index.locate(x, y)
            assert (answer in options) if options else answer is None
            assert index.locate_many([x], [y]) == [answer]


def test_points_outside_the_bounds_or_not_numbers(index: PointIndex[str]) -> None:
    min_x, min_y, max_x, max_y = index.bounds
    for x, y in [
        (min_x - 1e-9, (min_y + max_y) / 2),
        (max_x + 1e-9, (min_y + max_y) / 2),
        ((min_x + max_x) / 2, max_y + 1.0),
        (0.0, 0.0),
        (math.nan, 33.2),
        (110.2, math.nan),
        (math.inf, 33.2),
    ]:
        assert index.locate(x, y) is None
        assert index.locate_many([x], [y]) == [None]


def test_bounds_corners_and_edges_are_found() -> None:
    squares = [box(0, 0, 1, 1), box(1, 0, 2, 1)]
    index = PointIndex(squares, ["west", "east"])
    assert index.bounds == (0.0, 0.0, 2.0, 1.0)
    assert index.locate(0.0, 0.0) == "west"
    assert index.locate(2.0, 1.0) == "east"
    assert index.locate(2.0, 0.5) == "east"
    assert index.locate(1.0, 0.5) in {"west", "east"}
    assert index.locate(0.25, 0.75) == "west"
    assert index.locate(1.75, 0.25) == "east"


def test_holes_and_islands_return_none() -> None:
    ring = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], [[(3, 3), (7, 3), (7, 7), (3, 7)]])
    island = box(4, 4, 5, 5)  # inside the hole
    far = MultiPolygon([box(20, 20, 21, 21), box(22, 20, 23, 21)])
    index = PointIndex([ring, island, far], ["ring", "island", "far"])
    assert index.locate(1, 1) == "ring"
    assert index.locate(3.5, 3.5) is None  # in the hole
    assert index.locate(6.5, 6.5) is None
    assert index.locate(4.5, 4.5) == "island"
    assert index.locate(3, 5) == "ring"  # on the hole's edge
    assert index.locate(20.5, 20.5) == "far"
    assert index.locate(21.5, 20.5) is None  # between the two parts
    assert index.locate(22.5, 20.5) == "far"
    assert index.locate_many([1, 3.5, 4.5, 21.5], [1, 3.5, 4.5, 20.5]) == [
        "ring",
        None,
        "island",
        None,
    ]


def test_any_key_type_works() -> None:
    index: PointIndex[tuple[int, int]] = PointIndex(
        [box(0, 0, 1, 1), box(1, 0, 2, 1)], [(1, 2), (3, 4)]
    )
    assert index.locate(0.5, 0.5) == (1, 2)
    assert index.locate_many([1.5], [0.5]) == [(3, 4)]
    by_int: PointIndex[int] = PointIndex([box(0, 0, 1, 1)], [42])
    assert by_int.locate(0.5, 0.5) == 42


def test_len_empty_index_and_empty_geometries() -> None:
    empty: PointIndex[str] = PointIndex([], [])
    assert len(empty) == 0
    assert empty.locate(110.0, 33.0) is None
    assert empty.locate_many([110.0, 111.0], [33.0, 34.0]) == [None, None]
    assert all(math.isnan(v) for v in empty.bounds)

    mixed = PointIndex([Polygon(), box(0, 0, 1, 1)], ["nothing", "square"])
    assert len(mixed) == 2
    assert mixed.bounds == (0.0, 0.0, 1.0, 1.0)
    assert mixed.locate(0.5, 0.5) == "square"


def test_mismatched_lengths_raise() -> None:
    with pytest.raises(ValueError, match="keys"):
        PointIndex([box(0, 0, 1, 1)], ["a", "b"])
    index = PointIndex([box(0, 0, 1, 1)], ["a"])
    with pytest.raises(ValueError, match="same length"):
        index.locate_many([0.5, 0.6], [0.5])


def test_a_single_large_polygon() -> None:
    # One polygon: the bucket grid must still answer inside, outside and notch points.
    index = PointIndex([TERRITORY], ["all"])
    assert index.locate(110.3, 33.2) == "all"
    assert index.locate(110.3, 33.45) is None  # in the concave notch
    assert index.locate(110.0, 33.0) == "all"  # a vertex


def test_degenerate_extents_keep_the_bucket_grid_small() -> None:
    sliver = PointIndex([box(0, 0, 10, 1e-12)], ["sliver"])
    assert sliver._nx * sliver._ny <= 3 * 16 + 1
    assert sliver.locate(5.0, 0.5e-12) == "sliver"
    assert sliver.locate(5.0, 1.0) is None

    line = PointIndex([shapely.LineString([(0, 0), (0, 5)])], ["line"])
    assert line.locate(0.0, 2.5) == "line"
    assert line.locate(0.1, 2.5) is None

    point = PointIndex([shapely.Point(3, 4)], ["point"])
    assert point.locate(3.0, 4.0) == "point"
    assert point.locate(3.0, 4.5) is None
