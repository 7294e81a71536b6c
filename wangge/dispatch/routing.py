"""Where a matter goes: the unit that must act on a matter of a category at
a grid. Administrators' rules first (the most specific wins); otherwise the
category's usual handler at the matching level of the place — the grid, its
village committee, its town office, or the county department that handles
the category. Nothing is ever routed nowhere: failing all that, the town
office (whose dispatcher decides), then the county command centre."""

from __future__ import annotations

from wangge.accounts.models import Unit, UnitKind
from wangge.categories.models import Category
from wangge.core.errors import DomainError
from wangge.dispatch.models import RoutingRule
from wangge.territory.models import Area


def ancestor_paths(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


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
    rules = list(
        RoutingRule.objects.filter(
            is_active=True,
            unit__is_active=True,
            category__code__in=_ancestor_codes(category.code),
            area__path__in=paths,
        ).select_related("unit", "area", "category")
    )
    if rules:
        best = max(rules, key=lambda r: (len(r.area.path), len(r.category.code)))
        return best.unit
    places = {a.level: a for a in Area.objects.filter(path__in=paths).defer("geometry")}
    units = Unit.objects.filter(is_active=True)
    kind = usual_handler(category)
    found: Unit | None = None
    if kind == UnitKind.GRID:
        found = units.filter(kind=UnitKind.GRID, area=grid).first()
    elif kind == UnitKind.VILLAGE_COMMITTEE and "village" in places:
        found = units.filter(kind=UnitKind.VILLAGE_COMMITTEE, area=places["village"]).first()
    elif kind == UnitKind.DEPARTMENT and "county" in places:
        found = (
            units.filter(
                kind=UnitKind.DEPARTMENT,
                area=places["county"],
                categories__code=category.code[:2],
            )
            .order_by("code")
            .first()
        )
    if found is None and "town" in places:
        found = units.filter(kind=UnitKind.TOWN_OFFICE, area=places["town"]).first()
    if found is None and "county" in places:
        found = units.filter(kind=UnitKind.COMMAND_CENTRE, area=places["county"]).first()
    if found is None:
        raise DomainError("routing.none", "该地没有可以派单的单位,请系统管理员检查单位设置")
    return found
