"""The demo's household change requests: a few of the year's visits noticed
something — a member's occupation, work away from home. Older ones are
decided by the village secretary (mostly approved, and then the registry
already holds the value; some rejected), the last three weeks' wait for a
decision, and the two most recent are conflicts (someone changed the
household after the worker saw it) — so the change queue shows each
state. Part of ``demo_history``."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from typing import Any

from wangge.accounts.models import RoleAssignment
from wangge.accounts.roles import Role
from wangge.gridwork.changes import FIELDS, current_shown, household_state
from wangge.gridwork.models import ChangeStatus, HouseholdChange
from wangge.registry.models import Household, Membership

EVERY = 2000  # one visit in this many noticed a change
PENDING_DAYS = 21
CONFLICTS = 2
_OCCUPATIONS = ("务农", "外出务工", "个体经营", "退休", "在校学生", "无业")
_REJECTED = ("经电话核实,信息未变化", "该成员已回乡,无需变更", "与户籍信息不符,请核实后再报")


def _uuid(n: int) -> str:
    return f"fd{4:06x}{n:024x}"


def seed_changes(
    noticed: list[tuple[int, int, int, dt.datetime]], now: dt.datetime
) -> Counter[str]:
    """Change requests for the chosen visits: (visit id, household id,
    worker id, visited at)."""
    if not noticed:
        return Counter()
    households = Household.objects.in_bulk([n[1] for n in noticed])
    members: dict[int, list[Membership]] = defaultdict(list)
    for m in (
        Membership.objects.filter(household__in=households, moved_out__isnull=True)
        .select_related("person")
        .prefetch_related("person__tags")
        .order_by("person_id")
    ):
        members[m.household_id].append(m)
    secretary = dict(
        RoleAssignment.objects.filter(role=Role.VILLAGE_SECRETARY, is_active=True).values_list(
            "area__path", "user_id"
        )
    )
    noticed = sorted(n for n in noticed if members.get(n[1]))
    conflicts = {n[0] for n in sorted(noticed, key=lambda n: n[3])[-CONFLICTS:]}
    recent = now - dt.timedelta(days=PENDING_DAYS)
    rows = []
    for visit_id, hid, worker, at in noticed:
        rng = random.Random(f"change:{visit_id}")
        household, people = households[hid], members[hid]
        person = people[rng.randrange(len(people))].person
        state = household_state(household, people)
        if visit_id in conflicts:
            status = ChangeStatus.CONFLICT
        elif at > recent:
            status = ChangeStatus.PENDING
        else:
            status = ChangeStatus.APPROVED if rng.random() < 0.75 else ChangeStatus.REJECTED
        field, value = _proposal(rng, person, applied=status == ChangeStatus.APPROVED)
        shown = ("是" if value else "否") if field == "is_away" else value or "(空)"
        entry = {"field": field, "label": FIELDS[field][0], "person": person.pk,
                 "name": person.name, "value": value, "shown": shown}  # fmt: skip
        received = at + dt.timedelta(minutes=5 + rng.randrange(120))
        decided = status in (ChangeStatus.APPROVED, ChangeStatus.REJECTED)
        rows.append(
            HouseholdChange(
                client_id=_uuid(visit_id),
                household=household,
                visit_id=visit_id,
                area_path=household.area_path,
                county_code=household.county_code,
                proposed=[entry],
                # A conflict: the worker saw the household before someone
                # else changed it, so the state sent is not today's.
                seen_state=state[::-1] if status == ChangeStatus.CONFLICT else state,
                status=status,
                conflict={
                    "flagged_at": received.isoformat(),
                    "current": current_shown(household, [entry], people),
                }
                if status == ChangeStatus.CONFLICT
                else {},
                note="入户走访时发现",
                proposed_by_id=worker,
                proposed_at=at,
                received_at=received,
                decided_by_id=secretary.get(household.area_path[:52]) if decided else None,
                decided_at=at + dt.timedelta(days=1 + rng.randrange(4)) if decided else None,
                decision_note=_REJECTED[rng.randrange(len(_REJECTED))]
                if status == ChangeStatus.REJECTED
                else "",
                applied=[entry] if status == ChangeStatus.APPROVED else [],
            )
        )
    HouseholdChange.objects.bulk_create(rows, batch_size=500)
    return Counter(r.status for r in rows)


def _proposal(rng: random.Random, person: Any, *, applied: bool) -> tuple[str, Any]:
    """A field of the member and the value the worker noted. Approved ones
    propose what the registry holds now (it was applied); the others a
    value different from it."""
    if rng.random() < 0.5:
        return "is_away", person.is_away if applied else not person.is_away
    if applied:
        return "occupation", person.occupation
    choices = [o for o in _OCCUPATIONS if o != person.occupation]
    return "occupation", choices[rng.randrange(len(choices))]
