"""Point -> polygon lookup for routing reports to grids: the hot path of the platform.

A raw ``STRtree`` query costs a Point construction, a tree walk and a predicate per call. Grids
tile the territory, so most of the plane is covered by exactly one polygon at any fine enough
scale. ``PointIndex`` lays a uniform bucket grid over the bounds and precomputes, per bucket,
either the single polygon covering it (the lookup is then two multiplications and a list index),
or the few candidates whose exact test decides (prepared point-in-polygon, most likely first).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["PointIndex"]

K = TypeVar("K")

# Buckets per geometry: finer buckets make more of them "pure" (answered by arithmetic alone)
# but cost build time and memory. Measured on 20,688 Voronoi-like grids: 16 makes a third of the
# covered buckets pure; 32 makes half pure for 25% faster lookups but twice the build time.
_BUCKETS_PER_GEOMETRY = 16.0
_MAX_BUCKETS = 4_000_000
# Buckets are enlarged by this fraction of their size when the candidates are computed, so a
# point that rounding puts into the neighbouring bucket is still answered exactly.
_BUCKET_MARGIN = 1e-7

# The ufunc behind shapely.intersects_xy. The public wrapper re-checks its arguments and
# re-prepares the geometry on every call, which costs as much as the test itself on one point.
_intersects_xy = shapely.lib.intersects_xy


class _Candidates(tuple[tuple[BaseGeometry, object], ...]):
    """(geometry, key) pairs to test in order; a private type so a key can never look like one."""

    __slots__ = ()


class PointIndex(Generic[K]):
    """Find which of many (ideally non-overlapping) polygons contains a lon/lat point.

    A point on the border between polygons may be attributed to either of them, but a point
    inside or on the boundary of any polygon never gets None. Where polygons overlap, which of
    them is returned is unspecified (but deterministic).
    """

    def __init__(
        self,
        geometries: Sequence[BaseGeometry],
        keys: Sequence[K],
        *,
        buckets_per_geometry: float = _BUCKETS_PER_GEOMETRY,
    ) -> None:
        if len(geometries) != len(keys):
            raise ValueError(f"{len(geometries)} geometries but {len(keys)} keys")
        self._keys: list[K] = list(keys)
        geoms = np.empty(len(geometries), dtype=object)
        geoms[:] = list(geometries)
        self._geoms = geoms
        shapely.prepare(geoms)

        usable = ~shapely.is_empty(geoms) if len(geoms) else np.zeros(0, dtype=bool)
        if usable.any():
            x_min, y_min, x_max, y_max = shapely.total_bounds(geoms[usable]).tolist()
            self._bounds = (x_min, y_min, x_max, y_max)
            # GEOS builds a prepared geometry's point-in-area index on first use. Do it now, so
            # that the first queries are not slow and threads never race to build it.
            own = shapely.bounds(geoms[usable])
            _intersects_xy(
                geoms[usable], own[:, 0] / 2 + own[:, 2] / 2, own[:, 1] / 2 + own[:, 3] / 2
            )
        else:
            self._bounds = (math.nan, math.nan, math.nan, math.nan)
        min_x, min_y, max_x, max_y = self._bounds

        width, height = max_x - min_x, max_y - min_y
        target = min(_MAX_BUCKETS, max(1.0, buckets_per_geometry * int(usable.sum())))
        # Square buckets, about ``target`` of them. The second term bounds the count along a
        # very thin extent (and handles a zero width or height); the third a single point.
        size = max(math.sqrt(width * height / target), max(width, height) / target, 1e-12)
        if not usable.any():
            size = 1.0
        # floor + 1 buckets leave a margin past max_x/max_y, so that those edges map inside.
        self._nx = math.floor(width / size) + 1 if usable.any() else 0
        self._ny = math.floor(height / size) + 1 if usable.any() else 0
        self._x0, self._y0 = min_x, min_y
        self._scale = 1.0 / size

        # owner[b] >= 0: the geometry covering bucket b; -1: no geometry; -2: test candidates.
        self._owner = np.full(self._nx * self._ny, -1, dtype=np.intp)
        self._cand_start = np.zeros(self._nx * self._ny + 1, dtype=np.intp)
        self._cand_geom = np.zeros(0, dtype=np.intp)
        if usable.any():
            self._fill_buckets(size)
        self._cells: list[object] = self._bucket_answers()

    def _fill_buckets(self, size: float) -> None:
        nx, ny = self._nx, self._ny
        iy, ix = np.divmod(np.arange(nx * ny), nx)
        margin = size * _BUCKET_MARGIN
        x_lo = self._x0 + ix * size - margin
        y_lo = self._y0 + iy * size - margin
        x_hi = self._x0 + (ix + 1) * size + margin
        y_hi = self._y0 + (iy + 1) * size + margin
        boxes = shapely.box(x_lo, y_lo, x_hi, y_hi)

        tree = shapely.STRtree(self._geoms)
        bucket, geom = tree.query(boxes, predicate="intersects")
        counts = np.bincount(bucket, minlength=nx * ny)

        # A bucket touched by one geometry is pure if that geometry covers it; otherwise it
        # straddles the outer boundary of the union (or a hole) and needs the exact test.
        single = counts[bucket] == 1
        covered = shapely.covers(self._geoms[geom[single]], boxes[bucket[single]])
        self._owner[bucket[single][covered]] = geom[single][covered]

        mixed = self._owner[bucket] < 0
        bucket, geom = bucket[mixed], geom[mixed]
        # Most likely candidate first: the one whose bounding box overlaps the bucket the most.
        # Exact overlap areas would need an overlay per pair, far too slow to build.
        g_bounds = shapely.bounds(self._geoms[geom])
        overlap = np.clip(
            np.minimum(g_bounds[:, 2], x_hi[bucket]) - np.maximum(g_bounds[:, 0], x_lo[bucket]),
            0.0,
            None,
        ) * np.clip(
            np.minimum(g_bounds[:, 3], y_hi[bucket]) - np.maximum(g_bounds[:, 1], y_lo[bucket]),
            0.0,
            None,
        )
        order = np.lexsort((geom, -overlap, bucket))
        bucket, geom = bucket[order], geom[order]
        self._owner[np.unique(bucket)] = -2
        self._cand_start[1:] = np.cumsum(np.bincount(bucket, minlength=nx * ny))
        self._cand_geom = geom

    def _bucket_answers(self) -> list[object]:
        """Per bucket, what ``locate`` needs: a key, None, or the candidates to test."""
        # Pure and empty buckets through one numpy gather (index -1 is the trailing None);
        # a Python loop over hundreds of thousands of buckets would dominate the build time.
        answers = np.empty(len(self._keys) + 1, dtype=object)
        for i, key in enumerate(self._keys):  # item by item: keys may themselves be tuples
            answers[i] = key
        cells: list[object] = answers[np.maximum(self._owner, -1)].tolist()

        pairs = [(geom, key) for geom, key in zip(self._geoms.tolist(), self._keys, strict=True)]
        members = self._cand_geom.tolist()
        starts = self._cand_start.tolist()
        for b in np.flatnonzero(self._owner == -2).tolist():
            cells[b] = _Candidates(map(pairs.__getitem__, members[starts[b] : starts[b + 1]]))
        return cells

    def __len__(self) -> int:
        return len(self._keys)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(min_lon, min_lat, max_lon, max_lat) of all geometries; NaNs when there are none."""
        return self._bounds

    def locate(self, lon: float, lat: float) -> K | None:
        """Key of the geometry containing (lon, lat), or None if no geometry contains it."""
        fx = (lon - self._x0) * self._scale
        fy = (lat - self._y0) * self._scale
        # Written so that NaN coordinates fail the test too.
        if not (0.0 <= fx < self._nx and 0.0 <= fy < self._ny):
            return None
        cell = self._cells[int(fy) * self._nx + int(fx)]
        if type(cell) is not _Candidates:
            return cell  # type: ignore[return-value]  # a key or None, see _bucket_answers
        for geom, key in cell:
            if _intersects_xy(geom, lon, lat):  # the geometries were prepared at build time
                return key  # type: ignore[return-value]
        return None

    def locate_many(self, lons: npt.ArrayLike, lats: npt.ArrayLike) -> list[K | None]:
        """``locate`` for arrays of points, vectorised; same answers as calling it per point."""
        x = np.asarray(lons, dtype=np.float64).ravel()
        y = np.asarray(lats, dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise ValueError("lons and lats must have the same length")
        result: list[K | None] = [None] * len(x)
        if self._nx == 0 or len(x) == 0:
            return result
        fx = (x - self._x0) * self._scale
        fy = (y - self._y0) * self._scale
        inside = (fx >= 0.0) & (fx < self._nx) & (fy >= 0.0) & (fy < self._ny)
        points = np.flatnonzero(inside)
        bucket = fy[points].astype(np.intp) * self._nx + fx[points].astype(np.intp)
        owner = self._owner[bucket]

        keys = self._keys
        for p, o in zip(points[owner >= 0].tolist(), owner[owner >= 0].tolist(), strict=True):
            result[p] = keys[o]

        # Mixed buckets: test every (point, candidate) pair at once, keep the first hit.
        mixed_points, mixed_buckets = points[owner == -2], bucket[owner == -2]
        starts = self._cand_start[mixed_buckets]
        counts = self._cand_start[mixed_buckets + 1] - starts
        pair_point = np.repeat(mixed_points, counts)
        offsets = np.cumsum(counts) - counts
        pair_cand = np.repeat(starts - offsets, counts) + np.arange(int(counts.sum()))
        pair_geom = self._cand_geom[pair_cand]
        hit = shapely.intersects_xy(self._geoms[pair_geom], x[pair_point], y[pair_point])
        # Pairs are grouped by point in candidate order, so the first hit of a point is the
        # one ``locate`` would return.
        hit_points, first = np.unique(pair_point[hit], return_index=True)
        for p, g in zip(hit_points.tolist(), pair_geom[hit][first].tolist(), strict=True):
            result[p] = keys[g]
        return result
