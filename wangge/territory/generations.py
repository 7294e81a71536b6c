"""Grid generations before activation: compute a draft, submit it, reject or discard it.

Who may do what (``wangge.accounts.roles``): ``GRID_DRAFT`` — village secretaries for their
village, town dispatchers and administrators for the villages below them — computes, submits
and discards; ``GRID_APPROVE`` — town dispatchers and administrators — rejects and activates
(``wangge.territory.activation``). Outside the actor's reach everything is "not found".

Every state change is a conditional update on the state it leaves, so two people acting at
once cannot both win; bad input raises ``DomainError`` and changes nothing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import shapely
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.audit.services import audit_record
from wangge.core.errors import DomainError, NotFound, PermissionDenied
from wangge.partition import NORMS, Households, Targets, partition_village
from wangge.registry.models import Household
from wangge.territory.comparison import active_grids
from wangge.territory.drawing import (
    drawn_grids,
    final_assignment,
    geojson_of,
    highest_sequence,
    report_json,
)
from wangge.territory.models import (
    Area,
    GenerationOrigin,
    GenerationState,
    GridGeneration,
)

LARGEST_BOUND = 100_000
MAX_BARRIERS = 50
# All barriers' points together: a village's river and roads need a few thousand; the cap keeps
# the page's form well under Django's 2.5 MB request limit (a refusal there is no clear message).
MAX_BARRIER_POINTS = 20_000


def require(actor: Any, capability: str, area: Area, what: str = "村(社区)") -> None:
    """Not in reach: "not found". In reach without the capability: "forbidden"."""
    reach = reach_for(actor)
    if not reach.allows(Capability.AREA_VIEW, area.path):
        raise NotFound(what)
    if not reach.allows(capability, area.path):
        raise PermissionDenied("您没有对该村(社区)网格划分进行此操作的权限")


def norm_for(village: Area, mean_households: float | None) -> str:
    """Which of ``NORMS`` fits a village: ``fine`` (全科网格) where its grids already are fine
    (fewer households on average than a rural grid's minimum), else ``urban`` for a
    community and ``rural`` for a village."""
    if mean_households is not None and mean_households < NORMS["rural"].minimum:
        return "fine"
    urban = village.form == "community" or village.ur_code in ("111", "112")
    return "urban" if urban else "rural"


def _targets(minimum: Any, maximum: Any, measure: str) -> Targets:
    if measure not in ("households", "persons"):
        raise DomainError("grid.measure", "规模单位须为“户”或“人”")
    ok = all(
        isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= LARGEST_BOUND
        for v in (minimum, maximum)
    )
    if not ok or minimum > maximum:
        raise DomainError(
            "grid.bounds", f"每格下限和上限须为 1–{LARGEST_BOUND} 的整数,且下限不大于上限"
        )
    return Targets(minimum, maximum, measure=measure)  # type: ignore[arg-type]


def barriers_from_geojson(data: Any) -> list[Any]:
    """The geometries of parsed GeoJSON given as barriers: a list of geometries, a geometry, a
    Feature or a FeatureCollection. Each is checked later, by ``generation_compute``."""
    items = data if isinstance(data, list) else [data]
    out: list[Any] = []
    for item in items:
        if isinstance(item, dict) and item.get("type") == "FeatureCollection":
            features = item.get("features")
            out += [f.get("geometry") if isinstance(f, dict) else f for f in features or []]
        elif isinstance(item, dict) and item.get("type") == "Feature":
            out.append(item.get("geometry"))
        else:
            out.append(item)
    return out


def barriers_from_text(text: str | None) -> list[Any]:
    """Barriers as the page sends them: JSON text of a list of GeoJSON lines; blank is none."""
    if not (text or "").strip():
        return []
    try:
        data = json.loads(text or "")
    except ValueError as exc:
        raise DomainError("grid.barriers", "阻隔线数据无法读取,请清除后重新绘制") from exc
    return barriers_from_geojson(data)


def _barriers(barriers: Sequence[Any], village: BaseGeometry) -> list[BaseGeometry]:
    """GeoJSON lines (rivers, main roads) → shapely, each checked."""
    if len(barriers) > MAX_BARRIERS:
        raise DomainError("grid.barriers", f"阻隔线最多 {MAX_BARRIERS} 条")
    lines = []
    points = 0
    for i, raw in enumerate(barriers, start=1):
        try:
            line = shape(raw)
        except Exception as exc:  # shapely raises several types for bad GeoJSON
            raise DomainError("grid.barriers", f"第 {i} 条阻隔线不是有效的 GeoJSON") from exc
        if line.geom_type not in ("LineString", "MultiLineString") or line.is_empty:
            raise DomainError("grid.barriers", f"第 {i} 条阻隔线须为线(LineString)")
        coords = shapely.get_coordinates(line)
        if not np.isfinite(coords).all() or not line.intersects(village):
            raise DomainError("grid.barriers", f"第 {i} 条阻隔线不在该村(社区)范围内")
        points += len(coords)
        if points > MAX_BARRIER_POINTS:
            raise DomainError(
                "grid.barriers",
                f"阻隔线的点太多(合计最多 {MAX_BARRIER_POINTS} 个),请简化后再试",
            )
        lines.append(line)
    return lines


def _village_households(village: Area) -> tuple[Households, dict[Hashable, str], int]:
    """The village's active households with a position (and their current grid), and how
    many have no position."""
    rows = list(
        Household.objects.filter(is_active=True, area_path__prefix=village.path)
        .annotate(n=Count("memberships", filter=Q(memberships__moved_out__isnull=True)))
        .order_by("pk")
        .values_list("pk", "lon", "lat", "n", "grid__code")
    )
    placed: list[tuple[int, float, float, int, str]] = [
        (pk, lon, lat, n, grid)
        for pk, lon, lat, n, grid in rows
        if lon is not None and lat is not None and math.isfinite(lon) and math.isfinite(lat)
    ]
    households = Households.of((pk, lon, lat, n) for pk, lon, lat, n, _g in placed)
    return households, {r[0]: r[4] for r in placed}, len(rows) - len(placed)


def generation_compute(
    *,
    actor: Any,
    village: Area,
    minimum: int,
    maximum: int,
    measure: str = "households",
    fresh: bool = False,
    barriers: Sequence[Any] = (),
    origin: str = GenerationOrigin.APP,
) -> GridGeneration:
    """Partition the village's households now and keep the result as a draft.

    Unless ``fresh``, the current grids are the starting point: households stay in their grid
    unless sizes or contiguity demand otherwise (the partition's ``existing``)."""
    require(actor, Capability.GRID_DRAFT, village)
    if village.level != "village":
        raise DomainError("grid.village", "只能对村(社区)划分网格")
    village = Area.objects.get(pk=village.pk)  # with its geometry
    if not village.geometry:
        raise DomainError("grid.geometry", "该村(社区)没有边界,无法划分网格")
    targets = _targets(minimum, maximum, measure)
    outline = shape(village.geometry)
    lines = _barriers(barriers, outline)
    households, current, unplaced = _village_households(village)
    if not len(households):
        raise DomainError("grid.households", "该村(社区)没有登记了坐标的住户,无法按住户划分网格")
    olds = active_grids(village)
    all_codes = Area.objects.filter(level="grid", code__startswith=village.code).values_list(
        "code", flat=True
    )
    after = highest_sequence(all_codes, village.code)
    try:
        result = partition_village(
            village=outline,
            households=households,
            targets=targets,
            code=village.code,
            barriers=lines,
            existing=None if fresh else current,
            renumber=True,
        )
    except ValueError as exc:  # e.g. more than 999 grids for one village
        raise DomainError("grid.partition", f"无法按此规模划分:{exc}") from exc
    grids = drawn_grids(result, village.code, after=after)
    assignment = final_assignment(result, village.code, after=after)
    report = report_json(result, village.code, after=after)
    if unplaced:
        report["issues"].append(
            {
                "code": "no_position",
                "message": f"{unplaced}户没有登记坐标,未参与计算;启用时随所在网格的接续网格划入。",
                "grid": "",
                "households": unplaced,
            }
        )
    with transaction.atomic():
        generation = GridGeneration.objects.create(
            village=village,
            county_code=village.county_code,
            state=GenerationState.DRAFT,
            origin=origin,
            measure=measure,
            minimum=minimum,
            maximum=maximum,
            fresh=fresh,
            barriers=[geojson_of(line) for line in lines],
            base_codes=[g.code for g in olds],
            report=report,
            grids=[g.as_json() for g in grids],
            assignment={str(k): v for k, v in assignment.items()},
            computed_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor,
            action="grid_generation.compute",
            obj=generation,
            object_label=f"{village.name} 网格划分方案",
            area_path=village.path,
            changes={
                "village": village.code,
                "measure": measure,
                "minimum": minimum,
                "maximum": maximum,
                "fresh": fresh,
                "barriers": len(lines),
                "grids": len(grids),
                "households": len(households),
            },
        )
    return generation


def _step(
    *,
    actor: Any,
    generation: GridGeneration,
    capability: str,
    leaving: Sequence[str],
    to: str,
    action: str,
    fields: dict[str, Any],
    reason: str = "",
) -> GridGeneration:
    village = Area.objects.defer("geometry").get(pk=generation.village_id)
    require(actor, capability, village, "网格划分方案")
    with transaction.atomic():
        done = GridGeneration.objects.filter(pk=generation.pk, state__in=leaving).update(
            state=to, **fields
        )
        if not done:
            raise DomainError(
                "grid.state", "该方案的状态已经改变(可能已被他人处理),请刷新页面后再操作"
            )
        fresh = GridGeneration.objects.get(pk=generation.pk)
        audit_record(
            actor=actor,
            action=action,
            obj=fresh,
            object_label=f"{village.name} 网格划分方案",
            area_path=village.path,
            reason=reason,
            changes={"state": [generation.state, to]},
        )
    return fresh


def generation_submit(*, actor: Any, generation: GridGeneration) -> GridGeneration:
    """A draft goes to the town for approval."""
    return _step(
        actor=actor,
        generation=generation,
        capability=Capability.GRID_DRAFT,
        leaving=[GenerationState.DRAFT],
        to=GenerationState.SUBMITTED,
        action="grid_generation.submit",
        fields={"submitted_by": actor, "submitted_at": timezone.now()},
    )


def generation_reject(*, actor: Any, generation: GridGeneration, reason: str) -> GridGeneration:
    """The town sends a submitted generation back, saying why."""
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise DomainError("grid.reason", "请填写退回原因(不超过 200 个字)")
    return _step(
        actor=actor,
        generation=generation,
        capability=Capability.GRID_APPROVE,
        leaving=[GenerationState.SUBMITTED],
        to=GenerationState.REJECTED,
        action="grid_generation.reject",
        fields={"decided_by": actor, "decided_at": timezone.now(), "note": reason},
        reason=reason,
    )


def generation_discard(*, actor: Any, generation: GridGeneration) -> GridGeneration:
    """Drop a draft, withdraw a submitted generation, or file away a rejected one."""
    return _step(
        actor=actor,
        generation=generation,
        capability=Capability.GRID_DRAFT,
        leaving=[GenerationState.DRAFT, GenerationState.SUBMITTED, GenerationState.REJECTED],
        to=GenerationState.DISCARDED,
        action="grid_generation.discard",
        fields={},
    )
