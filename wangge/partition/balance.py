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
import math

import numpy as np
import numpy.typing as npt

from wangge.partition.regions import Regions

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

__all__ = ["refine", "repair"]

_REFINE_PASSES = 8
# Stop refining when a pass moves fewer than this share of households.
_REFINE_SETTLED = 0.002
# Moves must lower the sum of squared distances by more than this (square metres).
_MIN_GAIN = 1e-6
# Moves of a household with what hangs on it tried per grid out of bounds, when chains fail.
_BRANCH_TRIALS = 32


def repair(regions: Regions, max_moves: int, *, carry: bool = True) -> None:
    """Move households along chains of neighbouring grids until all sizes are within bounds.

    Where no chain can carry a single household, a household goes with the households that
    hang on it in its grid (``_carry_branch``; not if ``carry`` is false: that search costs,
    and is worth it for the real bounds, not for the headroom a fresh draft aims at). Gives up
    on a region when neither works (the region is then reported out of bounds), and after
    ``max_moves`` moves in all.
    """
    moves = _repair_chains(regions, max_moves)
    while carry and moves < max_moves and regions.violated():
        carried = _carry_branch(regions, max_moves - moves)
        if not carried:
            return
        moves += carried + _repair_chains(regions, max_moves - moves - carried)


def _repair_chains(regions: Regions, max_moves: int, only: tuple[int, ...] | None = None) -> int:
    """``repair`` one household at a time along chains (for the regions ``only``, if given);
    returns the number of moves."""
    blocked: set[tuple[int, int]] = set()
    moves = 0
    while moves < max_moves:
        progress = False
        for r in regions.violated() if only is None else only:
            if regions.violation(r) <= 0:
                continue
            over = regions.size[r] > regions.upper[r]
            path = _chain(regions, r, over, blocked)
            if path is None:
                continue
            # Over: r -> p1 -> ... -> end. Under: end -> ... -> p1 -> r; both walked from r.
            hops = list(itertools.pairwise(path))
            for i, (here, there) in enumerate(hops):
                src, dst = (here, there) if over else (there, here)
                u = regions.best_move(
                    src, dst, _fits(regions, path, over, i == 0, i == len(hops) - 1)
                )
                if u is None:  # Try another chain next round.
                    blocked.add((src, dst))
                    progress = True
                    break
                regions.move(u, dst)
                moves += 1
                progress = True
        if not progress:
            break
    return moves


def _fits(
    regions: Regions, path: list[int], over: bool, first: bool, last: bool
) -> tuple[float, float]:
    """The weights a hop of ``path`` should move: the first hop brings the grid out of bounds
    within them, the last leaves the grid at the end within them (all weights fit where
    households count one each and the first hop is off by one)."""
    size, lower, upper = regions.size, regions.lower, regions.upper
    low, high = 0.0, math.inf
    if first:
        r = path[0]
        if over:
            low, high = size[r] - upper[r], size[r] - lower[r]
        else:
            low, high = lower[r] - size[r], upper[r] - size[r]
    if last:
        end = path[-1]
        high = min(high, upper[end] - size[end] if over else size[end] - lower[end])
    return low, high


def _carry_branch(regions: Regions, max_moves: int) -> int:
    """When no chain can carry a single household: move a household between a grid out of
    bounds and a neighbour together with what hangs on it in its own grid
    (``Regions.branches``). Returns how many households moved (0: nothing helped).

    A grid that borders its neighbour only through a household its own grid cannot spare -- a
    row of houses along a river bank, the last of which holds the others to their grid --
    cannot give or take one household at a time, but can take that household with the houses
    behind it. Such a move can leave the neighbour outside its bounds instead; it is kept only
    if the grids are nearer their bounds in all once the chains have carried what they can
    from there, and taken back otherwise.
    """
    size, lower, upper, w = regions.size, regions.lower, regions.upper, regions.w

    def miss(r: int, weight: float) -> float:
        return max(0.0, weight - upper[r], lower[r] - weight)

    before = regions.total_violation()
    try:
        for r in regions.violated():
            over = size[r] > upper[r]
            options: list[tuple[float, float, float, int, int, int, list[int]]] = []
            for s in sorted(regions.adj[r]):
                src, dst = (r, s) if over else (s, r)
                here = regions.violation(src) + regions.violation(dst)
                for u in sorted(regions.members[src]):
                    if not regions.touches(u, dst):
                        continue
                    for carried in regions.branches(u):
                        weight = sum(w[v] for v in carried)
                        there = miss(src, size[src] - weight) + miss(dst, size[dst] + weight)
                        if there <= here + _MIN_GAIN:
                            gain = regions.gain(u, dst)
                            options.append((there - here, weight, gain, u, src, dst, carried))
            options.sort(key=lambda o: o[:6])
            for *_, src, dst, carried in options[:_BRANCH_TRIALS]:
                mark = regions.mark()
                for v in carried:
                    regions.move(v, dst)
                if regions.total_violation() >= before - _MIN_GAIN:
                    # Only the two grids changed: can chains settle them from here?
                    _repair_chains(regions, max_moves - len(carried), only=(src, dst))
                if regions.total_violation() < before - _MIN_GAIN:
                    assert regions.journal is not None
                    return len(regions.journal) - mark
                regions.undo(mark)
        return 0
    finally:
        regions.journal = None


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
    regions.tracking = False
    try:
        _refine(regions, movable)
    finally:
        regions.tracking = True
        regions.rebuild_adjacency()


def _refine(regions: Regions, movable: BoolArray) -> None:
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
