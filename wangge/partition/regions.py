"""The mutable state of a partition while ``balance`` moves households between grids.

``Regions`` keeps, for every grid, its size, its members, its centroid's running sums and how
many edges it shares with each neighbouring grid, so that a move costs O(degree). Moves can be
recorded (``journal``) and taken back (``undo``), which lets ``balance.repair`` try a move,
see whether it leads anywhere, and withdraw it if not.

Contiguity is kept by two tests: ``removable``, O(degree) and sufficient (see graph.py), and
``stays_connected_without``, exact (a search of the grid).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import numpy.typing as npt

from wangge.partition.graph import Graph

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

__all__ = ["Regions"]


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
        # Edge counts between neighbouring regions (for the repair's chains), kept up to date by
        # every move while ``tracking``; ``refine`` needs none and rebuilds them once at its end.
        self.adj: list[dict[int, int]] = []
        self.tracking = True
        self.rebuild_adjacency()
        # Moves since ``mark``, as (household, region it left), while a trial is open.
        self.journal: list[tuple[int, int]] | None = None

    def labels(self) -> IntArray:
        return np.array(self.lab, dtype=np.int64)

    def rebuild_adjacency(self) -> None:
        k, graph, labels = self.k, self.graph, self.labels()
        self.adj = [{} for _ in range(k)]
        a, b = labels[graph.row], labels[graph.indices]
        differ = a != b
        pairs, counts = np.unique(a[differ] * k + b[differ], return_counts=True)
        for pair, count in zip(pairs.tolist(), counts.tolist(), strict=True):
            self.adj[pair // k][pair % k] = count

    def violation(self, r: int) -> float:
        """How far region ``r`` is outside its bounds (0 when within)."""
        return max(0.0, self.size[r] - self.upper[r], self.lower[r] - self.size[r])

    def total_violation(self) -> float:
        return sum(self.violation(r) for r in range(self.k))

    def violated(self) -> list[int]:
        """Regions outside their bounds, the furthest first."""
        return sorted(
            (r for r in range(self.k) if self.violation(r) > 0),
            key=lambda r: (-self.violation(r), r),
        )

    def mark(self) -> int:
        """Start (or continue) recording moves; ``undo`` with the mark takes them back."""
        if self.journal is None:
            self.journal = []
        return len(self.journal)

    def undo(self, mark: int) -> None:
        """Take back the moves made since ``mark``, latest first (each leaves both grids as
        they were before it, so contiguity holds at every step back)."""
        assert self.journal is not None
        while len(self.journal) > mark:
            u, src = self.journal.pop()
            self._relabel(u, src)

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
        if self.journal is not None:
            self.journal.append((u, self.lab[u]))
        self._relabel(u, dst)

    def _relabel(self, u: int, dst: int) -> None:
        src = self.lab[u]
        lab = self.lab
        if self.tracking:
            ind, adj = self.ind, self.adj
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

    def best_move(
        self, src: int, dst: int, fits: tuple[float, float] = (0.0, math.inf)
    ) -> int | None:
        """The household of ``src`` bordering ``dst`` whose move costs least, if any may move;
        households that keep the grid they had (``sticky``) only when no other can, and among
        the others those whose weight is within ``fits`` first (in persons, a household of 5
        does not bring a grid short of 2 within bounds if its neighbour has 3 to spare).

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
        low, high = fits
        w = self.w
        candidates = sorted(
            (sticky[u], not low - 1e-9 <= w[u] <= high + 1e-9, self.gain(u, dst), u)
            for u in bordering
        )
        for *_, u in candidates:
            if self.removable(u):
                return u
        for *_, u in candidates:
            if self.stays_connected_without(u):
                return u
        return None

    def branches(self, u: int) -> list[list[int]]:
        """What ``u`` can take along when it leaves its region, one option per way to do it.

        Without ``u`` its region falls into pieces; any one of them may stay, and the others go
        with ``u`` (each touches ``u``, so ``u`` and they stay one piece wherever ``u`` goes).
        A region of ``u`` alone has no option: it would be left empty.
        """
        own = self.lab[u]
        if self.removable(u):  # One piece: u goes alone, no search needed.
            return [[u]]
        lab, ind, ptr = self.lab, self.ind, self.ptr
        seen = {u}
        pieces: list[list[int]] = []
        for j in range(ptr[u], ptr[u + 1]):
            start = ind[j]
            if start in seen or lab[start] != own:
                continue
            seen.add(start)
            piece, stack = [start], [start]
            while stack:
                node = stack.pop()
                for i in range(ptr[node], ptr[node + 1]):
                    other = ind[i]
                    if other not in seen and lab[other] == own:
                        seen.add(other)
                        piece.append(other)
                        stack.append(other)
            pieces.append(piece)
        return [
            [u, *itertools.chain.from_iterable(p for j, p in enumerate(pieces) if j != stay)]
            for stay in range(len(pieces))
        ]

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
