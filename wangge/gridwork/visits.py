"""Recording a visit to a household (入户走访)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from wangge.core.errors import DomainError, NotFound
from wangge.gridwork.access import require_field_work
from wangge.gridwork.duties import duties_by_code
from wangge.gridwork.models import Visit
from wangge.registry import visits as schedule
from wangge.registry.edits import check_position
from wangge.registry.models import Household

MAX_NOTES = 2000


def household_for_field(number: str) -> Household:
    """An active household by its number (reach is checked by the caller,
    against the moment the record was made)."""
    household = (
        Household.objects.filter(number=str(number or ""), is_active=True)
        .select_related("grid")
        .first()
    )
    if household is None:
        raise NotFound("户")
    return household


def position(lon: Any, lat: Any) -> tuple[float | None, float | None]:
    """An optional position: both or neither."""
    if lon in (None, "") and lat in (None, ""):
        return None, None
    return check_position(lon, lat)


def visit_record(
    *,
    actor: Any,
    client_id: Any,
    household: Household,
    visited_at: dt.datetime,
    notes: str = "",
    lon: Any = None,
    lat: Any = None,
    accuracy: Any = None,
    duties: Iterable[str] = (),
) -> Visit:
    """Record a visit and move the household's last visit forwards (never
    back: a visit sent late from a phone does not undo a later one)."""
    require_field_work(actor, household.area_path, household.grid_id, visited_at, "户")
    notes = str(notes or "").strip()
    if len(notes) > MAX_NOTES:
        raise DomainError("visit.notes", f"走访情况不超过 {MAX_NOTES} 字")
    x, y = position(lon, lat)
    served = duties_by_code(duties)
    day = timezone.localdate(visited_at)
    colour = household.colour
    intervals = schedule.intervals()
    visit = Visit.objects.create(
        client_id=client_id,
        household=household,
        grid_id=household.grid_id,
        area_path=household.area_path,
        county_code=household.county_code,
        worker=actor,
        visited_at=visited_at,
        visited_on=day,
        colour=colour,
        due_on=_due(household.pk, visited_at, colour, intervals),
        received_at=timezone.now(),
        notes=notes,
        lon=x,
        lat=y,
        accuracy=_accuracy(accuracy),
    )
    visit.duties.set(served)
    _redate_next(visit, intervals)
    day = timezone.localdate(min(visited_at, visit.received_at))
    Household.objects.filter(
        Q(last_visit_on__isnull=True) | Q(last_visit_on__lt=day), pk=household.pk
    ).update(last_visit_on=day)
    return visit


def _due(
    household_id: int, visited_at: dt.datetime, colour: str, intervals: dict[str, int]
) -> dt.date | None:
    """The day a visit at ``visited_at`` fell due: the household's visit
    before it plus the interval of the colour it has now (the schedule's
    rule: the current colour decides). None for its first visit."""
    before = (
        Visit.objects.filter(household_id=household_id, visited_at__lt=visited_at)
        .order_by("-visited_at")
        .values_list("visited_on", flat=True)
        .first()
    )
    return before + dt.timedelta(days=intervals.get(colour, 30)) if before else None


def _redate_next(visit: Visit, intervals: dict[str, int]) -> None:
    """A visit that arrives after a later one (an offline phone) becomes
    the one before it: the later visit fell due from this one."""
    later = (
        Visit.objects.filter(household_id=visit.household_id, visited_at__gt=visit.visited_at)
        .order_by("visited_at")
        .values_list("pk", "colour")
        .first()
    )
    if later:
        pk, colour = later
        due = visit.visited_on + dt.timedelta(days=intervals.get(colour, 30))
        Visit.objects.filter(pk=pk).update(due_on=due)


def _accuracy(value: Any) -> float | None:
    try:
        return max(0.0, float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
