"""Read the Shangluo division data shipped in ``data/shangluo`` and build the
territory as plain records (no database here).

The division codes and names are real (National Bureau of Statistics, via the
CC BY 4.0 Vonng/adcode data; see data/shangluo/ATTRIBUTION.md). The county and
city boundaries are real AMap fences in GCJ-02, converted here to WGS-84. No
town, village or grid boundaries are public, so they are synthesised
deterministically: towns as a tessellation of each county seeded by the known
town centres, villages as a tessellation of their town seeded by the known
village centres, grids as compact cells of each village. Every synthesised
geometry is marked ``synthetic`` so nobody mistakes it for a surveyed line.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from wangge.geo.gcj02 import gcj02_to_wgs84, geometry_gcj02_to_wgs84
from wangge.geo.tessellate import partition, split

CITY_CODE = "611000000000"
COUNTY_ADCODES = ("611002", "611021", "611022", "611023", "611024", "611025", "611026")
DEMO_COUNTY = "611022"  # 丹凤县

_COLUMNS = [
    "code",
    "parent",
    "name",
    "level",
    "rank",
    "adcode",
    "post_code",
    "area_code",
    "ur_code",
    "municipality",
    "virtual",
    "dummy",
    "longitude",
    "latitude",
    "center",
    "province",
    "city",
    "county",
    "town",
    "village",
]


@dataclass
class AreaRecord:
    code: str
    name: str
    official_name: str
    level: str
    form: str
    parent_code: str | None
    county_code: str
    ur_code: str
    known_centre: Point | None = None  # WGS-84, from the data when present
    geometry: BaseGeometry | None = None
    geometry_source: str = ""
    children: list[AreaRecord] = field(default_factory=list)

    @property
    def centroid(self) -> Point | None:
        """The centroid, or a point surely inside when the centroid falls
        outside (a crescent-shaped cell), so a label never sits in a neighbour."""
        if self.geometry is None or self.geometry.is_empty:
            return None
        c = self.geometry.centroid
        return c if c.within(self.geometry) else self.geometry.representative_point()


def short_name(official: str) -> str:
    """The name people use: 保定村委会 → 保定村, 东店子社区居委会 → 东店子社区,
    龙驹寨街道办事处 → 龙驹寨街道."""
    for suffix, replacement in (
        ("社区居委会", "社区"),
        ("居委会", "社区"),
        ("村民委员会", "村"),
        ("村委会", "村"),
        ("委员会", ""),
        ("委会", ""),
        ("街道办事处", "街道"),
        ("办事处", ""),
    ):
        if official.endswith(suffix):
            return official[: -len(suffix)] + replacement
    return official


def form_of(level: str, code: str, official: str) -> str:
    if level == "town":
        segment = int(code[6:9])
        if segment < 100:
            return "street"
        if segment < 200:
            return "town"
        if segment < 400:
            return "township"
        return "special"  # industrial parks, reservoirs, forest farms
    if level == "village":
        return "community" if official.endswith(("居委会", "居委")) else "village"
    return ""


def _point_from_row(row: dict[str, str]) -> Point | None:
    if not row["longitude"] or not row["latitude"]:
        return None
    lon, lat = gcj02_to_wgs84(float(row["longitude"]), float(row["latitude"]))
    return Point(lon, lat)


def read_rows(data_dir: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted((data_dir / "shangluo" / "adcode").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows.extend(dict(zip(_COLUMNS, r, strict=False)) for r in csv.reader(fh) if r)
    return rows


def read_fence(data_dir: Path, adcode: str) -> BaseGeometry:
    with (data_dir / "shangluo" / "fences" / f"{adcode}.json").open(encoding="utf-8") as fh:
        return geometry_gcj02_to_wgs84(shape(json.load(fh)))


def build_tree(data_dir: Path) -> AreaRecord:
    """The city → county → town → village tree with names, codes and centres
    (no geometry yet). Rows are sorted by code so the result never depends on
    file order."""
    records: dict[str, AreaRecord] = {}
    for row in sorted(read_rows(data_dir), key=lambda r: r["code"]):
        level = row["level"]
        records[row["code"]] = AreaRecord(
            code=row["code"],
            name=short_name(row["name"]),
            official_name=row["name"],
            level=level,
            form=form_of(level, row["code"], row["name"]),
            parent_code=None if level == "city" else row["parent"],
            county_code=row["adcode"] if level != "city" else "",
            ur_code=row["ur_code"],
            known_centre=_point_from_row(row),
        )
    root: AreaRecord | None = None
    for rec in records.values():
        if rec.parent_code is None:
            root = rec
        else:
            records[rec.parent_code].children.append(rec)
    if root is None:
        raise ValueError("no city row in the Shangluo data")
    return root


def walk(rec: AreaRecord) -> Iterator[AreaRecord]:
    yield rec
    for child in rec.children:
        yield from walk(child)


def attach_boundaries(root: AreaRecord, data_dir: Path) -> None:
    """Real fences for city and counties; synthetic cells below."""
    root.geometry = read_fence(data_dir, root.code[:6])
    root.geometry_source = "official"
    for county in root.children:
        county.geometry = read_fence(data_dir, county.county_code)
        county.geometry_source = "official"
        _tessellate_children(county)
        for town in county.children:
            _tessellate_children(town)


def _tessellate_children(parent: AreaRecord) -> None:
    assert parent.geometry is not None
    seeds = [(child.code, child.known_centre) for child in parent.children]
    cells = partition(parent.geometry, seeds, salt=parent.code)
    for child in parent.children:
        child.geometry = cells[child.code]
        child.geometry_source = "synthetic"


# How many grids a village of each urban/rural class gets in the synthetic
# territory. Shangluo runs ~21,000 "全科网格" over 1,293 villages and
# communities (~16 each); urban communities are cut finer than villages.
GRIDS_BY_UR = {"111": 30, "112": 24, "121": 20, "122": 16, "123": 8, "210": 14, "220": 14}


def grid_count(village: AreaRecord) -> int:
    base = GRIDS_BY_UR.get(village.ur_code, 14)
    # ±30 %, deterministic per village, so villages are not all alike.
    h = int.from_bytes(hashlib.sha256(village.code.encode()).digest()[:4], "big")
    factor = 0.7 + 0.6 * (h / 0xFFFFFFFF)
    return max(1, round(base * factor))


def make_grids(village: AreaRecord, count: int | None = None) -> list[AreaRecord]:
    """Cut a village into grids numbered west→east, north→south."""
    assert village.geometry is not None
    n = count if count is not None else grid_count(village)
    cells = split(village.geometry, n, salt=village.code)
    return [
        _below_village(village, "grid", f"{seq:03d}", f"第{seq}网格", cell, "synthetic")
        for seq, cell in enumerate(cells, start=1)
    ]


def _below_village(
    village: AreaRecord, level: str, suffix: str, label: str, geometry: BaseGeometry, source: str
) -> AreaRecord:
    return AreaRecord(
        code=f"{village.code}{suffix}",
        name=f"{village.name}{label}",
        official_name="",
        level=level,
        form="",
        parent_code=village.code,
        county_code=village.county_code,
        ur_code=village.ur_code,
        geometry=geometry,
        geometry_source=source,
    )


def group_into_zones(village: AreaRecord, grids: list[AreaRecord], size: int) -> list[AreaRecord]:
    """Gather a village's grids, in their numbering order, into zones (片区) of
    about ``size`` grids; each grid's parent becomes its zone."""
    zones: list[AreaRecord] = []
    for i in range(0, len(grids), size):
        members = grids[i : i + size]
        seq = len(zones) + 1
        union = shapely.union_all([g.geometry for g in members])
        zone = _below_village(village, "zone", f"Z{seq:02d}", f"第{seq}片区", union, "derived")
        zone.children = members
        for g in members:
            g.parent_code = zone.code
        zones.append(zone)
    return zones


def villages(root: AreaRecord, counties: Iterable[str] | None = None) -> Iterator[AreaRecord]:
    wanted = set(counties) if counties is not None else None
    for county in root.children:
        if wanted is not None and county.county_code not in wanted:
            continue
        for town in county.children:
            yield from town.children
