"""The phone's start page (``GET /api/field/today/``): for the grids the
worker serves right now (``cover.grids_served_by``: own A grids, and A's
grids while covering as B), the visits due and overdue by colour, the
worker's requests, and their tasks.

Tasks come from the tasks app: the open rows of the grids served now, so a
B covering A's grid carries A's tasks too (``wangge.tasks`` imports nothing
from here).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from wangge.dispatch.models import Request, State
from wangge.dispatch.selectors import OPEN
from wangge.gridwork.cover import Served, grids_served_by
from wangge.registry import visits as schedule
from wangge.registry.models import Colour, Household
from wangge.tasks.selectors import tasks_for_grids
from wangge.territory.models import Area

LIST_LIMIT = 200  # per state: a grid has a few hundred households
_COLOUR_ORDER: dict[str, int] = {Colour.RED: 0, Colour.YELLOW: 1, Colour.GREEN: 2}


def today_for(user: Any, at: dt.datetime | None = None) -> dict[str, Any]:
    at = at or timezone.now()
    served = grids_served_by(user, at)
    grids = {a.pk: a for a in Area.objects.filter(pk__in=[s.grid_id for s in served])}
    return {
        "at": at.isoformat(),
        "grids": [_grid(s, grids[s.grid_id]) for s in served if s.grid_id in grids],
        "visits": _visits([s.path for s in served], timezone.localdate(at)),
        "requests": _requests(served),
        "tasks": _tasks(user, served, at),
    }


def _grid(s: Served, area: Area) -> dict[str, Any]:
    return {"code": area.code, "name": area.name, "post": s.post, "covering": s.covering}


def _visits(paths: list[str], today: dt.date) -> dict[str, Any]:
    """Households due or overdue for a visit, red first, the most overdue
    first; and the counts by colour."""
    empty = dict.fromkeys(Colour.values, 0)
    if not paths:
        return {"overdue": [], "due": [], "counts": {"overdue": empty, "due": dict(empty)}}
    table = schedule.intervals()
    place = Q(pk__in=[])
    for p in paths:
        place |= Q(area_path__prefix=p)
    out: dict[str, Any] = {"counts": {}}
    for state in ("overdue", "due"):
        rows = list(
            Household.objects.filter(place, schedule.state_filter(state, today, table))
            .filter(is_active=True)
            .select_related("grid")
            .only("number", "grid__code", "address_masked", "colour", "last_visit_on", "lon", "lat")
        )
        items: list[dict[str, Any]] = []
        for h in rows:
            status = schedule.status_of(h, today, table)
            items.append(
                {
                    "household": h.number,
                    "grid": h.grid.code,
                    "address": h.address_masked,
                    "colour": h.colour,
                    "last_visit_on": h.last_visit_on.isoformat() if h.last_visit_on else None,
                    "due_on": status.due_on.isoformat(),
                    "days_overdue": status.days_overdue,
                    "lon": h.lon,
                    "lat": h.lat,
                }
            )
        items.sort(key=lambda i: (_COLOUR_ORDER[i["colour"]], -i["days_overdue"], i["household"]))
        counts = dict.fromkeys(Colour.values, 0)
        for i in items:
            counts[i["colour"]] += 1
        out[state] = items[:LIST_LIMIT]
        out["counts"][state] = counts
    return out


def _requests(served: list[Served]) -> list[dict[str, Any]]:
    """Open requests the served grids' units hold, and those finished by
    others waiting for the grid's on-site check — nearest deadline first."""
    if not served:
        return []
    grid_ids = [s.grid_id for s in served]
    rows = (
        Request.objects.filter(
            Q(unit__kind="grid", unit__area_id__in=grid_ids, state__in=OPEN)
            | Q(grid_id__in=grid_ids, state=State.FINISHED)
        )
        .select_related("category", "grid")
        .order_by("created_at")[:LIST_LIMIT]
    )
    items = [
        {
            "number": r.number,
            "category": r.category.name,
            "grid": r.grid.code,
            "state": r.state,
            "state_label": State(r.state).label,
            "urgency": r.urgency,
            "description": r.description[:120],
            "due": _due(r),
            "check": r.state == State.FINISHED,
            "version": r.version,
        }
        for r in rows
    ]
    # The nearest deadline first; nothing due last.
    return sorted(items, key=lambda i: (i["due"] is None, i["due"] or ""))


def _due(r: Request) -> str | None:
    due = {
        State.SUBMITTED: r.sign_due,
        State.DISPATCHED: r.sign_due,
        State.SIGNED: r.finish_due,
        State.FINISHED: r.check_due,
    }.get(State(r.state))
    return due.isoformat() if due else None


def _tasks(user: Any, served: list[Served], at: dt.datetime) -> list[dict[str, Any]]:
    """The open task rows of the grids served now, soonest due first."""
    return [
        {
            "id": row.pk,
            "task": row.task.title,
            "grid": row.grid.code,
            "due_on": row.task.due_on.isoformat() if row.task.due_on else None,
            "target_count": row.target_count,
            "done_count": row.done_count,
        }
        for row in tasks_for_grids([s.grid_id for s in served])[:LIST_LIMIT]
    ]
