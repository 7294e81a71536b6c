"""The demo's year of disputes (矛盾纠纷) for the full demo county, about one
a year per 45 households: neighbours, families, land, wages, debts,
estates, expropriation — mixed risks, some taken up to the village or the
town, most settled, some ended otherwise, the recent ones still being
mediated, follow-up visits done or late. Called from ``wangge.demo.seed``.

Lives are drawn in ``demo_lives`` (plain Python, seeded per dispute) and
written in bulk with their real times; the parties' households are then
recoloured. A county gets its history once: the seed's audit record says
it has one, so running the seed again adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from wangge.accounts.models import RoleAssignment
from wangge.accounts.roles import Role
from wangge.audit.models import AuditRecord
from wangge.audit.services import audit_record
from wangge.core.bulk import insert_rows
from wangge.core.numbering import issue_in_order
from wangge.disputes.demo_lives import SEED, Life, Place, live, pick_day, pick_type
from wangge.disputes.models import (
    Agreement,
    Dispute,
    DisputeCounter,
    DisputeEvent,
    FollowUp,
    Party,
    unresolved_q,
)
from wangge.registry import pii
from wangge.registry.colouring import recolour_households
from wangge.registry.keys import keyring
from wangge.registry.models import Household, Membership
from wangge.territory.models import Area
from wangge.timelimits.clock import BEIJING

PER_HOUSEHOLD = 1 / 45  # disputes a year
SEEDED = "demo.seed_disputes"


@dataclass
class DisputeReport:
    disputes: int = 0
    events: int = 0
    states: Counter[str] = field(default_factory=Counter)
    escalated: int = 0
    high: int = 0
    overdue: int = 0
    recoloured: int = 0
    already: bool = False

    def line(self) -> str:
        if self.already:
            return "矛盾纠纷:已生成过,未新增"
        s = self.states
        return (
            f"矛盾纠纷:{self.disputes:,} 件,调处记录 {self.events:,} 条(调解中 {s['open']:,},"
            f"待回访 {s['follow_up']:,},已结案 {s['closed']:,};上报村镇 {self.escalated:,},"
            f"高风险 {self.high:,},回访逾期 {self.overdue:,};重算颜色 {self.recoloured:,} 户)"
        )


def seed_disputes(ctx: Any) -> None:
    """``wangge.demo.seed`` step: the full demo county only (the test
    suite's sample counts its own disputes; the generator is tested alone)."""
    if getattr(ctx, "population", "") != "full":
        ctx.say("矛盾纠纷:样例或无人口,不生成")
        return
    from wangge.territory.shangluo import DEMO_COUNTY

    grids = Area.objects.filter(level="grid", is_active=True, county_code=DEMO_COUNTY)
    ctx.say(dispute_history_seed(grids).line())


def _places(grids: list[Area]) -> list[Place]:
    users: dict[tuple[str, str], tuple[int | None, str]] = {}
    for role, code, uid, name in RoleAssignment.objects.filter(
        is_active=True,
        role__in=[
            Role.GRID_WORKER,
            Role.VILLAGE_SECRETARY,
            Role.JUDICIAL_OFFICER,
            Role.TOWN_DISPATCHER,
        ],
    ).values_list("role", "area__code", "user_id", "user__display_name"):
        users.setdefault((role, code), (uid, name))
    villages = dict(Area.objects.filter(level="village").values_list("code", "name"))
    forms = dict(Area.objects.filter(level="village").values_list("code", "form"))
    out = []
    for g in grids:
        parts = g.path.strip("/").split("/")
        town, village = parts[2], parts[3]
        out.append(
            Place(
                grid_id=g.pk,
                path=g.path,
                county=g.county_code,
                village=villages.get(village, ""),
                worker=users.get((Role.GRID_WORKER, g.code), (None, "")),
                secretary=users.get((Role.VILLAGE_SECRETARY, village), (None, "")),
                # The town's judicial office mediates at the town (the dispatcher where none).
                town=users.get(
                    (Role.JUDICIAL_OFFICER, town),
                    users.get((Role.TOWN_DISPATCHER, town), (None, "")),
                ),
                urban=forms.get(village) == "community",
            )
        )
    return out


def dispute_history_seed(
    grids: Iterable[Area], *, now: dt.datetime | None = None, volume: int | None = None
) -> DisputeReport:
    """A year of disputes up to ``now`` in the given grids of one county
    (``volume`` in all, or one per 45 households), unless the county has
    had its history. Inside the caller's transaction."""
    grids = sorted(grids, key=lambda g: g.code)
    report = DisputeReport()
    if not grids:
        return report
    county = grids[0].county_code
    if AuditRecord.objects.filter(action=SEEDED, object_type="demo", object_id=county).exists():
        report.already = True
        return report
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    today = now.astimezone(BEIJING).date()
    places = _places(grids)
    households: dict[int, list[int]] = defaultdict(list)
    for hid, gid in (
        Household.objects.filter(county_code=county, is_active=True)
        .order_by("pk")
        .values_list("pk", "grid_id")
    ):
        households[gid].append(hid)
    places = [p for p in places if households.get(p.grid_id)]
    if not places:
        return report
    weights = [len(households[p.grid_id]) for p in places]
    total = volume if volume is not None else round(sum(weights) * PER_HOUSEHOLD)
    # First the place, type, day and households of each (one stream each)...
    drawn = []
    for i in range(total):
        rng = random.Random(f"{SEED}:{county}:{i}")
        place = rng.choices(places, weights=weights)[0]
        kind = pick_type(rng, urban=place.urban)
        pool = households[place.grid_id]
        picked = rng.sample(pool, 1) if kind == "family" or len(pool) < 2 else rng.sample(pool, 2)
        drawn.append((rng, place, kind, pick_day(rng, kind, today), picked))
    # ... then one member of each household (a family quarrel: two of one).
    members: dict[int, list[tuple[int, str]]] = defaultdict(list)
    wanted = sorted({h for *_x, picked in drawn for h in picked})
    for i in range(0, len(wanted), 2000):
        for hid, pid, name in (
            Membership.objects.filter(household_id__in=wanted[i : i + 2000], moved_out__isnull=True)
            .order_by("household_id", "pk")
            .values_list("household_id", "person_id", "person__name")
        ):
            members[hid].append((pid, name))
    lives = []
    for rng, place, kind, day, picked in drawn:
        people = []
        for hid in picked:
            for pid, name in rng.sample(
                members[hid], min(len(members[hid]), 2 if kind == "family" else 1)
            ):
                people.append((hid, pid, name))
        if people:
            lives.append(live(rng, place, kind, day, people, now))
    _write(lives, county)
    affected = sorted(
        set(
            Party.objects.filter(unresolved_q("dispute__"), dispute__county_code=county)
            .filter(household__isnull=False)
            .values_list("household_id", flat=True)
        )
    )
    recolour_households(affected)
    report.disputes = len(lives)
    report.events = sum(len(x.events) for x in lives)
    report.states = Counter(x.state for x in lives)
    report.escalated = sum(1 for x in lives if x.level != "grid")
    report.high = sum(1 for x in lives if x.risk == "high")
    report.overdue = sum(
        1
        for x in lives
        for v in x.follow_ups
        if not v.done_at and not v.cancelled and v.due_on < today
    )
    report.recoloured = len(affected)
    audit_record(
        actor=None,
        action=SEEDED,
        object_type="demo",
        object_id=county,
        changes={"disputes": report.disputes, "events": report.events},
    )
    return report


def _write(lives: list[Life], county: str) -> None:
    lives.sort(key=lambda x: x.created)
    years = [x.created.astimezone(BEIJING).year for x in lives]
    seqs = issue_in_order(DisputeCounter, county, years)
    disputes = []
    for x, year, seq in zip(lives, years, seqs, strict=True):
        disputes.append(
            Dispute(
                number=f"JF{county}-{year}-{seq:05d}",
                county_code=county,
                year=year,
                seq=seq,
                type=x.type,
                risk=x.risk,
                level=x.level,
                state=x.state,
                outcome=x.outcome,
                summary=x.summary,
                grid_id=x.place.grid_id,
                area_path=x.place.path,
                found_via=x.found_via,
                found_on=x.found_on,
                found_by_id=x.place.worker[0],
                outcome_note=x.outcome_note,
                concluded_at=x.concluded_at,
                closed_at=x.closed_at,
                version=len(x.events) - 1,
                created_by_id=x.place.worker[0],
                created_at=x.created,
                updated_at=x.last,
            )
        )
    Dispute.objects.bulk_create(disputes, batch_size=1000)
    ring = keyring()
    outsiders = [p for x in lives for p in x.parties if p.phone]
    enc = iter(pii.encrypt_many(ring, [p.phone for p in outsiders]))
    index = iter(pii.blind_index_many(ring, "phone", [p.phone for p in outsiders]))
    # Rows as tuples through core.bulk: Django's bulk_create spends most of
    # the time preparing values field by field (measured: 5.6 of 7.4 s).
    parties, events, agreements, visits = [], [], [], []
    for d, x in zip(disputes, lives, strict=True):
        for p in x.parties:
            has = bool(p.phone)
            parties.append(
                (d.pk, p.side, p.kind, p.name, p.person_id, p.household_id,
                 next(enc) if has else "", next(index) if has else "",
                 pii.mask_phone(p.phone) if has else "", "", "", "", "")
            )  # fmt: skip
        events += [
            (d.pk, e.at, e.actor, e.action, e.level, e.note, e.held_at, e.mediators, e.result,
             e.state_after)
            for e in x.events
        ]  # fmt: skip
        if x.agreement:
            text, signed_on, at = x.agreement
            agreements.append(
                Agreement(dispute=d, text=text, signed_on=signed_on,
                          recorded_by_id=x.place.worker[0], created_at=at)
            )  # fmt: skip
        visits += [
            (d.pk, v.due_on, v.done_at, v.done_by, v.result, v.note, v.cancelled)
            for v in x.follow_ups
        ]
    insert_rows(
        Party,
        ("dispute_id", "side", "kind", "name", "person_id", "household_id", "phone_enc",
         "phone_index", "phone_masked", "id_enc", "id_index", "id_masked", "note"),
        parties,
    )  # fmt: skip
    insert_rows(
        DisputeEvent,
        ("dispute_id", "at", "actor_id", "action", "level", "note", "held_at", "mediators",
         "result", "state_after"),
        events,
    )  # fmt: skip
    Agreement.objects.bulk_create(agreements, batch_size=2000)
    insert_rows(
        FollowUp,
        ("dispute_id", "due_on", "done_at", "done_by_id", "result", "note", "cancelled"),
        visits,
    )
