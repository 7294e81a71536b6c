"""Switching a village to a new grid generation, at once, in one transaction.

What happens (docs/decisions/0015-grid-generations.md):

- The generation's grids become new grid areas (new codes, see ``drawing``), under the village
  or, in a village with zones (片区), under the zone of the grid each continues; zones take the
  union of their new grids as their boundary, and a zone left without grids is deactivated.
- The old grids are deactivated, never deleted: requests, visits and everything else that
  refers to them keeps the grid it had.
- Every active household of the village goes to its new grid (``grid`` and ``area_path``), with
  a ``HouseholdGridChange`` row; people whose main household is here follow it
  (``area_path``); buildings go where most of their households went.
- Grid units (``accounts.Unit`` of kind grid) are teams: each moves to the grid that takes over
  its grid's work — the one continuing it, or the one that took most of its households — so
  open requests they hold stay in their hands. A new grid no unit moved to gets a unit of its
  own. Grid workers' role assignments at an old grid are ended and re-made at that grid's
  successor.
- What other apps keep per grid follows through ``GRID_SUCCESSION``: field work's A/B posts,
  unclosed disputes, open task rows and routing rules (each app registers its own carry; the
  territory imports none of them, see ``succession``).
- The previous active generation becomes superseded; other open generations of the village,
  computed against the grids that are now gone, are discarded.
- The point index (``locate``) and the per-process reference snapshots see the new grids.

Two activations racing: the village row is locked (PostgreSQL; SQLite serialises writers with
``IMMEDIATE`` transactions), the generation must still be submitted and the village's grids
still those it was computed against, and at most one generation per village is active (a
unique constraint). The loser gets a clear message and nothing of it is written.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import shapely
from django.db import IntegrityError, transaction
from django.utils import timezone
from shapely.geometry import shape

from wangge.accounts.models import RoleAssignment, Unit, UnitKind
from wangge.accounts.roles import Capability
from wangge.audit.services import audit_record
from wangge.core.errors import DomainError
from wangge.registry.models import Building, Household, Membership, Person
from wangge.territory.comparison import Comparison, active_zones, compare
from wangge.territory.drawing import geojson_of, grid_name, label_point
from wangge.territory.generations import require
from wangge.territory.models import (
    Area,
    GenerationState,
    GeometrySource,
    GridGeneration,
    HouseholdGridChange,
)
from wangge.territory.services import bump_territory_version

_CHUNK = 500


# Apps above the territory that keep something per grid (field work's A/B
# posts, disputes, task rows, routing rules) register a function here to
# carry it to the new grids; it is called inside the activation's
# transaction, after the households have moved, with {old grid pk: its
# successor} and the moment, and returns how many rows it carried
# (``succession`` gives it the rest: the redraw, its grids, who approved).
# The territory imports none of them.
GRID_SUCCESSION: list[Callable[[dict[int, Area], dt.datetime], int]] = []


@dataclass(frozen=True)
class Activation:
    generation: GridGeneration
    created: list[str]  # new grid codes
    deactivated: list[str]  # old grid codes
    households: int
    moved: int
    units_moved: int
    units_created: int
    roles_moved: int


def generation_activate(
    *, actor: Any, generation: GridGeneration, source: str = GeometrySource.PARTITION
) -> Activation:
    """Switch the village to ``generation`` (which must be submitted). See the module notes."""
    village = Area.objects.defer("geometry").get(pk=generation.village_id)
    require(actor, Capability.GRID_APPROVE, village, "网格划分方案")
    try:
        with transaction.atomic():
            return _activate(actor, generation.pk, source)
    except IntegrityError as exc:  # the unique constraints: someone else got there first
        raise _conflict() from exc


def _conflict() -> DomainError:
    return DomainError(
        "grid.state", "该方案的状态已经改变(可能已被他人启用、退回或作废),请刷新页面后再操作"
    )


def _activate(actor: Any, pk: int, source: str) -> Activation:
    generation = GridGeneration.objects.select_related("village").get(pk=pk)
    # Serialise activations of one village, then re-read what the lock protects.
    village = Area.objects.select_for_update().get(pk=generation.village_id)
    generation = GridGeneration.objects.select_for_update().get(pk=pk)
    generation.village = village
    if generation.state != GenerationState.SUBMITTED:
        raise _conflict()
    plan = compare(generation)
    if plan.stale:
        raise DomainError(
            "grid.stale", "计算这个方案之后,该村(社区)的网格已经变化,请重新计算后再提交"
        )
    now = timezone.now()
    superseded = list(
        GridGeneration.objects.filter(village=village, state=GenerationState.ACTIVE).values_list(
            "pk", flat=True
        )
    )
    GridGeneration.objects.filter(pk__in=superseded).update(state=GenerationState.SUPERSEDED)
    if not GridGeneration.objects.filter(pk=pk, state=GenerationState.SUBMITTED).update(
        state=GenerationState.ACTIVE, decided_by=actor, decided_at=now, activated_at=now
    ):
        raise _conflict()

    new_areas = _create_grids(village, generation, plan, source)
    olds = {g.code: g for g in plan.old_grids}
    Area.objects.filter(pk__in=[g.pk for g in plan.old_grids]).update(is_active=False)
    _redraw_zones(village, new_areas.values())
    moved = _move_households(plan, new_areas, olds, generation)
    _move_buildings(plan, new_areas)
    successor = {code: new_areas[new] for code, new in plan.successor_of().items()}
    units_moved, units_created = _carry_units(olds, successor, new_areas)
    roles_moved = _carry_roles(olds, successor)
    by_old_pk = {olds[code].pk: area for code, area in successor.items()}
    others_moved = sum(carry(by_old_pk, now) for carry in GRID_SUCCESSION)

    discarded = list(
        GridGeneration.objects.filter(
            village=village, state__in=[GenerationState.DRAFT, GenerationState.SUBMITTED]
        )
        .exclude(pk=pk)
        .values_list("pk", flat=True)
    )
    GridGeneration.objects.filter(pk__in=discarded).update(
        state=GenerationState.DISCARDED, note=f"方案 {pk} 启用后已过时"
    )
    outcome = {
        "created": sorted(new_areas),
        "deactivated": sorted(olds),
        "successors": {code: area.code for code, area in sorted(successor.items())},
        "households": plan.households,
        "moved": moved,
        "units_moved": units_moved,
        "units_created": units_created,
        "roles_moved": roles_moved,
        "others_moved": others_moved,
        "discarded": discarded,
    }
    # The new grids hold the polygons now; the generation keeps the rest.
    grids = [{k: v for k, v in g.items() if k != "geometry"} for g in generation.grids]
    GridGeneration.objects.filter(pk=pk).update(outcome=outcome, grids=grids)
    # A saved area tells the per-process snapshots (dispatch's reference data) to forget;
    # the version bump rebuilds every process's point index.
    village.save(update_fields=["updated_at"])
    bump_territory_version()
    audit_record(
        actor=actor,
        action="grid_generation.activate",
        obj=generation,
        object_label=f"{village.name} 网格划分方案",
        area_path=village.path,
        changes={k: v for k, v in outcome.items() if k != "successors"}
        | {"superseded": superseded},
    )
    generation.refresh_from_db()
    return Activation(
        generation=generation,
        created=sorted(new_areas),
        deactivated=sorted(olds),
        households=plan.households,
        moved=moved,
        units_moved=units_moved,
        units_created=units_created,
        roles_moved=roles_moved,
    )


def _create_grids(
    village: Area, generation: GridGeneration, plan: Comparison, source: str
) -> dict[str, Area]:
    zones = {z.pk: z for z in active_zones(village)}
    zone_of = {g.code: g.zone_id for g in plan.new_grids}
    rows = []
    for g in generation.grids:
        parent = zones.get(zone_of.get(g["code"]) or 0, village)
        geometry = g["geometry"]
        lon, lat = label_point(shape(geometry)) if geometry else g["centroid"]
        rows.append(
            Area(
                code=g["code"],
                name=grid_name(village.name, g["seq"]),
                level="grid",
                parent=parent,
                path=f"{parent.path}{g['code']}/",
                county_code=village.county_code,
                ur_code=village.ur_code,
                geometry=geometry,
                geometry_source=source,
                centroid_lon=lon,
                centroid_lat=lat,
                is_active=True,
                generation=generation,
            )
        )
    Area.objects.bulk_create(rows, batch_size=_CHUNK)
    return {a.code: a for a in Area.objects.filter(generation=generation).defer("geometry")}


def _redraw_zones(village: Area, grids: Iterable[Area]) -> None:
    """Zones take their new grids' union as boundary; a zone without grids ends."""
    zones = active_zones(village)
    if not zones:
        return
    by_zone: dict[int, list[Area]] = defaultdict(list)
    for g in grids:
        by_zone[g.parent_id or 0].append(g)
    geometries = dict(
        Area.objects.filter(pk__in=[g.pk for g in grids]).values_list("pk", "geometry")
    )
    for zone in zones:
        members = by_zone.get(zone.pk, [])
        if not members:
            Area.objects.filter(pk=zone.pk).update(is_active=False)
            continue
        union = shapely.union_all([shape(geometries[g.pk]) for g in members if geometries[g.pk]])
        lon, lat = label_point(union)
        Area.objects.filter(pk=zone.pk).update(
            geometry=geojson_of(union), centroid_lon=lon, centroid_lat=lat
        )


