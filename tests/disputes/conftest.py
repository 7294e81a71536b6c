"""Disputes in 商镇保定村's first grid, with its demo users: the grid worker,
the village secretary, the town dispatcher, the county command centre."""

from __future__ import annotations

from typing import Any

import pytest

from wangge.disputes.parties import PartyIn
from wangge.disputes.services import dispute_register
from wangge.registry.models import Household, Membership

GRID = "611022109223001"
OTHER_GRID = "611022109223002"
WORKER = "wg611022109223001"
OTHER_WORKER = "wg611022109223002"
SECRETARY = "sj611022109223"
TOWN = "shangzhen_dispatcher"
COMMAND = "danfeng_command"
DEPT = "danfeng_zhujian"


def household_with_member(grid: str, *, skip: int = 0) -> tuple[Household, str]:
    """A household of the grid with no special tags on anyone (so its own
    colour is green or only "not visited"), and one member's name."""
    rows = (
        Membership.objects.filter(
            household__grid__code=grid, moved_out__isnull=True, person__tags__isnull=True
        )
        .select_related("household", "person")
        .order_by("household__number", "pk")
    )
    seen: list[int] = []
    for m in rows:
        if m.household_id in seen:
            continue
        seen.append(m.household_id)
        if len(seen) > skip:
            return m.household, m.person.name
    raise AssertionError("no household found")


def register(user: Any, **kw: Any) -> Any:
    household, name = kw.pop("household", None) or household_with_member(GRID)
    args: dict[str, Any] = {
        "grid_code": GRID,
        "dispute_type": "neighbour",
        "risk": "low",
        "summary": "两户因排水沟堵塞发生争执",
        "found_via": "visit",
        "parties": [
            PartyIn(name=name, household_number=household.number, side="a"),
            PartyIn(name="外村人王某", phone="13912345678", id_number="", side="b"),
        ],
    }
    args.update(kw)
    return dispute_register(actor=user, **args)


@pytest.fixture
def worker(user_named: Any) -> Any:
    return user_named(WORKER)
