"""Grid generations: a draft computed from the village's households, compared with the grids
now, submitted, activated at once (households, people, units and grid workers follow; requests
keep their grid), refused when stale or raced, refused for bad input and outside reach."""

from __future__ import annotations

import re
from typing import Any

import pytest
from shapely.geometry import shape

from wangge.accounts.models import RoleAssignment, Unit
from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.audit.models import AuditRecord
from wangge.core.errors import DomainError
from wangge.dispatch import reference
from wangge.dispatch.services import request_intake
from wangge.registry.models import Household, Person
from wangge.territory import locate
from wangge.territory.activation import generation_activate
from wangge.territory.comparison import compare
from wangge.territory.generation_selectors import (
    generation_compare_for,
    generation_get_for,
    village_get_for,
)
from wangge.territory.generations import (
    generation_compute,
    generation_discard,
    generation_reject,
    generation_submit,
)
from wangge.territory.models import (
    Area,
    GenerationOrigin,
    GenerationState,
    GridGeneration,
    HouseholdGridChange,
)

VILLAGE = "611022109223"  # 商镇保定村
GRID = "611022109223001"
TOWN = "shangzhen_dispatcher"
SECRETARY = "sj611022109223"
WORKER = "wg611022109223001"
OTHER_TOWN = "longjuzhaijiedao_dispatcher"


def _village() -> Area:
    return Area.objects.get(code=VILLAGE)


def _draft(actor: Any, minimum: int = 40, maximum: int = 50, **kw: Any) -> GridGeneration:
    return generation_compute(
        actor=actor, village=_village(), minimum=minimum, maximum=maximum, **kw
    )


def _grid_codes() -> list[str]:
    return sorted(
        Area.objects.filter(level="grid", is_active=True, code__startswith=VILLAGE).values_list(
            "code", flat=True
        )
    )


def test_the_demo_village_has_an_active_demo_generation(db: None) -> None:
    active = GridGeneration.objects.get(village__code=VILLAGE, state=GenerationState.ACTIVE)
    assert active.origin == GenerationOrigin.DEMO
    assert sorted(g["code"] for g in active.grids) == _grid_codes()
    assert Area.objects.filter(generation=active).count() == len(_grid_codes())
    assert active.report["in_bounds_share"] == 1.0


