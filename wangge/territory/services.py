"""Writes to the territory, and point → area look-ups."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import shapely
from django.db import transaction
from django.db.models import F

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.audit.services import audit_record
from wangge.core.errors import DomainError, NotFound
from wangge.territory import locate
from wangge.territory.models import UR_LABELS, Area, TerritoryVersion
from wangge.territory.shangluo import AreaRecord

_SYNC_FIELDS = (
    "name",
    "level",
    "form",
    "parent_id",
    "path",
    "county_code",
    "ur_code",
    "geometry",
    "geometry_source",
    "centroid_lon",
    "centroid_lat",
    "is_active",
)


@dataclass(frozen=True)
class SyncReport:
    created: int
    updated: int
    unchanged: int
    by_level: dict[str, int]


def _rounded(coords: Any) -> Any:
    # 7 decimals of a degree is ~1 cm: finer than any boundary here, and it
    # halves the stored size.
    if isinstance(coords, float):
        return round(coords, 7)
    return [_rounded(c) for c in coords]


def _geojson(rec: AreaRecord) -> dict[str, Any] | None:
    if rec.geometry is None:
        return None
    gj = json.loads(shapely.to_geojson(rec.geometry))
    gj["coordinates"] = _rounded(gj["coordinates"])
    return gj


def _by_depth(root: AreaRecord) -> Iterator[list[AreaRecord]]:
    level = [root]
    while level:
        yield level
        level = [child for rec in level for child in rec.children]


def area_tree_sync(*, actor: Any, root: AreaRecord) -> SyncReport:
    """Make the database hold exactly the given tree's areas (by code):
    create what is missing, update what differs, leave the rest alone. Areas
    not in the tree are not touched. Running it twice changes nothing the
    second time. One audit record summarises the load."""
    created = updated = unchanged = 0
    by_level: dict[str, int] = {}
    with transaction.atomic():
        ids: dict[str, int] = {}
        paths: dict[str, str] = {}
        for layer in _by_depth(root):
            codes = [r.code for r in layer]
            existing = {a.code: a for a in Area.objects.filter(code__in=codes)}
            to_create: list[Area] = []
            to_update: list[Area] = []
            for rec in layer:
                path = f"{paths.get(rec.parent_code or '', '')}{rec.code}/"
                paths[rec.code] = path
                centroid = rec.centroid
                values = {
                    "name": rec.name,
                    "level": rec.level,
                    "form": rec.form,
                    "parent_id": ids.get(rec.parent_code or ""),
                    "path": path,
                    "county_code": rec.county_code,
                    "ur_code": rec.ur_code,
                    "geometry": _geojson(rec),
                    "geometry_source": rec.geometry_source,
                    "centroid_lon": round(centroid.x, 7) if centroid else None,
                    "centroid_lat": round(centroid.y, 7) if centroid else None,
                    "is_active": True,
                }
                by_level[rec.level] = by_level.get(rec.level, 0) + 1
                area = existing.get(rec.code)
                if area is None:
                    to_create.append(Area(code=rec.code, **values))
                elif any(getattr(area, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(area, k, v)
                    to_update.append(area)
                else:
                    unchanged += 1
            Area.objects.bulk_create(to_create, batch_size=500)
            Area.objects.bulk_update(to_update, _SYNC_FIELDS, batch_size=500)
            created += len(to_create)
            updated += len(to_update)
            for a in Area.objects.filter(code__in=codes).only("id", "code"):
                ids[a.code] = a.pk
        report = SyncReport(created, updated, unchanged, by_level)
        if created or updated:
            _bump_version()
            audit_record(
                actor=actor,
                action="territory.sync",
                object_type="territory.area",
                object_id=root.code,
                object_label=root.name,
                changes={"created": created, "updated": updated, "by_level": by_level},
            )
    return report


def bump_territory_version() -> None:
    """Tell every process's point index (``locate``) that areas changed."""
    _bump_version()


def _bump_version() -> None:
    if not TerritoryVersion.objects.filter(pk=1).update(version=F("version") + 1):
        TerritoryVersion.objects.create(pk=1, version=1)
    transaction.on_commit(locate.forget)


def area_update(
    *, actor: Any, area: Area, name: str | None = None, ur_code: str | None = None
) -> Area:
    """Correct an area's name or urban/rural class (its code and boundary
    change only through a load or a new grid generation)."""
    reach = reach_for(actor)
    if not reach.allows(Capability.AREA_VIEW, area.path):
        raise NotFound("区域")
    if not reach.allows(Capability.AREA_EDIT, area.path):
        raise DomainError("forbidden", "您可以查看但不能修改该区域")
    changes: dict[str, list[str]] = {}
    if name is not None:
        name = name.strip()
        if not name or len(name) > 64:
            raise DomainError("area.name", "名称不能为空,且不超过 64 个字")
        if name != area.name:
            changes["name"] = [area.name, name]
    if ur_code is not None and ur_code != area.ur_code:
        if ur_code not in UR_LABELS:
            raise DomainError("area.ur_code", "城乡分类代码无效")
        changes["ur_code"] = [area.ur_code, ur_code]
    if not changes:
        return area
    with transaction.atomic():
        locked = Area.objects.select_for_update().get(pk=area.pk)
        for field, (_old, new) in changes.items():
            setattr(locked, field, new)
        locked.save(update_fields=[*changes, "updated_at"])
        audit_record(actor=actor, action="area.update", obj=locked, changes=changes)
    return locked
