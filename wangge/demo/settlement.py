"""Where the demo's households live, and the demo's grids cut from them by the partitioner.

No household position in Shangluo is public, so the demo places its households the way the
county is settled: in a rural village most live in hamlets (组) of a few dozen houses strung
along one to three valleys; in a town-centre or urban community most live in apartment
buildings, where dozens of households share one point, with a few houses scattered around. The
positions are a pure function of the village (its code and synthetic boundary), so every run on
every machine gives the same households and hence the same grids.

The grids are then real partitions of those households (``wangge.partition``), with the settings
in ``DEMO_TARGETS``: Shangluo's fine 全科网格 of about 30 households in the villages and about 40
in the town communities, which gives Shangluo-like totals (about 2,300 grids for 丹凤县, about
21,000 for the city). The households' persons and personal details are generated later, grid by
grid, by ``wangge.demo.population`` at exactly these positions.

A village whose grids a user has redrawn (an active grid generation made in the application or
by the ``partition_village`` command) is left as it is: the demo never undoes a user's grids.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry

from wangge.geo.seeded import rng_for
from wangge.partition import Households, Result, Targets, Village, partition_many
from wangge.partition.frame import LocalFrame
from wangge.registry.models import Household
from wangge.territory.drawing import drawn_grids, grid_name, report_json
from wangge.territory.models import (
    Area,
    GenerationOrigin,
    GenerationState,
    GridGeneration,
)
from wangge.territory.shangluo import (
    DEMO_COUNTY,
    AreaRecord,
    grid_count,
    group_into_zones,
    villages,
)

FloatArray = np.ndarray

# Grid sizes of the demo, by urban/rural class (see the module notes). ``HOUSEHOLDS_PER_GRID``
# is the mean the settlement aims at, so that a village has about as many grids as
# ``grid_count`` gives the synthetic territory.
DEMO_TARGETS: dict[str, Targets] = {
    "111": Targets(32, 48),  # 主城区: about 40 households a grid
    "112": Targets(32, 48),  # 城乡结合区
    "121": Targets(28, 40),  # 镇中心区: about 34
    "rural": Targets(25, 37),  # villages: about 31
}
HOUSEHOLDS_PER_GRID = {"111": 40, "112": 40, "121": 34, "rural": 30}
ZONE_SIZE = 6  # grids per zone (片区) in the urban communities of streets

# Shares of households in apartment buildings, by class; the rest live in hamlets.
_BUILDING_SHARE = {"111": 0.85, "112": 0.7, "121": 0.45, "rural": 0.0}


def demo_class(ur_code: str) -> str:
    return ur_code if ur_code in DEMO_TARGETS else "rural"


def demo_targets(village: AreaRecord) -> Targets:
    return DEMO_TARGETS[demo_class(village.ur_code)]


def household_count(village: AreaRecord) -> int:
    """About ``grid_count`` grids' worth of households (±10 %, deterministic)."""
    kind = demo_class(village.ur_code)
    jitter = rng_for("settlement-size", village.code).uniform(0.9, 1.1)
    return max(8, round(grid_count(village) * HOUSEHOLDS_PER_GRID[kind] * jitter))


def village_households(village: AreaRecord) -> Households:
    """The demo's households of one village: ids ``<village code>-<n>``, WGS-84 positions
    strictly inside the village, and a rough number of persons (the registry's own come later).
    """
    assert village.geometry is not None
    polygon = village.geometry
    n = household_count(village)
    rng = rng_for("settlement", village.code)
    frame = LocalFrame.around(polygon.bounds)
    local = shapely.transform(polygon, frame.from_lonlat)
    # Keep houses a few metres off the boundary: a point on it belongs to no cell.
    inner = local.buffer(-min(15.0, math.sqrt(local.area) * 0.005))
    if inner.is_empty:
        inner = local
    shapely.prepare(inner)
    share = _BUILDING_SHARE[demo_class(village.ur_code)]
    in_buildings = round(n * share)
    xy = np.concatenate(
        [_buildings(rng, inner, in_buildings), _hamlets(rng, inner, n - in_buildings)]
    )
    lonlat = frame.to_lonlat(xy)
    persons = rng.choice([1, 2, 3, 4, 5, 6], size=n, p=[0.15, 0.30, 0.25, 0.18, 0.09, 0.03])
    return Households(
        ids=tuple(f"{village.code}-{i:05d}" for i in range(n)),
        lon=np.round(lonlat[:, 0], 6),
        lat=np.round(lonlat[:, 1], 6),
        persons=persons.astype(np.int64),
    )


