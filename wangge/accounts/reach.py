"""Reach: what a user may see and change. Computed here and nowhere else.

A user's reach is the set of their active role assignments, each a *grant*:
an area path (the grant covers every area whose path starts with it), the
capabilities of the role, and for department staff the categories of their
unit. Selectors filter with ``reach.filter(...)``; services check with
``reach.allows(...)``. Both treat "outside your reach" as "does not exist",
so a caller can never learn that something is there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Q

from wangge.accounts.roles import (
    BELOW_ONLY,
    CATEGORY_LIMITED_ROLES,
    ROLE_CAPABILITIES,
    Capability,
    Role,
)

_CACHE_ATTR = "_wangge_reach"


@dataclass(frozen=True)
class Grant:
    role: str
    path: str  # "" reaches the whole tree (superuser)
    capabilities: frozenset[str]
    below_only: frozenset[str] = frozenset()
    category_codes: frozenset[str] | None = None  # None: all categories
    # A grant a B post holder has only while covering A's grid (AB岗): it
    # lasts as long as the cover (see wangge.gridwork.cover).
    covering: bool = False

    def covers(self, path: str, capability: str) -> bool:
        if capability not in self.capabilities or not path.startswith(self.path):
            return False
        return not (capability in self.below_only and path == self.path)


@dataclass(frozen=True)
class Reach:
    grants: tuple[Grant, ...]

    @property
    def is_empty(self) -> bool:
        return not self.grants

    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def has(self, capability: str) -> bool:
        """Whether the user holds the capability anywhere (for navigation)."""
        return any(capability in g.capabilities for g in self.grants)

    def allows(self, capability: str, path: str) -> bool:
        return any(g.covers(path, capability) for g in self.grants)

    def paths(self, capability: str = Capability.AREA_VIEW) -> list[str]:
        """The top paths of the reach, with nested ones folded away."""
        raw = sorted({g.path for g in self.grants if capability in g.capabilities})
        tops: list[str] = []
        for p in raw:
            if not any(p.startswith(t) for t in tops):
                tops.append(p)
        return tops

    def filter(self, field: str = "path", capability: str = Capability.AREA_VIEW) -> Q:
        """A Q object limiting ``field`` (an area path, possibly through a
        relation: ``"area__path"``) to the reach. Nothing reachable → a Q that
        matches nothing."""
        q = Q(pk__in=[])
        for top in self.paths(capability):
            q |= Q(**{f"{field}__prefix": top})
        return q

    def covering_paths(self) -> list[str]:
        """Grids reached only because the user covers them as B right now."""
        return [g.path for g in self.grants if g.covering]

    def category_codes(self) -> frozenset[str] | None:
        """Categories the user may see matters of; None when unlimited."""
        limited = [g for g in self.grants if g.category_codes is not None]
        if len(limited) < len(self.grants):
            return None
        out: set[str] = set()
        for g in limited:
            out |= g.category_codes or set()
        return frozenset(out)


def _grant_for(role: str, path: str, categories: Iterable[str] | None) -> Grant:
    return Grant(
        role=role,
        path=path,
        capabilities=ROLE_CAPABILITIES[role],
        below_only=BELOW_ONLY.get(role, frozenset()),
        category_codes=frozenset(categories or ()) if role in CATEGORY_LIMITED_ROLES else None,
    )


def reach_for(user: Any) -> Reach:
    """The user's reach, computed once per user object (i.e. per request)."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    reach = _compute(user)
    if user is not None:
        setattr(user, _CACHE_ATTR, reach)
    return reach


def _compute(user: Any) -> Reach:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Reach(())
    grants: list[Grant] = []
    if user.is_superuser:
        grants.append(_grant_for(Role.ADMINISTRATOR, "", None))
    from wangge.accounts.models import RoleAssignment

    assignments = (
        RoleAssignment.objects.filter(user=user, is_active=True, area__is_active=True)
        .select_related("area", "unit")
        .prefetch_related("unit__categories")
    )
    for a in assignments:
        codes = [c.code for c in a.unit.categories.all()] if a.unit else []
        grants.append(_grant_for(a.role, a.area.path, codes))
    # A B post holder covering an absent A reaches A's grid as its grid
    # worker, while the cover lasts and not after (the reach is computed
    # anew for every request).
    from wangge.gridwork.cover import covering_paths

    for path in covering_paths(user):
        grants.append(replace(_grant_for(Role.GRID_WORKER, path, None), covering=True))
    return Reach(tuple(grants))


def forget_reach(user: Any) -> None:
    """Drop the cached reach after the user's assignments change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
