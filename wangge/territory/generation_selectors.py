"""Reads of villages' grids and their generations, always through the actor's reach.

Household positions leave here only as points with the household's number (no name, no
address), for people who may see the village's households (``PERSON_VIEW``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.core.errors import NotFound
from wangge.partition import NORMS, Targets
from wangge.registry.models import Household
from wangge.territory.comparison import Comparison, active_grids, compare
from wangge.territory.generations import norm_for
from wangge.territory.models import Area, GenerationState, GridGeneration

NORM_LABELS = {"fine": "全科网格", "urban": "城市社区", "rural": "农村"}


@dataclass(frozen=True)
class CurrentGrid:
    code: str
    name: str
    households: int
    persons: int


@dataclass(frozen=True)
class Abilities:
    """What the actor may do with a village's grids (for the pages)."""

    see_households: bool
    draft: bool
    approve: bool


def village_get_for(actor: Any, code: str) -> Area:
    """A village or community in reach; NotFound otherwise (and for other levels)."""
    area = (
        Area.objects.filter(reach_for(actor).filter("path"), code=code, level="village")
        .select_related("parent")
        .first()
    )
    if area is None:
        raise NotFound("村(社区)")
    return area


def abilities_for(actor: Any, village: Area) -> Abilities:
    reach = reach_for(actor)
    return Abilities(
        see_households=reach.allows(Capability.PERSON_VIEW, village.path),
        draft=reach.allows(Capability.GRID_DRAFT, village.path),
        approve=reach.allows(Capability.GRID_APPROVE, village.path),
    )


def village_grids_for(actor: Any, village: Area) -> list[CurrentGrid]:
    """The village's active grids with their households and people now."""
    village_get_for(actor, village.code)
    counts = {
        r["grid__code"]: r
        for r in Household.objects.filter(is_active=True, area_path__prefix=village.path)
        .order_by()
        .values("grid__code")
        .annotate(
            n=Count("id", distinct=True),
            p=Count("memberships", filter=Q(memberships__moved_out__isnull=True)),
        )
    }
    return [
        CurrentGrid(
            g.code,
            g.name,
            counts.get(g.code, {}).get("n", 0),
            counts.get(g.code, {}).get("p", 0),
        )
        for g in active_grids(village)
    ]


def default_targets_for(village: Area, grids: list[CurrentGrid]) -> tuple[str, Targets]:
    """The NORMS entry that fits the village (see ``generations.norm_for``)."""
    total = sum(g.households for g in grids)
    mean = total / len(grids) if grids and total else None
    key = norm_for(village, mean)
    return key, NORMS[key]


def generation_list_for(actor: Any, village: Area) -> QuerySet[GridGeneration]:
    village_get_for(actor, village.code)
    return (
        GridGeneration.objects.filter(village=village)
        .select_related("computed_by", "submitted_by", "decided_by")
        .defer("grids", "assignment", "barriers")
        .order_by("-computed_at", "-pk")
    )


@dataclass(frozen=True)
class BarrierDefault:
    """The barriers a new computation starts from, and the generation they come from."""

    generation: int
    lines: list[Any]


def barriers_default_for(actor: Any, village: Area) -> BarrierDefault | None:
    """The barriers of the village's active generation, else of its latest generation that
    had any (whatever became of it): a river does not move between two redraws, so the form
    starts with it rather than asking the user to draw it again."""
    village_get_for(actor, village.code)
    with_lines = (
        GridGeneration.objects.filter(village=village)
        .exclude(barriers=[])
        .only("pk", "barriers")
        .order_by("-computed_at", "-pk")
    )
    found = with_lines.filter(state=GenerationState.ACTIVE).first() or with_lines.first()
    return BarrierDefault(found.pk, found.barriers) if found else None


def generation_get_for(actor: Any, pk: int) -> GridGeneration:
    """The generation, if its village is in reach; NotFound otherwise, the same either way."""
    found = (
        GridGeneration.objects.filter(reach_for(actor).filter("village__path"), pk=pk)
        .select_related("village__parent", "computed_by", "submitted_by", "decided_by")
        .first()
    )
    if found is None:
        raise NotFound("网格划分方案")
    return found