def test_a_draft_keeps_its_settings_report_and_assignment(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    before = _grid_codes()
    g = _draft(user_named(SECRETARY))
    assert g.state == GenerationState.DRAFT
    assert (g.minimum, g.maximum, g.measure, g.fresh) == (40, 50, "households", False)
    assert g.computed_by.username == SECRETARY  # type: ignore[union-attr]
    assert g.base_codes == before
    households = Household.objects.filter(is_active=True, area_path__startswith=_village().path)
    assert set(g.assignment) == {str(pk) for pk in households.values_list("pk", flat=True)}
    # New codes after the highest the village has used, in reading order among themselves.
    highest = int(before[-1][-3:])
    codes = [x["code"] for x in g.grids]
    assert codes == [f"{VILLAGE}{highest + i:03d}" for i in range(1, len(codes) + 1)]
    assert set(g.assignment.values()) == set(codes)
    assert g.report["grids"] == len(codes)
    assert g.report["in_bounds_share"] == 1.0
    assert all(40 <= x["households"] <= 50 and x["geometry"] for x in g.grids)
    assert _grid_codes() == before  # a draft changes nothing
    assert AuditRecord.objects.filter(
        action="grid_generation.compute", object_id=str(g.pk)
    ).exists()


def test_the_comparison_counts_who_moves_where(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    g = _draft(user_named(TOWN))
    cmp = generation_compare_for(user_named(TOWN), g)
    assert not cmp.stale
    assert cmp.households == len(g.assignment)
    assert sum(n.households for n in cmp.new_grids) == cmp.households
    assert sum(o.households for o in cmp.old_grids) == cmp.households
    assert sum(o.leaving for o in cmp.old_grids) == len(cmp.moved)
    assert sum(n.moved_in for n in cmp.new_grids) == len(cmp.moved)
    # Bigger grids: fewer of them, so some old grids end and their households move.
    assert len(cmp.new_grids) < len(cmp.old_grids)
    assert 0 < len(cmp.moved) < cmp.households
    continued = {n.continues for n in cmp.new_grids} - {None}
    assert len(continued) == len(cmp.new_grids)  # each continues a different old grid
    for m in cmp.moved:
        assert {o.code: o.goes_to for o in cmp.old_grids}[m.old] != m.new


def test_submit_and_activate_switch_the_village_at_once(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    town, secretary = user_named(TOWN), user_named(SECRETARY)
    old_codes = _grid_codes()
    old_grid = Area.objects.get(code=GRID)
    request = request_intake(
        actor=None,
        channel="portal",
        category_code="210101",
        description="村口垃圾堆了好几天没人清运",
        grid_code=GRID,
    )
    assert request.unit.code == f"G-{GRID}"
    demo = GridGeneration.objects.get(village__code=VILLAGE, state=GenerationState.ACTIVE)
    g = _draft(secretary)
    other = _draft(town, 30, 40)
    cmp = compare(g)
    g = generation_submit(actor=secretary, generation=g)
    assert g.state == GenerationState.SUBMITTED
    with pytest.raises(DomainError) as e:  # a secretary proposes; the town approves
        generation_activate(actor=secretary, generation=g)
    assert e.value.code == "forbidden"

    done = generation_activate(actor=town, generation=g)

    g.refresh_from_db()
    assert g.state == GenerationState.ACTIVE
    assert g.decided_by == town
    assert g.activated_at is not None
    assert done.created == [x["code"] for x in g.grids]
    assert done.deactivated == old_codes
    assert _grid_codes() == done.created
    demo.refresh_from_db()
    assert demo.state == GenerationState.SUPERSEDED
    other.refresh_from_db()
    assert other.state == GenerationState.DISCARDED
    # Old grids stay, inactive, with their requests.
    old_grid.refresh_from_db()
    assert not old_grid.is_active
    request.refresh_from_db()
    assert request.grid_id == old_grid.pk
    # Every household is in its new grid, with the history of the change.
    village = _village()
    households = Household.objects.filter(is_active=True, area_path__startswith=village.path)
    for hh in households.select_related("grid"):
        assert hh.grid.code == cmp.placement[hh.pk]
        assert hh.area_path == hh.grid.path
        assert hh.grid.is_active
    assert HouseholdGridChange.objects.filter(generation=g).count() == households.count()
    assert done.moved == len(cmp.moved)
    new_paths = set(Area.objects.filter(generation=g).values_list("path", flat=True))
    people = Person.objects.filter(area_path__startswith=village.path)
    assert people.exists()
    assert set(people.values_list("area_path", flat=True)) <= new_paths
    # The grid's unit and its worker follow the grid that continues it.
    successor = Area.objects.get(code=g.outcome["successors"][GRID])
    unit = Unit.objects.get(code=f"G-{GRID}")
    assert unit.area_id == successor.pk
    assert unit.is_active
    request.refresh_from_db()
    assert request.unit_id == unit.pk  # still in the same hands
    worker = user_named(WORKER)
    assert reach_for(worker).allows(Capability.AREA_VIEW, successor.path)
    assert not RoleAssignment.objects.get(user=worker, area=old_grid).is_active
    assert Unit.objects.filter(kind="grid", area__generation=g).values(
        "area"
    ).distinct().count() == len(done.created)
    # Point → grid and the intake snapshot see the new grids.
    locate.forget()  # on_commit does not fire inside the test's transaction
    for row in g.grids[:5]:
        inside = shape(Area.objects.get(code=row["code"]).geometry).representative_point()
        assert locate.point_locate(inside.x, inside.y).grid_code == row["code"]  # type: ignore[union-attr]
    assert reference.grid_active(GRID) is None
    assert reference.grid_active(done.created[0]) is not None
    record = AuditRecord.objects.get(action="grid_generation.activate", object_id=str(g.pk))
    assert record.changes["moved"] == done.moved
    assert record.changes["superseded"] == [demo.pk]


def test_households_registered_after_the_draft_are_placed_by_position(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    from wangge.registry.services import household_create

    town = user_named(TOWN)
    g = generation_submit(actor=town, generation=_draft(town))
    target = g.grids[-1]
    at = shape(target["geometry"]).representative_point()
    late = household_create(
        actor=town, grid=Area.objects.get(code=GRID), address="保定村新建房1号", lon=at.x, lat=at.y
    )
    no_position = household_create(
        actor=town, grid=Area.objects.get(code=GRID), address="保定村新建房2号"
    )
    cmp = compare(g)
    assert cmp.placed_later == 2
    generation_activate(actor=town, generation=g)
    g.refresh_from_db()
    late.refresh_from_db()
    no_position.refresh_from_db()
    assert late.grid.code == target["code"]
    assert no_position.grid.code == g.outcome["successors"][GRID]


def test_a_second_activation_is_refused_and_changes_nothing(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    town = user_named(TOWN)
    first = generation_submit(actor=town, generation=_draft(town))
    second = generation_submit(actor=town, generation=_draft(town, 30, 40))
    stale_copy = GridGeneration.objects.get(pk=first.pk)  # what a second browser tab holds
    generation_activate(actor=town, generation=first)
    after = (_grid_codes(), Area.objects.count(), Unit.objects.count(), AuditRecord.objects.count())
    for g in (stale_copy, second):
        with pytest.raises(DomainError) as e:
            generation_activate(actor=town, generation=g)
        assert e.value.code in ("grid.state", "grid.stale")
    assert after == (
        _grid_codes(),
        Area.objects.count(),
        Unit.objects.count(),
        AuditRecord.objects.count(),
    )
    assert GridGeneration.objects.filter(village__code=VILLAGE, state="active").count() == 1


def test_a_generation_computed_before_the_grids_changed_is_stale(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    town = user_named(TOWN)
    stale = _draft(town)
    Area.objects.filter(code=GRID).update(is_active=False)  # the grids change meanwhile
    assert compare(stale).stale
    stale = generation_submit(actor=town, generation=stale)
    with pytest.raises(DomainError) as e:
        generation_activate(actor=town, generation=stale)
    assert e.value.code == "grid.stale"
    stale.refresh_from_db()
    assert stale.state == GenerationState.SUBMITTED  # the refusal rolled everything back


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"minimum": 50, "maximum": 40}, "grid.bounds"),
        ({"minimum": 0, "maximum": 40}, "grid.bounds"),
        ({"minimum": None, "maximum": 40}, "grid.bounds"),
        ({"minimum": 30, "maximum": 10**6}, "grid.bounds"),
        ({"minimum": 30, "maximum": 40, "measure": "acres"}, "grid.measure"),
        (
            {"minimum": 30, "maximum": 40, "barriers": [{"type": "Point", "coordinates": [1, 2]}]},
            "grid.barriers",
        ),
        (
            {
                "minimum": 30,
                "maximum": 40,
                "barriers": [{"type": "LineString", "coordinates": [[0, 0], [1, 1]]}],
            },
            "grid.barriers",
        ),
        ({"minimum": 30, "maximum": 40, "barriers": ["not geojson"]}, "grid.barriers"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(db: None, user_named, kwargs, code) -> None:  # type: ignore[no-untyped-def]
    before = (GridGeneration.objects.count(), AuditRecord.objects.count())
    with pytest.raises(DomainError) as e:
        generation_compute(actor=user_named(TOWN), village=_village(), **kwargs)
    assert e.value.code == code
    assert re.search(r"[\u4e00-\u9fff]", e.value.message)
    assert (GridGeneration.objects.count(), AuditRecord.objects.count()) == before


def test_only_villages_are_partitioned(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as e:
        generation_compute(
            actor=user_named(TOWN), village=Area.objects.get(code=GRID), minimum=30, maximum=40
        )
    assert e.value.code == "grid.village"


def test_steps_only_from_their_states(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    town = user_named(TOWN)
    g = _draft(town)
    with pytest.raises(DomainError) as e:
        generation_activate(actor=town, generation=g)  # a draft must be submitted first
    assert e.value.code == "grid.state"
    with pytest.raises(DomainError) as e:
        generation_reject(actor=town, generation=g, reason="规模不合适")
    assert e.value.code == "grid.state"
    g = generation_submit(actor=town, generation=g)
    with pytest.raises(DomainError) as e:
        generation_submit(actor=town, generation=g)
    assert e.value.code == "grid.state"
    with pytest.raises(DomainError) as e:
        generation_reject(actor=town, generation=g, reason="  ")
    assert e.value.code == "grid.reason"
    g = generation_reject(actor=town, generation=g, reason="网格太大,请按30–40户重算")
    assert (g.state, g.note) == (GenerationState.REJECTED, "网格太大,请按30–40户重算")
    g = generation_discard(actor=town, generation=g)
    assert g.state == GenerationState.DISCARDED
    with pytest.raises(DomainError):
        generation_discard(actor=town, generation=g)


def test_outside_the_town_it_does_not_exist(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    town, outsider = user_named(TOWN), user_named(OTHER_TOWN)
    g = generation_submit(actor=town, generation=_draft(town))
    before = GridGeneration.objects.count()
    for attempt in (
        lambda: generation_compute(actor=outsider, village=_village(), minimum=30, maximum=40),
        lambda: generation_activate(actor=outsider, generation=g),
        lambda: generation_reject(actor=outsider, generation=g, reason="不是我的"),
        lambda: generation_discard(actor=outsider, generation=g),
        lambda: generation_get_for(outsider, g.pk),
        lambda: village_get_for(outsider, VILLAGE),
    ):
        with pytest.raises(DomainError) as e:
            attempt()
        assert e.value.code == "not_found"
    assert GridGeneration.objects.count() == before
    g.refresh_from_db()
    assert g.state == GenerationState.SUBMITTED


def test_a_grid_worker_can_neither_see_nor_draft_the_village(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    worker = user_named(WORKER)
    with pytest.raises(DomainError) as e:
        generation_compute(actor=worker, village=_village(), minimum=30, maximum=40)
    assert e.value.code == "not_found"


def test_persons_as_the_measure(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    g = _draft(user_named(TOWN), 90, 130, measure="persons")
    assert g.measure == "persons"
    assert all(90 <= x["persons"] <= 130 for x in g.grids)


def test_a_village_without_households_cannot_be_partitioned(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    # A village outside the two towns the test suite's sample population fills.
    empty = (
        Area.objects.filter(level="village", county_code="611022")
        .exclude(code__startswith="611022109")
        .exclude(code__startswith="611022001")
        .order_by("code")
        .first()
    )
    assert empty is not None
    assert not Household.objects.filter(area_path__startswith=empty.path).exists()
    with pytest.raises(DomainError) as e:
        generation_compute(actor=user_named("admin"), village=empty, minimum=30, maximum=40)
    assert e.value.code == "grid.households"


def test_zones_keep_their_grids(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    """In a community with zones (片区), new grids go under the zone of the grid they
    continue, and each zone's boundary becomes the union of its new grids."""
    community = Area.objects.get(code="611022001004")  # 凤麓社区, 龙驹寨街道
    zones = list(Area.objects.filter(parent=community, level="zone", is_active=True))
    assert zones
    town = user_named("longjuzhaijiedao_dispatcher")
    g = generation_compute(actor=town, village=community, minimum=36, maximum=48)
    g = generation_submit(actor=town, generation=g)
    generation_activate(actor=town, generation=g)
    new = list(Area.objects.filter(generation=g))
    assert new
    assert all(a.parent.level == "zone" for a in new)  # type: ignore[union-attr]
    for zone in Area.objects.filter(parent=community, level="zone", is_active=True):
        members = [a for a in new if a.parent_id == zone.pk]
        assert members
        outline = shape(zone.geometry)
        for a in members:
            assert outline.buffer(1e-6).covers(shape(a.geometry).representative_point())
