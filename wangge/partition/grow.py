"""First drafts of the grids, and the vectorised steps that make labels contiguous again.

``initial_labels`` cuts one connected group of households into ``k`` parts of nearly equal
weight: recursive bisection along the principal axis (exactly balanced, roughly compact), then a
few rounds of balanced Lloyd -- households go to the centre minimising ``distance^2 - bias``, the
biases rise for light parts and fall for heavy ones, centres move to their households' mean. The
parts are cells of a power diagram: convex, round where the households allow it, and of about
equal weight. They ignore the graph; ``keep_main_parts`` and ``regrow`` make them contiguous on
it, and ``balance`` brings every size within bounds.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from wangge.partition.graph import Graph, connected_components_of

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

__all__ = [
    "bisect",
    "centres_of",
    "initial_labels",
    "keep_main_parts",
    "mend_splits",
    "regrow",
    "split_part",
]

_LLOYD_ROUNDS = 10
_BIAS_UPDATES = 4
# Candidate centres per household in the balanced Lloyd rounds: a power cell borders few others.
_CANDIDATES = 6
# Bias step per unit of relative excess, in units of the part's mean squared radius: about
# the shift that moves a border by the excess, halved for stability.
_BIAS_STEP = 1.5


def initial_labels(pos: FloatArray, weights: FloatArray, k: int) -> IntArray:
    """``k`` compact parts of nearly equal weight of the households at ``pos`` (labels 0..k-1)."""
    labels = bisect(pos, weights, k)
    if k == 1:
        return labels
    return _balanced_lloyd(pos, weights, labels, k)


def bisect(pos: FloatArray, weights: FloatArray, k: int) -> IntArray:
    """Recursive bisection on the principal axis into ``k`` parts of proportional weight."""
    n = len(pos)
    labels = np.zeros(n, dtype=np.int64)
    stack: list[tuple[IntArray, int, int]] = [(np.arange(n, dtype=np.int64), min(k, n), 0)]
    while stack:
        idx, parts, first = stack.pop()
        if parts == 1:
            labels[idx] = first
            continue
        left = parts // 2
        order = np.argsort(_principal_projection(pos[idx]), kind="stable")
        cumulative = np.cumsum(weights[idx[order]])
        goal = cumulative[-1] * left / parts
        cut = int(np.searchsorted(cumulative, goal))
        if cut > 0 and goal - cumulative[cut - 1] < cumulative[cut] - goal:
            cut -= 1
        # cut + 1 households on the left; each side needs at least one per part.
        cut = min(max(cut + 1, left), len(idx) - (parts - left))
        stack.append((idx[order[:cut]], left, first))
        stack.append((idx[order[cut:]], parts - left, first + left))
    return labels


def _principal_projection(points: FloatArray) -> FloatArray:
    centred = points - points.mean(axis=0)
    sxx = float((centred[:, 0] * centred[:, 0]).sum())
    syy = float((centred[:, 1] * centred[:, 1]).sum())
    sxy = float((centred[:, 0] * centred[:, 1]).sum())
    angle = 0.5 * math.atan2(2.0 * sxy, sxx - syy)
    projection: FloatArray = centred[:, 0] * math.cos(angle) + centred[:, 1] * math.sin(angle)
    return projection


def centres_of(pos: FloatArray, labels: IntArray, k: int) -> tuple[FloatArray, FloatArray]:
    """Mean position of each label's households, and how many it has (labels < 0 ignored)."""
    assigned = labels >= 0
    lab = labels[assigned]
    counts = np.bincount(lab, minlength=k).astype(np.float64)
    safe = np.maximum(counts, 1.0)
    centres = np.column_stack(
        [
            np.bincount(lab, weights=pos[assigned, 0], minlength=k) / safe,
            np.bincount(lab, weights=pos[assigned, 1], minlength=k) / safe,
        ]
    )
    return centres, counts


def _balanced_lloyd(pos: FloatArray, weights: FloatArray, labels: IntArray, k: int) -> IntArray:
    target = float(weights.sum()) / k
    centres, _ = centres_of(pos, labels, k)
    bias = np.zeros(k)
    candidates = min(k, _CANDIDATES)
    rows = np.arange(len(pos))
    for round_ in range(_LLOYD_ROUNDS):
        if round_ % 5 == 0:  # The centres move little; the nearest ones change rarely.
            near = cKDTree(centres).query(pos, k=candidates)[1].reshape(len(pos), candidates)
        d2 = (pos[:, 0, None] - centres[:, 0][near]) ** 2 + (
            pos[:, 1, None] - centres[:, 1][near]
        ) ** 2
        # Mean squared radius of each part: the scale of a bias that moves its border.
        radius2 = np.bincount(labels, weights=d2[rows, 0], minlength=k) / np.maximum(
            np.bincount(labels, minlength=k), 1
        )
        radius2 = np.maximum(radius2, float(radius2.mean()) * 0.1 + 1e-6)
        for _ in range(_BIAS_UPDATES):
            pick = np.argmin(d2 - bias[near], axis=1)
            labels = near[rows, pick].astype(np.int64)
            sizes = np.bincount(labels, weights=weights, minlength=k)
            bias += _BIAS_STEP * radius2 * (target - sizes) / target
        moved, counts = centres_of(pos, labels, k)
        centres = np.where(counts[:, None] > 0, moved, centres)
    return labels


