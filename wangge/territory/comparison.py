"""A generation against the village's grids as they are now: who would move where.

Used by the preview (``generation_selectors.generation_compare_for``) and by the activation,
which carries out exactly this plan. Households are the village's active households as they are
*now*: one registered after the generation was computed (or without a position) is placed in
the new grid that contains it, else in the grid that takes over its current grid's work.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from shapely.geometry import Point, shape

from wangge.geo.pointindex import PointIndex
from wangge.registry.models import Household
from wangge.territory.drawing import match_grids, overlap, successors
from wangge.territory.models import Area, GridGeneration


@dataclass(frozen=True)
class OldGrid:
    pk: int
    code: str
    name: str
    parent_id: int | None
    households: int
    goes_to: str | None  # the new grid that continues it; None: it ends
    successor: str  # where its work (unit, grid workers) goes
    split: list[tuple[str, int]]  # households per new grid, most first

    @property
    def staying(self) -> int:
        return dict(self.split).get(self.goes_to or "", 0)

    @property
    def leaving(self) -> int:
        return self.households - self.staying


@dataclass(frozen=True)
class NewGrid:
    code: str
    seq: int
    households: int  # as placed now (may differ from the report's count by later changes)
    persons: int  # from the computation
    continues: str | None
    came_from: list[tuple[str, int]]  # households per old grid, most first
    zone_id: int | None
    in_bounds: bool

    @property
    def moved_in(self) -> int:
        return self.households - dict(self.came_from).get(self.continues or "", 0)


@dataclass(frozen=True)
class Moved:
    pk: int
    number: str
    lon: float | None
    lat: float | None
    old: str
    new: str


@dataclass
class Comparison:
    village: Area
    new_grids: list[NewGrid]
    old_grids: list[OldGrid]
    placement: dict[int, str]  # household pk → new grid code (every active household)
    moved: list[Moved]
    kept_positions: list[tuple[float, float]] = field(default_factory=list)
    placed_later: int = 0  # households not in the stored assignment, placed now
    stale: bool = False  # the village's grids changed after the generation was computed

    @property
    def households(self) -> int:
        return len(self.placement)

    @property
    def moved_share(self) -> float:
        return len(self.moved) / self.households if self.households else 0.0

    def successor_of(self) -> dict[str, str]:
        return {g.code: g.successor for g in self.old_grids}


def active_grids(village: Area) -> list[Area]:
    return list(
        Area.objects.filter(level="grid", is_active=True, path__prefix=village.path)
        .only("pk", "code", "name", "parent_id", "path", "centroid_lon", "centroid_lat")
        .order_by("code")
    )


def active_zones(village: Area) -> list[Area]:
    return list(Area.objects.filter(level="zone", is_active=True, parent=village).order_by("code"))


def compare(generation: GridGeneration) -> Comparison:
    village = generation.village
    grids = generation.grids
    olds = active_grids(village)
    stale = sorted(g.code for g in olds) != sorted(generation.base_codes)
    assignment: dict[str, str] = generation.assignment
    rows = list(
        Household.objects.filter(is_active=True, area_path__prefix=village.path)
        .order_by("pk")
        .values_list("pk", "number", "lon", "lat", "grid__code")
    )
    placement: dict[int, str] = {}
    later: list[tuple[int, float | None, float | None, str]] = []
    for pk, _number, lon, lat, old in rows:
        new = assignment.get(str(pk))
        if new is None:
            later.append((pk, lon, lat, old))
        else:
            placement[pk] = new
    current = {pk: old for pk, _n, _x, _y, old in rows}
    pairs = overlap((current[pk], new) for pk, new in placement.items())
    first_target = successors(pairs, match_grids(pairs))
    if later:
        index = _index(grids)
        for pk, lon, lat, old in later:
            found = index.locate(lon, lat) if lon is not None and lat is not None else None
            placement[pk] = found or first_target.get(old) or _nearest(grids, lon, lat)
    pairs = overlap((current[pk], new) for pk, new in placement.items())
    matched = match_grids(pairs)
    target = successors(pairs, matched)
    for grid in olds:  # grids with no household left: by place
        if grid.code not in target:
            target[grid.code] = _by_place(grids, grid)

    by_old: dict[str, Counter[str]] = defaultdict(Counter)
    by_new: dict[str, Counter[str]] = defaultdict(Counter)
    for (old_code, new_code), n in pairs.items():
        by_old[old_code][new_code] += n
        by_new[new_code][old_code] += n
    old_parent = {g.code: g.parent_id for g in olds}
    zones = {z.pk: z for z in active_zones(village)}
    continued_by = {new: old for old, new in matched.items()}
    new_rows = []
    for g in grids:
        code = g["code"]
        came = by_new.get(code, Counter())
        new_rows.append(
            NewGrid(
                code=code,
                seq=g["seq"],
                households=sum(came.values()),
                persons=g["persons"],
                continues=continued_by.get(code),
                came_from=_most_first(came),
                zone_id=_zone_for(g, continued_by.get(code), came, old_parent, zones),
                in_bounds=g["in_bounds"],
            )
        )
    old_rows = [
        OldGrid(
            pk=o.pk,
            code=o.code,
            name=o.name,
            parent_id=o.parent_id,
            households=sum(by_old.get(o.code, Counter()).values()),
            goes_to=matched.get(o.code),
            successor=target[o.code],
            split=_most_first(by_old.get(o.code, Counter())),
        )
        for o in olds
    ]
    moved = []
    kept: list[tuple[float, float]] = []
    for pk, number, lon, lat, old in rows:
        new = placement[pk]
        if matched.get(old) != new:
            moved.append(Moved(pk, number, lon, lat, old, new))
        elif lon is not None and lat is not None:
            kept.append((lon, lat))
    return Comparison(
        village=village,
        new_grids=new_rows,
        old_grids=old_rows,
        placement=placement,
        moved=moved,
        kept_positions=kept,
        placed_later=len(later),
        stale=stale,
    )


def _most_first(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _index(grids: list[dict[str, Any]]) -> PointIndex[str]:
    usable = [g for g in grids if g.get("geometry")]
    return PointIndex([shape(g["geometry"]) for g in usable], [g["code"] for g in usable])


def _nearest(grids: list[dict[str, Any]], lon: float | None, lat: float | None) -> str:
    """The grid whose label point is nearest (the first grid when there is no position)."""
    if lon is None or lat is None:
        return str(grids[0]["code"])
    at = np.array([g["centroid"] for g in grids], dtype=float)
    return str(grids[int(np.argmin(((at - (lon, lat)) ** 2).sum(axis=1)))]["code"])


def _by_place(grids: list[dict[str, Any]], old: Area) -> str:
    """For an old grid that had no households: the new grid holding its label point."""
    if old.centroid_lon is None or old.centroid_lat is None:
        return str(grids[0]["code"])
    point = Point(old.centroid_lon, old.centroid_lat)
    for g in grids:
        if g.get("geometry") and shape(g["geometry"]).covers(point):
            return str(g["code"])
    return _nearest(grids, old.centroid_lon, old.centroid_lat)


def _zone_for(
    grid: dict[str, Any],
    continues: str | None,
    came: Counter[str],
    old_parent: dict[str, int | None],
    zones: dict[int, Area],
) -> int | None:
    """The zone (片区) a new grid belongs to, in a village that has zones: the zone of the grid
    it continues, else of the grid most of its households come from, else the zone its label
    point lies in, else the first zone. None in a village without zones."""
    if not zones:
        return None
    for old in [continues, *[c for c, _n in _most_first(came)]]:
        zone_id = old_parent.get(old or "")
        if zone_id in zones:
            return zone_id
    point = Point(*grid["centroid"])
    for zone in zones.values():
        if zone.geometry and shape(zone.geometry).covers(point):
            return zone.pk
    return min(zones)
