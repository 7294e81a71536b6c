"""Reads of the territory, always through the actor's reach."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.core.errors import NotFound
from wangge.territory.models import LEVEL_ORDER, Area

# Lists never carry boundaries; the map endpoints ask for them explicitly.
_LIST_DEFER = ("geometry",)


def area_list_for(
    actor: Any,
    *,
    level: str | None = None,
    parent_code: str | None = None,
    search: str | None = None,
    include_inactive: bool = False,
) -> QuerySet[Area]:
    qs = Area.objects.filter(reach_for(actor).filter("path")).defer(*_LIST_DEFER)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if level:
        qs = qs.filter(level=level)
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    if search:
        qs = qs.filter(Q(name__contains=search) | Q(code__startswith=search))
    return qs.order_by("code")


def area_get_for(actor: Any, code: str, *, with_geometry: bool = False) -> Area:
    """The area, if it exists *and* the actor reaches it; NotFound otherwise,
    the same either way."""
    qs = Area.objects.filter(reach_for(actor).filter("path"), code=code)
    if not with_geometry:
        qs = qs.defer(*_LIST_DEFER)
    area = qs.select_related("parent").first()
    if area is None:
        raise NotFound("区域")
    return area


def area_top_for(actor: Any) -> list[Area]:
    """The highest areas the actor reaches: where their browsing starts."""
    paths = reach_for(actor).paths(Capability.AREA_VIEW)
    if paths == [""]:
        return list(Area.objects.filter(parent__isnull=True).defer(*_LIST_DEFER))
    return list(Area.objects.filter(path__in=paths).defer(*_LIST_DEFER).order_by("code"))


def area_children_for(actor: Any, area: Area) -> QuerySet[Area]:
    return (
        area_list_for(actor)
        .filter(parent=area)
        .annotate(child_count=Count("children", filter=Q(children__is_active=True)))
    )


@dataclass(frozen=True)
class Crumb:
    code: str
    name: str
    reachable: bool


def area_breadcrumbs_for(actor: Any, area: Area) -> list[Crumb]:
    """Ancestors by name (a village secretary may know which town they are
    in) but linked only where the actor reaches them."""
    reach = reach_for(actor)
    codes = area.ancestor_codes()
    ancestors = {
        a.code: a for a in Area.objects.filter(code__in=codes).only("code", "name", "path")
    }
    return [
        Crumb(c, ancestors[c].name, reach.allows(Capability.AREA_VIEW, ancestors[c].path))
        for c in codes
        if c in ancestors
    ]


def area_descendant_counts_for(actor: Any, area: Area) -> dict[str, int]:
    """How many active areas of each lower level lie under ``area``."""
    rows = (
        area_list_for(actor)
        .filter(path__prefix=area.path)
        .exclude(pk=area.pk)
        .order_by()  # the model's default ordering would split the groups
        .values("level")
        .annotate(n=Count("id"))
    )
    counts = {r["level"]: r["n"] for r in rows}
    return dict(sorted(counts.items(), key=lambda kv: LEVEL_ORDER[kv[0]]))


def area_map_for(actor: Any, area: Area) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: the area itself, then its reachable
    children, each with the properties the map page shows."""
    own = area_get_for(actor, area.code, with_geometry=True)
    children = (
        Area.objects.filter(reach_for(actor).filter("path"), parent=own, is_active=True)
        .order_by("code")
        .only(
            "code",
            "name",
            "level",
            "form",
            "geometry",
            "geometry_source",
            "centroid_lon",
            "centroid_lat",
        )
    )
    features = [_feature(own, role="self")]
    features += [_feature(c, role="child") for c in children if c.geometry]
    return {"type": "FeatureCollection", "features": features}


def _feature(area: Area, *, role: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": area.geometry,
        "properties": {
            "code": area.code,
            "name": area.name,
            "level": area.level,
            "role": role,
            "synthetic": area.geometry_source == "synthetic",
            "label_at": [area.centroid_lon, area.centroid_lat],
        },
    }
