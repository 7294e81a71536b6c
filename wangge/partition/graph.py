"""The households' adjacency graph: who is next to whom, on the ground, inside one village.

Nodes are households; edges are the Delaunay triangulation of their positions (metres, local
frame), less every edge that crosses a wall -- the village boundary or a barrier (a river, a main
road). Grids are contiguous on this graph, so a grid never reaches across a river or outside its
village to join two groups of households. (One exception, for the boundary only: a group that
the cut would leave lighter than a grid's minimum keeps its edges; see ``build_graph``.)

Co-located households (one building, one courtyard) share a point. The triangulation needs
distinct points, so they are spread on a tiny golden-angle spiral (0.2 m for the first, about 3 m
for the hundredth): they become a small cluster whose members neighbour each other, and the
building can be split between two grids like any other group of neighbours.

Each node's neighbours are stored in counter-clockwise order together with, for every neighbour,
whether it is adjacent to the previous one. That lets ``removable`` decide in O(degree), without
a search, that taking a household out of its grid leaves the grid connected: it is enough that
the neighbours in the same grid form a single chain around it (every path through the household
can then go round it). The test is sufficient, not necessary; the algorithm simply does not move
a household that fails it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import Delaunay, QhullError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

__all__ = ["Graph", "build_graph", "from_edges", "walls_of"]

# Points closer than this (metres) count as one place.
_SAME_PLACE = 0.05
# Radius step (metres) of the spiral on which co-located households are spread.
_SPREAD = 0.3
_GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))


@dataclass(frozen=True, eq=False)
class Graph:
    """Undirected graph in CSR form, neighbours of each node in counter-clockwise order.

    ``xy`` are the positions the triangulation used (co-located households spread apart).
    For CSR entry ``j`` (an edge ``row[j] -> indices[j]``), ``prev[j]`` is the previous entry of
    the same row in angular order (cyclically) and ``linked[j]`` says whether ``indices[j]`` and
    ``indices[prev[j]]`` are themselves adjacent.
    """

    xy: FloatArray
    indptr: IntArray
    indices: IntArray
    row: IntArray
    prev: IntArray
    linked: BoolArray
    _lists: dict[str, list[int] | list[bool]] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return len(self.xy)

    def edges(self) -> tuple[IntArray, IntArray]:
        """Each undirected edge once, as (u, v) with u < v."""
        once = self.row < self.indices
        return self.row[once], self.indices[once]

    def components(self) -> tuple[int, IntArray]:
        """Number of connected components and the component of every node."""
        return connected_components_of(self.n, *self.edges())

    def removable(self, labels: IntArray) -> BoolArray:
        """For every node: can it leave its label's group without disconnecting the group?

        True where the node's same-label neighbours form one chain (see the module notes).
        """
        own = labels[self.row]
        same = labels[self.indices] == own
        starts = same & ~(same[self.prev] & self.linked)
        runs = np.bincount(self.row, weights=starts, minlength=self.n)
        members = np.bincount(self.row, weights=same, minlength=self.n)
        return (runs == 1) | ((runs == 0) & (members > 0))

    def as_lists(self) -> tuple[list[int], list[int], list[int], list[bool]]:
        """indptr, indices, prev and linked as Python lists, for the per-move loops."""
        if not self._lists:
            self._lists["indptr"] = self.indptr.tolist()
            self._lists["indices"] = self.indices.tolist()
            self._lists["prev"] = self.prev.tolist()
            self._lists["linked"] = self.linked.tolist()
        lists = self._lists
        return lists["indptr"], lists["indices"], lists["prev"], lists["linked"]  # type: ignore[return-value]


def connected_components_of(n: int, u: IntArray, v: IntArray) -> tuple[int, IntArray]:
    """Connected components of the graph on ``n`` nodes with edges (u, v)."""
    if n == 0:
        return 0, np.zeros(0, dtype=np.int64)
    matrix = csr_matrix((np.ones(len(u), dtype=np.int8), (u, v)), shape=(n, n))
    count, labels = connected_components(matrix, directed=False)
    return int(count), labels.astype(np.int64)


def walls_of(*geometries: shapely.Geometry) -> FloatArray:
    """The straight segments, (m, 2, 2), of the boundaries and lines among ``geometries``."""
    segments = [np.zeros((0, 2, 2))]
    for geometry in geometries:
        if geometry is None or geometry.is_empty:
            continue
        polygonal = geometry.geom_type in ("Polygon", "MultiPolygon")
        for part in shapely.get_parts(geometry.boundary if polygonal else geometry):
            coords = np.asarray(shapely.get_coordinates(part))
            if len(coords) >= 2:
                segments.append(np.stack([coords[:-1], coords[1:]], axis=1))
    return np.concatenate(segments)


def build_graph(
    xy: FloatArray,
    walls: FloatArray,
    soft_walls: FloatArray | None = None,
    *,
    weights: FloatArray | None = None,
    min_weight: float = 0.0,
    zones: IntArray | None = None,
) -> Graph:
    """The graph of households at ``xy`` (metres), without edges that cross a wall segment.

    Edges across ``soft_walls`` (the village boundary) are cut too, except those of a group of
    households that the cut would leave lighter than ``min_weight`` (by ``weights``): a lone
    farmhouse in a fold of the boundary, or a household placed just outside it, stays joined
    to its neighbours rather than becoming a grid of its own. Such an edge is kept only between
    households of the same ``zone`` (the village's faces between barriers; -1 outside them), so
    it never joins two sides of a river round the outside of the village.
    """
    xy = spread_colocated(np.asarray(xy, dtype=np.float64))
    u, v = _triangulation_edges(xy)
    hard = _crossing(xy, u, v, walls)
    soft = _crossing(xy, u, v, soft_walls) & ~hard
    keep = ~hard & ~soft
    if soft.any() and min_weight > 0:
        count, component = connected_components_of(len(xy), u[keep], v[keep])
        mass = np.bincount(component, weights=weights, minlength=count)
        light = mass < min_weight
        rescue = soft & (light[component[u]] | light[component[v]])
        if zones is not None:
            rescue &= (zones[u] == zones[v]) | (zones[u] < 0) | (zones[v] < 0)
        keep |= rescue
    return from_edges(xy, u[keep], v[keep])


def _crossing(xy: FloatArray, u: IntArray, v: IntArray, walls: FloatArray | None) -> BoolArray:
    """Which edges (u, v) cross one of the wall segments."""
    crossing = np.zeros(len(u), dtype=bool)
    if walls is None or not len(walls) or not len(u):
        return crossing
    lines = shapely.linestrings(np.stack([xy[u], xy[v]], axis=1))
    hit, _ = shapely.STRtree(shapely.linestrings(walls)).query(lines, predicate="intersects")
    crossing[hit] = True
    return crossing


def spread_colocated(xy: FloatArray) -> FloatArray:
    """``xy`` with households that share a place spread on a small spiral around it."""
    n = len(xy)
    if n < 2:
        return xy
    cells = np.round(xy / _SAME_PLACE).astype(np.int64)
    cells -= cells.min(axis=0)
    key = cells[:, 0] * (int(cells[:, 1].max()) + 1) + cells[:, 1]
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    if counts.max() == 1:
        return xy
    order = np.argsort(inverse, kind="stable")
    starts = np.cumsum(counts) - counts
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - starts[inverse[order]]
    shared = counts[inverse] > 1
    radius = _SPREAD * np.sqrt(rank + 0.5)
    angle = rank * _GOLDEN_ANGLE
    spread = xy.copy()
    spread[shared, 0] += (radius * np.cos(angle))[shared]
    spread[shared, 1] += (radius * np.sin(angle))[shared]
    return spread


def _triangulation_edges(xy: FloatArray) -> tuple[IntArray, IntArray]:
    n = len(xy)
    empty = np.zeros(0, dtype=np.int64)
    if n < 2:
        return empty, empty
    if n == 2:
        return np.array([0]), np.array([1])
    try:
        tri = Delaunay(xy)
    except QhullError:  # All on one line: neighbours along it.
        return _chain(xy)
    simplices = tri.simplices.astype(np.int64)
    pairs = [simplices[:, [0, 1]], simplices[:, [1, 2]], simplices[:, [0, 2]]]
    if len(tri.coplanar):  # Points Qhull left out (too close to others): join the nearest vertex.
        pairs.append(tri.coplanar[:, [0, 2]].astype(np.int64))
    edges = np.concatenate(pairs)
    edges.sort(axis=1)
    keys = np.unique(edges[:, 0] * n + edges[:, 1])
    return keys // n, keys % n


def _chain(xy: FloatArray) -> tuple[IntArray, IntArray]:
    centred = xy - xy.mean(axis=0)
    axis = np.linalg.svd(centred, full_matrices=False)[2][0]
    order = np.argsort(centred @ axis, kind="stable").astype(np.int64)
    return np.minimum(order[:-1], order[1:]), np.maximum(order[:-1], order[1:])


def from_edges(xy: FloatArray, u: IntArray, v: IntArray) -> Graph:
    """The graph of households at ``xy`` with the undirected edges (u, v), each given once."""
    n = len(xy)
    row = np.concatenate([u, v]).astype(np.int64)
    col = np.concatenate([v, u]).astype(np.int64)
    angle = np.arctan2(xy[col, 1] - xy[row, 1], xy[col, 0] - xy[row, 0])
    order = np.lexsort((angle, row))
    row, col = row[order], col[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=n), out=indptr[1:])
    position = np.arange(len(row), dtype=np.int64)
    first = indptr[row]
    prev = np.where(position == first, indptr[row + 1] - 1, position - 1)
    keys = np.sort(u.astype(np.int64) * n + v)
    a, b = col[prev], col
    pair = np.minimum(a, b) * n + np.maximum(a, b)
    linked = np.zeros(len(row), dtype=bool)
    if len(keys):
        found = np.minimum(np.searchsorted(keys, pair), len(keys) - 1)
        linked = (prev != position) & (keys[found] == pair)
    return Graph(xy=xy, indptr=indptr, indices=col, row=row, prev=prev, linked=linked)