def _move_households(
    plan: Comparison,
    new_areas: dict[str, Area],
    olds: dict[str, Any],
    generation: GridGeneration,
) -> int:
    by_new: dict[str, list[int]] = defaultdict(list)
    for pk, code in plan.placement.items():
        by_new[code].append(pk)
    current = dict(
        Household.objects.filter(pk__in=list(plan.placement)).values_list("pk", "grid_id")
    )
    for code, pks in by_new.items():
        area = new_areas[code]
        for i in range(0, len(pks), _CHUNK):
            Household.objects.filter(pk__in=pks[i : i + _CHUNK]).update(
                grid=area, area_path=area.path, updated_at=timezone.now()
            )
    HouseholdGridChange.objects.bulk_create(
        [
            HouseholdGridChange(
                household_id=pk,
                from_grid_id=current.get(pk),
                to_grid=new_areas[code],
                generation=generation,
            )
            for pk, code in plan.placement.items()
        ],
        batch_size=2000,
    )
    _move_people(plan, new_areas, olds)
    return len(plan.moved)


def _move_people(plan: Comparison, new_areas: dict[str, Area], olds: dict[str, Any]) -> None:
    """People whose ``area_path`` was an old grid of the village follow their main household
    (registered, else resident, else floating; see ``registry.models.Person``)."""
    old_paths = list(Area.objects.filter(code__in=list(olds)).values_list("path", flat=True))
    people = list(Person.objects.filter(area_path__in=old_paths).values_list("pk", flat=True))
    if not people:
        return
    rank = {"registered": 0, "resident": 1, "floating": 2}
    best: dict[int, tuple[int, int, str]] = {}
    for i in range(0, len(people), _CHUNK):
        for person_id, kind, household_id, path in Membership.objects.filter(
            person_id__in=people[i : i + _CHUNK], moved_out__isnull=True
        ).values_list("person_id", "kind", "household_id", "household__area_path"):
            key = (rank.get(kind, 3), household_id, path)
            if person_id not in best or key < best[person_id]:
                best[person_id] = key
    by_path: dict[str, list[int]] = defaultdict(list)
    for person_id, (_rank, _hh, path) in best.items():
        by_path[path].append(person_id)
    for path, ids in by_path.items():
        for i in range(0, len(ids), _CHUNK):
            Person.objects.filter(pk__in=ids[i : i + _CHUNK]).update(area_path=path)