def _pieces(
    graph: Graph, labels: IntArray, weights: FloatArray
) -> tuple[IntArray, IntArray, FloatArray, BoolArray]:
    """The connected pieces of every label: each household's piece, and per piece its label
    (-1 for unlabelled households), its weight and whether it is its label's heaviest."""
    u, v = graph.edges()
    same = (labels[u] == labels[v]) & (labels[u] >= 0)
    count, piece = connected_components_of(graph.n, u[same], v[same])
    weight = np.bincount(piece, weights=weights, minlength=count).astype(np.float64)
    label = np.full(count, -1, dtype=np.int64)
    label[piece] = labels
    order = np.lexsort((-weight, label))
    main = np.ones(count, dtype=bool)
    main[order[1:]] = label[order[1:]] != label[order[:-1]]
    return piece, label, weight, main & (label >= 0)


def keep_main_parts(
    graph: Graph, labels: IntArray, weights: FloatArray, up_to: float = np.inf
) -> IntArray:
    """``labels`` with every household outside its label's heaviest connected part set to -1
    (only in parts of weight at most ``up_to``, if given)."""
    piece, _, weight, main = _pieces(graph, labels, weights)
    kept = (labels >= 0) & (main[piece] | (weight[piece] > up_to))
    return np.where(kept, labels, -1)


def mend_splits(graph: Graph, labels: IntArray, weights: FloatArray, rounds: int = 8) -> IntArray:
    """Rejoin the pieces of split grids through one household, where one can be spared.

    A grid split in two (a household that held it together moved away, or a new one came
    between) is mended by taking in one household of another grid that touches both pieces
    and whose own grid stays connected without it: one household changes grid instead of the
    whole cut-off piece.
    """
    labels = labels.copy()
    indptr, indices = graph.indptr, graph.indices
    for _ in range(rounds):
        part, part_label, _, main = _pieces(graph, labels, weights)
        loose = ~main & (part_label >= 0)
        if not loose.any():
            return labels
        removable = graph.removable(labels)
        # Households next to a loose piece of another grid.
        entry = loose[part[indices]] & (labels[graph.row] != labels[indices]) & removable[graph.row]
        mended: set[int] = set()
        for x, piece in zip(graph.row[entry].tolist(), part[indices[entry]].tolist(), strict=True):
            grid = int(part_label[piece])
            if grid in mended or labels[x] == grid:
                continue
            around = indices[indptr[x] : indptr[x + 1]]
            joins_main = (labels[around] == grid) & main[part[around]]
            if joins_main.any():
                labels[x] = grid
                mended.add(grid)
        if not mended:
            return labels
    return labels


def regrow(
    graph: Graph, pos: FloatArray, labels: IntArray, weights: FloatArray, upper: FloatArray
) -> IntArray:
    """Unlabelled households join a neighbouring label, round by round.

    Each joins the label most of its labelled neighbours have (a household among those of one
    grid belongs with them; joining another would cut that grid's edges through it), the
    nearest centre among equals. Each joins through an edge to a household labelled in an
    earlier round, so labels that were contiguous stay contiguous. Labels at or above ``upper``
    are joined only when no neighbour has room. Households with no labelled household in their
    component stay -1.
    """
    labels = labels.copy()
    k = max(len(upper), 1)
    while True:
        open_ = labels < 0
        if not open_.any():
            return labels
        entry = open_[graph.row] & (labels[graph.indices] >= 0)
        if not entry.any():
            return labels
        pairs, votes = np.unique(
            graph.row[entry] * k + labels[graph.indices[entry]], return_counts=True
        )
        who, joins = pairs // k, pairs % k
        centres, _ = centres_of(pos, labels, k)
        sizes = np.bincount(labels[labels >= 0], weights=weights[labels >= 0], minlength=k)
        distance = ((pos[who] - centres[joins]) ** 2).sum(axis=1)
        full = sizes[joins] >= upper[joins]
        order = np.lexsort((distance, -votes, full, who))
        first = np.ones(len(order), dtype=bool)
        first[1:] = who[order[1:]] != who[order[:-1]]
        labels[who[order[first]]] = joins[order[first]]


def split_part(pos: FloatArray, weights: FloatArray, labels: IntArray, part: int, new: int) -> None:
    """Give the half of ``part`` beyond its weighted median on the principal axis to ``new``."""
    idx = np.flatnonzero(labels == part)
    if len(idx) < 2:
        return
    halves = bisect(pos[idx], weights[idx], 2)
    labels[idx[halves == 1]] = new
