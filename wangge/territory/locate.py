"""Point → grid (and its village, town, county): the routing hot path.

Each process keeps one in-memory ``PointIndex`` over the finest active areas
(grids, or villages not yet cut into grids). Looking a point up never touches
the database; whether the index is stale is checked against
``TerritoryVersion`` at most every few seconds, and a write in this process
drops it at once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from shapely.geometry import shape

from wangge.geo.pointindex import PointIndex

RECHECK_SECONDS = 5.0


@dataclass(frozen=True)
class Location:
    county_code: str
    town_code: str
    village_code: str
    zone_code: str | None
    grid_code: str | None
    leaf_name: str

    @property
    def code(self) -> str:
        return self.grid_code or self.village_code


class _State:
    index: PointIndex[Location] | None = None
    version: int = -1
    checked_at: float = 0.0


_state = _State()
_lock = threading.Lock()


def forget() -> None:
    _state.index = None
    _state.version = -1


def _db_version() -> int:
    from wangge.territory.models import TerritoryVersion

    row = TerritoryVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return row or 0


def _location_for(path: str, level_by_code: dict[str, str], name: str) -> Location:
    codes = path.rstrip("/").split("/")
    by_level = {level_by_code.get(c, ""): c for c in codes}
    return Location(
        county_code=by_level.get("county", ""),
        town_code=by_level.get("town", ""),
        village_code=by_level.get("village", ""),
        zone_code=by_level.get("zone"),
        grid_code=by_level.get("grid"),
        leaf_name=name,
    )


def build_index() -> tuple[PointIndex[Location], int]:
    from wangge.territory.models import Area

    version = _db_version()
    active = Area.objects.filter(is_active=True)
    level_by_code = dict(active.values_list("code", "level"))
    parents = set(
        active.filter(parent__isnull=False).values_list("parent__code", flat=True).distinct()
    )
    leaves = (
        active.filter(level__in=["village", "zone", "grid"], geometry__isnull=False)
        .exclude(code__in=parents)
        .values_list("code", "path", "name", "geometry")
        .order_by("code")
    )
    geoms = []
    keys = []
    for code, path, name, geometry in leaves.iterator(chunk_size=2000):
        del code
        geoms.append(shape(geometry))
        keys.append(_location_for(path, level_by_code, name))
    return PointIndex(geoms, keys), version


def current_index() -> PointIndex[Location]:
    now = time.monotonic()
    index = _state.index
    if index is not None and now - _state.checked_at < RECHECK_SECONDS:
        return index
    with _lock:
        if _state.index is not None and now - _state.checked_at < RECHECK_SECONDS:
            return _state.index
        if _state.index is None or _db_version() != _state.version:
            _state.index, _state.version = build_index()
        _state.checked_at = now
        return _state.index


def point_locate(lon: float, lat: float) -> Location | None:
    """The grid (or finest area) containing a WGS-84 point, or None outside
    the territory. Not reach-limited: routing needs the true answer; callers
    that show it to a user filter by reach."""
    return current_index().locate(lon, lat)
