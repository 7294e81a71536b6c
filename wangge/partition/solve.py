"""The partitioning algorithm on one village's graph: how many grids, which household in which.

Every connected component of the graph (households that a barrier or the village boundary does
not cut off from each other) is cut on its own, because a grid may not straddle two components.
For a component of weight W (households, or persons) and bounds [lower, upper] the number of
grids is the k in [ceil(W / upper), floor(W / lower)] closest to W / target; when that range is
empty no partition can meet the bounds, and the component gets the k that misses them least
(one grid when W < lower), with a note that says why.

From scratch: ``grow.initial_labels`` drafts each component, ``keep_main_parts``/``regrow`` make
the drafts contiguous, ``balance.repair`` brings sizes within bounds and ``balance.refine``
makes grids rounder. From an existing assignment: households keep their grid; only the parts a
grid lost contact with, new households and grids that must be split or dissolved (because the
component's number of grids no longer fits the bounds) are redrawn, and only those households
are refined, so a redraw after small changes keeps almost everyone where they were.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from wangge.partition.balance import refine, repair
from wangge.partition.graph import Graph
from wangge.partition.grow import (
    initial_labels,
    keep_main_parts,
    mend_splits,
    regrow,
    split_part,
)
from wangge.partition.recut import recut_stuck
from wangge.partition.regions import Regions

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

__all__ = ["ComponentNote", "Solution", "choose_k", "k_range", "solve"]

# Repair gives up after this many moves per household (far more than any instance needs).
_MOVES_PER_HOUSEHOLD = 4
# Pieces of at most this many (average) households, cut off from their grid, rejoin a neighbour
# before larger pieces are considered.
_STRAY_WEIGHT = 3
# Share of the bounds' range kept free at each end when drawing from scratch.
_HEADROOM = 0.15


@dataclass(frozen=True)
class ComponentNote:
    """A connected group of households whose bounds cannot be met, and why."""

    # "too_small" (lighter than one grid's minimum), "no_k_fits" (no number of grids shares
    # its weight within bounds) or "no_contiguous_fit" (its shape allows no such grids).
    reason: str
    weight: float
    households: int
    grids: int
    first_label: int


@dataclass(frozen=True)
class Solution:
    labels: IntArray  # per household, 0..k-1
    k: int
    origin: IntArray  # per label: the existing label it continues, or -1 for a new grid
    component: IntArray  # per label: its component of the graph
    lower: FloatArray  # per label: the bounds the algorithm held it to
    upper: FloatArray
    notes: list[ComponentNote]


def k_range(weight: float, lower: float, upper: float) -> tuple[int, int]:
    """Fewest and most grids whose average size is within bounds (empty if fewest > most)."""
    return max(1, math.ceil(weight / upper - 1e-9)), math.floor(weight / lower + 1e-9)


def choose_k(weight: float, lower: float, upper: float, target: float) -> tuple[int, bool]:
    """Number of grids for a component of ``weight``, and whether the bounds can be met."""
    fewest, most = k_range(weight, lower, upper)
    if fewest <= most:
        return min(max(round(weight / target), fewest), most), True
    if most < 1:
        return 1, False
    too_heavy = (weight / most - upper) / upper
    too_light = (lower - weight / fewest) / lower
    return (most if too_heavy <= too_light else fewest), False


def solve(
    graph: Graph,
    pos: FloatArray,
    weights: FloatArray,
    *,
    lower: float,
    upper: float,
    target: float,
    existing: IntArray | None = None,
) -> Solution:
    """Grid labels for the households of ``graph`` (``pos`` in metres, ``weights`` > 0).

    ``existing`` gives each household's previous label (>= 0) or -1 for none.
    """
    n = graph.n
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Solution(empty, 0, empty, empty, np.zeros(0), np.zeros(0), [])
    count, component = graph.components()
    comp_weight = np.bincount(component, weights=weights, minlength=count).astype(np.float64)
    comp_size = np.bincount(component, minlength=count)
    plans = [choose_k(float(w), lower, upper, target) for w in comp_weight]
    members = np.split(np.argsort(component, kind="stable"), np.cumsum(comp_size)[:-1])

    if existing is None:
        # Drafts on the spread positions, so that a building can be split between grids.
        labels, origin, comp_of = _fresh(graph.xy, weights, members, plans)
    else:
        labels, origin, comp_of = _from_existing(
            graph, pos, weights, existing, component, members, plans, (lower, upper)
        )
    k = len(comp_of)
    lo, hi = _effective_bounds(comp_weight, plans, lower, upper)
    alive = comp_of >= 0
    label_lower = np.where(alive, lo[comp_of], 0.0)
    label_upper = np.where(alive, hi[comp_of], np.inf)
    labels = _settle(graph, pos, weights, labels, comp_of, label_upper)

    if existing is None:
        movable = np.ones(n, dtype=bool)
        integral = bool((weights == np.floor(weights)).all())
        aim_lower, aim_upper = _with_headroom(
            comp_weight, plans, lower, upper, comp_of, alive, integral
        )
    else:
        movable = labels != _mapped(existing, origin)
        aim_lower, aim_upper = label_lower, label_upper
    regions = Regions(graph, pos, weights, labels, aim_lower, aim_upper, sticky=~movable)
    repair(regions, _MOVES_PER_HOUSEHOLD * n, carry=False)
    refine(regions, movable)
    regions.lower, regions.upper = label_lower.tolist(), label_upper.tolist()
    repair(regions, _MOVES_PER_HOUSEHOLD * n)
    labels = regions.labels()
    # Grids the repair left out of bounds: search them exhaustively (recut.py).
    cut = recut_stuck(
        graph, pos, weights, labels, members, plans, origin, comp_of, label_lower, label_upper
    )
    labels, origin, comp_of, label_lower, label_upper = cut.arrays
    k = len(comp_of)

    # Drop labels that ended empty (dissolved grids); keep the others in order.
    used = np.bincount(labels, minlength=k) > 0
    new_index = np.cumsum(used) - 1
    first_label = {}
    for label in range(k - 1, -1, -1):
        if used[label]:
            first_label[int(comp_of[label])] = int(new_index[label])
    notes = [
        ComponentNote(
            reason="too_small" if comp_weight[c] < lower else "no_k_fits",
            weight=float(comp_weight[c]),
            households=int(comp_size[c]),
            grids=plans[c][0],
            first_label=first_label.get(c, -1),
        )
        for c in range(count)
        if not plans[c][1]
    ]
    notes += [
        ComponentNote(
            reason="no_contiguous_fit",
            weight=float(comp_weight[c]),
            households=int(comp_size[c]),
            grids=int(used[comp_of == c].sum()),
            first_label=first_label.get(c, -1),
        )
        for c in sorted(cut.impossible)
    ]
    return Solution(
        labels=new_index[labels].astype(np.int64),
        k=int(used.sum()),
        origin=origin[used],
        component=comp_of[used],
        lower=label_lower[used],
        upper=label_upper[used],
        notes=notes,
    )


def _with_headroom(
    comp_weight: FloatArray,
    plans: list[tuple[int, bool]],
    lower: float,
    upper: float,
    comp_of: IntArray,
    alive: BoolArray,
    integral: bool,
) -> tuple[FloatArray, FloatArray]:
    """Per label: the bounds a fresh partition aims at, ``_HEADROOM`` inside the real ones.

    Grids drawn right at their bounds would spill over at the first few new households and
    force a redraw to move many; a little room keeps redraws small. Components whose share per
    grid falls outside the narrowed bounds aim at the real ones.

    With whole weights (households, persons) the narrowed bounds are rounded inwards to whole
    numbers, and kept only if some size fits them: bounds of 3-4 narrowed to 3.15-3.85 would
    fit no grid at all, and refining within them could move nothing.
    """
    k = np.array([p[0] for p in plans], dtype=np.float64)
    feasible = np.array([p[1] for p in plans], dtype=bool)
    margin = _HEADROOM * (upper - lower)
    low, high = lower + margin, upper - margin
    if integral:
        low, high = math.ceil(low - 1e-9), math.floor(high + 1e-9)
    share = comp_weight / k
    narrow = feasible & (low <= high) & (share >= low) & (share <= high)
    lo, hi = _effective_bounds(comp_weight, plans, lower, upper)
    lo = np.where(narrow, low, lo)
    hi = np.where(narrow, high, hi)
    return np.where(alive, lo[comp_of], 0.0), np.where(alive, hi[comp_of], np.inf)


def _effective_bounds(
    comp_weight: FloatArray, plans: list[tuple[int, bool]], lower: float, upper: float
) -> tuple[FloatArray, FloatArray]:
    """Per component: the bounds, widened to what its k allows where they cannot be met."""
    k = np.array([p[0] for p in plans], dtype=np.float64)
    feasible = np.array([p[1] for p in plans], dtype=bool)
    share = comp_weight / k
    lo = np.where(feasible, lower, np.minimum(lower, np.floor(share)))
    hi = np.where(feasible, upper, np.maximum(upper, np.ceil(share)))
    return lo, hi


def _fresh(
    pos: FloatArray,
    weights: FloatArray,
    members: list[IntArray],
    plans: list[tuple[int, bool]],
) -> tuple[IntArray, IntArray, IntArray]:
    labels = np.zeros(len(pos), dtype=np.int64)
    comp_of: list[int] = []
    for c, idx in enumerate(members):
        k = plans[c][0]
        if k == 1:
            labels[idx] = len(comp_of)
        else:
            labels[idx] = len(comp_of) + initial_labels(pos[idx], weights[idx], k)
        comp_of.extend([c] * k)
    comp_array = np.array(comp_of, dtype=np.int64)
    return labels, np.full(len(comp_of), -1, dtype=np.int64), comp_array


def _from_existing(
    graph: Graph,
    pos: FloatArray,
    weights: FloatArray,
    existing: IntArray,
    component: IntArray,
    members: list[IntArray],
    plans: list[tuple[int, bool]],
    bounds: tuple[float, float],
) -> tuple[IntArray, IntArray, IntArray]:
    """Existing labels, cleaned: contiguous, one component each, as many per component as the
    bounds allow. Returns labels, origin and component per label (-1: a dissolved label)."""
    old_k = int(existing.max()) + 1 if len(existing) else 0
    # New households join a neighbouring grid first: left out, they would cut the edges between
    # their neighbours and split grids that are really still in one piece.
    # Then households cut off from their grid (most often one that moved house) rejoin a
    # neighbour, which mends the grids they had split, before larger pieces are let go.
    unbounded = np.full(old_k, np.inf)
    labels = regrow(graph, pos, existing.astype(np.int64), weights, unbounded)
    labels = keep_main_parts(graph, labels, weights, up_to=_STRAY_WEIGHT * float(weights.mean()))
    labels = regrow(graph, pos, labels, weights, unbounded)
    labels = mend_splits(graph, labels, weights)
    labels = keep_main_parts(graph, labels, weights)
    comp_of = np.full(old_k, -1, dtype=np.int64)
    held = labels >= 0
    comp_of[labels[held]] = component[held]
    origin = list(range(old_k))
    comp_list = comp_of.tolist()

    def new_label(c: int) -> int:
        origin.append(-1)
        comp_list.append(c)
        return len(comp_list) - 1

    weight_of = np.bincount(labels[held], weights=weights[held], minlength=old_k).tolist()
    to_split: list[tuple[int, list[int], int]] = []
    for c, idx in enumerate(members):
        present = np.unique(labels[idx][labels[idx] >= 0]).tolist()
        want, feasible = plans[c]
        if not present:  # Nothing of this component was assigned before: from scratch.
            fresh = np.array([new_label(c) for _ in range(want)], dtype=np.int64)
            labels[idx] = (
                fresh[initial_labels(graph.xy[idx], weights[idx], want)] if want > 1 else fresh[0]
            )
            continue
        fewest, most = k_range(float(weights[idx].sum()), *bounds) if feasible else (want, want)
        while len(present) > most:  # Too many grids: dissolve the lightest.
            lightest = min(present, key=lambda r: (weight_of[r], r))
            labels[idx[labels[idx] == lightest]] = -1
            comp_list[lightest] = -1
            present.remove(lightest)
        if len(present) < fewest:
            to_split.append((c, present, fewest))
    labels = regrow(graph, pos, labels, weights, np.full(len(comp_list), np.inf))
    if to_split:
        weight_of = np.bincount(
            labels[labels >= 0], weights=weights[labels >= 0], minlength=len(comp_list)
        ).tolist()
    for c, present, fewest in to_split:
        while len(present) < fewest:  # Too few grids: split the heaviest.
            heaviest = max(present, key=lambda r: (weight_of[r], -r))
            new = new_label(c)
            split_part(pos, weights, labels, heaviest, new)
            weight_of.append(0.0)
            for r in (heaviest, new):
                weight_of[r] = float(weights[labels == r].sum())
            present.append(new)
    return labels, np.array(origin, dtype=np.int64), np.array(comp_list, dtype=np.int64)


def _mapped(existing: IntArray, origin: IntArray) -> IntArray:
    """The label each household had before, in the solution's numbering (-1 if none)."""
    back = np.full(int(existing.max()) + 2 if len(existing) else 1, -1, dtype=np.int64)
    for label, old in enumerate(origin.tolist()):
        if old >= 0:
            back[old] = label
    return back[existing]


def _settle(
    graph: Graph,
    pos: FloatArray,
    weights: FloatArray,
    labels: IntArray,
    comp_of: IntArray,
    upper: FloatArray,
) -> IntArray:
    """Contiguous labels covering every household; a label left empty takes half of the
    heaviest label of its component."""
    k = len(comp_of)
    for _ in range(3):
        labels = keep_main_parts(graph, labels, weights)
        labels = regrow(graph, pos, labels, weights, upper)
        sizes = np.bincount(labels[labels >= 0], weights=weights[labels >= 0], minlength=k)
        empty = [e for e in np.flatnonzero(sizes == 0).tolist() if comp_of[e] >= 0]
        if not empty:
            break
        for e in empty:
            same = np.flatnonzero(comp_of == comp_of[e])
            heaviest = int(same[np.argmax(sizes[same])])
            if sizes[heaviest] <= 0:
                continue
            split_part(pos, weights, labels, heaviest, e)
            sizes = np.bincount(labels[labels >= 0], weights=weights[labels >= 0], minlength=k)
    return labels
