"""Household change requests: what a worker noticed waits for review; a
household changed by someone else since the phone saw it is flagged as a
conflict, never overwritten; approval goes through the registry's
services (audited); bad input is refused with nothing stored."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.gridwork.conftest import GRID, SECRETARY, TOWN, A, new_id, now_iso
from tests.gridwork.conftest import propose as _propose
from wangge.audit.models import AuditRecord
from wangge.core.errors import DomainError, NotFound
from wangge.gridwork.changes import change_approve, change_reject, household_state
from wangge.gridwork.models import HouseholdChange
from wangge.gridwork.selectors import change_queue_for, household_card_for
from wangge.gridwork.sync import sync_apply
from wangge.registry import pii
from wangge.registry.edits import person_update
from wangge.registry.keys import keyring
from wangge.registry.models import Household, Person
from wangge.territory.models import Area


def _household_and_member() -> tuple[Household, Person]:
    h = (
        Household.objects.filter(grid__code=GRID, memberships__moved_out__isnull=True)
        .order_by("number")
        .first()
    )
    assert h is not None
    person = Person.objects.filter(memberships__household=h, memberships__moved_out__isnull=True)
    return h, person.order_by("pk").first()  # type: ignore[return-value]


def test_a_noticed_change_waits_and_is_applied_on_approval(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    h, p = _household_and_member()
    answer = _propose(
        user_named(A),
        h,
        [
            {"person": p.pk, "field": "phone", "value": "13912345678"},
            {"person": p.pk, "field": "is_away", "value": True},
            {"person": p.pk, "field": "tag_add", "value": "elderly_alone"},
            {"field": "address", "value": "商镇保定村三组 18 号"},
        ],
    )
    assert answer["status"] == "ok", answer
    change = HouseholdChange.objects.get(client_id=answer["result"]["change"])
    assert change.status == "pending"
    stored = str(change.proposed)
    assert "13912345678" not in stored
    assert "18 号" not in stored
    p.refresh_from_db()
    assert not p.is_away  # nothing changed yet
    secretary = user_named(SECRETARY)
    village = Area.objects.get(code="611022109223")
    assert change in change_queue_for(secretary, village)

    change_approve(actor=secretary, change=change)
    change.refresh_from_db()
    assert change.status == "approved"
    p.refresh_from_db()
    h.refresh_from_db()
    assert p.is_away
    assert p.phone_masked == "139****5678"
    assert pii.decrypt(keyring(), p.phone_enc) == "13912345678"
    assert p.tags.filter(code="elderly_alone").exists()
    assert pii.decrypt(keyring(), h.address_enc) == "商镇保定村三组 18 号"
    assert AuditRecord.objects.filter(action="person.update", actor_id=secretary.pk).exists()
    assert AuditRecord.objects.filter(action="household.update", actor_id=secretary.pk).exists()
    assert "13912345678" not in str(change.applied)


def test_a_change_to_a_household_changed_since_is_flagged(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    h, p = _household_and_member()
    seen = household_state(h)
    # Meanwhile the village corrects the phone in the registry.
    person_update(actor=user_named(SECRETARY), person=p, phone="13800000000")
    answer = _propose(
        user_named(A), h, [{"person": p.pk, "field": "phone", "value": "13911112222"}], seen
    )
    assert answer["status"] == "conflict", answer
    assert answer["result"]["current"] == ["138****0000"]
    change = HouseholdChange.objects.get(client_id=answer["result"]["change"])
    assert change.status == "conflict"
    # Approving as if nothing happened is refused: the reviewer must choose.
    with pytest.raises(DomainError) as e:
        change_approve(actor=user_named(SECRETARY), change=change, seen_state="stale-token")
    assert e.value.code == "change.stale"
    with pytest.raises(DomainError) as e:
        change_approve(actor=user_named(SECRETARY), change=change, seen_state=household_state(h))
    assert e.value.code == "change.choice"
    p.refresh_from_db()
    assert p.phone_masked == "138****0000"  # nothing overwritten

    change_approve(
        actor=user_named(SECRETARY),
        change=change,
        choices={0: "proposed"},
        seen_state=household_state(h),
        note="电话已与本人核实",
    )
    p.refresh_from_db()
    assert p.phone_masked == "139****2222"


def test_a_pending_change_becomes_a_conflict_if_someone_edits_first(  # type: ignore[no-untyped-def]
    db: None, user_named
) -> None:
    h, p = _household_and_member()
    answer = _propose(user_named(A), h, [{"person": p.pk, "field": "occupation", "value": "务农"}])
    change = HouseholdChange.objects.get(client_id=answer["result"]["change"])
    assert change.status == "pending"
    person_update(actor=user_named(TOWN), person=p, occupation="个体经营")
    with pytest.raises(DomainError) as e:
        change_approve(actor=user_named(SECRETARY), change=change)
    assert e.value.code == "change.conflict"
    change.refresh_from_db()
    assert change.status == "conflict"
    assert change.conflict["current"] == ["个体经营"]
    p.refresh_from_db()
    assert p.occupation == "个体经营"
    # Keep what is on file, take nothing: that is a rejection, said so.
    with pytest.raises(DomainError):
        change_approve(
            actor=user_named(SECRETARY),
            change=change,
            choices={0: "keep"},
            seen_state=household_state(h),
        )
    # Or the reviewer's own value.
    change_approve(
        actor=user_named(SECRETARY),
        change=change,
        choices={0: "custom"},
        custom={0: "务农兼个体经营"},
        seen_state=household_state(h),
    )
    p.refresh_from_db()
    assert p.occupation == "务农兼个体经营"


def test_the_visit_itself_and_recolouring_are_not_conflicts(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    h, p = _household_and_member()
    seen = household_state(h)
    visit = {"id": new_id(), "op": "visit", "household": h.number, "at": now_iso(-10)}
    assert sync_apply(actor=user_named(A), ops=[visit])[0]["status"] == "ok"
    Household.objects.filter(pk=h.pk).update(colour="red", colour_updated_at=timezone.now())
    answer = _propose(
        user_named(A), h, [{"person": p.pk, "field": "health_note", "value": "腿脚不便"}], seen
    )
    assert answer["status"] == "ok"


def test_rejection_needs_a_reason_and_only_reviewers_decide(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    h, p = _household_and_member()
    answer = _propose(user_named(A), h, [{"person": p.pk, "field": "education", "value": "初中"}])
    change = HouseholdChange.objects.get(client_id=answer["result"]["change"])
    with pytest.raises(DomainError) as e:
        change_approve(actor=user_named(A), change=change)
    assert e.value.code == "forbidden"
    with pytest.raises(NotFound):
        change_approve(actor=user_named("longjuzhaijiedao_dispatcher"), change=change)
    with pytest.raises(DomainError) as e:
        change_reject(actor=user_named(SECRETARY), change=change, note=" ")
    assert e.value.code == "change.note"
    change_reject(actor=user_named(SECRETARY), change=change, note="经核实为小学")
    change.refresh_from_db()
    assert change.status == "rejected"
    with pytest.raises(DomainError) as e:
        change_approve(actor=user_named(SECRETARY), change=change)
    assert e.value.code == "change.decided"


@pytest.mark.parametrize(
    ("entries", "code"),
    [
        ([], "change.entries"),
        ([{"field": "name", "value": "张三"}], "change.field"),
        ([{"field": "phone", "person": 1, "value": "13912345678"}], "change.person"),
        ([{"field": "phone", "person": "me", "value": "13912345678"}], "change.person"),
        ([{"field": "phone", "person": "MEMBER", "value": "12345"}], "change.value"),
        ([{"field": "is_away", "person": "MEMBER", "value": "yes"}], "change.value"),
        ([{"field": "tag_add", "person": "MEMBER", "value": "released_prisoner"}], "change.value"),
        ([{"field": "position", "value": [0, 0]}], "household.position"),
        ([{"field": "address", "value": "村"}], "change.value"),
    ],
)
def test_bad_changes_are_refused_and_nothing_is_stored(db: None, user_named, entries, code) -> None:  # type: ignore[no-untyped-def]
    h, p = _household_and_member()
    entries = [{**e, "person": p.pk} if e.get("person") == "MEMBER" else e for e in entries]
    before = HouseholdChange.objects.count()
    answer = _propose(user_named(A), h, entries)
    assert (answer["status"], answer["code"]) == ("error", code), answer
    assert HouseholdChange.objects.count() == before


def test_without_the_state_seen_a_change_is_refused(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    h, p = _household_and_member()
    answer = _propose(user_named(A), h, [{"person": p.pk, "field": "is_away", "value": True}], "")
    assert (answer["status"], answer["code"]) == ("error", "change.seen_state")


def test_the_card_gives_the_state_and_is_audited(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    h, _p = _household_and_member()
    card = household_card_for(user_named(A), h.number)
    assert card["state"] == household_state(h)
    assert card["members"]
    assert all("*" in m["id_masked"] for m in card["members"] if m["id_masked"])
    assert AuditRecord.objects.filter(action="household.card", object_id=str(h.pk)).exists()
    with pytest.raises(NotFound):
        household_card_for(user_named("wg611022109223005"), h.number)
