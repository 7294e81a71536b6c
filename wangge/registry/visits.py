"""The visit schedule of an area's households, from their colour and last
visit (the pure rules are in ``wangge.registry.schedule``; this adds the
database: intervals from ``VisitInterval`` and SQL filters by state)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from wangge.registry.colour_defaults import DEFAULT_VISIT_INTERVALS
from wangge.registry.models import Household, VisitInterval
from wangge.registry.schedule import DEFAULT_WARN_DAYS, VisitStatus, visit_status

STATES = ("overdue", "due", "done")


def intervals() -> dict[str, int]:
    out = dict(DEFAULT_VISIT_INTERVALS)
    out.update(dict(VisitInterval.objects.values_list("colour", "days")))
    return out


def status_of(household: Household, today: dt.date, table: dict[str, int]) -> VisitStatus:
    return visit_status(household.colour, household.last_visit_on, today, table)


def state_filter(state: str, today: dt.date, table: dict[str, int]) -> Q:
    """Households in a visit state, as one SQL condition (so lists can be
    filtered and counted without loading every household). Must agree with
    ``schedule.visit_status``; a test checks it does."""
    q = Q(pk__in=[])
    for colour, days in table.items():
        # due_on = last_visit + days (never visited: due today)
        overdue_before = today - dt.timedelta(days=days)  # last_visit < this → overdue
        warn_before = today - dt.timedelta(days=days - min(DEFAULT_WARN_DAYS, days - 1))
        if state == "overdue":
            q |= Q(colour=colour, last_visit_on__lt=overdue_before)
        elif state == "due":
            q |= Q(
                colour=colour, last_visit_on__gte=overdue_before, last_visit_on__lte=warn_before
            ) | Q(colour=colour, last_visit_on__isnull=True)
        else:
            q |= Q(colour=colour, last_visit_on__gt=warn_before)
    return q
