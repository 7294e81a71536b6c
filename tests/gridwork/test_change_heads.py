"""A grid worker proposes the head's departure: with others staying it
names the new head (refused without), the reviewer sees the choice and may
change it before approving, and the page then asks for the others'
relations to be checked. Everyone leaving in one request: the page warns
that approval closes the household, and approval does."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from tests.gridwork.conftest import GRID, SECRETARY, A
from tests.gridwork.conftest import propose as _propose
from wangge.audit.models import AuditRecord
from wangge.gridwork.models import HouseholdChange
from wangge.registry.models import Household, Membership


def _died() -> str:
    return (timezone.localdate() - dt.timedelta(days=3)).isoformat()


def _household(min_members: int) -> tuple[Household, Membership, list[Membership]]:
    for h in Household.objects.filter(grid__code=GRID, is_active=True).order_by("number"):
        members = list(
            h.memberships.filter(moved_out__isnull=True).select_related("person").order_by("pk")
        )
        heads = [m for m in members if m.relation == "户主"]
        if len(members) >= min_members and len(heads) == 1:
            return h, heads[0], [m for m in members if m is not heads[0]]
    raise AssertionError("no household with a head and enough members in the grid")


def _leave(m: Membership, **more: Any) -> dict[str, Any]:
    return {
        "field": "member_leave",
        "person": m.person_id,
        "reason": "死亡",
        "date": _died(),
        **more,
    }


def _staff(user_named: Any) -> Client:
    c = Client()
    c.force_login(user_named(SECRETARY))
    return c


def test_the_head_dies_the_reviewer_changes_the_new_head_and_approves(
    db: None, user_named: Any
) -> None:
    h, head, others = _household(3)
    proposed, chosen = others[0], others[1]
    worker = user_named(A)
    refused = _propose(worker, h, [_leave(head)])
    assert (refused["status"], refused["code"]) == ("error", "change.member")
    assert f"第 1 项:{head.person.name}是户主,本户还有其他成员:请指定新户主" == refused["message"]
    answer = _propose(worker, h, [_leave(head, new_head=proposed.person_id)])
    assert answer["status"] == "ok", answer
    change = HouseholdChange.objects.get(client_id=answer["result"]["change"])
    entry = change.proposed[0]
    assert (entry["new_head"], entry["new_head_name"]) == (proposed.person_id, proposed.person.name)
    assert entry["shown"] == f"{head.person.name},死亡 {_died()},新户主 {proposed.person.name}"

    c = _staff(user_named)
    page = c.get(f"/gridwork/changes/{change.pk}/").content.decode()
    assert 'name="new_head_0"' in page
    assert f'<option value="{proposed.person_id}" selected>' in page
    assert f'<option value="{chosen.person_id}">{chosen.person.name}' in page
    assert f'<option value="{head.person_id}"' not in page  # the leaver cannot be the heir
    assert "其他成员与户主关系请核对" not in page
    assert "批准后本户将无成员并注销" not in page

    r = c.post(
        f"/gridwork/changes/{change.pk}/approve/",
        {"note": "家属确认由次子当户主", "new_head_0": str(chosen.person_id)},
        follow=True,
    )
    body = r.content.decode()
    assert "已采纳" in body
    assert "其他成员与户主关系请核对" in body
    change.refresh_from_db()
    assert change.status == "approved"
    assert change.applied[0]["new_head"] == chosen.person_id
    chosen.refresh_from_db()
    proposed.refresh_from_db()
    assert chosen.relation == "户主"
    assert proposed.relation != "户主"
    record = AuditRecord.objects.get(action="household.head_change", object_id=str(h.pk))
    assert record.changes["new_head"] == chosen.person_id
    assert f"变更申请 {change.pk}" in record.reason


def test_a_new_head_who_leaves_too_or_for_someone_else_is_refused(
    db: None, user_named: Any
) -> None:
    h, head, others = _household(2)
    worker = user_named(A)
    for entries, message in (
        (
            [_leave(head, new_head=others[0].person_id), _leave(others[0], reason="迁出")],
            "新户主不能是同时离开的成员",
        ),
        ([_leave(others[0], new_head=head.person_id)], "只有户主离开时才指定新户主"),
        ([_leave(head, new_head=head.person_id)], "新户主应为本户现有的其他成员"),
    ):
        answer = _propose(worker, h, entries)
        assert answer["status"] == "error", answer
        assert message in answer["message"]
    assert not HouseholdChange.objects.filter(household=h).exists()


def test_everyone_leaving_is_warned_then_closes_the_household(db: None, user_named: Any) -> None:
    h, head, others = _household(2)
    entries = [_leave(head)] + [_leave(m, reason="迁出") for m in others]
    answer = _propose(user_named(A), h, entries)
    assert answer["status"] == "ok", answer  # no one stays: no new head needed
    change = HouseholdChange.objects.get(client_id=answer["result"]["change"])
    c = _staff(user_named)
    page = c.get(f"/gridwork/changes/{change.pk}/").content.decode()
    assert "批准后本户将无成员并注销" in page
    assert "new_head_" not in page
    body = c.post(f"/gridwork/changes/{change.pk}/approve/", {}, follow=True).content.decode()
    assert "已采纳" in body
    assert "已注销" in body
    assert "本户已无成员,已注销" in body
    h.refresh_from_db()
    assert not h.is_active
    record = AuditRecord.objects.get(action="household.close", object_id=str(h.pk))
    assert record.reason.startswith("户已无成员,注销")
