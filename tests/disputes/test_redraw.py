"""A village's grids redrawn: every dispute not yet closed goes on in the grid its first
household now lies in (outsiders only: the old grid's successor), with a timeline line and an
audit record; a closed one keeps its grid; the households' colour facts do not change."""

from __future__ import annotations

from typing import Any

from tests.disputes.conftest import register
from tests.territory.redrawing import TOWN, Plan, activate, grid, plan_redraw
from wangge.audit.models import AuditRecord
from wangge.dispatch.models import RoutingRule
from wangge.disputes.colour import open_dispute_counts
from wangge.disputes.ladder import may_follow_up, may_see
from wangge.disputes.models import Dispute, Outcome, State
from wangge.disputes.parties import PartyIn
from wangge.gridwork.models import GridPost
from wangge.registry.models import Household
from wangge.tasks.models import RowState, TaskGrid

OUTSIDERS = [
    PartyIn(name="外村人王某", phone="13912345678", side="a"),
    PartyIn(name="某建筑公司", kind="organisation", side="b"),
]


def _party(household_pk: int, side: str) -> PartyIn:
    number = Household.objects.get(pk=household_pk).number
    return PartyIn(name="张某", household_number=number, side=side)


def _at(plan: Plan, old: str, *, leaving: bool) -> int:
    """A household of an old grid that goes elsewhere than its successor (or stays with it)."""
    gone = set(plan.leaving(old))
    return min(hh for hh, code in plan.old_of.items() if code == old and (hh in gone) == leaving)


def _register(user: Any, where: str, parties: list[PartyIn]) -> Dispute:
    return register(user, grid_code=where, parties=parties)


def test_unclosed_disputes_follow_their_households_and_closed_ones_stay(  # type: ignore[no-untyped-def]
    db: None, user_named
) -> None:
    town = user_named(TOWN)
    plan = plan_redraw(town)
    split = plan.splits[0]
    leaving, staying = _at(plan, split, leaving=True), _at(plan, split, leaving=False)
    elsewhere = min(hh for hh, new in plan.placement.items() if new != plan.placement[staying])

    home = _register(town, split, [_party(leaving, "a")])
    outsiders = _register(town, split, OUTSIDERS)
    # Parties in two grids: side 甲's household decides, though entered second.
    spanning = _register(town, split, [_party(staying, "b"), _party(elsewhere, "a")])
    settled = _register(town, split, [_party(staying, "a")])
    Dispute.objects.filter(pk=settled.pk).update(
        state=State.FOLLOW_UP, outcome=Outcome.SETTLED
    )  # its follow-up visits are still due in the grid
    closed = _register(town, split, [_party(leaving, "a")])
    Dispute.objects.filter(pk=closed.pk).update(state=State.CLOSED, outcome=Outcome.SETTLED)
    colour_before = open_dispute_counts([leaving, staying, elsewhere])
    old = grid(split)

    done = activate(town, plan)

    expected = {
        home.pk: plan.placement[leaving],
        outsiders.pk: plan.successor[split],
        spanning.pk: plan.placement[elsewhere],
        settled.pk: plan.placement[staying],
    }
    assert expected[home.pk] != plan.successor[split]  # the household, not the successor
    for pk, code in expected.items():
        d = Dispute.objects.select_related("grid").get(pk=pk)
        assert d.grid.code == code
        assert d.area_path == d.grid.path
        assert d.version == 1  # a form opened before the redraw is refused
        line = d.events.order_by("at", "pk").last()
        assert line is not None
        assert (line.action, line.actor, line.state_after) == ("regrid", town, d.state)
        assert line.note.startswith("网格重新划分,由原网格")
        assert split in line.note
        assert code in line.note
    closed.refresh_from_db()
    assert (closed.grid_id, closed.area_path, closed.version) == (old.pk, old.path, 0)
    assert not closed.events.filter(action="regrid").exists()
    # The worker who took the old grid's work over follows the outsiders' case up.
    worker = user_named(f"wg{split}")
    moved = Dispute.objects.get(pk=outsiders.pk)
    assert may_see(worker, moved)
    assert may_follow_up(worker, moved)
    assert open_dispute_counts([leaving, staying, elsewhere]) == colour_before
    record = AuditRecord.objects.get(action="dispute.regrid", object_id=str(plan.generation.pk))
    assert record.actor_label == TOWN
    assert record.changes["moved"][home.number] == [split, expected[home.pk]]
    assert closed.number not in record.changes["moved"]
    # The outcome counts everything carried: posts, these four, task rows, routing rules.
    posts = GridPost.objects.filter(grid__code__in=done.created, ended_at__isnull=True).count()
    rows = TaskGrid.objects.filter(grid__code__in=done.deactivated, state=RowState.CARRIED).count()
    rules = RoutingRule.objects.filter(area__code__in=done.created).count()
    assert done.generation.outcome["others_moved"] == posts + 4 + rows + rules
