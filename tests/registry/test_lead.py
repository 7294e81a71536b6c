"""党员中心户: a party member's household looking after neighbours of the same
village — who may designate one, what is refused, what the page shows."""

from __future__ import annotations

import pytest
from django.test import Client

from wangge.audit.models import AuditRecord
from wangge.core.errors import DomainError, NotFound
from wangge.registry.models import PARTY_STATUSES, Household, LeadHousehold, Membership
from wangge.registry.services import lead_household_clear, lead_household_set

VILLAGE = "611000000000/611022000000/611022109000/611022109223/"  # 保定村


def _party_household() -> tuple[Household, int]:
    m = (
        Membership.objects.filter(
            household__area_path__prefix=VILLAGE,
            moved_out__isnull=True,
            person__political_status__in=PARTY_STATUSES,
        )
        .exclude(household__lead_of__isnull=False)
        .select_related("household")
        .first()
    )
    assert m is not None
    return m.household, m.person_id


def _neighbours(household: Household, n: int) -> list[str]:
    return list(
        Household.objects.filter(area_path__prefix=VILLAGE)
        .exclude(pk=household.pk)
        .order_by("number")
        .values_list("number", flat=True)[:n]
    )


def test_demo_has_lead_households_shown_on_both_sides(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    lead = LeadHousehold.objects.filter(household__area_path__prefix=VILLAGE).first()
    assert lead is not None
    assert lead.party_member.is_party_member
    looked_after = lead.looks_after.first()
    assert looked_after is not None
    c = Client()
    c.force_login(user_named("sj611022109223"))
    page = c.get(f"/households/{lead.household.number}/").content.decode()
    assert "本户为<strong>党员中心户</strong>" in page
    assert looked_after.number in page
    page = c.get(f"/households/{looked_after.number}/").content.decode()
    assert f'由党员中心户 <a href="/households/{lead.household.number}/">' in page


def test_secretary_designates_and_clears(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    secretary = user_named("sj611022109223")
    household, member = _party_household()
    numbers = _neighbours(household, 5)
    lead = lead_household_set(
        actor=secretary, household=household, party_member_id=member, looks_after=numbers
    )
    assert sorted(lead.looks_after.values_list("number", flat=True)) == sorted(numbers)
    assert AuditRecord.objects.filter(action="household.lead_set", object_id=str(household.pk))
    # Again, with fewer households: replaced, not added to.
    lead_household_set(
        actor=secretary, household=household, party_member_id=member, looks_after=numbers[:2]
    )
    assert LeadHousehold.objects.get(household=household).looks_after.count() == 2
    lead_household_clear(actor=secretary, household=household)
    assert not LeadHousehold.objects.filter(household=household).exists()


def test_refusals(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    secretary = user_named("sj611022109223")
    household, member = _party_household()
    numbers = _neighbours(household, 3)
    not_party = (
        Membership.objects.filter(household=household, moved_out__isnull=True)
        .exclude(person__political_status__in=PARTY_STATUSES)
        .values_list("person_id", flat=True)
        .first()
    )
    if not_party is not None:
        with pytest.raises(DomainError) as e:
            lead_household_set(
                actor=secretary, household=household, party_member_id=not_party, looks_after=numbers
            )
        assert e.value.code == "lead.not_party_member"
    other_village = Household.objects.exclude(area_path__prefix=VILLAGE).first()
    assert other_village is not None
    with pytest.raises(DomainError, match="不在本村"):
        lead_household_set(
            actor=secretary,
            household=household,
            party_member_id=member,
            looks_after=[*numbers, other_village.number],
        )
    with pytest.raises(DomainError, match="请填写"):
        lead_household_set(
            actor=secretary, household=household, party_member_id=member, looks_after=[]
        )
    # Outside the secretary's village, the household does not exist for them.
    with pytest.raises(NotFound):
        lead_household_set(
            actor=secretary,
            household=other_village,
            party_member_id=member,
            looks_after=numbers,
        )
    # A grid worker may see but not designate.
    worker = user_named("wg" + household.grid.code)
    with pytest.raises(DomainError) as e:
        lead_household_set(
            actor=worker, household=household, party_member_id=member, looks_after=numbers
        )
    assert e.value.code == "forbidden"
    assert not LeadHousehold.objects.filter(household=household).exists()


def test_page_form(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    household, member = _party_household()
    numbers = _neighbours(household, 2)
    c = Client()
    c.force_login(user_named("sj611022109223"))
    r = c.post(
        f"/households/{household.number}/lead/",
        {"party_member": member, "looks_after": "，".join(numbers)},
        follow=True,
    )
    assert "已设为党员中心户" in r.content.decode()
    assert LeadHousehold.objects.get(household=household).looks_after.count() == 2
    r = c.post(f"/households/{household.number}/lead/", {"clear": "1"}, follow=True)
    assert "已取消党员中心户" in r.content.decode()
    r = c.post(f"/households/{household.number}/lead/", {"party_member": "x"}, follow=True)
    assert "请选择本户的一名党员" in r.content.decode()
