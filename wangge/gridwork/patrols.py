"""Patrols (巡查): start, the trail of positions, stop; and what is found
on the way (or anywhere) — reported as a request in one step, or handled
on the spot."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from itertools import pairwise
from typing import Any

from django.utils import timezone

from wangge.core.errors import DomainError, NotFound
from wangge.dispatch.models import Channel
from wangge.dispatch.services import request_intake
from wangge.gridwork.access import require_field_work
from wangge.gridwork.duties import duties_by_code
from wangge.gridwork.models import Finding, FindingOutcome, Patrol, PatrolPoint
from wangge.gridwork.times import CLOCK_SKEW, client_time
from wangge.gridwork.visits import household_for_field, position
from wangge.registry.edits import check_position
from wangge.territory.models import Area

MAX_POINTS = 500  # per operation; a long patrol sends several
MAX_TEXT = 2000


def _grid(code: str) -> Area:
    grid = Area.objects.filter(code=str(code or ""), level="grid", is_active=True).first()
    if grid is None:
        raise NotFound("网格")
    return grid


def patrol_get(actor: Any, client_id: Any) -> Patrol:
    """One of the actor's own patrols, by the id the phone gave it."""
    patrol = Patrol.objects.filter(client_id=client_id, worker=actor).first()
    if patrol is None:
        raise DomainError("patrol.unknown", "巡查记录不存在,请先同步“开始巡查”")
    return patrol


def patrol_start(
    *,
    actor: Any,
    client_id: Any,
    grid_code: str,
    started_at: dt.datetime,
    notes: str = "",
    duties: Iterable[str] = (),
) -> Patrol:
    grid = _grid(grid_code)
    require_field_work(actor, grid.path, grid.pk, started_at)
    served = duties_by_code(duties)
    patrol = Patrol.objects.create(
        client_id=client_id,
        worker=actor,
        grid=grid,
        area_path=grid.path,
        county_code=grid.county_code,
        started_at=started_at,
        started_on=timezone.localdate(started_at),
        received_at=timezone.now(),
        notes=_text(notes, "巡查情况"),
    )
    patrol.duties.set(served)
    return patrol


def _text(value: Any, what: str, minimum: int = 0) -> str:
    text = str(value or "").strip()
    if len(text) < minimum:
        raise DomainError("field.text", f"请写明{what}(至少 {minimum} 个字)")
    if len(text) > MAX_TEXT:
        raise DomainError("field.text", f"{what}不超过 {MAX_TEXT} 字")
    return text


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between (lon, lat) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def _measure(patrol: Patrol) -> None:
    """Count the trail and its length, in time order (points may arrive out
    of order from a phone that was offline)."""
    trail = list(patrol.points.order_by("at", "pk").values_list("lon", "lat"))
    patrol.point_count = len(trail)
    patrol.distance_m = round(sum(_metres(a, b) for a, b in pairwise(trail)), 1)
    Patrol.objects.filter(pk=patrol.pk).update(
        point_count=patrol.point_count, distance_m=patrol.distance_m
    )


def patrol_points_add(*, actor: Any, patrol: Patrol, points: Any) -> int:
    """Add positions to the trail. Each is ``{"at", "lon", "lat"}`` (and
    optionally ``"accuracy"`` in metres), within the patrol's time."""
    if not isinstance(points, list) or not points:
        raise DomainError("patrol.points", "没有轨迹点")
    if len(points) > MAX_POINTS:
        raise DomainError("patrol.points", f"每次最多上传 {MAX_POINTS} 个轨迹点")
    end = (patrol.stopped_at or timezone.now()) + CLOCK_SKEW
    rows = []
    for n, p in enumerate(points, 1):
        if not isinstance(p, dict):
            raise DomainError("patrol.points", f"第 {n} 个轨迹点格式不对")
        at = client_time(p.get("at"), f"第 {n} 个轨迹点的时间")
        if not patrol.started_at - CLOCK_SKEW <= at <= end:
            raise DomainError("patrol.points", f"第 {n} 个轨迹点不在本次巡查的时间内")
        lon, lat = check_position(p.get("lon"), p.get("lat"))
        accuracy = p.get("accuracy")
        rows.append(
            PatrolPoint(
                patrol=patrol,
                at=at,
                lon=lon,
                lat=lat,
                accuracy=float(accuracy) if isinstance(accuracy, int | float) else None,
            )
        )
    PatrolPoint.objects.bulk_create(rows)
    _measure(patrol)
    return len(rows)


