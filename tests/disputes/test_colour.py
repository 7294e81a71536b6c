"""An unresolved dispute is a colour reason of its parties' households:
yellow, red when high risk; a full settlement lifts it at once, anything
less when the last follow-up finds it calm; a relapse brings it back."""

from __future__ import annotations

from typing import Any

from tests.disputes.conftest import GRID, household_with_member, register
from wangge.audit.models import AuditRecord
from wangge.disputes.colour import open_dispute_counts
from wangge.disputes.services import (
    dispute_conclude,
    dispute_follow_up,
    dispute_mediate,
    dispute_reassess,
)
from wangge.registry.colouring import households_recolour
from wangge.registry.models import Household

OPEN = "有未化解的矛盾纠纷（1 件）"
HIGH = "有高风险矛盾纠纷未化解（1 件）"


def _colour(h: Household) -> tuple[str, list[str]]:
    h.refresh_from_db()
    return h.colour, h.colour_reasons


def _mediated(worker: Any, d: Any) -> Any:
    return dispute_mediate(
        actor=worker, dispute=d, mediators="网格员", note="上门调解双方", result="agreed"
    )


def test_open_dispute_makes_yellow_high_risk_red_and_settling_clears(db: None, worker) -> None:  # type: ignore[no-untyped-def]
    household, name = household_with_member(GRID)
    before = _colour(household)
    assert OPEN not in before[1]
    d = register(worker, household=(household, name))
    colour, reasons = _colour(household)
    assert OPEN in reasons
    assert colour in ("yellow", "red")
    d = dispute_reassess(actor=worker, dispute=d, risk="high", reason="扬言要动手")
    colour, reasons = _colour(household)
    assert colour == "red"
    assert HIGH in reasons
    assert OPEN not in reasons
    d = dispute_conclude(
        actor=worker, dispute=_mediated(worker, d), outcome="settled", note="双方当场和解"
    )
    assert _colour(household) == before  # settled: the reason is gone at once
    # A relapse found on a follow-up brings it back.
    dispute_follow_up(actor=worker, dispute=d, stable=False, note="双方又吵起来了")
    assert HIGH in _colour(household)[1]


def test_a_partial_settlement_weighs_until_the_last_calm_follow_up(db: None, worker) -> None:  # type: ignore[no-untyped-def]
    household, name = household_with_member(GRID, skip=1)
    before = _colour(household)
    d = register(worker, household=(household, name))
    d = dispute_conclude(
        actor=worker, dispute=_mediated(worker, d), outcome="partial", note="赔偿已谈妥,界址未定"
    )
    assert OPEN in _colour(household)[1]
    d = dispute_follow_up(actor=worker, dispute=d, stable=True, note="双方基本稳定")
    assert OPEN in _colour(household)[1]
    dispute_follow_up(actor=worker, dispute=d, stable=True, note="矛盾已经平息")
    assert _colour(household) == before


def test_two_parties_of_one_household_are_one_dispute(db: None, worker) -> None:  # type: ignore[no-untyped-def]
    from wangge.disputes.parties import PartyIn

    household, name = household_with_member(GRID, skip=2)
    others = [
        m.person.name
        for m in household.memberships.filter(moved_out__isnull=True).select_related("person")
    ]
    second = next((n for n in others if n != name), "家属")
    register(
        worker,
        household=(household, name),
        dispute_type="family",
        parties=[
            PartyIn(name=name, household_number=household.number, side="a"),
            PartyIn(name=second, household_number=household.number, side="b"),
        ],
    )
    assert open_dispute_counts([household.pk])[household.pk] == {
        "open_disputes": 1,
        "open_high_risk_disputes": 0,
    }


def test_the_nightly_recolour_keeps_the_reason(db: None, worker) -> None:  # type: ignore[no-untyped-def]
    household, name = household_with_member(GRID, skip=3)
    register(worker, household=(household, name), risk="high")
    households_recolour(area_path=household.area_path)  # a grid's whole path (81 characters)
    assert HIGH in _colour(household)[1]
    record = AuditRecord.objects.filter(action="household.recolour").latest("pk")
    assert record.object_id == household.grid.code
    assert record.area_path == household.area_path
