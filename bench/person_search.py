"""Search speed on a full county: a county's population (300,000 people by
default, loaded through the real import) searched by name, pinyin
initials, ID number, phone and address, as county staff and as a grid
worker, on SQLite and on PostgreSQL. Target: well under a second.

    .venv/bin/python bench/person_search.py            # 300,000 people
    .venv/bin/python bench/person_search.py --quick    # 50,000

PostgreSQL is taken from BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/);
a throw-away database wangge_bench_search is created and dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def child(db_url: str, n: int) -> None:
    os.environ["BENCH_DATABASE_URL"] = db_url
    sys.path.insert(0, str(ROOT / "bench"))
    import _django

    _django.setup()
    from django.conf import settings

    from wangge.accounts.models import User
    from wangge.accounts.services import role_grant
    from wangge.demo.people_file import sample_rows, write_csv
    from wangge.demo.seed import SeedContext, seed_territory
    from wangge.registry.importing.engine import people_import
    from wangge.registry.selectors import person_search_for
    from wangge.territory.models import Area

    seed_territory(
        SeedContext(scale="county", data_dir=settings.WANGGE_DATA_DIR, counties=["611022"])
    )
    admin = User.objects.create_superuser("bench", password=None)
    grids = list(
        Area.objects.filter(level="grid", county_code="611022").values_list("code", flat=True)
    )
    rows = list(sample_rows(n, grids, seed="search", region="612511"))
    with tempfile.TemporaryDirectory() as d:
        report = people_import(actor=admin, path=write_csv(Path(d) / "p.csv", rows), commit=True)
        assert report.committed, report.errors[:3]
    county = User.objects.create_user("county_staff", password=None)
    role_grant(
        actor=admin, user=county, role="command_centre", area=Area.objects.get(code="611022000000")
    )
    worker = User.objects.create_user("grid_worker", password=None)
    role_grant(actor=admin, user=worker, role="grid_worker", area=Area.objects.get(code=rows[0][1]))
    from wangge.registry.services import name_initials

    sample = rows[0]  # in the grid worker's grid, so both may find them
    queries = {
        "name": sample[3],
        "initials (2 letters)": name_initials(sample[3])[:2],
        "ID number": sample[4],
        "phone": next(r[7] for r in rows if r[7] and r[1] == sample[1]),
        "address (village)": "某村",  # the files' addresses: 陕西省商洛市丹凤县某村…
    }
    out = {}
    for who, user in (("county", county), ("grid worker", worker)):
        for label, q in queries.items():
            person_search_for(user, q)  # warm
            times = []
            for _ in range(5):
                t = time.perf_counter()
                found = person_search_for(user, q)
                times.append(time.perf_counter() - t)
            out[f"{who}|{label}"] = (statistics.median(times) * 1000, len(found))
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rows", type=int)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--skip-pg", action="store_true")
    args = ap.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    n = args.rows or (50_000 if args.quick else 300_000)
    base = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/")
    results = {}
    with tempfile.TemporaryDirectory() as d:
        targets = [("SQLite", f"sqlite:///{Path(d) / 'search.sqlite3'}")]
        if not args.skip_pg:
            for sql in (
                "DROP DATABASE IF EXISTS wangge_bench_search",
                "CREATE DATABASE wangge_bench_search",
            ):
                subprocess.run(["psql", base + "postgres", "-qc", sql], check=True)
            targets.append(("PostgreSQL", base + "wangge_bench_search"))
        for label, url in targets:
            p = subprocess.run(
                [sys.executable, __file__, "--child", url, str(n)], capture_output=True, text=True
            )
            if p.returncode:
                print(p.stderr[-3000:], file=sys.stderr)
                raise SystemExit(f"{label} failed")
            results[label] = json.loads(p.stdout.strip().splitlines()[-1])
        if not args.skip_pg:
            subprocess.run(
                ["psql", base + "postgres", "-qc", "DROP DATABASE wangge_bench_search"], check=True
            )
    dbs = list(results)
    print(
        f"person search on a county of {n:,} people (median of 5, milliseconds; results shown ≤ 50)"
    )
    print(f"{'who':<13}{'query':<22}" + "".join(f"{db + ' ms':>15}{'found':>7}" for db in dbs))
    worst = 0.0
    for key in results[dbs[0]]:
        who, label = key.split("|")
        cells = ""
        for db in dbs:
            ms, found = results[db][key]
            worst = max(worst, ms)
            cells += f"{ms:>15.1f}{found:>7}"
        print(f"{who:<13}{label:<22}{cells}")
    verdict = (
        "well under a second"
        if worst < 300
        else ("under a second" if worst < 1000 else "OVER a second")
    )
    print(f"SUMMARY person_search: {n:,} people, slowest query {worst:.0f} ms ({verdict})")


if __name__ == "__main__":
    main()
