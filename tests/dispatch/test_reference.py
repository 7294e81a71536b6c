"""The intake snapshot (categories, grids, units, rules held per process)
answers exactly as the database does, and hands out copies."""

from __future__ import annotations

import pytest

from wangge.accounts.models import Unit
from wangge.categories.models import Category
from wangge.dispatch import reference
from wangge.dispatch.models import RoutingRule
from wangge.dispatch.routing import route
from wangge.territory.models import Area

GRIDS = ("611022109223001", "611022001001001")  # 商镇保定村; 龙驹寨街道


@pytest.fixture
def snapshot_on(monkeypatch):  # type: ignore[no-untyped-def]
    """Outside the tests' transaction the snapshot would be used: use it."""

    def on() -> None:
        taken = reference._build()
        monkeypatch.setattr(reference.SNAPSHOT, "get", lambda: taken)

    return on


def test_routing_from_the_snapshot_is_routing_from_the_database(  # type: ignore[no-untyped-def]
    db: None, snapshot_on
) -> None:
    grids = [Area.objects.get(code=c) for c in GRIDS if Area.objects.filter(code=c).exists()]
    grids.append(Area.objects.filter(level="grid", county_code="611022").order_by("-code").first())
    village = grids[0].parent
    RoutingRule.objects.create(
        category=Category.objects.get(code="2101"),
        area=village,
        unit=Unit.objects.get(code=f"V-{village.code}"),
    )
    Unit.objects.filter(code="D-611022-zhujian").update(is_active=False)  # → the town
    leaves = list(Category.objects.filter(level=3, is_active=True))
    from_db = {(c.code, g.code): route(c, g).code for c in leaves for g in grids}
    snapshot_on()
    from_snapshot = {(c.code, g.code): route(c, g).code for c in leaves for g in grids}
    assert from_snapshot == from_db
    assert from_db[("210101", grids[0].code)] == f"V-{village.code}"  # the rule


def test_lookups_from_the_snapshot_are_copies(db: None, snapshot_on) -> None:  # type: ignore[no-untyped-def]
    Category.objects.filter(code="130101").update(is_active=False)
    snapshot_on()
    category = reference.category_active("210101")
    assert category is not None
    assert category == Category.objects.get(code="210101")
    category.name = "changed"
    assert reference.category_active("210101").name != "changed"  # type: ignore[union-attr]
    assert reference.category_active("130101") is None
    grid = reference.grid_active(GRIDS[0])
    assert grid is not None
    assert (grid.pk, grid.path) == Area.objects.filter(code=GRIDS[0]).values_list("pk", "path")[0]
    assert reference.grid_active("611022109223999") is None
