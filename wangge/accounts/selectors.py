"""Reads about users and their roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wangge.accounts.models import RoleAssignment
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
