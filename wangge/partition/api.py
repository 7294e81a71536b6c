"""The two entry points: ``partition_village`` for one village, ``partition_many`` for a city.

Both are pure functions of their inputs: no database, no settings, no randomness (the same
village gives the same grids on every machine and run).
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from wangge.partition import polygons as polygon_step
from wangge.partition.frame import LocalFrame
from wangge.partition.graph import Graph, build_graph, walls_of
from wangge.partition.messages import explain
from wangge.partition.model import Grid, Households, Report, Result, Targets
from wangge.partition.number import grid_codes
from wangge.partition.quality import kept_share, pieces_per_label, rms_per_label
from wangge.partition.solve import Solution, solve

__all__ = ["Village", "partition_many", "partition_village", "village_graph"]


@dataclass(frozen=True, eq=False)
class Village:
    """One village's input to ``partition_many`` (see ``partition_village`` for the fields)."""

    code: str
    polygon: BaseGeometry
    households: Households
    targets: Targets
    barriers: Sequence[BaseGeometry] = ()
    existing: Mapping[Hashable, str] | None = None
    renumber: bool = False


def partition_village(
    *,
    village: BaseGeometry,
    households: Households,
    targets: Targets,
    code: str = "",
    barriers: Sequence[BaseGeometry] = (),
    existing: Mapping[Hashable, str] | None = None,
    renumber: bool = False,
    polygons: bool = True,
) -> Result:
    """Cut ``village`` (a WGS-84 polygon) into grids of its ``households``.

    ``barriers`` are lines (rivers, main roads) that no grid may straddle. ``existing`` maps
    household ids to the grid code they had: the redraw then keeps households where they were
    unless sizes or contiguity demand otherwise, and grids keep their codes (new grids take the
    next free numbers) unless ``renumber``. ``code`` is the village's 12-digit code.
    """
    if not isinstance(village, Polygon | MultiPolygon) or village.is_empty or village.area <= 0:
        raise ValueError("the village must be a non-empty Polygon or MultiPolygon")
    clock = time.perf_counter()
    seconds: dict[str, float] = {}
    frame, pos, graph = village_graph(village, households, barriers, targets)
    seconds["graph"] = time.perf_counter() - clock

    clock = time.perf_counter()
    persons = households.persons.astype(np.float64)
    weights = _weights(households, targets)
    previous_codes, existing_labels = _existing_labels(households, existing)
    solution = solve(
        graph,
        pos,
        weights,
        lower=targets.minimum,
        upper=targets.maximum,
        target=targets.aim,
        existing=existing_labels,
    )
    labels = solution.labels
    k = solution.k
    centroids = _centroids(households, labels, k)
    previous = [previous_codes[o] if o >= 0 else None for o in solution.origin.tolist()]
    codes = grid_codes(code, centroids, previous, renumber=renumber or existing is None)
    seconds["solve"] = time.perf_counter() - clock

    clock = time.perf_counter()
    shapes: list[BaseGeometry | None] = [None] * k
    empty_faces = 0
    if polygons and k:
        faces = polygon_step.faces_of(village, barriers)
        drawn, empty_faces = polygon_step.grid_polygons(village, faces, frame, graph.xy, labels, k)
        shapes = list(drawn)
    seconds["polygons"] = time.perf_counter() - clock

    report, grids = _report(
        households, village, pos, weights, persons, labels, solution, graph, codes, centroids,
        previous, shapes, targets, existing_labels, empty_faces, seconds,
    )  # fmt: skip
    assignment = dict(zip(households.ids, (codes[i] for i in labels.tolist()), strict=True))
    return Result(code, assignment, grids, report, labels, graph)


def village_graph(
    village: BaseGeometry,
    households: Households,
    barriers: Sequence[BaseGeometry] = (),
    targets: Targets | None = None,
) -> tuple[LocalFrame, np.ndarray, Graph]:
    """The village's metric frame, the households' positions in it, and their graph.

    With ``targets``, groups cut off only by the village boundary that are lighter than a
    grid's minimum keep their edges (``graph.build_graph``).
    """
    frame = LocalFrame.around(village.bounds)
    pos = frame.to_local(households.lon, households.lat)
    local_village = shapely.transform(village, frame.from_lonlat)
    local_barriers = [shapely.transform(b, frame.from_lonlat) for b in barriers]
    zones = None
    if barriers:
        zones = np.full(len(households), -1, dtype=np.int64)
        for z, face in enumerate(polygon_step.faces_of(local_village, local_barriers)):
            zones[shapely.contains_xy(face, pos[:, 0], pos[:, 1])] = z
    graph = build_graph(
        pos,
        walls_of(*local_barriers),
        walls_of(local_village),
        weights=_weights(households, targets) if targets else None,
        min_weight=targets.minimum if targets else 0.0,
        zones=zones,
    )
    return frame, pos, graph


