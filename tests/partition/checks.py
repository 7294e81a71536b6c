"""Checks every partition must pass, shared by the property and the unit tests."""

from __future__ import annotations

import functools

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from wangge.geo.ordering import reading_order
from wangge.partition import Result, Targets
from wangge.partition.frame import LocalFrame
from wangge.partition.graph import Graph
from wangge.partition.polygons import faces_of
from wangge.partition.quality import pieces_per_label
from wangge.partition.solve import k_range

# Relative to the village's area: what floating point leaves of a gap or an overlap.
AREA_TOLERANCE = 1e-9


def grid_components(result: Result) -> list[int]:
    """The graph component of each grid (a grid never straddles two)."""
    assert result.graph is not None
    _, component = result.graph.components()
    return [int(component[np.flatnonzero(result.labels == i)[0]]) for i in range(len(result.grids))]


def assert_sizes_within_bounds(
    result: Result, targets: Targets, weights: np.ndarray | None = None
) -> None:
    """Every grid is within bounds, except the grids of a group of households cut off from the
    rest (by a barrier or the village boundary) that cannot be cut into grids within bounds --
    by its weight, or by its shape, which a brute force here confirms -- and says so.

    ``weights`` are the households' weights in the measure of ``targets`` (default: one each).
    """
    assert result.graph is not None
    if weights is None:
        assert targets.measure == "households", "give the persons of each household"
        weights = np.ones(result.graph.n)
    component = grid_components(result)
    size = [g.persons if targets.measure == "persons" else g.households for g in result.grids]
    weight: dict[int, float] = {}
    for c, s in zip(component, size, strict=True):
        weight[c] = weight.get(c, 0) + s
    codes = [g.code for g in result.grids]
    reasons = ("too_small", "no_k_fits", "no_contiguous_fit")
    reason = {
        component[codes.index(i.grid)]: i.code for i in result.report.issues if i.code in reasons
    }
    for c, code in reason.items():
        fewest, most = k_range(weight[c], targets.minimum, targets.maximum)
        assert (fewest > most) == (code != "no_contiguous_fit"), (c, code, weight[c])
        if code == "no_contiguous_fit":
            nodes = np.flatnonzero(result.graph.components()[1] == c)
            assert not connected_cut_exists(result.graph, nodes, weights, targets), (
                f"group of grid {codes[component.index(c)]} can be cut within bounds"
            )
    for i, grid in enumerate(result.grids):
        within = targets.minimum <= size[i] <= targets.maximum
        assert within == grid.in_bounds
        if not within:
            assert component[i] in reason, f"grid {grid.code} has {size[i]}, unexplained"
    assert not [i for i in result.report.issues if i.code in ("out_of_bounds", "not_contiguous")]


def connected_cut_exists(
    graph: Graph, nodes: np.ndarray, weights: np.ndarray, targets: Targets
) -> bool:
    """Brute force (independent of wangge.partition.exact): can ``nodes`` be cut into parts,
    each connected on ``graph``, of weight within the bounds?"""
    low, high = targets.minimum, targets.maximum
    inside = set(nodes.tolist())
    near = {
        v: set(graph.indices[graph.indptr[v] : graph.indptr[v + 1]].tolist()) & inside
        for v in inside
    }
    mass = {v: float(weights[v]) for v in inside}

    def pieces(free: frozenset[int]) -> list[set[int]]:
        left, found = set(free), []
        while left:
            piece, stack = set(), [left.pop()]
            while stack:
                v = stack.pop()
                piece.add(v)
                stack.extend(near[v] & left)
                left -= near[v]
            found.append(piece)
        return found

    @functools.cache
    def cut(free: frozenset[int]) -> bool:
        if not free:
            return True
        for piece in pieces(free):
            fewest, most = k_range(sum(mass[v] for v in piece), low, high)
            if fewest > most:
                return False
        start = min(free, key=lambda v: (len(near[v] & free), v))
        seen = {frozenset([start])}
        stack = list(seen)
        while stack:
            part = stack.pop()
            total = sum(mass[v] for v in part)
            if total >= low and cut(free - part):
                return True
            for v in set().union(*(near[u] & free for u in part)) - part:
                bigger = part | {v}
                if total + mass[v] <= high and bigger not in seen:
                    seen.add(bigger)
                    stack.append(bigger)
        return False

    return cut(frozenset(inside))


def assert_contiguous(result: Result) -> None:
    assert result.graph is not None
    pieces = pieces_per_label(result.graph, result.labels)
    assert (pieces == 1).all(), f"grids in several pieces: {np.flatnonzero(pieces > 1)}"
    assert all(g.contiguous for g in result.grids)
    assert result.report.noncontiguous == 0


def assert_polygons_tile(result: Result, village: BaseGeometry) -> None:
    polygons = [g.polygon for g in result.grids]
    assert all(p is not None and p.is_valid and not p.is_empty for p in polygons)
    shapes = np.array(polygons, dtype=object)
    area = village.area
    assert abs(shapely.area(shapes).sum() - area) <= AREA_TOLERANCE * area
    union = shapely.union_all(shapes)
    assert union.symmetric_difference(village).area <= AREA_TOLERANCE * area
    outside = shapely.area(shapely.difference(shapes, village)).sum()
    assert outside <= AREA_TOLERANCE * area
    left, right = shapely.STRtree(shapes).query(shapes, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(shapely.intersection(shapes[left[pairs]], shapes[right[pairs]])).sum()
    assert overlap <= AREA_TOLERANCE * area


def assert_households_in_their_grid(result: Result, village: BaseGeometry) -> None:
    """Every household lies in (or on the border of) its grid's polygon.

    At the position the algorithm used: households that share a building are spread a few
    metres apart, and a building split between two grids has households in both.
    """
    assert result.graph is not None
    lonlat = LocalFrame.around(village.bounds).to_lonlat(result.graph.xy)
    lon, lat = lonlat[:, 0], lonlat[:, 1]
    inside = shapely.contains_xy(village, lon, lat)
    for label, grid in enumerate(result.grids):
        mine = (result.labels == label) & inside
        assert grid.polygon is not None
        if not mine.any():
            continue
        distance = shapely.distance(grid.polygon, shapely.points(lon[mine], lat[mine]))
        assert float(distance.max()) < 1e-9


def assert_barriers_not_straddled(
    result: Result,
    village: BaseGeometry,
    barriers: tuple[BaseGeometry, ...],
    lon: np.ndarray,
    lat: np.ndarray,
) -> None:
    """No grid has households in two faces of the village cut along the barriers."""
    faces = faces_of(village, barriers)
    face_of = np.full(len(lon), -1)
    for f, face in enumerate(faces):
        face_of[shapely.contains_xy(face, lon, lat)] = f
    for label in range(len(result.grids)):
        sides = set(face_of[(result.labels == label) & (face_of >= 0)].tolist())
        assert len(sides) <= 1, f"grid {result.grids[label].code} straddles a barrier"


def assert_numbered_in_reading_order(result: Result, village_code: str) -> None:
    centroids = [g.centroid for g in result.grids]
    order = reading_order(centroids)
    expected = [f"{village_code}{seq:03d}" for seq in range(1, len(order) + 1)]
    assert [result.grids[i].code for i in order] == expected
