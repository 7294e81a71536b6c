"""Grid partitioning: wangge against METIS (pymetis, contiguous k-way) and spopt's SKATER, on
the same synthetic instances, side by side in one run.

    .venv/bin/python bench/partition_compare.py           # towns of 1k-100k; the city
    .venv/bin/python bench/partition_compare.py --quick   # towns of 1k-20k; a small city

Instances (wangge.partition.synthetic: hamlets along valleys, a centre of apartment buildings,
a river as a barrier): one town of 1,000 / 5,000 / 20,000 / 100,000 households with Shangluo's
fine grids (30-40 households), the 100,000 town again with the urban norm (300-500, the bounds
of the issue's METIS measurement), and the city: about 700,000 households in 1,293 villages
(--quick: 30,000 in 60), 30-40 households.

Every method gets wangge's graph (Delaunay, cut at the village boundary and the river) and
wangge's number of grids in each connected component. A single town is one partition problem,
numbered without a village code (at 100,000 households it has more grids than the 3-digit
sequence of a village allows). Columns:

    s        wall time of the whole method: wangge's includes its graph and the grid polygons
             (one process unless --workers); METIS's and SKATER's only their partitioning call
    part s   the partitioning step alone, on one core (wangge: solve; others: as above)
    in bds   share of grids within the bounds
    split    grids not contiguous on the graph
    rms m    compactness: mean over grids of the RMS distance from households to the centroid
    × metis  rms m relative to METIS on the same instance (the target is <= 0.95)
    kept     stability: households kept in their grid after 5 % of them moved or were added
             (half each); wangge redraws from its existing grids, METIS starts from scratch

SKATER runs in a child process killed after --cap seconds (default 60), on towns up to 20,000
households; it is reported "timeout" when killed. Its attributes are the coordinates, with the
households of one building spread a few metres apart as in wangge's graph (SKATER drops edges
of zero dissimilarity, which would cut a building off as an island).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wangge.partition import NORMS, Targets, Village, partition_many  # noqa: E402
from wangge.partition.api import village_graph  # noqa: E402
from wangge.partition.baselines import metis_labels, per_component, skater_labels  # noqa: E402
from wangge.partition.graph import Graph  # noqa: E402
from wangge.partition.quality import kept_share, mean_rms, pieces_per_label  # noqa: E402
from wangge.partition.synthetic import SyntheticVillage, city, perturbed, village  # noqa: E402

SKATER_LIMIT = 20_000


@dataclass
class Row:
    instance: str
    method: str
    seconds: float | None = None
    part_seconds: float | None = None
    grids: int = 0
    sizes: tuple[float, float, float] = (0, 0, 0)
    in_bounds: float = 0.0
    split: int = 0
    rms: float = 0.0
    ratio: float | None = None
    kept: float | None = None
    note: str = ""


@dataclass
class Instance:
    """Villages as one instance: pooled labels are offset per village so they stay distinct."""

    name: str
    villages: list[SyntheticVillage]
    targets: Targets
    graphs: list[tuple[np.ndarray, Graph]] = field(default_factory=list)


def _pool(parts: list[np.ndarray]) -> np.ndarray:
    offset, pooled = 0, []
    for labels in parts:
        pooled.append(labels + offset)
        offset += int(labels.max()) + 1 if len(labels) else 0
    return np.concatenate(pooled)


def measure(inst: Instance, labels: list[np.ndarray]) -> dict[str, object]:
    sizes = np.concatenate([np.bincount(lab) for lab in labels])
    sizes = sizes[sizes > 0]
    pos = np.concatenate([p for p, _ in inst.graphs])
    lo, hi = inst.targets.minimum, inst.targets.maximum
    return {
        "grids": len(sizes),
        "sizes": (float(sizes.min()), float(np.median(sizes)), float(sizes.max())),
        "in_bounds": float(((sizes >= lo) & (sizes <= hi)).mean()),
        "split": int(
            sum(
                int((pieces_per_label(g, lab) > 1).sum())
                for (_, g), lab in zip(inst.graphs, labels, strict=True)
            )
        ),
        "rms": mean_rms(pos, _pool(labels)),
    }


def run_wangge(inst: Instance, workers: int) -> tuple[Row, list[np.ndarray], list[dict]]:
    jobs = [
        Village(v.code, v.polygon, v.households, inst.targets, v.barriers) for v in inst.villages
    ]
    started = time.perf_counter()
    results = partition_many(jobs, workers=workers)
    seconds = time.perf_counter() - started
    labels = [r.labels for r in results]
    row = Row(inst.name, "wangge", seconds, sum(r.report.seconds["solve"] for r in results))
    row.__dict__.update(measure(inst, labels))
    return row, labels, [r.assignment for r in results]


def run_metis(inst: Instance, like: list[np.ndarray]) -> tuple[Row, list[np.ndarray]]:
    started = time.perf_counter()
    labels = [
        per_component(g.indptr, g.indices, p, lab, metis_labels)
        for (p, g), lab in zip(inst.graphs, like, strict=True)
    ]
    seconds = time.perf_counter() - started
    row = Row(inst.name, "pymetis", seconds, seconds)
    row.__dict__.update(measure(inst, labels))
    return row, labels


def run_skater(inst: Instance, like: list[np.ndarray], cap: float) -> Row:
    if len(inst.villages) > 1 or len(inst.villages[0].households) > SKATER_LIMIT:
        return Row(inst.name, "spopt SKATER", note=f"not run (> {SKATER_LIMIT:,} households)")
    (_, graph), lab = inst.graphs[0], like[0]
    with tempfile.TemporaryDirectory() as d:
        data = Path(d) / "instance.npz"
        np.savez(
            data,
            attrs=graph.xy,
            indptr=graph.indptr,
            indices=graph.indices,
            like=lab,
            floor=inst.targets.minimum,
        )
        try:
            out = subprocess.run(
                [sys.executable, __file__, "--skater-child", str(data)],
                capture_output=True, text=True, timeout=cap, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return Row(
                inst.name, "spopt SKATER", seconds=None, note=f"timeout (killed at {cap:.0f} s)"
            )
        if out.returncode != 0:
            return Row(
                inst.name,
                "spopt SKATER",
                note="failed: " + out.stderr.strip().splitlines()[-1][:60],
            )
        report = json.loads(out.stdout.strip().splitlines()[-1])
        labels = [np.load(report["labels"])]
    row = Row(inst.name, "spopt SKATER", report["seconds"], report["seconds"])
    row.__dict__.update(measure(inst, labels))
    return row


def skater_child(path: str) -> None:
    data = np.load(path)
    floor = int(data["floor"])

    def skater(sub, pos, k):  # type: ignore[no-untyped-def]
        return skater_labels(sub, pos, k, floor)

    started = time.perf_counter()
    labels = per_component(data["indptr"], data["indices"], data["attrs"], data["like"], skater)
    seconds = time.perf_counter() - started
    out = Path(path).with_name("labels.npy")
    np.save(out, labels)
    print(json.dumps({"seconds": seconds, "labels": str(out)}))


def stability(
    inst: Instance, wangge_assignments: list[dict], metis_before: list[np.ndarray], workers: int
) -> tuple[float, float, float]:
    """(wangge kept, METIS kept, wangge redraw seconds) after 5 % of households changed."""
    changed = [perturbed(v, 0.05, seed=i) for i, v in enumerate(inst.villages)]
    jobs = [
        Village(v.code, v.polygon, hh, inst.targets, v.barriers, existing=assignment)
        for v, hh, assignment in zip(inst.villages, changed, wangge_assignments, strict=True)
    ]
    started = time.perf_counter()
    redrawn = partition_many(jobs, workers=workers)
    seconds = time.perf_counter() - started
    # Households present before and after (perturbed keeps them first, in order).
    old_n = [len(v.households) for v in inst.villages]
    before_w, after_w, before_m, after_m = [], [], [], []
    for v, hh, result, assignment, metis_old, n in zip(
        inst.villages, changed, redrawn, wangge_assignments, metis_before, old_n, strict=True
    ):
        codes = sorted(set(assignment.values()))
        index = {c: i for i, c in enumerate(codes)}
        before_w.append(np.array([index[assignment[i]] for i in v.households.ids]))
        after_w.append(result.labels[:n])
        pos, graph = village_graph(v.polygon, hh, v.barriers, inst.targets)[1:]
        metis_new = per_component(graph.indptr, graph.indices, pos, result.labels, metis_labels)
        before_m.append(metis_old)
        after_m.append(metis_new[:n])
    return (
        kept_share(_pool(before_w), _pool(after_w)),
        kept_share(_pool(before_m), _pool(after_m)),
        seconds,
    )


def fmt(value: float | None, pattern: str, missing: str = "–") -> str:
    return missing if value is None else format(value, pattern)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--quick",
        action="store_true",
        help="towns up to 20k, a small city (about 3 min, most of it SKATER timing out)",
    )
    ap.add_argument("--cap", type=float, default=60.0, help="seconds before SKATER is killed")
    ap.add_argument("--workers", type=int, default=1, help="processes for wangge (default 1)")
    ap.add_argument("--skater-child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.skater_child:
        skater_child(args.skater_child)
        return

    fine, urban = NORMS["fine"], NORMS["urban"]
    towns = [1_000, 5_000, 20_000] if args.quick else [1_000, 5_000, 20_000, 100_000]
    specs: list[tuple[str, list[SyntheticVillage], Targets]] = [
        (f"town {n // 1000}k", [village(n, seed=n, code="")], fine) for n in towns
    ]
    if not args.quick:
        specs.append(("town 100k 300-500", [village(100_000, seed=100_000, code="")], urban))
    villages, total = (60, 30_000) if args.quick else (1_293, 700_000)
    specs.append((f"city {total // 1000}k/{villages}", city(villages, total, seed=1), fine))

    rows: list[Row] = []
    for name, vs, targets in specs:
        inst = Instance(name, vs, targets)
        inst.graphs = [village_graph(v.polygon, v.households, v.barriers, targets)[1:] for v in vs]
        households = sum(len(v.households) for v in vs)
        workers = args.workers if len(vs) > 1 else 1
        print(f"... {name}: {households:,} households in {len(vs):,} village(s)", file=sys.stderr)
        ours, labels, assignments = run_wangge(inst, workers)
        metis, metis_lab = run_metis(inst, labels)
        skater = run_skater(inst, labels, args.cap)
        kept_w, kept_m, redraw_s = stability(inst, assignments, metis_lab, workers)
        ours.kept, metis.kept = kept_w, kept_m
        ours.note = f"redraw {redraw_s:.1f} s" + (f", {workers} processes" if workers > 1 else "")
        for row in (ours, metis, skater):
            row.ratio = row.rms / metis.rms if row.grids and metis.rms else None
        rows += [ours, metis, skater]

    columns = [
        ("instance", 20, "<"), ("method", 14, "<"), ("s", 8, ">"), ("part s", 8, ">"),
        ("grids", 7, ">"), ("min/med/max", 16, ">"), ("in bds", 8, ">"), ("split", 6, ">"),
        ("rms m", 7, ">"), ("× metis", 8, ">"), ("kept", 7, ">"), ("  note", 0, "<"),
    ]  # fmt: skip
    print(f"on {os.cpu_count()} cores; bounds 30-40 households unless named")
    print("".join(f"{name:{align}{width}}" for name, width, align in columns))
    for r in rows:
        measured = r.grids > 0
        cells = [
            r.instance,
            r.method,
            fmt(r.seconds, ".2f"),
            fmt(r.part_seconds, ".2f"),
            str(r.grids) if measured else "–",
            "/".join(f"{s:g}" for s in r.sizes) if measured else "–",
            fmt(r.in_bounds * 100 if measured else None, ".1f"),
            str(r.split) if measured else "–",
            fmt(r.rms if measured else None, ".1f"),
            fmt(r.ratio, ".3f"),
            fmt(r.kept * 100 if r.kept is not None else None, ".1f"),
            "  " + r.note,
        ]
        print("".join(f"{c:{a}{w}}" for c, (_, w, a) in zip(cells, columns, strict=True)))
    largest = rows[-3:]
    w, m = largest[0], largest[1]
    print(
        f"SUMMARY partition_compare: {w.instance}: wangge {w.seconds:.1f} s with polygons "
        f"({w.part_seconds:.1f} s partitioning on one core) vs pymetis {m.seconds:.1f} s; "
        f"in bounds {w.in_bounds:.1%} vs {m.in_bounds:.1%}; non-contiguous {w.split} vs {m.split}; "
        f"compactness {w.ratio:.3f}× METIS; kept after 5 % change {w.kept:.1%} vs {m.kept:.1%}"
    )


if __name__ == "__main__":
    main()
