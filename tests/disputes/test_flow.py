"""A dispute's life: registered in the grid with its parties, mediated,
escalated up the ladder (网格 → 村调委会 → 镇司法所) by those who hold it at
each level, an agreement, the outcome, follow-up visits that close it or
reopen it — each step on the timeline and in the audit chain."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.disputes.conftest import COMMAND, DEPT, OTHER_WORKER, SECRETARY, TOWN, register
from wangge.audit.models import AuditRecord
from wangge.core.errors import DomainError, NotFound
from wangge.disputes.models import Dispute, FollowUp, Level, Party, State
from wangge.disputes.selectors import dispute_get_for
from wangge.disputes.services import (
    dispute_agreement,
    dispute_conclude,
    dispute_escalate,
    dispute_follow_up,
    dispute_mediate,
    dispute_reassess,
    party_reveal,
)


def _actions(d: Dispute) -> list[str]:
    return list(d.events.values_list("action", flat=True))


def test_registered_with_a_number_parties_and_protected_outsiders(db: None, worker) -> None:  # type: ignore[no-untyped-def]
    d = register(worker)
    assert d.number.startswith(f"JF611022-{timezone.now().year}-")
    assert (d.state, d.level, d.version) == (State.OPEN, Level.GRID, 0)
    local, outsider = d.parties.order_by("side")
    assert local.person is not None
    assert local.household is not None
    assert not local.phone_enc  # the registry keeps their phone
    assert outsider.person is None
    assert outsider.household is None
    assert outsider.phone_masked == "139****5678"
    assert outsider.phone_enc.startswith("demo$")
    assert "13912345678" not in outsider.phone_enc
    assert outsider.phone_index
    assert len(outsider.phone_index) == 32
    assert _actions(d) == ["register"]
    audit = AuditRecord.objects.get(action="dispute.register", object_id=str(d.pk))
    assert audit.changes["parties"] == 2
    assert "13912345678" not in str(audit.changes)


def test_numbers_follow_each_other(db: None, worker) -> None:  # type: ignore[no-untyped-def]
    a, b = register(worker), register(worker)
    assert b.seq == a.seq + 1
    assert b.number.endswith(f"{b.seq:05d}")


def test_up_the_ladder_each_level_acts_in_turn(db: None, worker, user_named) -> None:  # type: ignore[no-untyped-def]
    secretary, town = user_named(SECRETARY), user_named(TOWN)
    d = register(worker)
    d = dispute_mediate(
        actor=worker, dispute=d, mediators="网格员", note="上门劝说双方", result="failed"
    )
    d = dispute_escalate(actor=worker, dispute=d, reason="双方各执一词,网格调解未果")
    assert d.level == Level.VILLAGE
    with pytest.raises(DomainError) as e:  # no longer the grid's to mediate
        dispute_mediate(
            actor=worker, dispute=d, mediators="网格员", note="再次劝说", result="failed"
        )
    assert e.value.code == "forbidden"
    assert "村调委会" in e.value.message
    d = dispute_mediate(
        actor=secretary,
        dispute=d,
        mediators="村调委会主任",
        note="召集双方到村委会调解",
        result="partly",
    )
    d = dispute_escalate(actor=secretary, dispute=d, reason="涉及宅基地确权,需司法所介入")
    assert d.level == Level.TOWN
    with pytest.raises(DomainError):
        dispute_mediate(
            actor=secretary, dispute=d, mediators="村干部", note="继续调解", result="failed"
        )
    d = dispute_mediate(
        actor=town,
        dispute=d,
        mediators="司法所所长、村调委会主任",
        note="现场勘界后调解",
        result="agreed",
    )
    with pytest.raises(DomainError) as e:  # nowhere higher on the ladder
        dispute_escalate(actor=town, dispute=d, reason="再往上报")
    assert e.value.code == "dispute.escalate"
    agreement = dispute_agreement(
        actor=town,
        dispute=d,
        text="双方同意以勘界结果为准,共同疏通排水沟",
        signed_on=timezone.localdate(),
    )
    assert agreement.dispute_id == d.pk
    d.refresh_from_db()
    d = dispute_conclude(actor=town, dispute=d, outcome="settled", note="双方签订协议,已疏通")
    assert (d.state, d.outcome) == (State.FOLLOW_UP, "settled")
    due = list(d.follow_ups.values_list("due_on", flat=True))
    today = timezone.localdate()
    assert due == [today + dt.timedelta(days=7), today + dt.timedelta(days=30)]
    # Follow-ups are the grid's again.
    d = dispute_follow_up(actor=worker, dispute=d, stable=True, note="协议履行良好")
    assert d.state == State.FOLLOW_UP
    d = dispute_follow_up(actor=worker, dispute=d, stable=True, note="双方来往正常")
    assert d.state == State.CLOSED
    assert d.closed_at is not None
    assert _actions(d) == [
        "register", "mediate", "escalate", "mediate", "escalate", "mediate", "agreement",
        "conclude", "follow_up", "follow_up",
    ]  # fmt: skip
    levels = list(d.events.values_list("level", flat=True))
    assert levels[:3] == ["grid", "grid", "village"]  # escalation recorded at the new level
    assert (
        AuditRecord.objects.filter(object_id=str(d.pk), action__startswith="dispute.").count() == 10
    )


def test_a_relapse_reopens_it_and_drops_the_other_visits(db: None, worker) -> None:  # type: ignore[no-untyped-def]
    d = register(worker)
    d = dispute_mediate(
        actor=worker, dispute=d, mediators="网格员", note="调解成功", result="agreed"
    )
    d = dispute_conclude(actor=worker, dispute=d, outcome="settled", note="当场和解")
    d = dispute_follow_up(actor=worker, dispute=d, stable=False, note="又因排水问题争吵")
    assert (d.state, d.outcome) == (State.OPEN, "")
    assert FollowUp.objects.filter(dispute=d, cancelled=True).count() == 1
    assert FollowUp.objects.filter(dispute=d, result="relapse").count() == 1


def test_who_may_see_and_who_may_act(db: None, worker, user_named) -> None:  # type: ignore[no-untyped-def]
    d = register(worker)
    for outsider in (OTHER_WORKER, DEPT):  # another grid; a county department
        with pytest.raises(NotFound):
            dispute_get_for(user_named(outsider), d.number)
        with pytest.raises(NotFound):
            dispute_mediate(
                actor=user_named(outsider),
                dispute=d,
                mediators="某人",
                note="越权调解",
                result="agreed",
            )
    command = user_named(COMMAND)
    assert dispute_get_for(command, d.number) == d  # the county watches
    with pytest.raises(DomainError) as e:
        dispute_mediate(
            actor=command, dispute=d, mediators="指挥中心", note="代为调解", result="agreed"
        )
    assert e.value.code == "forbidden"
    # The town may act at any level below it, and register in any grid of it.
    town = user_named(TOWN)
    dispute_reassess(actor=town, dispute=d, risk="medium", reason="当事人情绪激动")


def test_only_the_right_level_may_register_there(db: None, worker, user_named) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as e:
        register(worker, level="village")
    assert e.value.code == "forbidden"
    d = register(user_named(SECRETARY), level="village")
    assert d.level == Level.VILLAGE


def test_revealing_an_outsiders_phone_needs_a_reason_and_is_audited(db: None, worker) -> None:  # type: ignore[no-untyped-def]
    d = register(worker)
    outsider = d.parties.get(person__isnull=True)
    with pytest.raises(DomainError) as e:
        party_reveal(actor=worker, party=outsider, field="phone", reason="")
    assert e.value.code == "reveal.reason"
    assert party_reveal(actor=worker, party=outsider, field="phone", reason="电话通知调解") == (
        "13912345678"
    )
    record = AuditRecord.objects.filter(action="dispute.party_reveal").latest("seq")
    assert record.reason == "电话通知调解"
    assert "13912345678" not in str(record.changes)


def test_settling_needs_a_mediation_first(db: None, worker) -> None:  # type: ignore[no-untyped-def]
    d = register(worker)
    with pytest.raises(DomainError) as e:
        dispute_conclude(actor=worker, dispute=d, outcome="settled", note="已经和好")
    assert e.value.code == "dispute.outcome"
    # Sent to court without mediation is fine: it ends mediation, not the dispute.
    d = dispute_conclude(actor=worker, dispute=d, outcome="litigation", note="当事人已起诉")
    assert d.state == State.FOLLOW_UP
    assert Party.objects.filter(dispute=d).count() == 2


def test_a_party_found_later_is_added_and_its_household_coloured(db: None, worker) -> None:  # type: ignore[no-untyped-def]
    from tests.disputes.conftest import GRID, household_with_member
    from wangge.disputes.parties import PartyIn
    from wangge.disputes.services import dispute_party_add

    d = register(worker)
    household, name = household_with_member(GRID, skip=4)
    party = dispute_party_add(
        actor=worker,
        dispute=d,
        party=PartyIn(name=name, household_number=household.number, side="other"),
    )
    assert party.person is not None
    assert party.household_id == household.pk
    household.refresh_from_db()
    assert any("矛盾纠纷" in r for r in household.colour_reasons)
    d.refresh_from_db()
    with pytest.raises(DomainError) as e:  # the same person twice
        dispute_party_add(
            actor=worker,
            dispute=d,
            party=PartyIn(name=name, household_number=household.number, side="b"),
        )
    assert e.value.code == "dispute.parties"
    assert _actions(d) == ["register", "party"]


def test_the_town_judicial_office_mediates_what_the_village_escalates(
    db: None, worker, user_named
) -> None:  # type: ignore[no-untyped-def]
    from wangge.accounts.reach import reach_for
    from wangge.accounts.roles import Capability

    officer = user_named("shangzhen_sifa")  # 商镇司法所
    d = register(worker)
    assert dispute_get_for(officer, d.number) == d
    d = dispute_escalate(actor=worker, dispute=d, reason="网格调解未果")
    d = dispute_escalate(actor=user_named(SECRETARY), dispute=d, reason="需司法所介入")
    assert d.level == Level.TOWN
    d = dispute_mediate(
        actor=officer, dispute=d, mediators="司法所所长", note="现场调解", result="agreed"
    )
    d = dispute_conclude(actor=officer, dispute=d, outcome="settled", note="达成协议")
    assert (d.state, d.outcome) == (State.FOLLOW_UP, "settled")
    assert d.events.latest("pk").actor == officer
    # Another town's judicial office does not see it; the office keeps to disputes.
    with pytest.raises(NotFound):
        dispute_get_for(user_named("longjuzhaijiedao_sifa"), d.number)
    reach = reach_for(officer)
    assert not reach.has(Capability.TASK_ASSIGN)
    assert not reach.has(Capability.GRIDWORK_VIEW)
    assert not reach.has(Capability.PERSON_EDIT)
