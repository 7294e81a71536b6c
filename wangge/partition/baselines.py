"""The methods wangge's partitioning is measured against, run on exactly wangge's instance.

For the benchmark and the tests only: pymetis and spopt are development dependencies, imported
when a function here is called, never by the rest of the package.

All get wangge's graph and wangge's number of grids in each connected component (METIS's
contiguity option refuses a disconnected graph, and a grid cannot span two components anyway).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

__all__ = ["metis_labels", "per_component", "skater_labels"]

Method = Callable[[csr_matrix, FloatArray, int], IntArray]


def per_component(
    indptr: IntArray, indices: IntArray, pos: FloatArray, like: IntArray, method: Method
) -> IntArray:
    """Labels from ``method`` run on each component of the graph (CSR ``indptr``/``indices``)
    with as many parts as ``like`` has there."""
    n = len(indptr) - 1
    matrix = csr_matrix((np.ones(len(indices), dtype=np.int32), indices, indptr), shape=(n, n))
    count, component = connected_components(matrix, directed=False)
    labels = np.zeros(n, dtype=np.int64)
    offset = 0
    for c in range(count):
        idx = np.flatnonzero(component == c)
        k = len(np.unique(like[idx]))
        if k == 1:
            labels[idx] = offset
        elif k == len(idx):  # One household per part: nothing to choose.
            labels[idx] = offset + np.arange(k)
        else:
            labels[idx] = offset + method(matrix[idx][:, idx].tocsr(), pos[idx], k)
        offset += k
    return labels


def metis_labels(sub: csr_matrix, pos: FloatArray, k: int) -> IntArray:
    """METIS k-way with the contiguity option (pymetis), default imbalance (3 %)."""
    import pymetis

    del pos
    options = pymetis.Options()
    options.contig = 1
    _, parts = pymetis.part_graph(
        k, adjacency=pymetis.CSRAdjacency(sub.indptr, sub.indices), options=options
    )
    return np.asarray(parts, dtype=np.int64)


def skater_labels(sub: csr_matrix, pos: FloatArray, k: int, floor: int = 0) -> IntArray:
    """spopt's SKATER on the coordinates (so that it seeks compact regions), at least ``floor``
    households per region."""
    import pandas as pd
    from libpysal.weights import W
    from spopt.region import Skater

    neighbours = {
        i: sub.indices[sub.indptr[i] : sub.indptr[i + 1]].tolist() for i in range(sub.shape[0])
    }
    frame = pd.DataFrame({"x": pos[:, 0], "y": pos[:, 1]})
    model = Skater(
        frame, W(neighbours, silence_warnings=True), ["x", "y"], n_clusters=k, floor=floor
    )
    model.solve()
    return np.asarray(model.labels_, dtype=np.int64)
