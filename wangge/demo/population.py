"""Demo households and people for the demo county: deterministic, realistic
for rural Shaanxi (about 2.9 persons per household, an old age pyramid,
working-age people away in the cities, elderly living alone, left-behind
children, party members), with valid ID numbers. No real person's data.

Generation is plain Python (fast, seeded per grid); writing goes through
bulk inserts with the same encryption, blind index and masking as the
registry's services, since calling those one person at a time would take
minutes for a quarter of a million people.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone
from shapely.geometry import Point, shape

from wangge.core.bulk import allocate_ids, insert_rows
from wangge.demo.people import demo_name
from wangge.geo.seeded import random_points_in, rng_for
from wangge.registry import colour as engine
from wangge.registry import pii
from wangge.registry.colouring import compiled_rules
from wangge.registry.idnumber import age_on, make_id_number
from wangge.registry.importing.prepare import HOUSEHOLD_COLUMNS, PERSON_COLUMNS
from wangge.registry.keys import keyring
from wangge.registry.models import (
    PARTY_STATUSES,
    Household,
    LeadHousehold,
    Membership,
    Person,
    PersonTag,
)
from wangge.registry.services import name_initials
from wangge.territory.models import Area

TODAY = dt.date(2026, 11, 1)  # fixed, so the demo is the same whatever the day
_SIZES = [1, 2, 3, 4, 5, 6]
_SIZE_WEIGHTS = [15, 30, 25, 18, 9, 3]  # mean ≈ 2.9
_EDUCATION = ["小学", "初中", "高中", "中专", "大专", "本科"]
_OCCUPATION = ["务农", "务工", "个体经营", "学生", "退休", "无业", "教师", "医生", "村干部"]


@dataclass
class _P:
    name: str
    gender: str
    birth: dt.date
    relation: str
    tags: set[str] = field(default_factory=set)
    phone: str = ""
    is_away: bool = False
    political: str = "群众"
    education: str = ""
    occupation: str = ""


def _birth(rng: random.Random, age: int) -> dt.date:
    return TODAY - dt.timedelta(days=age * 365 + rng.randrange(365))


def _age(birth: dt.date) -> int:
    return age_on(birth, TODAY)


def _person(
    rng: random.Random, key: str, age: int, gender: str, relation: str, surname: str | None = None
) -> _P:
    name = demo_name(key)
    if surname:
        name = surname + name[1:]
    p = _P(name=name, gender=gender, birth=_birth(rng, age), relation=relation)
    if 18 <= age <= 72:
        p.phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
    if 18 <= age <= 50 and rng.random() < 0.35:
        p.is_away = True  # migrants out to the cities
    if age >= 25 and rng.random() < 0.07:
        p.political = "中共党员"
    p.education = rng.choice(_EDUCATION[:4] if age > 45 else _EDUCATION)
    p.occupation = (
        "学生"
        if age < 19
        else "退休"
        if age >= 65
        else "务工"
        if p.is_away
        else rng.choice(_OCCUPATION)
    )
    return p


def _household(rng: random.Random, key: str) -> list[_P]:
    size = rng.choices(_SIZES, _SIZE_WEIGHTS)[0]
    if size == 1:
        age = rng.choice([rng.randint(65, 92)] * 3 + [rng.randint(25, 64)])
        head = _person(rng, key + "h", age, rng.choice("MF"), "户主")
        if age >= 65:
            head.tags.add("elderly_alone")
        return [head]
    head_age = rng.randint(28, 78)
    head = _person(rng, key + "h", head_age, "M" if rng.random() < 0.85 else "F", "户主")
    members = [head]
    surname = head.name[0]
    spouse_gender = "F" if head.gender == "M" else "M"
    members.append(
        _person(rng, key + "s", max(20, head_age + rng.randint(-5, 3)), spouse_gender, "配偶")
    )
    for i in range(size - 2):
        if head_age >= 60 and i == 0 and rng.random() < 0.6:
            child_age = head_age - rng.randint(24, 34)
            members.append(_person(rng, f"{key}c{i}", child_age, rng.choice("MF"), "子女", surname))
            continue
        if head_age >= 55:
            members.append(
                _person(rng, f"{key}g{i}", rng.randint(1, 15), rng.choice("MF"), "孙子女", surname)
            )
        else:
            members.append(
                _person(
                    rng,
                    f"{key}c{i}",
                    max(0, head_age - rng.randint(22, 34)),
                    rng.choice("MF"),
                    "子女",
                    surname,
                )
            )
    adults_away = all(m.is_away for m in members if 18 <= _age(m.birth) <= 50)
    for m in members:
        age = _age(m.birth)
        if age < 16 and adults_away and any(18 <= _age(x.birth) <= 50 for x in members):
            m.tags.add("left_behind_child")
        if rng.random() < 0.03:
            m.tags.add("disabled")
        if age >= 50 and rng.random() < 0.03:
            m.tags.add("serious_illness")
        if m.gender == "M" and age >= 40 and rng.random() < 0.02:
            m.tags.add("veteran")
        if 20 <= age <= 45 and not m.is_away and rng.random() < 0.03:
            m.tags.add("returnee")
        r = rng.random()
        if age >= 18 and r < 0.003:
            m.tags.add("severe_mental_disorder")
        elif age >= 18 and r < 0.0045:
            m.tags.add("released_prisoner")
        elif age >= 18 and r < 0.005:
            m.tags.add("community_correction")
    if rng.random() < 0.045:
        head.tags.add("low_income")
    return members


def _region(birth: dt.date) -> str:
    # 丹凤县 has been 611022 since 2001; people born before carry the old
    # Shangluo-prefecture code 612523 in their ID numbers for life.
    return "611022" if birth.year >= 2001 else "612523"


def households_per_grid(grid: Area) -> int:
    base = 42 if grid.ur_code in ("111", "112") else 34 if grid.ur_code == "121" else 30
    h = int(grid.code[-6:]) * 2654435761 % 1000
    return base - 6 + h * 12 // 1000


def _address(grid: Area, village_name: str, town_name: str, n: int) -> str:
    if grid.ur_code in ("111", "112"):
        return f"陕西省商洛市丹凤县{town_name}{village_name}{n // 24 + 1}号楼{n % 24 + 101}室"
    return f"陕西省商洛市丹凤县{town_name}{village_name}{int(grid.code[-3:])}组{n + 1}号"


def seed_population(
    grids: Iterable[Area], spots: Mapping[str, list[tuple[float, float]]] | None = None
) -> dict[str, int]:
    """Create the demo people of the given grids (skipping grids that already
    have households, so re-running adds nothing). ``spots`` gives a grid's
    household positions (``wangge.demo.settlement``: the households its grid
    was partitioned from); a grid without gets random ones."""
    ring = keyring()
    rules = compiled_rules().rules
    have = set(Household.objects.values_list("grid_id", flat=True).distinct())
    grids = [g for g in grids if g.pk not in have]
    names = dict(Area.objects.filter(level__in=["town", "village"]).values_list("code", "name"))
    # ID order codes continue after the people already on file with the same
    # birth date and gender, so a later run (say, the full county after the
    # sample) never reissues a number.
    id_seq: dict[tuple[dt.date, str], int] = {
        (r["birth_date"], r["gender"]): r["n"]
        for r in Person.objects.filter(county_code="611022")
        .order_by()
        .values("birth_date", "gender")
        .annotate(n=Count("id"))
    }
    totals = {"households": 0, "persons": 0}
    now = timezone.now()
    for chunk_start in range(0, len(grids), 250):
        chunk = grids[chunk_start : chunk_start + 250]
        households: list[tuple[Area, int, str, Any, engine.Rating, int, list[_P]]] = []
        for grid in chunk:
            rng = random.Random(grid.code)
            given = (spots or {}).get(grid.code)
            if given is not None:
                n, at = len(given), [Point(lon, lat) for lon, lat in given]
            else:
                n = households_per_grid(grid)
                at = random_points_in(shape(grid.geometry), n, rng_for("households", grid.code))
            for i in range(n):
                members = _household(rng, f"{grid.code}-{i}")
                since_visit = rng.randint(1, 120)
                facts = engine.HouseholdFacts(
                    members=[
                        engine.PersonFacts(
                            age=_age(m.birth),
                            gender=m.gender,
                            tags=frozenset(m.tags),
                            is_party_member=m.political in PARTY_STATUSES,
                            residence="registered",
                            is_away=m.is_away,
                        )
                        for m in members
                    ],
                    household_type="family",
                    open_disputes=0,
                    open_requests=0,
                    days_since_last_visit=since_visit,
                    tags=frozenset(),
                )
                rating = engine.evaluate(rules, facts, today=TODAY)
                address = _address(
                    grid, names.get(grid.code[:12], ""), names.get(grid.code[:9] + "000", ""), i
                )
                households.append((grid, i, address, at[i], rating, since_visit, members))
        hh_ids = allocate_ids(Household, len(households))
        addresses = pii.encrypt_many(ring, [h[2] for h in households])
        insert_rows(
            Household,
            ("id", *HOUSEHOLD_COLUMNS),
            (
                (
                    hid,
                    f"{g.code}{i + 1:04d}",
                    g.pk,
                    g.path,
                    g.county_code,
                    None,
                    enc,
                    pii.mask_address(addr),
                    round(spot.x, 6),
                    round(spot.y, 6),
                    "family",
                    rating.colour,
                    rating.reasons,
                    rating.rule_codes,
                    rating.public_reasons,
                    "",
                    "",
                    None,
                    now,
                    TODAY - dt.timedelta(days=since),
                    True,
                    now,
                    now,
                )
                for hid, enc, (g, i, addr, spot, rating, since, _m) in zip(
                    hh_ids, addresses, households, strict=True
                )
            ),
        )
        flat = [
            (hid, g, m)
            for hid, (g, *_rest, members) in zip(hh_ids, households, strict=True)
            for m in members
        ]
        ids: list[str] = []
        for _hid, _g, m in flat:
            k = (m.birth, m.gender)
            seq = id_seq.get(k, 0)
            id_seq[k] = seq + 1
            ids.append(make_id_number(_region(m.birth), m.birth, seq, m.gender))  # type: ignore[arg-type]
        phones = [m.phone for _h, _g, m in flat]
        with_phone = [i for i, ph in enumerate(phones) if ph]
        ph_values = [phones[i] for i in with_phone]
        ph_enc = dict(zip(with_phone, pii.encrypt_many(ring, ph_values), strict=True))
        ph_idx = dict(zip(with_phone, pii.blind_index_many(ring, "phone", ph_values), strict=True))
        person_ids = allocate_ids(Person, len(flat))
        insert_rows(
            Person,
            ("id", *PERSON_COLUMNS),
            (
                (
                    pid,
                    m.name,
                    name_initials(m.name),
                    enc,
                    idx,
                    pii.mask_id_number(number),
                    False,
                    m.gender,
                    m.birth,
                    "汉族",
                    ph_enc.get(k, ""),
                    ph_idx.get(k, ""),
                    pii.mask_phone(m.phone) if m.phone else "",
                    m.education,
                    m.occupation,
                    m.political,
                    "",
                    "",
                    m.is_away,
                    g.path,
                    g.county_code,
                    now,
                    now,
                )
                for k, (pid, (_h, g, m), number, enc, idx) in enumerate(
                    zip(
                        person_ids,
                        flat,
                        ids,
                        pii.encrypt_many(ring, ids),
                        pii.blind_index_many(ring, "id", ids),
                        strict=True,
                    )
                )
            ),
        )
        insert_rows(
            Membership,
            ("person_id", "household_id", "relation", "kind", "moved_in", "moved_out"),
            (
                (pid, hid, m.relation, "registered", m.birth, None)
                for pid, (hid, _g, m) in zip(person_ids, flat, strict=True)
            ),
        )
        insert_rows(
            PersonTag,
            ("person_id", "code"),
            (
                (pid, code)
                for pid, (_h, _g, m) in zip(person_ids, flat, strict=True)
                for code in sorted(m.tags)
            ),
        )
        totals["households"] += len(households)
        totals["persons"] += len(flat)
    return totals


def seed_lead_households(grids: Iterable[Area], *, per_lead: int = 8) -> int:
    """党员中心户 for the demo: in each grid that has none yet, the first
    household (by number) with a party member looks after the next
    ``per_lead`` households of the grid. Returns how many were made."""
    grid_ids = [g.pk for g in grids]
    done = set(LeadHousehold.objects.values_list("household__grid_id", flat=True))
    by_grid: dict[int, list[int]] = {}
    for hid, grid_id in (
        Household.objects.filter(grid_id__in=grid_ids, is_active=True)
        .exclude(grid_id__in=done)
        .order_by("grid_id", "number")
        .values_list("pk", "grid_id")
    ):
        by_grid.setdefault(grid_id, []).append(hid)
    party = dict(
        Membership.objects.filter(
            household__grid_id__in=list(by_grid),
            moved_out__isnull=True,
            person__political_status__in=PARTY_STATUSES,
        ).values_list("household_id", "person_id")
    )
    plans: list[tuple[LeadHousehold, list[int]]] = []
    for hids in by_grid.values():
        lead = next((k for k, h in enumerate(hids) if h in party), None)
        if lead is None:
            continue
        others = (hids[lead + 1 :] + hids[:lead])[:per_lead]
        plans.append(
            (LeadHousehold(household_id=hids[lead], party_member_id=party[hids[lead]]), others)
        )
    LeadHousehold.objects.bulk_create([lead for lead, _ in plans], batch_size=2000)
    through = LeadHousehold.looks_after.through
    through.objects.bulk_create(
        [
            through(leadhousehold_id=lead.pk, household_id=h)
            for lead, others in plans
            for h in others
        ],
        batch_size=5000,
    )
    return len(plans)
