"""Synthetic population files in the import format, for tests, the bench
and trying the import page: valid by construction, deterministic by seed."""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

from wangge.demo.people import demo_name
from wangge.registry.idnumber import make_id_number
from wangge.registry.importing.columns import COLUMNS

HEADERS = [c.header for c in COLUMNS]
_RELATIONS = ["户主", "配偶", "子女", "子女", "父母", "孙子女"]


def sample_rows(
    n_persons: int,
    grids: Sequence[str],
    *,
    seed: str = "import",
    prefix: str = "I",
    region: str = "612501",
) -> Iterator[list[str]]:
    """Rows of about three people per household, spread over ``grids``
    (15-digit codes). Household numbers are ``prefix`` + a sequence. ID
    numbers use ``region`` (by default a code the demo population does not
    use, so a file never collides with the demo's people)."""
    rng = random.Random(seed)
    seq: dict[tuple[dt.date, str], int] = {}
    made = 0
    household = 0
    while made < n_persons:
        household += 1
        grid = grids[household % len(grids)]
        number = f"{prefix}{household:09d}"
        size = min(rng.choice([1, 2, 3, 3, 4, 5]), n_persons - made)
        for i in range(size):
            birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 80))
            gender = rng.choice("MF")
            k = (birth, gender)
            s = seq.get(k, 0)
            seq[k] = s + 1
            if s >= 500:  # 500 order codes per day and gender: move on a day
                birth += dt.timedelta(days=1)
                s = 0
            id_number = make_id_number(region, birth, s % 500, gender)  # type: ignore[arg-type]
            yield [
                number,
                grid,
                f"陕西省商洛市丹凤县某村{household % 30 + 1}组{household}号" if i == 0 else "",
                demo_name(f"{seed}{made}"),
                id_number,
                _RELATIONS[i % len(_RELATIONS)],
                "户籍",
                f"13{rng.randrange(10**9):09d}" if rng.random() < 0.7 else "",
                "汉族",
                "初中",
                "务农",
                "群众",
                "",
                "",
                "否",
                "独居老人" if size == 1 and birth.year < 1955 else "",
                "",
                "",
            ]
            made += 1


def write_csv(path: Path, rows: Iterator[list[str]] | list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        w.writerows(rows)
    return path
