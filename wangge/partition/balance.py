"""Bringing every grid within its bounds, then making grids rounder, one household at a time.

Both steps only ever move a household from grid A to a neighbouring grid B when

* it has a neighbour in B (so B stays contiguous), and
* its neighbours in A form one chain around it (so A stays contiguous; ``Graph.removable``).

``repair`` fixes sizes: a grid above its upper bound pushes one household to a neighbour, which
passes one on, along the shortest chain of neighbouring grids that ends in a grid with room
(a grid below its lower bound pulls along a chain from a grid with households to spare). Each
hop moves the household that costs least compactness. ``refine`` then makes grids rounder:
Hartigan's exact k-means moves (a household goes where the sum of squared distances to grid
centroids falls most), only those that keep both grids within bounds.
"""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt

from wangge.partition.graph import Graph

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

__all__ = ["Regions", "refine", "repair"]

_REFINE_PASSES = 8
# Stop refining when a pass moves fewer than this share of households.
_REFINE_SETTLED = 0.002
# Moves must lower the sum of squared distances by more than this (square metres).
_MIN_GAIN = 1e-6


class Regions:
    """The mutable state of a partition: labels, sizes, centroids and who borders whom."""

    def __init__(
        self,
        graph: Graph,
        pos: FloatArray,
        weights: FloatArray,
        labels: IntArray,
        lower: FloatArray,
        upper: FloatArray,
        sticky: BoolArray | None = None,
    ) -> None:
        k = len(lower)
        self.sticky: list[bool] = sticky.tolist() if sticky is not None else [False] * len(labels)
        self.graph = graph
        self.k = k
        self.lab: list[int] = labels.tolist()
        self.w: list[float] = weights.tolist()
        self.x: list[float] = pos[:, 0].tolist()
        self.y: list[float] = pos[:, 1].tolist()
        # A chain must end in a region with room for a typical household.
        self.unit = float(np.median(weights)) if len(weights) else 1.0
        self.lower: list[float] = lower.tolist()
        self.upper: list[float] = upper.tolist()
        self.size: list[float] = np.bincount(labels, weights=weights, minlength=k).tolist()
        self.count: list[int] = np.bincount(labels, minlength=k).tolist()
        self.sx: list[float] = np.bincount(labels, weights=pos[:, 0], minlength=k).tolist()
        self.sy: list[float] = np.bincount(labels, weights=pos[:, 1], minlength=k).tolist()
        self.members: list[set[int]] = [set() for _ in range(k)]
        for node, label in enumerate(self.lab):
            self.members[label].add(node)
        self.ptr, self.ind, self.prev, self.linked = graph.as_lists()
        # Edge counts between neighbouring regions.
        self.adj: list[dict[int, int]] = [{} for _ in range(k)]
        a, b = labels[graph.row], labels[graph.indices]
        differ = a != b
        pairs, counts = np.unique(a[differ] * k + b[differ], return_counts=True)
        for pair, count in zip(pairs.tolist(), counts.tolist(), strict=True):
            self.adj[pair // k][pair % k] = count

    def labels(self) -> IntArray:
        return np.array(self.lab, dtype=np.int64)

    def violation(self, r: int) -> float:
        """How far region ``r`` is outside its bounds (0 when within)."""
        return max(0.0, self.size[r] - self.upper[r], self.lower[r] - self.size[r])

    def removable(self, u: int) -> bool:
        """Can ``u`` leave its region without disconnecting it? (O(degree); see graph.py.)"""
        lab, ind, linked = self.lab, self.ind, self.linked
        own = lab[u]
        start, end = self.ptr[u], self.ptr[u + 1]
        if start == end:
            return False
        runs = members = 0
        before = lab[ind[end - 1]] == own
        for j in range(start, end):
            here = lab[ind[j]] == own
            if here:
                members += 1
                if not (before and linked[j]):
                    runs += 1
            before = here
        return runs == 1 or (runs == 0 and members > 0)

    def touches(self, u: int, region: int) -> bool:
        lab, ind = self.lab, self.ind
        return any(lab[ind[j]] == region for j in range(self.ptr[u], self.ptr[u + 1]))

    def gain(self, u: int, dst: int) -> float:
        """Change of the sum of squared distances to centroids if ``u`` moved to ``dst``."""
        src = self.lab[u]
        n_src, n_dst = self.count[src], self.count[dst]
        if n_src <= 1:
            return float("inf")
        x, y = self.x[u], self.y[u]
        dxs = x - self.sx[src] / n_src
        dys = y - self.sy[src] / n_src
        if n_dst:
            dxd = x - self.sx[dst] / n_dst
            dyd = y - self.sy[dst] / n_dst
            added = n_dst / (n_dst + 1) * (dxd * dxd + dyd * dyd)
        else:
            added = 0.0
        return added - n_src / (n_src - 1) * (dxs * dxs + dys * dys)

    def move(self, u: int, dst: int) -> None:
        src = self.lab[u]
        lab, ind, adj = self.lab, self.ind, self.adj
        for j in range(self.ptr[u], self.ptr[u + 1]):
            other = lab[ind[j]]
            if other != src:
                _bump(adj, src, other, -1)
            if other != dst:
                _bump(adj, dst, other, 1)
        lab[u] = dst
        w = self.w[u]
        self.size[src] -= w
        self.size[dst] += w
        self.count[src] -= 1
        self.count[dst] += 1
        self.sx[src] -= self.x[u]
        self.sy[src] -= self.y[u]
        self.sx[dst] += self.x[u]
        self.sy[dst] += self.y[u]
        self.members[src].discard(u)
        self.members[dst].add(u)

    def best_move(self, src: int, dst: int) -> int | None:
        """The household of ``src`` bordering ``dst`` whose move costs least, if any may move;
        households that keep the grid they had (``sticky``) only when no other can.

        The O(degree) test first; when it rejects every candidate, a search of the region
        finds those that are not cut vertices after all.
        """
        sticky, lab, ind, ptr = self.sticky, self.lab, self.ind, self.ptr
        bordering = []
        for u in self.members[src]:
            for j in range(ptr[u], ptr[u + 1]):
                if lab[ind[j]] == dst:
                    bordering.append(u)
                    break
        candidates = sorted((sticky[u], self.gain(u, dst), u) for u in bordering)
        for *_, u in candidates:
            if self.removable(u):
                return u
        for *_, u in candidates:
            if self.stays_connected_without(u):
                return u
        return None

    def stays_connected_without(self, u: int) -> bool:
        """Exact test: is ``u``'s region still connected (and not empty) without ``u``?"""
        own = self.lab[u]
        rest = len(self.members[own]) - 1
        if rest == 0:
            return False
        lab, ind, ptr = self.lab, self.ind, self.ptr
        start = next((ind[j] for j in range(ptr[u], ptr[u + 1]) if lab[ind[j]] == own), None)
        if start is None:
            return False
        seen = {u, start}
        stack = [start]
        while stack:
            node = stack.pop()
            for j in range(ptr[node], ptr[node + 1]):
                other = ind[j]
                if other not in seen and lab[other] == own:
                    seen.add(other)
                    stack.append(other)
        return len(seen) - 1 == rest


def _bump(adj: list[dict[int, int]], a: int, b: int, delta: int) -> None:
    for p, q in ((a, b), (b, a)):
        value = adj[p].get(q, 0) + delta
        if value:
            adj[p][q] = value
        else:
            del adj[p][q]


def repair(regions: Regions, max_moves: int) -> None:
    """Move households along chains of neighbouring grids until all sizes are within bounds.

    Gives up on a region when no chain can carry a household (the region is then reported
    out of bounds), and after ``max_moves`` moves in all.
    """
    blocked: set[tuple[int, int]] = set()
    moves = 0
    while moves < max_moves:
        worst = sorted(
            (r for r in range(regions.k) if regions.violation(r) > 0),
            key=lambda r: (-regions.violation(r), r),
        )
        progress = False
        for r in worst:
            if regions.violation(r) <= 0:
                continue
            over = regions.size[r] > regions.upper[r]
            path = _chain(regions, r, over, blocked)
            if path is None:
                continue
            # Over: r -> p1 -> ... -> end. Under: end -> ... -> p1 -> r; both walked from r.
            for here, there in itertools.pairwise(path):
                src, dst = (here, there) if over else (there, here)
                u = regions.best_move(src, dst)
                if u is None:  # Try another chain next round.
                    blocked.add((src, dst))
                    progress = True
                    break
                regions.move(u, dst)
                moves += 1
                progress = True
        if not progress:
            return


def _chain(
    regions: Regions, start: int, over: bool, blocked: set[tuple[int, int]]
) -> list[int] | None:
    """Shortest chain of bordering regions from ``start`` to one that can take (over) or give
    (under) a household; among the nearest, the one with most room or surplus."""
    seen = {start: -1}
    level = [start]
    while level:
        found: list[tuple[float, int]] = []
        following: list[int] = []
        for r in level:
            for s in sorted(regions.adj[r]):
                if s in seen or ((r, s) if over else (s, r)) in blocked:
                    continue
                seen[s] = r
                following.append(s)
                if over:
                    room = regions.upper[s] - regions.size[s]
                else:
                    room = regions.size[s] - regions.lower[s]
                if room >= regions.unit:
                    found.append((room, s))
        if found:
            end = max(found)[1]
            path = [end]
            while seen[path[-1]] != -1:
                path.append(seen[path[-1]])
            return path[::-1]
        level = following
    return None


def refine(regions: Regions, movable: BoolArray) -> None:
    """Hartigan moves of ``movable`` households that keep every size within bounds, then swaps
    of two households between neighbouring grids (sizes unchanged) where both gain."""
    graph = regions.graph
    n, k = graph.n, regions.k
    for _ in range(_REFINE_PASSES):
        labels = regions.labels()
        row, col = graph.row, graph.indices
        candidate = (labels[row] != labels[col]) & movable[row]
        candidate &= graph.removable(labels)[row]
        if not candidate.any():
            return
        pairs = np.unique(row[candidate] * k + labels[col[candidate]])
        who, dst = pairs // k, pairs % k
        gains = _gains(regions, labels, who, dst)
        changed = 0
        size, lower, upper, w = regions.size, regions.lower, regions.upper, regions.w
        good = gains < -_MIN_GAIN
        order = np.argsort(gains[good], kind="stable")
        for u, d in zip(who[good][order].tolist(), dst[good][order].tolist(), strict=True):
            src = regions.lab[u]
            if src == d or size[src] - w[u] < lower[src] or size[d] + w[u] > upper[d]:
                continue
            if regions.gain(u, d) >= -_MIN_GAIN:
                continue
            if not regions.touches(u, d) or not regions.removable(u):
                continue
            regions.move(u, d)
            changed += 1
        for u, v in _swap_pairs(labels, who, dst, gains, k):
            changed += _swap(regions, u, v)
        if changed < _REFINE_SETTLED * n:
            return


def _swap_pairs(
    labels: IntArray, who: IntArray, dst: IntArray, gains: FloatArray, k: int
) -> list[tuple[int, int]]:
    """For each pair of neighbouring grids, the best household to move each way, where the
    two moves together gain (most gain first)."""
    key = labels[who] * k + dst
    order = np.lexsort((gains, key))
    first = np.ones(len(order), dtype=bool)
    first[1:] = key[order[1:]] != key[order[:-1]]
    best = order[first]
    keys, best_gain = key[best], gains[best]
    back = (keys % k) * k + keys // k
    found = np.minimum(np.searchsorted(keys, back), len(keys) - 1)
    paired = (keys[found] == back) & (keys < back)
    total = best_gain[paired] + best_gain[found[paired]]
    worth = total < -_MIN_GAIN
    u = who[best[paired][worth]]
    v = who[best[found[paired]][worth]]
    by_gain = np.argsort(total[worth], kind="stable")
    return list(zip(u[by_gain].tolist(), v[by_gain].tolist(), strict=True))


def _swap(regions: Regions, u: int, v: int) -> int:
    """Swap ``u`` (of grid A) and ``v`` (of a neighbouring grid B) if both grids stay
    contiguous and within bounds and the sum of squares falls. Returns 1 if swapped."""
    a, b = regions.lab[u], regions.lab[v]
    if a == b or not regions.touches(u, b) or not regions.removable(u):
        return 0
    w, size = regions.w, regions.size
    delta = w[v] - w[u]
    if not (
        regions.lower[a] <= size[a] + delta <= regions.upper[a]
        and regions.lower[b] <= size[b] - delta <= regions.upper[b]
    ):
        return 0
    gain_u = regions.gain(u, b)
    if gain_u + regions.gain(v, a) >= -_MIN_GAIN:
        return 0
    regions.move(u, b)
    if regions.touches(v, a) and regions.removable(v) and gain_u + regions.gain(v, a) < -_MIN_GAIN:
        regions.move(v, a)
        return 1
    regions.move(u, a)  # Undo: a without u was connected, and u borders it.
    return 0


def _gains(regions: Regions, labels: IntArray, who: IntArray, dst: IntArray) -> FloatArray:
    count = np.array(regions.count, dtype=np.float64)
    safe = np.maximum(count, 1.0)
    cx = np.array(regions.sx) / safe
    cy = np.array(regions.sy) / safe
    x = np.array(regions.x)[who]
    y = np.array(regions.y)[who]
    src = labels[who]
    n_src, n_dst = count[src], count[dst]
    added = n_dst / (n_dst + 1) * ((x - cx[dst]) ** 2 + (y - cy[dst]) ** 2)
    removed = n_src / np.maximum(n_src - 1, 1) * ((x - cx[src]) ** 2 + (y - cy[src]) ** 2)
    return np.where(n_src > 1, added - removed, np.inf)
