"""Grids left out of bounds without a proof, in the persons measure, with and without the search
of a stuck grid with its neighbours (wangge/partition/recut.py), in one run.

    .venv/bin/python bench/partition_persons.py            # 1,000 villages per bounds range
    .venv/bin/python bench/partition_persons.py --villages 200

Villages are drawn as the property test draws them (tests/partition/test_properties.py: up to
400 households of 1-6 persons, clustered, half with a river), each with bounds drawn from the
range named, counted in persons. A village counts as "unexplained" when a grid ends out of
bounds with only the ``out_of_bounds`` issue (no proof that its weight or shape allows no better).
Columns: villages with such a grid, grids out of bounds, seconds for all the villages.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.partition.test_properties import village_case  # noqa: E402
from wangge.partition import Targets, partition_village, recut  # noqa: E402

RANGES = [(8, 26), (60, 600)]  # lower bounds drawn from these (persons)


def run(count: int, low: int, high: int) -> tuple[int, int, float]:
    villages = grids = 0
    started = time.perf_counter()
    for seed in range(count):
        rng = np.random.default_rng(seed + 10**6)
        n = int(rng.integers(1, 400))
        lower = int(rng.integers(low, high))
        upper = lower + int(rng.integers(math.ceil(lower * 0.25), lower + 1))
        kind = ["hull", "walk"][int(rng.integers(0, 2))]
        river = bool(rng.integers(0, 2))
        village, households, barriers, _ = village_case(seed, n, lower, upper, kind, river)
        result = partition_village(
            village=village,
            households=households,
            targets=Targets(lower, upper, measure="persons"),
            code="611022109223",
            barriers=barriers,
            polygons=False,
        )
        stuck = [i for i in result.report.issues if i.code == "out_of_bounds"]
        villages += bool(stuck)
        grids += len(stuck)
    return villages, grids, time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--villages", type=int, default=1000, help="villages per bounds range")
    args = ap.parse_args()
    neighbourhood = recut._LOCAL_HOUSEHOLDS
    head = ("persons per grid", 18, "<"), ("search", 22, "<"), ("villages", 10, ">")
    head += ("unexplained", 13, ">"), ("grids", 8, ">"), ("s", 8, ">")
    print("".join(f"{name:{align}{width}}" for name, width, align in head))
    summary = []
    for low, high in RANGES:
        rows = {}
        for label, cap in (("whole component only", 0), ("with neighbours", neighbourhood)):
            recut._LOCAL_HOUSEHOLDS = cap
            rows[label] = run(args.villages, low, high)
            v, g, s = rows[label]
            print(
                f"{f'min {low}-{high - 1}':18}{label:22}{args.villages:>10}{v:>13}{g:>8}{s:>8.1f}"
            )
        recut._LOCAL_HOUSEHOLDS = neighbourhood
        before, after = rows["whole component only"][0], rows["with neighbours"][0]
        summary.append(f"min {low}-{high - 1}: {before} → {after}")
    print(
        f"SUMMARY partition_persons: villages with a grid out of bounds unexplained, of "
        f"{args.villages} each, without → with the neighbourhood search: " + "; ".join(summary)
    )


if __name__ == "__main__":
    main()
