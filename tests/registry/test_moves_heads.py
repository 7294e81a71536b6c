"""The head of a household leaving or dying, and the last member going
(``registry.moves.member_leave``): with others left, the leave names the
new head, whose relation becomes 户主 in the same transaction, audited,
the others' relations untouched; without one it is refused and nothing
changes. The last member gone closes the household, audited, and it
drops out of the grid worker's visits due."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from wangge.audit.models import AuditRecord
from wangge.core.errors import DomainError
from wangge.gridwork.today import today_for
from wangge.registry.models import Household, Membership
from wangge.registry.moves import member_leave

GRID = "611022109223001"
SECRETARY = "sj611022109223"  # keeps the village's registry (person.edit)
WORKER = "wg611022109223001"  # the grid's A post worker


def _day(n: int = 1) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def _current(h: Household) -> list[Membership]:
    return list(
        h.memberships.filter(moved_out__isnull=True).select_related("person").order_by("pk")
    )


def _household_with_head(min_members: int = 3) -> tuple[Household, Membership, list[Membership]]:
    """A household of the grid with a head and at least ``min_members``
    members: it, the head's membership, the others'."""
    for h in Household.objects.filter(grid__code=GRID, is_active=True).order_by("number"):
        members = _current(h)
        heads = [m for m in members if m.relation == "户主"]
        if len(members) >= min_members and len(heads) == 1:
            return h, heads[0], [m for m in members if m is not heads[0]]
    raise AssertionError("no household with a head and enough members in the grid")


def test_the_head_dies_and_the_named_member_becomes_head(db: None, user_named: Any) -> None:
    h, head, others = _household_with_head()
    heir = others[0]
    was = heir.relation
    relations_before = {m.pk: m.relation for m in others[1:]}
    secretary = user_named(SECRETARY)
    member_leave(
        actor=secretary, household=h, person_id=head.person_id, left_on=_day(),
        left_reason="死亡", new_head_id=heir.person_id, reason="村委会核实",
    )  # fmt: skip
    heir.refresh_from_db()
    assert heir.relation == "户主"
    assert heir.moved_out is None
    # The others' relations are the old head's: left for the clerk to check.
    assert {m.pk: m.relation for m in Membership.objects.filter(pk__in=relations_before)} == (
        relations_before
    )
    assert [m.person_id for m in _current(h) if m.relation == "户主"] == [heir.person_id]
    h.refresh_from_db()
    assert h.is_active
    record = AuditRecord.objects.get(action="household.head_change", object_id=str(h.pk))
    assert record.actor_id == secretary.pk
    assert record.changes == {
        "old_head": head.person_id,
        "new_head": heir.person_id,
        "relation_was": was,
    }
    assert record.reason == "村委会核实"
    leave = AuditRecord.objects.get(action="person.leave", object_id=str(head.person_id))
    assert leave.changes["new_head"] == heir.person_id


def test_the_head_leaving_without_a_new_head_is_refused_and_nothing_changes(
    db: None, user_named: Any
) -> None:
    h, head, _others = _household_with_head(2)
    secretary = user_named(SECRETARY)
    audits = AuditRecord.objects.count()
    with pytest.raises(DomainError) as e:
        member_leave(
            actor=secretary, household=h, person_id=head.person_id, left_on=_day(),
            left_reason="死亡",
        )  # fmt: skip
    assert e.value.code == "member.new_head"
    assert f"{head.person.name}是户主" in e.value.message
    assert "请从现有成员中指定新户主" in e.value.message
    head.refresh_from_db()
    head.person.refresh_from_db()
    assert (head.moved_out, head.relation, head.person.died_on) == (None, "户主", None)
    assert AuditRecord.objects.count() == audits


def test_a_new_head_must_be_another_current_member_and_only_for_the_head(
    db: None, user_named: Any
) -> None:
    h, head, others = _household_with_head(2)
    stranger = Membership.objects.filter(moved_out__isnull=True).exclude(household=h).first()
    assert stranger is not None
    secretary = user_named(SECRETARY)
    for person_id, new_head, message in (
        (head.person_id, stranger.person_id, "新户主应为本户现有的其他成员"),
        (head.person_id, head.person_id, "新户主应为本户现有的其他成员"),
        (others[0].person_id, head.person_id, "只有户主离开"),
    ):
        with pytest.raises(DomainError) as e:
            member_leave(
                actor=secretary, household=h, person_id=person_id, left_on=_day(),
                left_reason="迁出", new_head_id=new_head,
            )  # fmt: skip
        assert message in e.value.message
    assert len(_current(h)) == len(others) + 1
    assert not AuditRecord.objects.filter(action="household.head_change").exists()


def test_the_last_member_going_closes_the_household_and_it_is_no_longer_due(
    db: None, user_named: Any
) -> None:
    h, head, others = _household_with_head(2)
    # Every household of the grid visited today; this one never: due.
    Household.objects.filter(grid__code=GRID).update(last_visit_on=timezone.localdate())
    Household.objects.filter(pk=h.pk).update(last_visit_on=None)
    worker = user_named(WORKER)

    def due() -> set[str]:
        visits = today_for(worker)["visits"]
        return {v["household"] for v in visits["overdue"] + visits["due"]}

    assert due() == {h.number}
    secretary = user_named(SECRETARY)
    for m in others:
        member_leave(
            actor=secretary, household=h, person_id=m.person_id, left_on=_day(2),
            left_reason="迁出",
        )  # fmt: skip
    h.refresh_from_db()
    assert h.is_active  # the head is still there
    # The head alone, last: no new head to name; the household closes.
    member_leave(
        actor=secretary, household=h, person_id=head.person_id, left_on=_day(),
        left_reason="死亡",
    )  # fmt: skip
    assert not h.is_active  # the caller's object says so too
    h.refresh_from_db()
    assert not h.is_active
    record = AuditRecord.objects.get(action="household.close", object_id=str(h.pk))
    assert record.actor_id == secretary.pk
    assert record.reason == "户已无成员,注销"
    assert record.changes == {"left_reason": "死亡", "on": _day().isoformat()}
    assert due() == set()
    # History kept: the memberships are closed, not deleted.
    assert h.memberships.count() == len(others) + 1


def test_a_death_closes_another_household_it_empties_and_names_one_left_headless(
    db: None, user_named: Any
) -> None:
    """A death ends every household of the person: one where they lived
    alone closes too; one they headed with others left is named in the
    audit for the clerk."""
    h, _head, others = _household_with_head(2)
    dead = others[0].person
    alone, headed = (
        Household.objects.filter(grid__code=GRID).exclude(pk=h.pk).order_by("number")[:2]
    )
    Membership.objects.filter(household=alone).delete()  # a household of one, below
    Membership.objects.create(person=dead, household=alone, relation="户主", kind="resident")
    Membership.objects.filter(household=headed, relation="户主").update(relation="其他")
    Membership.objects.create(person=dead, household=headed, relation="户主", kind="floating")
    member_leave(
        actor=user_named(SECRETARY), household=h, person_id=dead.pk, left_on=_day(),
        left_reason="死亡",
    )  # fmt: skip
    alone.refresh_from_db()
    headed.refresh_from_db()
    h.refresh_from_db()
    assert (h.is_active, alone.is_active, headed.is_active) == (True, False, True)
    leave = AuditRecord.objects.get(action="person.leave", object_id=str(dead.pk))
    assert leave.changes["head_left"] == [headed.number]
    assert AuditRecord.objects.filter(action="household.close", object_id=str(alone.pk)).exists()
