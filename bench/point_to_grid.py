"""Point → grid: single look-ups per second through the service
(``wangge.territory.locate.point_locate``) against the whole territory's
grids, beside a raw shapely STRtree single-point query on the same polygons,
measured in the same run.

    .venv/bin/python bench/point_to_grid.py          # all of Shangluo, ~21,000 grids
    .venv/bin/python bench/point_to_grid.py --quick  # 丹凤县 only, ~2,400 grids

Target: the service at ≥ 0.3× the raw STRtree speed.
"""

from __future__ import annotations

import argparse
import random
import time

import _django


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="demo county only (< 1 min)")
    ap.add_argument("--points", type=int, default=200_000)
    args = ap.parse_args()
    _django.setup()

    import shapely
    from django.conf import settings
    from shapely.geometry import Point, shape

    from wangge.demo.seed import SeedContext, seed_territory
    from wangge.territory import locate
    from wangge.territory.models import Area
    from wangge.territory.shangluo import COUNTY_ADCODES, DEMO_COUNTY

    counties = [DEMO_COUNTY] if args.quick else list(COUNTY_ADCODES)
    t0 = time.perf_counter()
    seed_territory(SeedContext(scale="bench", data_dir=settings.WANGGE_DATA_DIR, counties=counties))
    load_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    locate.forget()
    index = locate.current_index()
    build_s = time.perf_counter() - t0

    grids = list(Area.objects.filter(level="grid", is_active=True).values_list("code", "geometry"))
    polys = [shape(g) for _c, g in grids]
    codes = [c for c, _g in grids]
    tree = shapely.STRtree(polys)

    # Query points: uniformly spread over the grids (not the bounding box,
    # so nearly every look-up has an answer, as routing does).
    rng = random.Random(42)
    n = args.points if not args.quick else min(args.points, 100_000)
    sample = [rng.randrange(len(polys)) for _ in range(n)]
    pts: list[tuple[float, float]] = []
    for i in sample:
        minx, miny, maxx, maxy = polys[i].bounds
        pts.append((rng.uniform(minx, maxx), rng.uniform(miny, maxy)))

    def raw() -> int:
        hits = 0
        for x, y in pts:
            if len(tree.query(Point(x, y), predicate="intersects")):
                hits += 1
        return hits

    prebuilt = [Point(x, y) for x, y in pts]

    def raw_prebuilt() -> int:
        # The strongest form of the baseline: Point objects made beforehand,
        # which a router receiving coordinates could not do for free.
        hits = 0
        for p in prebuilt:
            if len(tree.query(p, predicate="intersects")):
                hits += 1
        return hits

    def service() -> int:
        hits = 0
        for x, y in pts:
            if locate.point_locate(x, y) is not None:
                hits += 1
        return hits

    # Same answers before timing anything: a fast wrong index is worthless.
    for x, y in pts[:2000]:
        got = locate.point_locate(x, y)
        want = [codes[i] for i in tree.query(Point(x, y), predicate="intersects")]
        assert (got.grid_code if got else None) in (want or [None]), (x, y, got, want)

    results = []
    runs = (
        ("raw STRtree query", raw),
        ("raw, points pre-built", raw_prebuilt),
        ("service point_locate", service),
    )
    for name, fn in runs:
        best = float("inf")
        hits = 0
        for _ in range(3):
            t0 = time.perf_counter()
            hits = fn()
            best = min(best, time.perf_counter() - t0)
        results.append((name, n / best, hits))

    raw_rate = max(results[0][1], results[1][1])  # compare with the faster baseline
    print(
        f"territory: {len(polys):,} grids in {len(counties)} counties "
        f"(load {load_s:.1f} s, index build {build_s:.2f} s, {len(index):,} leaves)"
    )
    print(f"{'method':<26}{'look-ups/s':>14}{'× raw':>8}{'hits':>10}")
    for name, rate, hits in results:
        print(f"{name:<26}{rate:>14,.0f}{rate / raw_rate:>8.2f}{hits:>10,}")
    svc = results[2][1]
    verdict = "meets" if svc >= 0.3 * raw_rate else "MISSES"
    print(
        f"SUMMARY point_to_grid: service {svc:,.0f}/s = {svc / raw_rate:.2f}× raw STRtree "
        f"{raw_rate:,.0f}/s over {len(polys):,} grids ({verdict} the ≥ 0.3× target)"
    )


if __name__ == "__main__":
    main()