def patrol_stop(
    *,
    actor: Any,
    patrol: Patrol,
    stopped_at: dt.datetime,
    notes: str | None = None,
    duties: Iterable[str] | None = None,
) -> bool:
    """Stop the patrol. False (nothing changed) if it was already stopped."""
    if stopped_at < patrol.started_at:
        raise DomainError("patrol.time", "结束时间早于开始时间")
    served = duties_by_code(duties) if duties is not None else None
    changes: dict[str, Any] = {"stopped_at": stopped_at}
    if notes is not None:
        changes["notes"] = _text(notes, "巡查情况")
    if not Patrol.objects.filter(pk=patrol.pk, stopped_at__isnull=True).update(**changes):
        return False
    if served is not None:
        patrol.duties.add(*served)
    patrol.refresh_from_db()
    _measure(patrol)
    return True


def finding_record(
    *,
    actor: Any,
    client_id: Any,
    found_at: dt.datetime,
    description: str,
    outcome: str,
    patrol: Patrol | None = None,
    grid_code: str = "",
    household_number: str = "",
    lon: Any = None,
    lat: Any = None,
    category: str = "",
    urgency: str = "normal",
    handled_note: str = "",
    duties: Iterable[str] = (),
) -> Finding:
    """Something found: reported as a request (through intake, channel
    grid worker, in this same transaction: both or neither), or handled on
    the spot and recorded."""
    if outcome not in FindingOutcome.values:
        raise DomainError("finding.outcome", "处理方式应为 reported(上报)或 handled(现场处置)")
    household = household_for_field(household_number) if household_number else None
    if patrol is not None:
        grid = patrol.grid
    elif household is not None:
        grid = household.grid
    else:
        grid = _grid(grid_code)
    require_field_work(actor, grid.path, grid.pk, found_at)
    text = _text(description, "发现的情况", 5)
    x, y = position(lon, lat)
    served = duties_by_code(duties)
    request = None
    note = ""
    if outcome == FindingOutcome.REPORTED:
        request = _report(actor, client_id, grid, household_number, text, x, y, category, urgency)
    else:
        note = _text(handled_note, "现场处置情况", 5)
    finding = Finding.objects.create(
        client_id=client_id,
        patrol=patrol,
        worker=actor,
        grid=grid,
        area_path=grid.path,
        county_code=grid.county_code,
        household=household,
        found_at=found_at,
        received_at=timezone.now(),
        description=text,
        lon=x,
        lat=y,
        outcome=outcome,
        request=request,
        handled_note=note,
    )
    finding.duties.set(served)
    return finding


def _report(
    actor: Any,
    client_id: Any,
    grid: Area,
    household_number: str,
    text: str,
    lon: float | None,
    lat: float | None,
    category: str,
    urgency: str,
) -> Any:
    """A request through intake, placed at the point found (else the grid);
    the finding's id is its idempotency key."""
    args: dict[str, Any] = {
        "actor": actor,
        "channel": Channel.GRID_WORKER,
        "category_code": str(category or ""),
        "description": text,
        "urgency": urgency,
        "grid_code": grid.code,
        "household_number": household_number,
        "idempotency_key": f"field-{client_id}",
    }
    if lon is None or household_number:
        return request_intake(**args)
    try:
        return request_intake(**args, lon=lon, lat=lat)
    except DomainError as exc:
        if exc.code != "request.location":
            raise
        # A position outside every grid (a poor fix in the mountains): the
        # grid the worker is in decides.
        return request_intake(**args)
