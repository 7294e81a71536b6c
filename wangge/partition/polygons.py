"""Grid polygons: the village cut along the borders between households of different grids.

The village is first cut along the barriers into faces (polygonize of the boundary and the
barrier lines; a barrier that ends inside the village cuts nothing). In each face, every
household owns its Voronoi cell among the face's households; a grid's polygon is the union of
its households' cells (a coverage union: the cells share edges exactly), clipped to the face.
The faces tile the village and the cells tile each face, so the grids cover the village with no
gap or overlap, stay inside it, and meet the barriers only along their borders.

Two clean-ups keep the result usable on a map:

* Clipping can cut a grid's polygon into pieces; a piece holding none of its households joins
  the neighbouring grid with which it shares the longest border.
* A face with no households (an empty strip between a river and a road) joins the grid sharing
  its longest border; it is reported, since that grid then reaches across the barrier.

A piece that holds households stays with its grid even when the grid's polygon is then in two
parts: a household must lie inside its own grid's polygon.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from wangge.partition.frame import LocalFrame

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

__all__ = ["faces_of", "grid_polygons"]

# Borders shorter than this (relative to the village's extent) are touching corners.
_BORDER_TOLERANCE = 1e-9


def faces_of(village: BaseGeometry, barriers: Sequence[BaseGeometry]) -> list[BaseGeometry]:
    """The village cut along the barriers (lon/lat)."""
    lines = [b for b in barriers if not b.is_empty and b.intersects(village)]
    if not lines:
        return [village]
    # Noded whole: a barrier clipped to the village first may end a rounding error short of the
    # boundary, and then cut nothing. Faces outside the village are dropped below.
    noded = shapely.union_all([village.boundary, *lines])
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    inside = shapely.contains(village, shapely.point_on_surface(faces))
    kept = [f for f, keep in zip(faces, inside, strict=True) if keep and f.area > 0]
    return kept or [village]


def grid_polygons(
    village: BaseGeometry,
    faces: Sequence[BaseGeometry],
    frame: LocalFrame,
    xy: FloatArray,
    labels: IntArray,
    k: int,
) -> tuple[list[BaseGeometry], int]:
    """One polygon per label (lon/lat), and the number of empty faces that had to be joined.

    ``xy`` are the households' positions in metres in ``frame``, all distinct.
    """
    lonlat = frame.to_lonlat(xy)
    pieces: list[list[BaseGeometry]] = [[] for _ in range(k)]
    empty_faces: list[BaseGeometry] = []
    claimed = np.zeros(len(xy), dtype=bool)
    for face in faces:
        shapely.prepare(face)
        inside = shapely.contains_xy(face, lonlat[:, 0], lonlat[:, 1]) & ~claimed
        if len(faces) == 1:  # Households on the boundary, or outside it, still own a cell.
            inside[:] = True
        idx = np.flatnonzero(inside)
        claimed[idx] = True
        if len(idx) == 0:
            empty_faces.append(face)
            continue
        for label, polygon in _face_grids(face, frame, xy[idx], lonlat[idx], labels[idx]):
            pieces[label].append(polygon)
    polygons = [_union(group) for group in pieces]
    extent = max(village.bounds[2] - village.bounds[0], village.bounds[3] - village.bounds[1])
    _join_neighbours(empty_faces, polygons, _BORDER_TOLERANCE * extent)
    return polygons, len(empty_faces)


def _join_neighbours(
    loose: Sequence[BaseGeometry], polygons: list[BaseGeometry], tolerance: float
) -> None:
    """Each loose piece (largest first) joins the polygon it shares the longest border with.

    A piece may touch only other loose pieces until those have joined a polygon, so this goes
    round until none is left; a piece that touches none at all (an island of a multi-part
    village) joins the nearest polygon, so that nothing of the village is lost.
    """
    waiting = sorted(loose, key=lambda p: -p.area)
    while waiting:
        still = []
        for piece in waiting:
            owner = _longest_border(piece, polygons, tolerance)
            if owner is None:
                still.append(piece)
            else:
                polygons[owner] = shapely.union(polygons[owner], piece)
        if len(still) == len(waiting):
            for piece in still:
                owner = _nearest(piece, polygons)
                if owner is not None:
                    polygons[owner] = shapely.union(polygons[owner], piece)
            return
        waiting = still


def _nearest(piece: BaseGeometry, polygons: Sequence[BaseGeometry]) -> int | None:
    present = [i for i, p in enumerate(polygons) if not p.is_empty]
    if not present:
        return None
    return min(present, key=lambda i: (shapely.distance(piece, polygons[i]), i))


def _union(group: list[BaseGeometry]) -> BaseGeometry:
    if not group:
        return shapely.Polygon()
    return group[0] if len(group) == 1 else shapely.union_all(group)


def _face_grids(
    face: BaseGeometry, frame: LocalFrame, xy: FloatArray, lonlat: FloatArray, labels: IntArray
) -> list[tuple[int, BaseGeometry]]:
    present = np.unique(labels)
    if len(present) == 1:
        return [(int(present[0]), face)]
    cells = _cells(face, frame, xy, lonlat)
    order = np.argsort(labels, kind="stable")
    bounds = [*np.searchsorted(labels[order], present, side="left").tolist(), len(labels)]
    merged = np.array(
        [shapely.coverage_union_all(cells[order[a:b]]) for a, b in itertools.pairwise(bounds)],
        dtype=object,
    )
    clipped = merged.copy()
    outside = ~shapely.contains_properly(face, merged)
    clipped[outside] = shapely.intersection(merged[outside], face)
    if not (shapely.get_num_geometries(clipped) > 1).any():
        return list(zip(present.tolist(), clipped, strict=True))
    return _reattach_fragments(face, present, clipped, lonlat, labels)


def _cells(
    face: BaseGeometry, frame: LocalFrame, xy: FloatArray, lonlat: FloatArray
) -> npt.NDArray[np.object_]:
    """Voronoi cell (lon/lat, unclipped) of every household, in input order."""
    local_face = shapely.transform(face, frame.from_lonlat)
    diagram = shapely.voronoi_polygons(
        shapely.multipoints(xy), extend_to=shapely.box(*local_face.bounds), ordered=True
    )
    cells = shapely.transform(shapely.get_parts(diagram), frame.to_lonlat)
    if len(cells) == len(xy):
        return cells
    # GEOS merged points too close together: give each household the cell that contains it.
    tree = shapely.STRtree(cells)
    point, cell = tree.query(shapely.points(lonlat), predicate="intersects")
    owner = np.full(len(xy), -1, dtype=np.int64)
    owner[point[::-1]] = cell[::-1]
    return cells[np.maximum(owner, 0)]


def _reattach_fragments(
    face: BaseGeometry,
    present: IntArray,
    clipped: npt.NDArray[np.object_],
    lonlat: FloatArray,
    labels: IntArray,
) -> list[tuple[int, BaseGeometry]]:
    extent = max(face.bounds[2] - face.bounds[0], face.bounds[3] - face.bounds[1])
    tolerance = _BORDER_TOLERANCE * extent
    kept: list[list[BaseGeometry]] = []
    loose: list[BaseGeometry] = []
    for label, polygon in zip(present.tolist(), clipped, strict=True):
        mine = lonlat[labels == label]
        parts = [p for p in shapely.get_parts(polygon) if p.area > 0]
        holding = [shapely.intersects_xy(p, mine[:, 0], mine[:, 1]).any() for p in parts]
        if not any(holding):  # All its households lie on the border; keep the largest piece.
            holding = [p is max(parts, key=lambda q: q.area) for p in parts]
        kept.append([p for p, h in zip(parts, holding, strict=True) if h])
        loose.extend(p for p, h in zip(parts, holding, strict=True) if not h)
    polygons = [_union(group) for group in kept]
    _join_neighbours(loose, polygons, tolerance)
    return list(zip(present.tolist(), polygons, strict=True))


def _longest_border(
    piece: BaseGeometry, polygons: Sequence[BaseGeometry], tolerance: float
) -> int | None:
    """Index of the polygon sharing the longest border with ``piece`` (None if none touches)."""
    fringe = shapely.buffer(piece, tolerance, quad_segs=1)
    best, best_length = None, 10.0 * tolerance
    for i, polygon in enumerate(polygons):
        if polygon.is_empty or not polygon.intersects(fringe):
            continue
        length = polygon.boundary.intersection(fringe).length
        if length > best_length:
            best, best_length = i, length
    return best