def _weights(households: Households, targets: Targets) -> np.ndarray:
    if targets.measure == "persons":
        return households.persons.astype(np.float64)
    return np.ones(len(households))


def partition_many(
    villages: Iterable[Village], *, workers: int = 1, polygons: bool = True
) -> list[Result]:
    """``partition_village`` for each village, on ``workers`` processes.

    Results come back in input order, without their graphs (they are large to ship back).
    One process is the default: on the 2-vCPU machines this project runs on, two processes
    each ran at half speed or less (the vCPUs share one core's throughput), so a pool made a
    city slower (see docs/decisions/0013-partitioning.md); give more where cores are real.
    """
    listed = list(villages)
    workers = min(max(workers, 1), max(len(listed), 1))
    if workers <= 1:
        return [_one(v, polygons) for v in listed]
    # Big villages first, so that no worker is left with a town at the end.
    order = sorted(range(len(listed)), key=lambda i: -len(listed[i].households))
    results: list[Result | None] = [None] * len(listed)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        done = pool.map(_one, [listed[i] for i in order], [polygons] * len(order), chunksize=8)
        for i, result in zip(order, done, strict=True):
            results[i] = result
    return [r for r in results if r is not None]


def _one(village: Village, polygons: bool) -> Result:
    result = partition_village(
        village=village.polygon,
        households=village.households,
        targets=village.targets,
        code=village.code,
        barriers=village.barriers,
        existing=village.existing,
        renumber=village.renumber,
        polygons=polygons,
    )
    return replace(result, graph=None)


def _existing_labels(
    households: Households, existing: Mapping[Hashable, str] | None
) -> tuple[list[str], np.ndarray | None]:
    if existing is None:
        return [], None
    codes = sorted({existing[i] for i in households.ids if i in existing})
    index = {c: j for j, c in enumerate(codes)}
    labels = np.array(
        [index[existing[i]] if i in existing else -1 for i in households.ids], dtype=np.int64
    )
    return codes, labels


def _centroids(households: Households, labels: np.ndarray, k: int) -> list[tuple[float, float]]:
    counts = np.maximum(np.bincount(labels, minlength=k), 1)
    lon = np.bincount(labels, weights=households.lon, minlength=k) / counts
    lat = np.bincount(labels, weights=households.lat, minlength=k) / counts
    return list(zip(lon.tolist(), lat.tolist(), strict=True))


def _report(
    households: Households,
    village: BaseGeometry,
    pos: np.ndarray,
    weights: np.ndarray,
    persons: np.ndarray,
    labels: np.ndarray,
    solution: Solution,
    graph: Graph,
    codes: list[str],
    centroids: list[tuple[float, float]],
    previous: list[str | None],
    shapes: list[BaseGeometry | None],
    targets: Targets,
    existing_labels: np.ndarray | None,
    empty_faces: int,
    seconds: dict[str, float],
) -> tuple[Report, list[Grid]]:
    k = solution.k
    sizes = np.bincount(labels, weights=weights, minlength=k)
    counts = np.bincount(labels, minlength=k)
    people = np.bincount(labels, weights=persons, minlength=k)
    rms = rms_per_label(pos, labels) if k else np.zeros(0)
    pieces = pieces_per_label(graph, labels) if k else np.zeros(0, dtype=np.int64)
    in_bounds = (sizes >= targets.minimum) & (sizes <= targets.maximum)
    grids = [
        Grid(
            code=codes[i],
            households=int(counts[i]),
            persons=int(people[i]),
            centroid=centroids[i],
            rms_m=float(rms[i]),
            in_bounds=bool(in_bounds[i]),
            contiguous=bool(pieces[i] == 1),
            polygon=shapes[i],
            previous=previous[i],
        )
        for i in range(k)
    ]
    outside = ~shapely.contains_xy(village, households.lon, households.lat)
    issues = explain(solution, grids, targets, int(outside.sum()), empty_faces)
    kept = None
    if existing_labels is not None:
        known = existing_labels >= 0
        kept = kept_share(existing_labels[known], labels[known])
    report = Report(
        households=len(households),
        grids=k,
        smallest=float(sizes.min()) if k else 0.0,
        median=float(np.median(sizes)) if k else 0.0,
        largest=float(sizes.max()) if k else 0.0,
        in_bounds_share=float(in_bounds.mean()) if k else 1.0,
        noncontiguous=int((pieces > 1).sum()),
        compactness_m=float(rms.mean()) if k else 0.0,
        kept_share=kept,
        issues=issues,
        seconds=seconds,
    )
    return report, grids
