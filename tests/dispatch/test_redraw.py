"""A village's grids redrawn: routing rules set on an old grid move to the grid that takes over
its work; where two old grids merge, the older rule of a category moves and the other stays
behind (and the audit says so); inactive rules stay; intake's per-process routing snapshot is
dropped, so the moved rules route at once."""

from __future__ import annotations

import time

from tests.territory.redrawing import TOWN, activate, grid, plan_redraw
from wangge.accounts.models import Unit
from wangge.audit.models import AuditRecord
from wangge.categories.models import Category
from wangge.dispatch import reference
from wangge.dispatch.models import RoutingRule
from wangge.dispatch.routing import route

VILLAGE_UNIT = "V-611022109223"
TOWN_UNIT = "T-611022109000"
DEPARTMENT = "D-611022-zhujian"


def _rule(category: str, where: str, unit: str, *, active: bool = True) -> RoutingRule:
    return RoutingRule.objects.create(
        category=Category.objects.get(code=category),
        area=grid(where),
        unit=Unit.objects.get(code=unit),
        is_active=active,
    )


def test_rules_follow_the_grids_the_first_wins_a_merge_and_routing_sees_them(  # type: ignore[no-untyped-def]
    db: None, user_named, monkeypatch
) -> None:
    town = user_named(TOWN)
    plan = plan_redraw(town)
    merged, merging = next(iter(plan.merges.items()))
    first, second = merging[:2]
    single = next(old for old in sorted(plan.successor) if old not in merging)
    garbage = Category.objects.get(code="210101")  # 暴露垃圾: the grid's, without a rule
    alone = _rule("210101", single, VILLAGE_UNIT)
    winner = _rule("2101", first, TOWN_UNIT)
    loser = _rule("2101", second, DEPARTMENT)  # same category, the grids merge: set later
    inactive = _rule("080301", first, DEPARTMENT, active=False)
    # A snapshot taken before the redraw, as intake in this process would hold it.
    reference.SNAPSHOT._value = reference._build()
    reference.SNAPSHOT._built_at = time.monotonic()
    try:
        done = activate(town, plan)
        assert reference.SNAPSHOT._value is None  # dropped: the next intake reads afresh
    finally:
        reference.SNAPSHOT._forget_now()

    heir = plan.successor[single]
    for rule, code in ((alone, heir), (winner, merged), (loser, second), (inactive, first)):
        rule.refresh_from_db()
        assert rule.area.code == code
    # Routing from the database (inside a transaction) and from a fresh snapshot agree.
    elsewhere = next(code for code in done.created if code not in (heir, merged))
    teams = sorted(old for old, new in plan.successor.items() if new == elsewhere)
    expected = {
        heir: VILLAGE_UNIT,  # the moved rule
        merged: TOWN_UNIT,  # the rule that won the merge
        elsewhere: f"G-{teams[0] if teams else elsewhere}",  # no rule: the grid's own team
    }
    from_db = {code: route(garbage, grid(code)).code for code in expected}
    taken = reference._build()
    monkeypatch.setattr(reference.SNAPSHOT, "get", lambda: taken)
    from_snapshot = {code: route(garbage, grid(code)).code for code in expected}
    assert from_db == from_snapshot == expected
    record = AuditRecord.objects.get(
        action="routing_rule.regrid", object_id=str(plan.generation.pk)
    )
    assert record.actor_label == TOWN
    assert record.changes["moved"] == [f"210101@{single}→{heir}", f"2101@{first}→{merged}"]
    assert record.changes["left_on_old_grid"] == [f"2101@{second}"]
