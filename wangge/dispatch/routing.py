"""Where a matter goes: the unit that must act on a matter of a category at
a grid. Administrators' rules first (the most specific wins); otherwise the
category's usual handler at the matching level of the place — the grid, its
village committee, its town office, or the county department that handles
the category. Nothing is ever routed nowhere: failing all that, the town
office (whose dispatcher decides), then the county command centre."""

from __future__ import annotations

from collections.abc import Callable

from wangge.accounts.models import Unit, UnitKind
from wangge.categories.models import Category
from wangge.core.errors import DomainError
from wangge.dispatch.reference import Candidate, routing_at
from wangge.territory.models import Area


def ancestor_paths(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def unit_over(path: str, kind: str) -> Unit | None:
    """The nearest active unit of a kind whose area holds the place (its
    town office, its county's command centre, …): one indexed query."""
    return (
        Unit.objects.filter(kind=kind, is_active=True, area__path__in=ancestor_paths(path))
        .select_related("area")
        .order_by("-area__path")  # ancestors are prefixes: the longest is the nearest
        .first()
    )


def _ancestor_codes(code: str) -> list[str]:
    return [code[:i] for i in range(2, len(code) + 1, 2)]


def usual_handler(category: Category) -> str:
    """The category's unit kind, or its nearest ancestor's; else the town."""
    node: Category | None = category
    while node is not None:
        if node.unit_kind:
            return node.unit_kind
        node = node.parent
    return UnitKind.TOWN_OFFICE


def route(category: Category, grid: Area) -> Unit:
    paths = ancestor_paths(grid.path)
    here = routing_at(paths)
    codes = set(_ancestor_codes(category.code))
    # The deepest area, then the deepest category (one rule per pair).
    rules = [
        (len(path), len(code), unit_id)
        for path in paths
        for code, unit_id in here.rules.get(path, [])
        if code in codes
    ]
    if rules:
        return Unit.objects.get(pk=max(rules)[2])
    # Else the usual handler's unit at its level of the place, the town
    # office, the county command centre: the first that exists, in that order.
    kind = usual_handler(category)
    wanted: dict[str, Callable[[Candidate], bool]] = {
        UnitKind.TOWN_OFFICE: lambda c: c.level == "town",
        UnitKind.COMMAND_CENTRE: lambda c: c.level == "county",
    }
    if kind == UnitKind.GRID:
        wanted[UnitKind.GRID] = lambda c: c.row[4] == grid.pk
    elif kind == UnitKind.VILLAGE_COMMITTEE:
        wanted[UnitKind.VILLAGE_COMMITTEE] = lambda c: c.level == "village"
    elif kind == UnitKind.DEPARTMENT:
        wanted[UnitKind.DEPARTMENT] = lambda c: (
            c.level == "county" and category.code[:2] in c.category_codes
        )
    own = [kind] if kind in (UnitKind.GRID, UnitKind.VILLAGE_COMMITTEE, UnitKind.DEPARTMENT) else []
    preference = [*own, UnitKind.TOWN_OFFICE, UnitKind.COMMAND_CENTRE]
    # Units of one kind here share one area: by code, as .first() picks them.
    candidates = sorted(
        (
            c
            for path in paths
            for c in here.units.get(path, [])
            if c.kind in wanted and wanted[c.kind](c)
        ),
        key=lambda c: (preference.index(c.kind), c.code),
    )
    if not candidates:
        raise DomainError("routing.none", "该地没有可以派单的单位,请系统管理员检查单位设置")
    return candidates[0].unit()


def village_committee_of(grid: Area) -> Unit | None:
    """The village committee over a grid — who takes the grid's new matters
    when neither of its grid workers is on duty — from the same reference
    data as ``route`` (no query outside a transaction)."""
    paths = ancestor_paths(grid.path)
    here = routing_at(paths)
    found = sorted(
        (
            c
            for path in paths
            for c in here.units.get(path, [])
            if c.kind == UnitKind.VILLAGE_COMMITTEE and c.level == "village"
        ),
        key=lambda c: c.code,
    )
    return found[0].unit() if found else None
