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
    visit = Visit.objects.create(
        client_id=client_id,
        household=household,
        grid_id=household.grid_id,
        area_path=household.area_path,
        county_code=household.county_code,
        worker=actor,
        visited_at=visited_at,
        received_at=timezone.now(),
        notes=notes,
        lon=x,
        lat=y,
        accuracy=_accuracy(accuracy),
    )
    visit.duties.set(served)
    day = timezone.localdate(min(visited_at, visit.received_at))
    Household.objects.filter(
        Q(last_visit_on__isnull=True) | Q(last_visit_on__lt=day), pk=household.pk
    ).update(last_visit_on=day)
    return visit


def _accuracy(value: Any) -> float | None:
    try:
        return max(0.0, float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