def _move_buildings(plan: Comparison, new_areas: dict[str, Area]) -> None:
    rows = Household.objects.filter(
        pk__in=list(plan.placement), building__isnull=False
    ).values_list("building_id", "pk")
    votes: dict[int, Counter[str]] = defaultdict(Counter)
    for building_id, pk in rows:
        votes[building_id][plan.placement[pk]] += 1
    for building_id, counts in votes.items():
        code = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        area = new_areas[code]
        Building.objects.filter(pk=building_id).update(grid=area, area_path=area.path)
    # Buildings with no household left: where their old grid's work goes.
    successor = plan.successor_of()
    for code, new in successor.items():
        area = new_areas[new]
        Building.objects.filter(grid__code=code).exclude(pk__in=list(votes)).update(
            grid=area, area_path=area.path
        )


def _carry_units(
    olds: dict[str, Any], successor: dict[str, Area], new_areas: dict[str, Area]
) -> tuple[int, int]:
    """Each old grid's units follow its successor; a grid left without one gets its own."""
    moved = 0
    code_of = {g.pk: code for code, g in olds.items()}
    name_of = {g.pk: g.name for g in olds.values()}
    for unit in Unit.objects.filter(kind=UnitKind.GRID, area_id__in=list(code_of), is_active=True):
        target = successor[code_of[unit.area_id]]
        # A unit named after its grid (the usual case) takes the new grid's name.
        if unit.name == name_of[unit.area_id]:
            unit.name = target.name
        unit.area = target
        unit.save(update_fields=["area", "name"])
        moved += 1
    staffed = set(
        Unit.objects.filter(
            kind=UnitKind.GRID, area_id__in=[a.pk for a in new_areas.values()], is_active=True
        ).values_list("area_id", flat=True)
    )
    missing = [a for a in new_areas.values() if a.pk not in staffed]
    taken = set(
        Unit.objects.filter(code__in=[f"G-{a.code}" for a in missing]).values_list(
            "code", flat=True
        )
    )
    Unit.objects.bulk_create(
        [
            Unit(code=f"G-{a.code}", name=a.name, kind=UnitKind.GRID, area=a)
            for a in missing
            if f"G-{a.code}" not in taken
        ]
    )
    return moved, len(missing)


def _carry_roles(olds: dict[str, Any], successor: dict[str, Area]) -> int:
    """Role assignments held at an old grid end there and begin at its successor."""
    by_pk = {g.pk: code for code, g in olds.items()}
    carried = 0
    for assignment in RoleAssignment.objects.filter(area_id__in=list(by_pk), is_active=True):
        target = successor[by_pk[assignment.area_id]]
        kept, created = RoleAssignment.objects.get_or_create(
            user_id=assignment.user_id,
            role=assignment.role,
            area=target,
            defaults={"unit_id": assignment.unit_id},
        )
        if not created and not kept.is_active:
            kept.is_active = True
            kept.save(update_fields=["is_active"])
        assignment.is_active = False
        assignment.save(update_fields=["is_active"])
        carried += 1
    return carried