def _inside(rng: np.random.Generator, inner: BaseGeometry, n: int) -> FloatArray:
    """``n`` uniform points inside ``inner`` (metres)."""
    min_x, min_y, max_x, max_y = inner.bounds
    out = np.zeros((0, 2))
    while len(out) < n:
        batch = rng.uniform((min_x, min_y), (max_x, max_y), size=(max(16, 2 * (n - len(out))), 2))
        out = np.concatenate([out, batch[shapely.contains_xy(inner, batch[:, 0], batch[:, 1])]])
    return out[:n]


def _near(
    rng: np.random.Generator, inner: BaseGeometry, centres: FloatArray, spread: FloatArray
) -> FloatArray:
    """One point near each centre (normal, ``spread`` metres), redrawn until inside."""
    out = centres + rng.normal(0.0, 1.0, size=centres.shape) * spread[:, None]
    for _ in range(20):
        bad = ~shapely.contains_xy(inner, out[:, 0], out[:, 1])
        if not bad.any():
            return out
        out[bad] = centres[bad] + rng.normal(0.0, 1.0, size=(int(bad.sum()), 2)) * (
            spread[bad, None] * 0.5
        )
    bad = ~shapely.contains_xy(inner, out[:, 0], out[:, 1])
    out[bad] = centres[bad]  # the centres themselves are inside
    return out


def _valleys(rng: np.random.Generator, inner: BaseGeometry, count: int) -> list[BaseGeometry]:
    """``count`` straight valleys through the village: lines through an inner point, clipped."""
    min_x, min_y, max_x, max_y = inner.bounds
    reach = math.hypot(max_x - min_x, max_y - min_y)
    lines: list[BaseGeometry] = []
    for through in _inside(rng, inner, count):
        angle = rng.uniform(0.0, math.pi)
        dx, dy = math.cos(angle) * reach, math.sin(angle) * reach
        cut = inner.intersection(
            LineString([(through[0] - dx, through[1] - dy), (through[0] + dx, through[1] + dy)])
        )
        if not cut.is_empty and cut.length > 0:
            lines.append(cut)
    return lines


def _hamlets(rng: np.random.Generator, inner: BaseGeometry, n: int) -> FloatArray:
    """Hamlets of 15-80 households along one to three valleys; a tenth of houses stand alone."""
    if n <= 0:
        return np.zeros((0, 2))
    alone = n // 10
    clustered = n - alone
    valleys = _valleys(rng, inner, int(rng.integers(1, 4))) or [inner.boundary]
    hamlets = max(1, round(clustered / rng.uniform(30.0, 50.0)))
    weights = rng.uniform(15.0, 80.0, size=hamlets)
    which = rng.integers(0, len(valleys), size=hamlets)
    centres = np.array([_point_on(valleys[v], rng.uniform(0.05, 0.95)) for v in which.tolist()])
    pick = rng.choice(hamlets, size=clustered, p=weights / weights.sum())
    spread = np.sqrt(weights[pick]) * 9.0  # a hamlet of 50 houses: about 60 m across
    houses = _near(rng, inner, centres[pick], spread)
    return np.concatenate([houses, _inside(rng, inner, alone)])


def _point_on(line: BaseGeometry, fraction: float) -> tuple[float, float]:
    p = line.interpolate(fraction, normalized=True)
    return (p.x, p.y)


