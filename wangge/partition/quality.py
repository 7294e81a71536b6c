"""Measures of a partition, shared by the report, the tests and the benchmark.

All take plain arrays (positions in metres, one label per household), so the benchmark applies
exactly the same measures to wangge's and to METIS's labels.

* Contiguity is checked on the graph the algorithm used: a grid is contiguous when its
  households form one connected piece of it.
* Compactness is the mean over grids of the root-mean-square distance from a grid's households
  to their centroid, in metres: each grid counts once, whatever its size.
* Stability is the share of households, present before and after, whose grid is the same; grids
  before and after are paired one to one greedily by the number of households they share (largest
  overlap first), so it does not depend on how either side numbers its grids.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from wangge.partition.graph import Graph, connected_components_of

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

__all__ = ["kept_share", "mean_rms", "pieces_per_label", "rms_per_label"]


def pieces_per_label(graph: Graph, labels: IntArray) -> IntArray:
    """How many connected pieces each label's households form on ``graph``."""
    k = int(labels.max()) + 1 if len(labels) else 0
    u, v = graph.edges()
    same = labels[u] == labels[v]
    count, piece = connected_components_of(graph.n, u[same], v[same])
    piece_label = np.zeros(count, dtype=np.int64)
    piece_label[piece] = labels
    return np.bincount(piece_label, minlength=k).astype(np.int64)


def rms_per_label(pos: FloatArray, labels: IntArray) -> FloatArray:
    """Root-mean-square distance (metres) from each label's households to their centroid."""
    k = int(labels.max()) + 1 if len(labels) else 0
    counts = np.maximum(np.bincount(labels, minlength=k), 1).astype(np.float64)
    rms = np.zeros(k)
    for axis in (0, 1):
        mean = np.bincount(labels, weights=pos[:, axis], minlength=k) / counts
        rms += np.bincount(labels, weights=(pos[:, axis] - mean[labels]) ** 2, minlength=k)
    result: FloatArray = np.sqrt(rms / counts)
    return result


def mean_rms(pos: FloatArray, labels: IntArray) -> float:
    """Compactness: the mean over non-empty grids of ``rms_per_label`` (metres)."""
    present = np.bincount(labels) > 0 if len(labels) else np.zeros(0, dtype=bool)
    if not present.any():
        return 0.0
    return float(rms_per_label(pos, labels)[present].mean())


def kept_share(before: IntArray, after: IntArray) -> float:
    """Share of households in the same grid before and after (grids paired greedily)."""
    if len(before) == 0:
        return 1.0
    k_after = int(after.max()) + 1
    pairs, overlap = np.unique(before * k_after + after, return_counts=True)
    order = np.argsort(-overlap, kind="stable")
    used_before: set[int] = set()
    used_after: set[int] = set()
    kept = 0
    for pair, count in zip(pairs[order].tolist(), overlap[order].tolist(), strict=True):
        b, a = divmod(pair, k_after)
        if b in used_before or a in used_after:
            continue
        used_before.add(b)
        used_after.add(a)
        kept += count
    return kept / len(before)
