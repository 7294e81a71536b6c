"""Drawing grids from a partition: codes, names, GeoJSON, centroids, and which grid continues which.

``wangge.partition`` numbers a village's grids by the official rule (the village's 12-digit
code and a 3-digit sequence, west to east, north to south). Grid codes name one boundary for
good here — requests, visits and exports that saw a code keep meaning the same place — so a new
generation's grids take the numbers after the highest the village has ever used, in the same
reading order among themselves (docs/decisions/0015-grid-generations.md). The first generation of
a village is 001, 002, …; a redraw of a village with grids up to 016 is 017, 018, ….

Which new grid *continues* which old one (for the comparison, and to carry units and grid
workers over) is a one-to-one matching on shared households, largest overlaps first.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from wangge.core.errors import DomainError
from wangge.partition import Issue, Result

MAX_SEQUENCE = 999  # three digits


@dataclass(frozen=True)
class DrawnGrid:
    """One grid of a partition, ready to become an Area."""

    code: str  # 15 digits
    seq: int
    households: int
    persons: int
    rms_m: float
    in_bounds: bool
    contiguous: bool
    centroid: tuple[float, float]  # a point inside the polygon, for the label
    geometry: dict[str, Any] | None  # GeoJSON, WGS-84, 7 decimals

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "seq": self.seq,
            "households": self.households,
            "persons": self.persons,
            "rms_m": round(self.rms_m, 1),
            "in_bounds": self.in_bounds,
            "contiguous": self.contiguous,
            "centroid": list(self.centroid),
            "geometry": self.geometry,
        }


def grid_name(village_name: str, seq: int) -> str:
    return f"{village_name}第{seq}网格"


def highest_sequence(codes: Iterable[str], village_code: str) -> int:
    """The highest 3-digit sequence among ``codes`` that are grids of the village."""
    pattern = re.compile(re.escape(village_code) + r"(\d{3})")
    found = [int(m.group(1)) for c in codes if (m := pattern.fullmatch(c))]
    return max(found, default=0)


def rounded(coords: Any) -> Any:
    # 7 decimals of a degree is ~1 cm: finer than any boundary, and half the stored size.
    if isinstance(coords, float):
        return round(coords, 7)
    return [rounded(c) for c in coords]


def geojson_of(geometry: BaseGeometry) -> dict[str, Any]:
    gj: dict[str, Any] = json.loads(shapely.to_geojson(geometry))
    gj["coordinates"] = rounded(gj["coordinates"])
    return gj


def label_point(geometry: BaseGeometry) -> tuple[float, float]:
    """The centroid, or a point surely inside when the centroid falls outside."""
    c = geometry.centroid
    if not c.within(geometry):
        c = geometry.representative_point()
    return (round(c.x, 7), round(c.y, 7))


def drawn_grids(result: Result, village_code: str, *, after: int) -> list[DrawnGrid]:
    """The result's grids with their final codes: the package's reading-order sequence (the
    result must be numbered afresh, ``renumber=True``) shifted past ``after``."""
    if after + len(result.grids) > MAX_SEQUENCE:
        raise DomainError(
            "grid.numbers",
            f"该村(社区)的三位网格序号已用到 {after:03d},放不下 {len(result.grids)} 个新网格。"
            "请调大每格规模,或联系管理员处理编号。",
        )
    out = []
    for grid in result.grids:
        seq = after + int(grid.code[-3:])
        polygon = grid.polygon
        out.append(
            DrawnGrid(
                code=f"{village_code}{seq:03d}",
                seq=seq,
                households=grid.households,
                persons=grid.persons,
                rms_m=grid.rms_m,
                in_bounds=grid.in_bounds,
                contiguous=grid.contiguous,
                centroid=label_point(polygon) if polygon is not None else grid.centroid,
                geometry=geojson_of(polygon) if polygon is not None else None,
            )
        )
    return sorted(out, key=lambda g: g.seq)


def final_assignment(result: Result, village_code: str, *, after: int) -> dict[Hashable, str]:
    shift = {g.code: f"{village_code}{after + int(g.code[-3:]):03d}" for g in result.grids}
    return {hid: shift[code] for hid, code in result.assignment.items()}


def report_json(result: Result, village_code: str, *, after: int) -> dict[str, Any]:
    """The quality report as stored, with grid codes in issues shifted like the grids."""
    shift = {g.code: f"{village_code}{after + int(g.code[-3:]):03d}" for g in result.grids}
    r = result.report
    return {
        "households": r.households,
        "grids": r.grids,
        "smallest": r.smallest,
        "median": r.median,
        "largest": r.largest,
        "in_bounds_share": round(r.in_bounds_share, 4),
        "noncontiguous": r.noncontiguous,
        "compactness_m": round(r.compactness_m, 1),
        "kept_share": None if r.kept_share is None else round(r.kept_share, 4),
        "issues": [_issue_json(i, shift) for i in r.issues],
        "seconds": {k: round(v, 3) for k, v in r.seconds.items()},
    }


def _issue_json(issue: Issue, shift: Mapping[str, str]) -> dict[str, Any]:
    message = issue.message
    if issue.grid in shift:
        message = message.replace(issue.grid, shift[issue.grid])
    return {
        "code": issue.code,
        "message": message,
        "grid": shift.get(issue.grid, issue.grid),
        "households": issue.households,
    }


def match_grids(pairs: Mapping[tuple[str, str], int]) -> dict[str, str]:
    """Which new grid continues which old one: a one-to-one matching on the number of
    households they share (``pairs[(old, new)]``), largest first, ties by code. An old grid
    left unmatched ends (its households went to grids that continue others); a new grid left
    unmatched is new."""
    matched: dict[str, str] = {}
    taken: set[str] = set()
    for (old, new), _n in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])):
        if old in matched or new in taken:
            continue
        matched[old] = new
        taken.add(new)
    return matched


def successors(pairs: Mapping[tuple[str, str], int], matched: Mapping[str, str]) -> dict[str, str]:
    """Where each old grid's work goes: the grid that continues it, else the new grid that
    took most of its households (ties by code)."""
    out = dict(matched)
    best: dict[str, tuple[int, str]] = {}
    for (old, new), n in pairs.items():
        if old in out:
            continue
        if old not in best or (-n, new) < (-best[old][0], best[old][1]):
            best[old] = (n, new)
    out.update({old: new for old, (_n, new) in best.items()})
    return out


def overlap(moves: Iterable[tuple[str | None, str]]) -> Counter[tuple[str, str]]:
    """Households per (old grid, new grid), from (old, new) per household."""
    return Counter((old, new) for old, new in moves if old is not None)
