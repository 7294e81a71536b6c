"""Property tests: random villages (shapes, clustered households, a river, bounds the village
allows) always give grids within bounds, contiguous on the algorithm's graph, tiling the
village, on one side of the river, numbered west to east and north to south."""

from __future__ import annotations

import math
import os

import numpy as np
import shapely
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry

from tests.partition import checks
from wangge.partition import Households, Targets, partition_village
from wangge.partition.frame import LocalFrame
from wangge.partition.solve import k_range

CODE = "611022109223"
FRAME = LocalFrame(110.2, 33.7)


def _outline(rng: np.random.Generator, kind: str, radius: float) -> BaseGeometry:
    if kind == "hull":
        return shapely.convex_hull(shapely.multipoints(rng.normal(0, radius, size=(12, 2))))
    # A buffered random walk: long, bending, concave -- like a village along a valley.
    steps = rng.normal(0, radius / 2, size=(6, 2)).cumsum(axis=0)
    return LineString(steps).buffer(radius / 3, quad_segs=4)


def _households(rng: np.random.Generator, outline: BaseGeometry, n: int) -> np.ndarray:
    minx, miny, maxx, maxy = outline.bounds
    inner = outline.buffer(-1.0)
    centres = np.column_stack(
        [rng.uniform(minx, maxx, size=200), rng.uniform(miny, maxy, size=200)]
    )
    centres = centres[shapely.contains_xy(inner, centres[:, 0], centres[:, 1])][:8]
    points = np.zeros((0, 2))
    while len(points) < n:
        batch = centres[rng.integers(0, len(centres), size=2 * n)]
        batch = batch + rng.normal(0, (maxx - minx) / 12, size=batch.shape)
        points = np.concatenate(
            [points, batch[shapely.contains_xy(inner, batch[:, 0], batch[:, 1])]]
        )
    points = points[:n]
    # A few households share a building with the one before them.
    shared = rng.random(n) < 0.1
    shared[0] = False
    points[shared] = points[np.flatnonzero(shared) - 1]
    return points


def village_case(
    seed: int, n: int, lower: int, upper: int, kind: str, river: bool
) -> tuple[BaseGeometry, Households, tuple[BaseGeometry, ...], Targets]:
    """The village the strategy draws for these values (so a failure can be replayed)."""
    rng = np.random.default_rng(seed)
    outline = _outline(rng, kind, 40.0 * math.sqrt(n + 10))
    xy = _households(rng, outline, n)
    barriers: tuple[BaseGeometry, ...] = ()
    if river:
        minx, miny, maxx, maxy = outline.bounds
        ys = rng.uniform(miny, maxy, size=3)
        line = LineString([(minx - 10, ys[0]), ((minx + maxx) / 2, ys[1]), (maxx + 10, ys[2])])
        keep = shapely.distance(shapely.points(xy), line) > 2.0
        xy = xy[keep] if keep.any() else xy
        barriers = (shapely.transform(line, FRAME.to_lonlat),)
    lonlat = FRAME.to_lonlat(xy)
    persons = rng.integers(1, 7, size=len(xy))
    households = Households(
        tuple(range(len(xy))), lonlat[:, 0], lonlat[:, 1], persons.astype(np.int64)
    )
    village = shapely.transform(outline, FRAME.to_lonlat)
    assert isinstance(village, Polygon)
    return village, households, barriers, Targets(lower, upper)


@st.composite
def villages(draw: st.DrawFn) -> tuple[BaseGeometry, Households, tuple[BaseGeometry, ...], Targets]:
    # Drawn in this order (the derandomised villages depend on it).
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(1, 400))
    lower = draw(st.integers(3, 60))
    upper = lower + draw(st.integers(math.ceil(lower * 0.25), lower))
    kind = draw(st.sampled_from(["hull", "walk"]))
    river = draw(st.booleans())
    return village_case(seed, n, lower, upper, kind, river)


@settings(
    max_examples=int(os.environ.get("WANGGE_HYPOTHESIS_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    # The same villages on every run: CI must not turn red by chance. Search at random
    # locally with WANGGE_HYPOTHESIS_RANDOM=1 (and WANGGE_HYPOTHESIS_EXAMPLES=5000, say).
    derandomize=os.environ.get("WANGGE_HYPOTHESIS_RANDOM") != "1",
)
@given(villages())
# Failures a random search found (issue 5), as hypothesis shrank them: a grid of 2 at bounds
# 3–4 whose only way out ran through a neighbour's household that held another house to its
# grid (a row of houses cut off by the river, joined to the rest at one end) ...
@example(village_case(267, 21, 3, 4, "walk", True))
@example(village_case(134217729, 33, 3, 4, "walk", True))
# ... the same where moving that household with its neighbour leaves the neighbour short, and a
# third grid must give it one ...
@example(village_case(139, 139, 3, 4, "hull", True))
# ... a group of 8 at bounds 4-5 whose shape allows no such cut (two rows of houses hang on one
# house): reported as such; a group of 26 at 3-6 the repair left stuck, cut by the exhaustive
# search ...
@example(village_case(3635930383, 29, 4, 5, "walk", True))
@example(village_case(2061579357, 60, 3, 6, "walk", True))
# ... and a concave village whose clipped-off piece touched only another loose piece and was
# dropped, so the grid polygons did not cover the village.
@example(village_case(4145400570, 21, 4, 6, "walk", False))
def test_random_villages_meet_every_guarantee(
    case: tuple[BaseGeometry, Households, tuple[BaseGeometry, ...], Targets],
) -> None:
    village, households, barriers, targets = case
    result = partition_village(
        village=village, households=households, targets=targets, code=CODE, barriers=barriers
    )
    assert sorted(result.assignment) == sorted(households.ids)
    checks.assert_sizes_within_bounds(result, targets)
    checks.assert_contiguous(result)
    checks.assert_polygons_tile(result, village)
    checks.assert_households_in_their_grid(result, village)
    checks.assert_barriers_not_straddled(result, village, barriers, households.lon, households.lat)
    checks.assert_numbered_in_reading_order(result, CODE)
    # Where the graph is one piece and the bounds admit a number of grids, all are within them,
    # unless its shape allows no such cut (which assert_sizes_within_bounds has confirmed).
    assert result.graph is not None
    fewest, most = k_range(len(households), targets.minimum, targets.maximum)
    if result.graph.components()[0] == 1 and fewest <= most:
        codes = {i.code for i in result.report.issues}
        assert result.report.in_bounds_share == 1.0 or "no_contiguous_fit" in codes
        # Only notes about the input may remain: coordinates outside, empty land between barriers.
        assert codes <= {"outside_village", "empty_face", "no_contiguous_fit"}