def _buildings(rng: np.random.Generator, inner: BaseGeometry, n: int) -> FloatArray:
    """Apartment buildings of 12-48 households (all at the building's point) in a few blocks."""
    if n <= 0:
        return np.zeros((0, 2))
    sizes: list[int] = []
    while sum(sizes) < n:
        sizes.append(int(rng.choice([12, 18, 24, 36, 48])))
    sizes[-1] -= sum(sizes) - n
    blocks = max(1, len(sizes) // 8)
    block_centres = _inside(rng, inner, blocks)
    block_of = rng.integers(0, blocks, size=len(sizes))
    sites = _near(rng, inner, block_centres[block_of], np.full(len(sizes), 120.0))
    return np.repeat(sites, sizes, axis=0)


@dataclass
class Settlement:
    """What ``settle`` made: the grids of each village (as records, zones included) and each
    grid's household positions, for the population step."""

    households_at: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    results: dict[str, Result] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def grids(self) -> int:
        return sum(len(r.grids) for r in self.results.values())


def settle(villages: Iterable[AreaRecord], *, street_codes: set[str]) -> Settlement:
    """Cut each village into grids from its demo households, in place: ``village.children``
    become the grid records (grouped into zones in the urban communities of streets)."""
    listed = [v for v in villages if v.geometry is not None]
    started = time.perf_counter()
    inputs = [
        Village(
            code=v.code,
            polygon=_polygonal(v.geometry),
            households=village_households(v),
            targets=demo_targets(v),
        )
        for v in listed
    ]
    results = partition_many(inputs)
    out = Settlement(seconds=0.0)
    for village, given, result in zip(listed, inputs, results, strict=True):
        grids = _grid_records(village, result)
        in_street = village.parent_code in street_codes
        if in_street and village.form == "community" and len(grids) > ZONE_SIZE:
            village.children = group_into_zones(village, grids, ZONE_SIZE)
        else:
            village.children = grids
        positions: dict[str, list[tuple[float, float]]] = {g.code: [] for g in grids}
        for i, code in enumerate(result.assignment.values()):
            positions[code].append((float(given.households.lon[i]), float(given.households.lat[i])))
        out.households_at.update(positions)
        out.results[village.code] = result
    out.seconds = time.perf_counter() - started
    return out


def _polygonal(geometry: BaseGeometry | None) -> BaseGeometry:
    assert geometry is not None
    if isinstance(geometry, Polygon | MultiPolygon):
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if isinstance(g, Polygon)]
    return MultiPolygon(parts)


def _grid_records(village: AreaRecord, result: Result) -> list[AreaRecord]:
    records = []
    for grid in sorted(result.grids, key=lambda g: g.code):
        seq = int(grid.code[-3:])
        assert grid.polygon is not None
        records.append(
            AreaRecord(
                code=grid.code,
                name=grid_name(village.name, seq),
                official_name="",
                level="grid",
                form="",
                parent_code=village.code,
                county_code=village.county_code,
                ur_code=village.ur_code,
                geometry=grid.polygon,
                geometry_source="synthetic",
            )
        )
    return records


def settle_counties(root: AreaRecord, counties: Iterable[str]) -> Settlement:
    """``settle`` the villages of the counties. A village already settled by an earlier run
    (its demo generation is active) keeps the grids stored — no need to partition again, and
    re-running the seeder stays quick — unless its households are still to be generated, which
    need the positions. A village whose grids a user redrew is left out (and alone)."""
    active = dict(
        GridGeneration.objects.filter(state=GenerationState.ACTIVE).values_list(
            "village__code", "origin"
        )
    )
    counties = list(counties)
    peopled = {
        code[:12]
        for code in Household.objects.filter(county_code__in=counties)
        .values_list("grid__code", flat=True)
        .distinct()
    }
    stored = {
        code
        for code, origin in active.items()
        if origin == GenerationOrigin.DEMO and (code in peopled or code[:6] != DEMO_COUNTY)
    }
    todo: list[AreaRecord] = []
    for village in villages(root, counties):
        if village.code in active and active[village.code] != GenerationOrigin.DEMO:
            continue  # a user's grids
        if village.code not in stored:
            todo.append(village)
    streets = {t.code for c in root.children for t in c.children if t.form == "street"}
    settlement = settle(todo, street_codes=streets)
    _load_stored(root, counties, stored)
    return settlement


class _StoredRecord(AreaRecord):
    """A zone or grid as stored: its centroid is the stored one (not recomputed from the
    rounded boundary), so synchronising the tree again changes nothing."""

    stored_centroid: Point | None = None

    @property
    def centroid(self) -> Point | None:
        return self.stored_centroid


