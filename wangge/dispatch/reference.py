"""What intake reads that administrators change — categories, grids, units
and routing rules — from one per-process snapshot (``wangge.core.snapshot``:
kept ``MAX_AGE`` seconds, dropped at once by a write in this process, not
used inside a transaction, where these functions read the database).

Without it an intake asked the database these things in six queries, about
a third of its time under load (bench/intake_load.py). A snapshot of the
demo county (2,600 units, 2,400 grids) takes ~50 ms to build, once per
``MAX_AGE`` per process. Instances handed out are new on every call, so
nothing a caller does to them reaches the snapshot.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS

from wangge.accounts.models import Unit, UnitKind
from wangge.categories.models import Category
from wangge.core.snapshot import Snapshot
from wangge.dispatch.models import RoutingRule
from wangge.territory.models import Area

MAX_AGE = 10.0

# The units routing may choose without a rule (see routing.route).
ROUTED_KINDS = (
    UnitKind.GRID,
    UnitKind.VILLAGE_COMMITTEE,
    UnitKind.TOWN_OFFICE,
    UnitKind.DEPARTMENT,
    UnitKind.COMMAND_CENTRE,
)
_GRID_FIELDS = ("id", "code", "name", "level", "parent_id", "path", "county_code", "is_active")
_UNIT_FIELDS = ("id", "code", "name", "kind", "area_id", "is_active")


@dataclass(frozen=True)
class Candidate:
    """A unit routing may choose at one area of a place."""

    row: tuple[object, ...]  # _UNIT_FIELDS
    level: str  # of its area
    category_codes: frozenset[str]  # a department's first-level categories

    @property
    def kind(self) -> str:
        return str(self.row[3])

    @property
    def code(self) -> str:
        return str(self.row[1])

    def unit(self) -> Unit:
        return Unit.from_db(DEFAULT_DB_ALIAS, list(_UNIT_FIELDS), list(self.row))


@dataclass(frozen=True)
class Routing:
    """Rules (category code, unit id) and candidate units, by area path."""

    rules: dict[str, list[tuple[str, int]]]
    units: dict[str, list[Candidate]]


@dataclass(frozen=True)
class Reference:
    categories: dict[str, Category]  # active, by code, with their parents
    grids: dict[str, tuple[object, ...]]  # active grids by code: _GRID_FIELDS
    routing: Routing


def _load_routing(paths: list[str] | None) -> Routing:
    """Active rules of active units, and active units of the kinds routing
    chooses: at ``paths``, or everywhere (``None``)."""
    rules_q = RoutingRule.objects.filter(is_active=True, unit__is_active=True)
    units_q = Unit.objects.filter(is_active=True, kind__in=ROUTED_KINDS)
    if paths is not None:
        rules_q = rules_q.filter(area__path__in=paths)
        units_q = units_q.filter(area__path__in=paths)
    rules: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for path, code, unit_id in rules_q.values_list("area__path", "category__code", "unit_id"):
        rules[path].append((code, unit_id))
    found: dict[int, tuple[tuple[object, ...], str, str, set[str]]] = {}
    for *row, path, level, category in units_q.values_list(
        *_UNIT_FIELDS, "area__path", "area__level", "categories__code"
    ):
        entry = found.setdefault(int(row[0]), (tuple(row), path, level, set()))
        if category:
            entry[3].add(category)
    units: dict[str, list[Candidate]] = defaultdict(list)
    for row, path, level, codes in found.values():
        units[path].append(Candidate(row, level, frozenset(codes)))
    return Routing(dict(rules), dict(units))


def _build() -> Reference:
    categories = {c.pk: c for c in Category.objects.all()}
    for c in categories.values():
        if c.parent_id is not None:
            c.parent = categories[c.parent_id]
    grids = Area.objects.filter(level="grid", is_active=True).values_list(*_GRID_FIELDS)
    return Reference(
        categories={c.code: c for c in categories.values() if c.is_active},
        grids={str(row[1]): row for row in grids},
        routing=_load_routing(None),
    )


SNAPSHOT: Snapshot[Reference] = Snapshot(_build, max_age=MAX_AGE)


def watch() -> None:
    SNAPSHOT.watch(Category, Area, Unit, RoutingRule, m2m=[Unit.categories.through])


def category_active(code: str) -> Category | None:
    ref = SNAPSHOT.get()
    found = ref.categories.get(code) if ref is not None else None
    if found is not None:
        return copy.copy(found)
    # Not in the snapshot (or no snapshot): the database decides; a category
    # added since the snapshot was taken is found at once.
    return Category.objects.filter(code=code, is_active=True).first()


def grid_active(code: str) -> Area | None:
    """An active grid by its code (``None`` if there is none)."""
    ref = SNAPSHOT.get()
    row = ref.grids.get(code) if ref is not None else None
    if row is not None:
        return Area.from_db(DEFAULT_DB_ALIAS, list(_GRID_FIELDS), list(row))
    return Area.objects.filter(code=code, level="grid", is_active=True).first()


def routing_at(paths: list[str]) -> Routing:
    """Rules and candidate units at these area paths."""
    ref = SNAPSHOT.get()
    if ref is None:
        return _load_routing(paths)
    return Routing(
        {p: ref.routing.rules[p] for p in paths if p in ref.routing.rules},
        {p: ref.routing.units[p] for p in paths if p in ref.routing.units},
    )
