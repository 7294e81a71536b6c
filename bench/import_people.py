"""Import speed: person rows per second through the real import (validation,
SM4 encryption, HMAC-SM3 blind index, masking, households, memberships,
colours) on SQLite and on PostgreSQL, beside a plain sqlite3 executemany of
the same number of comparable rows into an indexed table, in the same run.

    .venv/bin/python bench/import_people.py            # 2,000,000 rows
    .venv/bin/python bench/import_people.py --quick    # 50,000 rows
    .venv/bin/python bench/import_people.py --rows 200000

PostgreSQL is taken from BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/);
a throw-away database wangge_bench is created and dropped. Target: 2,000,000
rows in ≤ 60 s on each database.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def child(db_url: str, csv_path: str) -> None:
    """Run one import in a fresh process against ``db_url``; print JSON."""
    os.environ["BENCH_DATABASE_URL"] = db_url
    sys.path.insert(0, str(ROOT / "bench"))
    import _django

    _django.setup()
    from django.conf import settings

    from wangge.accounts.models import User
    from wangge.demo.seed import SeedContext, seed_territory
    from wangge.registry.importing.engine import people_import

    seed_territory(
        SeedContext(scale="bench", data_dir=settings.WANGGE_DATA_DIR, counties=["611022"])
    )
    admin = User.objects.create_superuser("bench", password=None)
    from wangge.core.bulk import wal_checkpoint

    started = time.perf_counter()
    report = people_import(actor=admin, path=Path(csv_path), commit=True)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    wal_checkpoint()  # SQLite: the log copied into the database file, after the commit
    checkpoint = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows": report.rows,
                "ok": report.committed,
                "errors": report.error_count,
                "households": report.households_new,
                "bulk_load": report.bulk_load,
                "checkpoint": checkpoint,
            }
        )
    )


def raw_sqlite(rows: list[list[str]]) -> float:
    """The floor: the same rows (as text, no validation or encryption) into
    an indexed table with one executemany."""
    with tempfile.TemporaryDirectory() as d:
        db = sqlite3.connect(Path(d) / "raw.sqlite3")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(
            "CREATE TABLE person (id INTEGER PRIMARY KEY, household TEXT, grid TEXT, address TEXT,"
            " name TEXT, id_number TEXT, relation TEXT, kind TEXT, phone TEXT, tags TEXT)"
        )
        db.execute("CREATE UNIQUE INDEX person_id ON person (id_number)")
        db.execute("CREATE INDEX person_household ON person (household)")
        started = time.perf_counter()
        with db:
            db.executemany(
                "INSERT INTO person (household, grid, address, name, id_number, relation, kind,"
                " phone, tags) VALUES (?,?,?,?,?,?,?,?,?)",
                ([r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[15]] for r in rows),
            )
        seconds = time.perf_counter() - started
        db.close()
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="50,000 rows")
    ap.add_argument("--rows", type=int)
    ap.add_argument("--child", nargs=2, metavar=("DB_URL", "CSV"), help=argparse.SUPPRESS)
    ap.add_argument("--skip-pg", action="store_true")
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    n = args.rows or (50_000 if args.quick else 2_000_000)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
    from wangge.demo.people_file import sample_rows, write_csv

    grids = [f"611022109223{i:03d}" for i in range(1, 14)]  # 保定村's grids in the demo county
    with tempfile.TemporaryDirectory() as d:
        csv_path = Path(d) / "people.csv"
        t0 = time.perf_counter()
        rows = list(sample_rows(n, grids, seed="bench"))
        write_csv(csv_path, rows)
        gen = time.perf_counter() - t0
        raw = raw_sqlite(rows)
        del rows
        results = {"raw sqlite3 executemany": {"seconds": raw, "rows": n, "ok": True}}
        targets = [("wangge import, SQLite", f"sqlite:///{Path(d) / 'bench.sqlite3'}")]
        if not args.skip_pg:
            base = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/")
            subprocess.run(
                ["psql", base + "postgres", "-qc", "DROP DATABASE IF EXISTS wangge_bench"],
                check=True,
            )
            subprocess.run(
                ["psql", base + "postgres", "-qc", "CREATE DATABASE wangge_bench"], check=True
            )
            targets.append(("wangge import, PostgreSQL", base + "wangge_bench"))
        for label, url in targets:
            out = subprocess.run(
                [sys.executable, __file__, "--child", url, str(csv_path)],
                capture_output=True,
                text=True,
                check=False,
            )
            if out.returncode != 0:
                print(out.stderr[-3000:], file=sys.stderr)
                raise SystemExit(f"{label} failed")
            results[label] = json.loads(out.stdout.strip().splitlines()[-1])
        if not args.skip_pg:
            subprocess.run(
                ["psql", base + "postgres", "-qc", "DROP DATABASE wangge_bench"], check=True
            )

    print(f"{n:,} person rows (file generated in {gen:.1f} s), on {os.cpu_count()} cores")
    print(f"{'method':<28}{'seconds':>10}{'rows/s':>12}{'× raw':>8}  ok")
    raw_rate = n / results["raw sqlite3 executemany"]["seconds"]
    for label, r in results.items():
        rate = r["rows"] / r["seconds"]
        print(f"{label:<28}{r['seconds']:>10.1f}{rate:>12,.0f}{rate / raw_rate:>8.3f}  {r['ok']}")
    for label, r in results.items():
        if r.get("households"):
            print(
                f"  {label}: {r['households']:,} households; indexes rebuilt after the load:"
                f" {'yes' if r.get('bulk_load') else 'no'}"
                + (
                    f"; WAL checkpoint afterwards {r['checkpoint']:.1f} s (not counted)"
                    if "SQLite" in label
                    else ""
                )
            )
    worst = max(r["seconds"] for k, r in results.items() if k.startswith("wangge"))
    scaled = worst * 2_000_000 / n
    verdict = "meets" if scaled <= 60 else "MISSES"
    print(
        f"SUMMARY import_people: {n:,} rows, slowest database {worst:.1f} s "
        f"(≈ {scaled:.0f} s per 2,000,000 rows: {verdict} the ≤ 60 s target); "
        f"raw sqlite3 {raw_rate:,.0f} rows/s"
    )


if __name__ == "__main__":
    main()
