"""Reads about users and their roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wangge.accounts.models import RoleAssignment, Unit, UnitKind
from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Role


@dataclass(frozen=True)
class RoleLine:
    role: str
    area_code: str
    area_name: str
    unit_name: str


def role_lines_for(user: Any) -> list[RoleLine]:
    """The user's own active roles, for showing them who they are here."""
    rows = (
        RoleAssignment.objects.filter(user=user, is_active=True)
        .select_related("area", "unit")
        .order_by("area__code", "role")
    )
    lines = [
        RoleLine(Role(a.role).label, a.area.code, a.area.name, a.unit.name if a.unit else "")
        for a in rows
    ]
    if user.is_superuser and not lines:
        lines.append(RoleLine(Role.ADMINISTRATOR.label, "", "全部区域", ""))
    return lines


# The unit a role acts for, found at the area the role is held at.
_ROLE_UNIT_KIND: dict[str, str] = {
    Role.GRID_WORKER: UnitKind.GRID,
    Role.VILLAGE_SECRETARY: UnitKind.VILLAGE_COMMITTEE,
    Role.TOWN_DISPATCHER: UnitKind.TOWN_OFFICE,
    Role.COMMAND_CENTRE: UnitKind.COMMAND_CENTRE,
}


def units_for(user: Any) -> set[int]:
    """The units a user acts for (signs, handles, returns on behalf of):
    department staff for their department; a grid worker for their grid
    (and, as B post, for the grid they cover while its A is away), a
    village secretary for the village committee, a town dispatcher for the
    town office, the command centre for itself — each at the area the role
    is held at."""
    if not getattr(user, "is_authenticated", False):
        return set()
    out: set[int] = set()
    for role, area_id, unit_id in RoleAssignment.objects.filter(
        user=user, is_active=True
    ).values_list("role", "area_id", "unit_id"):
        if unit_id is not None:
            out.add(unit_id)
        kind = _ROLE_UNIT_KIND.get(role)
        if kind is not None:
            out.update(
                Unit.objects.filter(kind=kind, area_id=area_id, is_active=True).values_list(
                    "pk", flat=True
                )
            )
    # A B post holder acts for the grid they cover while A is away.
    covered = reach_for(user).covering_paths()
    if covered:
        out.update(
            Unit.objects.filter(
                kind=UnitKind.GRID, area__path__in=covered, is_active=True
            ).values_list("pk", flat=True)
        )
    return out
