"""Grids the repair left out of bounds, cut again by exhaustive search (``exact.search``).

Two scopes, tried in turn:

* **the whole component**, when it is small (``_EXACT_HOUSEHOLDS``): the search either finds a
  cut into connected grids within bounds or proves there is none, which the report then says
  (``no_contiguous_fit``);
* **a neighbourhood**, in larger components: the grid out of bounds together with the
  neighbouring grids it shares most edges with, added one at a time while the group stays small
  (``_LOCAL_HOUSEHOLDS``). Everything outside the group stays as it is, so any cut the search
  finds for the group keeps the whole partition within bounds. This is what helps where
  households are heavy compared with the bounds (the persons measure at a few households per
  grid: a grid of 6 + 5 persons at bounds 8-10 needs its neighbours to swap households of the
  right sizes, which moves of one household at a time rarely find). Failing here proves
  nothing, so such a grid is still reported ``out_of_bounds``.

Parts found take the labels of the grids they share most households with (so a redraw keeps
codes); extra parts get new labels, and a label left without households is dropped by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from wangge.partition import exact
from wangge.partition.balance import refine
from wangge.partition.graph import Graph
from wangge.partition.regions import Regions

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

__all__ = ["Recut", "recut_stuck"]

# Components of at most this many households are searched whole.
_EXACT_HOUSEHOLDS = 150
# A neighbourhood searched around a grid out of bounds holds at most this many households, and
# each of its searches gets this budget (exact.BUDGET is for whole components): many small
# searches, each a few milliseconds at most.
_LOCAL_HOUSEHOLDS = 40
_LOCAL_BUDGET = 4_000
# Passes over the grids still out of bounds (a cut changes the neighbourhoods of the others).
_LOCAL_ROUNDS = 2


@dataclass
class Recut:
    arrays: tuple[IntArray, IntArray, IntArray, FloatArray, FloatArray]
    impossible: set[int]  # components no cut into connected grids within bounds can serve


@dataclass
class _Labels:
    """Labels being re-cut, with the per-label lists that grow when a cut needs more grids."""

    labels: IntArray
    origin: list[int]
    comp_of: list[int]
    lower: list[float]
    upper: list[float]

    def place(self, idx: IntArray, parts: list[list[int]], mine: list[int]) -> None:
        """Give the households ``idx[part]`` of each part one label, taken from ``mine`` (the
        labels the households had) by most households shared, else a new one."""
        before = self.labels[idx]
        free = set(mine)
        first = mine[0]
        for part in sorted(parts, key=lambda p: (-len(p), p)):
            if free:  # The label it shares most households with (the lowest among equals).
                shared = np.bincount(before[part], minlength=len(self.comp_of))
                choice = max(sorted(free), key=lambda r: shared[r])
                free.discard(choice)
            else:
                choice = len(self.comp_of)
                self.origin.append(-1)
                self.comp_of.append(self.comp_of[first])
                self.lower.append(self.lower[first])
                self.upper.append(self.upper[first])
            self.labels[idx[part]] = choice


def recut_stuck(
    graph: Graph,
    pos: FloatArray,
    weights: FloatArray,
    labels: IntArray,
    members: list[IntArray],
    plans: list[tuple[int, bool]],
    origin: IntArray,
    comp_of: IntArray,
    label_lower: FloatArray,
    label_upper: FloatArray,
) -> Recut:
    """Components (of a weight the bounds allow) that the repair left with a grid out of
    bounds: searched whole where small, else around each such grid; what changed is refined.

    Proven impossible (whole components only): the labels stay as they are and the component is
    returned, to be reported with its reason.
    """
    arrays = (labels, origin, comp_of, label_lower, label_upper)
    out = _out_of_bounds(labels, weights, label_lower, label_upper)
    stuck = sorted({int(c) for c in comp_of[out].tolist() if c >= 0 and plans[c][1]})
    if not stuck:
        return Recut(arrays, set())
    state = _Labels(
        labels.copy(), origin.tolist(), comp_of.tolist(), label_lower.tolist(), label_upper.tolist()
    )
    impossible: set[int] = set()
    recut = np.zeros(graph.n, dtype=bool)
    local: list[int] = []
    for c in stuck:
        idx = members[c]
        if len(idx) > _EXACT_HOUSEHOLDS:
            local.append(c)
            continue
        mine = np.flatnonzero(comp_of == c).tolist()
        found = _search(graph, weights, idx, state.lower[mine[0]], state.upper[mine[0]])
        if found.outcome == "none":
            impossible.add(c)
        elif found.outcome == "found":
            state.place(idx, found.parts, mine)
            recut[idx] = True
        else:
            local.append(c)
    if local:
        _recut_neighbourhoods(graph, weights, state, set(local), recut)
    if not recut.any():
        return Recut(arrays, impossible)
    label_lower, label_upper = np.array(state.lower), np.array(state.upper)
    regions = Regions(graph, pos, weights, state.labels, label_lower, label_upper)
    refine(regions, recut)
    new_arrays = (
        regions.labels(),
        np.array(state.origin, dtype=np.int64),
        np.array(state.comp_of, dtype=np.int64),
        label_lower,
        label_upper,
    )
    return Recut(new_arrays, impossible)


def _recut_neighbourhoods(
    graph: Graph,
    weights: FloatArray,
    state: _Labels,
    components: set[int],
    recut: npt.NDArray[np.bool_],
) -> None:
    """Each grid out of bounds in ``components``, searched with a growing group of its
    neighbours until a cut is found or the group would be too large."""
    for _ in range(_LOCAL_ROUNDS):
        if not _recut_round(graph, weights, state, components, recut):
            return


def _recut_round(
    graph: Graph,
    weights: FloatArray,
    state: _Labels,
    components: set[int],
    recut: npt.NDArray[np.bool_],
) -> bool:
    """One pass over the grids out of bounds; True if any was cut again."""
    changed = False
    lower, upper = np.array(state.lower), np.array(state.upper)
    out = _out_of_bounds(state.labels, weights, lower, upper)
    for bad in np.flatnonzero(out).tolist():
        if state.comp_of[bad] not in components:
            continue
        group = [bad]
        nodes = np.flatnonzero(state.labels == bad)
        if len(nodes) == 0 or _within(weights[nodes].sum(), state, bad):
            continue  # emptied or mended by an earlier neighbourhood's cut
        while len(nodes) <= _LOCAL_HOUSEHOLDS:
            found = _search(
                graph, weights, nodes, state.lower[bad], state.upper[bad], _LOCAL_BUDGET
            )
            if found.outcome == "found":
                state.place(nodes, found.parts, group)
                recut[nodes] = True
                changed = True
                break
            neighbour = _closest_neighbour(graph, state.labels, nodes, group)
            if neighbour < 0:
                break
            group.append(neighbour)
            nodes = np.flatnonzero(np.isin(state.labels, group))
    return changed


def _closest_neighbour(graph: Graph, labels: IntArray, nodes: IntArray, group: list[int]) -> int:
    """The grid outside ``group`` sharing most edges with ``nodes`` (-1: none)."""
    edges = np.concatenate(
        [graph.indices[graph.indptr[u] : graph.indptr[u + 1]] for u in nodes.tolist()]
    )
    across = labels[edges]
    across = across[~np.isin(across, group)]
    if len(across) == 0:
        return -1
    return int(np.argmax(np.bincount(across)))


def _search(
    graph: Graph,
    weights: FloatArray,
    idx: IntArray,
    lower: float,
    upper: float,
    budget: int = exact.BUDGET,
) -> exact.Search:
    """``exact.search`` on the households ``idx`` and the edges among them."""
    local = np.full(graph.n, -1, dtype=np.int64)
    local[idx] = np.arange(len(idx))
    adjacency = [
        [v for v in local[graph.indices[graph.indptr[g] : graph.indptr[g + 1]]].tolist() if v >= 0]
        for g in idx.tolist()
    ]
    return exact.search(adjacency, weights[idx].tolist(), lower, upper, budget)


def _within(size: float, state: _Labels, label: int) -> bool:
    return state.lower[label] - 1e-9 <= size <= state.upper[label] + 1e-9


def _out_of_bounds(
    labels: IntArray, weights: FloatArray, lower: FloatArray, upper: FloatArray
) -> npt.NDArray[np.bool_]:
    sizes = np.bincount(labels, weights=weights, minlength=len(lower))
    return (sizes > 0) & ((sizes < lower - 1e-9) | (sizes > upper + 1e-9))
