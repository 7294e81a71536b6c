"""What the reviewer's page needs to know about members leaving: who could
be the new head when the head leaves, and whether approval empties the
household (which closes it)."""

from __future__ import annotations

from typing import Any

from wangge.gridwork.models import HouseholdChange
from wangge.registry.models import Membership
from wangge.registry.moves import HEAD


def _current(change: HouseholdChange) -> list[Membership]:
    return list(
        Membership.objects.filter(household=change.household, moved_out__isnull=True)
        .select_related("person")
        .order_by("pk")
    )


def _leaving(change: HouseholdChange) -> set[int]:
    return {e["person"] for e in change.proposed if e["field"] == "member_leave"}


def head_choices(change: HouseholdChange) -> dict[int, list[dict[str, Any]]]:
    """For each departure of the current head (entry index): the members
    who stay, each ``{"id", "name", "relation", "chosen"}``, the one
    proposed chosen. None when no one stays: the household then closes."""
    members = _current(change)
    head = {m.person_id for m in members if m.relation == HEAD}
    leaving = _leaving(change)
    staying = [m for m in members if m.person_id not in leaving]
    out: dict[int, list[dict[str, Any]]] = {}
    for i, e in enumerate(change.proposed):
        if e["field"] != "member_leave" or e["person"] not in head or not staying:
            continue
        out[i] = [
            {
                "id": m.person_id,
                "name": m.person.name,
                "relation": m.relation,
                "chosen": m.person_id == e.get("new_head"),
            }
            for m in staying
        ]
    return out


def left_empty(change: HouseholdChange) -> bool:
    """Whether approving everything as proposed leaves the household with
    no member (so it is closed)."""
    if not _leaving(change):
        return False
    joining = any(e["field"] == "member_add" for e in change.proposed)
    return not joining and {m.person_id for m in _current(change)} <= _leaving(change)