def _load_stored(root: AreaRecord, counties: list[str], stored: set[str]) -> None:
    """Give the ``stored`` villages their active zones and grids from the database."""
    if not stored:
        return
    records: dict[str, _StoredRecord] = {}
    rows = (
        Area.objects.filter(is_active=True, level__in=["zone", "grid"], county_code__in=counties)
        .order_by("code")
        .values_list(
            "code",
            "name",
            "level",
            "parent__code",
            "county_code",
            "ur_code",
            "geometry",
            "geometry_source",
            "centroid_lon",
            "centroid_lat",
        )
    )
    for code, name, level, parent, county, ur, geometry, source, lon, lat in rows.iterator(
        chunk_size=2000
    ):
        if code[:12] not in stored:
            continue
        rec = _StoredRecord(
            code=code,
            name=name,
            official_name="",
            level=level,
            form="",
            parent_code=parent,
            county_code=county,
            ur_code=ur,
            geometry=shape(geometry) if geometry else None,
            geometry_source=source,
        )
        rec.stored_centroid = Point(lon, lat) if lon is not None and lat is not None else None
        records[code] = rec
    by_village = {v.code: v for v in villages(root, counties) if v.code in stored}
    for rec in records.values():
        above = records.get(rec.parent_code or "") or by_village.get(rec.parent_code or "")
        if above is not None:
            above.children.append(rec)


def record_generations(settlement: Settlement) -> int:
    """The demo's grids as each village's first, active generation (origin "demo"), with the
    partition's report and, where the registry has the village's households, their grids.
    Villages that already have one are left alone. Returns how many were made."""
    done = set(
        GridGeneration.objects.filter(origin=GenerationOrigin.DEMO).values_list(
            "village__code", flat=True
        )
    )
    todo = {code: r for code, r in settlement.results.items() if code not in done}
    if not todo:
        return 0
    village_rows = {a.code: a for a in Area.objects.filter(code__in=list(todo)).defer("geometry")}
    assignment: dict[str, dict[str, str]] = {code: {} for code in todo}
    for pk, grid_code in _households_of(todo):
        assignment[grid_code[:12]][str(pk)] = grid_code
    made = []
    for code, result in todo.items():
        village = village_rows[code]
        targets = DEMO_TARGETS[demo_class(village.ur_code)]
        grids = [g.as_json() | {"geometry": None} for g in drawn_grids(result, code, after=0)]
        made.append(
            GridGeneration(
                village=village,
                county_code=village.county_code,
                state=GenerationState.ACTIVE,
                origin=GenerationOrigin.DEMO,
                minimum=int(targets.minimum),
                maximum=int(targets.maximum),
                report=report_json(result, code, after=0),
                grids=grids,
                assignment=assignment[code],
                note="演示数据:按合成的住户位置自动划分",
            )
        )
    GridGeneration.objects.bulk_create(made, batch_size=500)
    ids = dict(
        GridGeneration.objects.filter(
            origin=GenerationOrigin.DEMO, village__code__in=list(todo)
        ).values_list("village__code", "pk")
    )
    for code, result in todo.items():
        Area.objects.filter(code__in=[g.code for g in result.grids]).update(generation_id=ids[code])
    return len(made)


def _households_of(todo: dict[str, Result]) -> Iterable[tuple[int, str]]:
    """(household, grid code) of the active households in the villages of ``todo``."""
    counties = sorted({code[:6] for code in todo})
    rows = Household.objects.filter(is_active=True, county_code__in=counties).values_list(
        "pk", "grid__code"
    )
    for pk, grid_code in rows.iterator(chunk_size=5000):
        if grid_code[:12] in todo:
            yield pk, grid_code


def seed_grid_generations(ctx: Any) -> None:
    """The seeder's step (``wangge.demo.seed.STEPS``), after the population: record the
    demo's grids as generations, and say what the settlement made."""
    settlement: Settlement | None = ctx.settlement
    if settlement is None:
        return
    made = record_generations(settlement)
    if not settlement.results:
        ctx.say("网格划分:各村(社区)沿用已划分的网格,未重新计算")
        return
    households = sum(r.report.households for r in settlement.results.values())
    ctx.say(
        f"网格划分:{len(settlement.results)} 个村(社区)的 {households} 户按位置自动划分为 "
        f"{settlement.grids} 个网格(用时 {settlement.seconds:.1f} 秒;新建划分方案 {made} 个)"
    )
