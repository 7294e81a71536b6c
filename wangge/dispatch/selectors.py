"""What a user may see of requests: those their units hold or answer for,
and those placed within their reach (department staff: of their
categories). Anything else is "not found"."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, DateTimeField, F, Q, QuerySet, When

from wangge.accounts.models import Unit, UnitKind
from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.accounts.selectors import units_for
from wangge.core.errors import NotFound
from wangge.dispatch.models import Assist, Request, State
from wangge.gridwork.cover import grids_served_by, on_duty

OPEN = (
    State.SUBMITTED,
    State.DISPATCHED,
    State.SIGNED,
    State.EXTENSION_PENDING,
    State.FINISHED,
    State.CHECKED,
)


def _visible_q(user: Any) -> Q:
    units = units_for(user)
    q = Q(unit_id__in=units) | Q(responsible_id__in=units) | Q(pk__in=_assisting(units))
    reach = reach_for(user)
    place = reach.filter("area_path", Capability.AREA_VIEW)
    codes = reach.category_codes()
    if codes is not None:  # department staff: their categories only
        of_theirs = Q(pk__in=[])
        for code in sorted(codes):
            of_theirs |= Q(category__code__startswith=code)
        place &= of_theirs
    return q | place


def _assisting(units: set[int]) -> Any:
    """Requests the units were whistled to as helpers."""
    return Assist.objects.filter(unit_id__in=units).values("request_id")


def request_get_for(user: Any, number: str) -> Request:
    found = (
        Request.objects.filter(_visible_q(user), number=number)
        .select_related("category__parent__parent", "grid", "unit", "responsible", "household")
        .first()
    )
    if found is None:
        raise NotFound("诉求")
    return found


def _current_due() -> Case:
    """The deadline of the step the request is waiting for (the stored sign
    deadline stays after signing; it is not what is due then)."""
    return Case(
        When(state__in=[State.SUBMITTED, State.DISPATCHED], then=F("sign_due")),
        When(state=State.SIGNED, then=F("finish_due")),
        When(state=State.FINISHED, then=F("check_due")),
        When(state=State.CHECKED, then=F("callback_due")),
        default=None,
        output_field=DateTimeField(),
    )


def _queue_units(user: Any) -> set[int]:
    """The units whose matters are in the user's queue: those they act
    for, except the grids they do not serve right now — a grid worker on
    leave hands their grid's queue to the B post covering it (a grid whose
    posts are not recorded stays with whoever acts for it)."""
    units = units_for(user)
    grids = dict(Unit.objects.filter(pk__in=units, kind=UnitKind.GRID).values_list("pk", "area_id"))
    if not grids:
        return units
    served = {s.grid_id for s in grids_served_by(user)}
    away = {unit for unit, grid in grids.items() if grid not in served and on_duty(grid).has_posts}
    return units - away


def request_queue_for(user: Any) -> QuerySet[Request]:
    """Open matters the user's units hold, or must still report in to or do
    their part of as helpers: the nearest deadline first."""
    units = _queue_units(user)
    helping = Assist.objects.filter(unit_id__in=units, done_at__isnull=True).values("request_id")
    return (
        Request.objects.filter(Q(unit_id__in=units) | Q(pk__in=helping), state__in=OPEN)
        .select_related("category", "grid", "unit")
        .annotate(due=_current_due())
        .order_by(F("due").asc(nulls_last=True), "created_at")
    )