def generation_compare_for(actor: Any, generation: GridGeneration) -> Comparison:
    """The generation against the village's grids now (see ``comparison.compare``)."""
    generation_get_for(actor, generation.pk)
    return compare(generation)


def _feature(geometry: Any, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _barrier_features(generation: GridGeneration) -> list[dict[str, Any]]:
    return [
        _feature(line, role="barrier", number=i, generation=generation.pk)
        for i, line in enumerate(generation.barriers, start=1)
    ]


def generation_map_for(
    actor: Any, generation: GridGeneration, comparison: Comparison | None
) -> dict[str, Any]:
    """One FeatureCollection: the village, the generation's barrier lines ("barrier"), its
    grids ("new", with counts) and, for an open generation compared with the grids now, those
    grids ("old") and — for people who may see households — the households that would move
    ("moved") and the rest ("kept")."""
    generation = generation_get_for(actor, generation.pk)
    village = Area.objects.only("code", "name", "geometry").get(pk=generation.village_id)
    features = [_feature(village.geometry, role="village", code=village.code, name=village.name)]
    features += _barrier_features(generation)
    drawn = {g["code"]: g.get("geometry") for g in generation.grids}
    if generation.state in (GenerationState.ACTIVE, GenerationState.SUPERSEDED):
        drawn = dict(Area.objects.filter(generation=generation).values_list("code", "geometry"))
    if comparison is None:
        for g in generation.grids:
            features.append(
                _feature(
                    drawn.get(g["code"]),
                    role="new",
                    code=g["code"],
                    label=g["code"][-3:],
                    households=g["households"],
                    label_at=g["centroid"],
                )
            )
        return {"type": "FeatureCollection", "features": features}
    by_old = {g.code: g for g in comparison.old_grids}
    for code, geometry in Area.objects.filter(code__in=list(by_old)).values_list(
        "code", "geometry"
    ):
        row = by_old[code]
        features.append(
            _feature(
                geometry,
                role="old",
                code=code,
                label=code[-3:],
                households=row.households,
                goes_to=row.goes_to,
            )
        )
    centroids = {g["code"]: g["centroid"] for g in generation.grids}
    for n in comparison.new_grids:
        features.append(
            _feature(
                drawn.get(n.code),
                role="new",
                code=n.code,
                label=n.code[-3:],
                households=n.households,
                moved_in=n.moved_in,
                continues=n.continues,
                in_bounds=n.in_bounds,
                label_at=centroids.get(n.code),
            )
        )
    if reach_for(actor).allows(Capability.PERSON_VIEW, generation.village.path):
        for m in comparison.moved:
            if m.lon is None or m.lat is None:
                continue
            features.append(
                _feature(
                    {"type": "Point", "coordinates": [m.lon, m.lat]},
                    role="moved",
                    number=m.number,
                    old=m.old,
                    new=m.new,
                )
            )
        if comparison.kept_positions:
            kept = [list(p) for p in comparison.kept_positions]
            features.append(_feature({"type": "MultiPoint", "coordinates": kept}, role="kept"))
    return {"type": "FeatureCollection", "features": features}


def village_grids_map_for(actor: Any, village: Area, grids: list[CurrentGrid]) -> dict[str, Any]:
    """The village, its active grids with their household counts, and the barrier lines the
    active generation was computed with ("barrier")."""
    village = village_get_for(actor, village.code)
    own = Area.objects.only("geometry").get(pk=village.pk)
    counts = {g.code: g.households for g in grids}
    features = [_feature(own.geometry, role="village", code=village.code, name=village.name)]
    active = (
        GridGeneration.objects.filter(village=village, state=GenerationState.ACTIVE)
        .only("pk", "barriers")
        .first()
    )
    if active is not None:
        features += _barrier_features(active)
    for a in Area.objects.filter(code__in=list(counts), is_active=True).only(
        "code", "name", "geometry", "centroid_lon", "centroid_lat"
    ):
        features.append(
            _feature(
                a.geometry,
                role="current",
                code=a.code,
                name=a.name,
                label=a.code[-3:],
                households=counts[a.code],
                label_at=[a.centroid_lon, a.centroid_lat],
            )
        )
    return {"type": "FeatureCollection", "features": features}
