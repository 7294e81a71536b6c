"""A year of request history (诉求历史) for the demo county: about 0.3
requests per resident a year, by season, topic, channel and town, each
lived through the real flow up to now (``wangge.demo.history``), so the queues,
the ledger, the request pages and the figures show real-looking work.

Generation is plain Python, seeded per grid (deterministic for a given
"now"); writing is bulk inserts of ready rows — the services would take an
hour for sixty thousand requests and half a million steps. A county gets
its history once: the seed's audit record says it has one, so running the
seed again adds nothing. Numbers continue after the county's counter, so
requests already made by hand keep theirs.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from wangge.accounts.models import RoleAssignment, Unit, UnitKind
from wangge.accounts.roles import Role
from wangge.audit.models import AuditRecord
from wangge.audit.services import audit_record
from wangge.categories.models import Category
from wangge.core.bulk import allocate_ids, insert_rows
from wangge.core.numbering import issue_in_order
from wangge.demo.history.intake import SEED, Intake
from wangge.demo.history.life import Life
from wangge.demo.history.plans import live
from wangge.demo.history.showcase import showcase_specs
from wangge.demo.history.world import Place, Spec, UnitRef, Workdays, World
from wangge.dispatch.models import (
    Assist,
    Extension,
    Request,
    RequestCounter,
    RequestEvent,
    RoutingRule,
    State,
)
from wangge.dispatch.selectors import OPEN
from wangge.registry import pii
from wangge.registry.keys import keyring
from wangge.registry.models import Household, Person
from wangge.territory.models import Area
from wangge.timelimits.clock import BEIJING
from wangge.timelimits.defaults import LIMITS
from wangge.timelimits.services import limits_for, work_clock

PER_RESIDENT = 0.3  # requests per resident a year
SEEDED = "demo.seed_requests"  # the audit action that marks a county's history
# How well each town does (1 = typical; lower is better): the model town
# and the county seat do well, two remote mountain towns clearly worse.
QUALITY = {
    "611022109": 0.45,  # 商镇
    "611022001": 0.75,  # 龙驹寨街道
    "611022110": 0.7,  # 棣花镇
    "611022103": 2.6,  # 峦庄镇
    "611022115": 2.2,  # 花瓶子镇
}


@dataclass
class HistoryReport:
    requests: int = 0
    events: int = 0
    states: Counter[str] = field(default_factory=Counter)
    overdue: int = 0
    already: bool = False  # seeded before: nothing added

    def line(self) -> str:
        if self.already:
            return "诉求历史:已生成过,未新增"
        s = self.states
        open_ = sum(s[x] for x in OPEN)
        return (
            f"诉求历史:{self.requests:,} 件,办理记录 {self.events:,} 条"
            f"(办结 {s['closed']:,},在办 {open_:,},超时 {self.overdue:,},"
            f"挂账 {s['long_term']:,},合并 {s['merged']:,})"
        )


class Router:
    """``wangge.dispatch.routing.route`` over units held in memory: the
    administrators' rules first (deepest area, then deepest category), else
    the category's usual handler at the place, else the town office, else
    the command centre."""

    def __init__(self, units: dict[tuple[str, str], UnitRef], county: str) -> None:
        self.units, self.county = units, county
        kinds = dict(Category.objects.values_list("code", "unit_kind"))
        self.kind = {
            code: next((kinds[c] for c in (code, code[:4], code[:2]) if kinds.get(c)), "")
            or UnitKind.TOWN_OFFICE
            for code in kinds
        }
        dept_codes: dict[str, str] = {}
        for code, unit_code in (
            Unit.categories.through.objects.filter(
                unit__kind=UnitKind.DEPARTMENT, unit__is_active=True, unit__area__code=county
            )
            .order_by("unit__code")
            .values_list("category__code", "unit__code")
        ):
            dept_codes.setdefault(code, unit_code)
        self.department = dept_codes
        self.rules = list(
            RoutingRule.objects.filter(is_active=True, unit__is_active=True).values_list(
                "category__code", "area__path", "unit__code"
            )
        )

    def route(self, code: str, place: Place) -> UnitRef:
        fits = [
            (len(path), len(cat), unit)
            for cat, path, unit in self.rules
            if code.startswith(cat) and place.path.startswith(path)
        ]
        if fits:
            found = self.units.get(("code", max(fits)[2]))
            if found is not None:
                return found
        kind = self.kind.get(code, UnitKind.TOWN_OFFICE)
        if kind == UnitKind.GRID:
            return place.grid
        if kind == UnitKind.VILLAGE_COMMITTEE:
            return place.village
        if kind == UnitKind.DEPARTMENT and code[:2] in self.department:
            return self.units[("code", self.department[code[:2]])]
        return place.town


def load_units(county: Area) -> dict[tuple[str, str], UnitRef]:
    """Units by ("code", unit code) and by (kind, area code), each with the
    demo user acting for it."""
    acting: dict[int, int] = {}
    for unit_id, user_id in (
        RoleAssignment.objects.filter(is_active=True, unit__isnull=False)
        .order_by("user_id")
        .values_list("unit_id", "user_id")
    ):
        acting.setdefault(unit_id, user_id)
    command_user = (
        RoleAssignment.objects.filter(is_active=True, role=Role.COMMAND_CENTRE, area=county)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .first()
    )
    out: dict[tuple[str, str], UnitRef] = {}
    for pk, code, name, kind, area_code in Unit.objects.filter(
        Q(area__path__startswith=county.path), is_active=True
    ).values_list("pk", "code", "name", "kind", "area__code"):
        user = command_user if kind == UnitKind.COMMAND_CENTRE else acting.get(pk)
        slug = code.rsplit("-", 1)[-1] if kind == UnitKind.DEPARTMENT else ""
        ref = UnitRef(pk, name, kind, user, slug)
        out[("code", code)] = ref
        out.setdefault((kind, area_code), ref)
    return out


def load_places(grids: Sequence[Area], units: dict[tuple[str, str], UnitRef]) -> list[Place]:
    names = dict(Area.objects.filter(level__in=["village", "town"]).values_list("code", "name"))
    forms = dict(Area.objects.filter(level="village").values_list("code", "form"))
    out = []
    for g in grids:
        parts = g.path.strip("/").split("/")
        town, village = parts[2], parts[3]
        out.append(
            Place(
                grid_id=g.pk,
                code=g.code,
                path=g.path,
                grid=units[(UnitKind.GRID, g.code)],
                village=units[(UnitKind.VILLAGE_COMMITTEE, village)],
                town=units[(UnitKind.TOWN_OFFICE, town)],
                village_name=names.get(village, ""),
                urban=forms.get(village) == "community",
            )
        )
    return out


def _world(now: dt.datetime, units: dict[tuple[str, str], UnitRef], county: Area) -> World:
    clock = work_clock()
    local = now.astimezone(BEIJING).date()
    return World(
        clock=clock,
        now=now,
        limits={key: limits_for(*key) for key in LIMITS},
        command=units[(UnitKind.COMMAND_CENTRE, county.code)],
        departments={u.slug: u for k, u in units.items() if k[0] == "code" and u.slug},
        workdays=Workdays(clock, local - dt.timedelta(days=400), local + dt.timedelta(days=200)),
    )


def _town_quality(places: Sequence[Place]) -> dict[str, float]:
    """Every town's quality: the fixed ones, the rest 0.85–1.35 by code."""
    out = dict(QUALITY)
    for p in places:
        town = p.code[:9]
        out.setdefault(town, 0.85 + int(town) * 2654435761 % 1000 / 2000)
    return out


def request_history_seed(
    grids: Iterable[Area],
    *,
    now: dt.datetime | None = None,
    volume: int | None = None,
    showcase: bool = True,
) -> HistoryReport:
    """Add a year of requests up to ``now`` in the given grids of one county
    (``volume`` in all, or 0.3 per resident living there), unless the
    county's history was seeded before. Inside the caller's transaction."""
    grids = sorted(grids, key=lambda g: g.code)
    report = HistoryReport()
    if not grids:
        return report
    county = Area.objects.get(level="county", code=grids[0].county_code + "000000")
    if AuditRecord.objects.filter(
        action=SEEDED, object_type="demo", object_id=county.county_code
    ).exists():
        report.already = True
        return report
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    units = load_units(county)
    places = load_places(grids, units)
    world = _world(now, units, county)
    world.quality = _town_quality(places)
    persons = dict(
        Person.objects.filter(county_code=county.county_code)
        .values("area_path")
        .annotate(n=Count("id"))
        .values_list("area_path", "n")
    )
    households: dict[int, list[tuple[int, float | None, float | None]]] = defaultdict(list)
    for hid, grid_id, lon, lat in Household.objects.filter(
        county_code=county.county_code, is_active=True
    ).values_list("pk", "grid_id", "lon", "lat"):
        households[grid_id].append((hid, lon, lat))
    categories: dict[str, tuple[int, str]] = {
        code: (pk, str(profile or "standard"))
        for pk, code, profile in Category.objects.filter(is_active=True, level=3).values_list(
            "pk", "code", "profile_id"
        )
    }
    intake = Intake(world, Router(units, county.code).route, categories, households)
    # Communities ask more than villages; the total stays 0.3 per resident.
    reach = {p.code: persons.get(p.path, 0) * (1.3 if p.urban else 1.0) for p in places}
    people = sum(persons.get(p.path, 0) for p in places)
    total = volume if volume is not None else PER_RESIDENT * people
    scale = total / (sum(reach.values()) or 1)
    groups = [(p.code, intake.for_grid(p, reach[p.code] * scale)) for p in places]
    if showcase:
        groups.append(("showcase", showcase_specs(world, places, intake)))
    _number(sorted((s for _k, g in groups for s in g), key=lambda s: s.created), county.county_code)
    lives = []
    for key, group in groups:
        rng = random.Random(f"{SEED}:life:{key}")
        lives += [live(world, s, rng) for s in sorted(group, key=lambda s: s.created)]
    _write(lives, county.county_code)
    report.requests = len(lives)
    report.events = sum(len(x.events) for x in lives)
    report.states = Counter(x.state for x in lives)
    report.overdue = sum(
        1
        for x in lives
        if (x.state in (State.SUBMITTED, State.DISPATCHED) and x.sign_due and x.sign_due < now)
        or (x.state == State.SIGNED and x.finish_due and x.finish_due < now)
    )
    audit_record(
        actor=None,
        action=SEEDED,
        object_type="demo",
        object_id=county.county_code,
        changes={"requests": report.requests, "events": report.events},
    )
    return report


def _number(specs: list[Spec], county_code: str) -> None:
    """Numbers in order of arrival, per year, after any the counter issued."""
    years = [s.created.astimezone(BEIJING).year for s in specs]
    for s, year, seq in zip(
        specs, years, issue_in_order(RequestCounter, county_code, years), strict=True
    ):
        s.number = f"{county_code}-{year}-{seq:06d}"


REQUEST_COLUMNS = (
    "id", "number", "county_code", "year", "seq", "channel", "category_id", "urgency",
    "description", "lon", "lat", "grid_id", "area_path", "household_id", "anonymous",
    "contact_name", "contact_phone_enc", "contact_phone_index", "contact_phone_masked", "state",
    "unit_id", "responsible_id", "sign_due", "finish_due", "urged_for", "signed_at",
    "finished_at", "result", "checked_at", "solved", "rating", "redo_count", "closed_at", "plan",
    "version", "duplicate_of_id", "idempotency_key", "created_by_id", "created_at", "updated_at",
)  # fmt: skip


def _write(lives: list[Life], county_code: str) -> None:
    ids = allocate_ids(Request, len(lives))
    for pk, x in zip(ids, lives, strict=True):
        x.s.pk = pk
    ring = keyring()
    phones = [x.s.phone for x in lives if x.s.phone]
    enc = iter(pii.encrypt_many(ring, phones))
    index = iter(pii.blind_index_many(ring, "phone", phones))
    rows = []
    for x in lives:
        s = x.s
        year, seq = s.number.split("-")[1:]
        has = bool(s.phone)
        rows.append((
            s.pk, s.number, county_code, int(year), int(seq), s.channel, s.category_id, s.urgency,
            s.description, s.lon, s.lat, s.place.grid_id, s.place.path, s.household_id,
            s.anonymous, s.contact_name, next(enc) if has else "", next(index) if has else "",
            pii.mask_phone(s.phone), x.state, x.unit.id,
            x.responsible.id if x.responsible else None, x.sign_due, x.finish_due, x.urged_for,
            x.signed_at, x.finished_at, x.result, x.checked_at, x.solved, x.rating, x.redo_count,
            x.closed_at, x.plan, x.version, x.duplicate_of.pk if x.duplicate_of else None, None,
            s.created_by, s.created, x.last,
        ))  # fmt: skip
    insert_rows(Request, REQUEST_COLUMNS, rows)
    events = [(x.s.pk, e) for x in lives for e in x.events]
    event_ids = allocate_ids(RequestEvent, len(events))
    insert_rows(
        RequestEvent,
        (
            "id",
            "request_id",
            "at",
            "actor_id",
            "unit_id",
            "action",
            "note",
            "state_after",
            "rating",
            "solved",
        ),
        ((pk, rid, *e) for pk, (rid, e) in zip(event_ids, events, strict=True)),
    )
    insert_rows(
        Extension,
        ("request_id", "unit_id", "days", "reason", "asked_by_id", "asked_at", "decided_at",
         "approved", "decision_note"),
        ((x.s.pk, e.unit.id, e.days, e.reason, e.asked_by, e.asked_at, e.decided_at, e.approved,
          e.decision_note) for x in lives for e in x.extensions),
    )  # fmt: skip
    insert_rows(
        Assist,
        ("request_id", "unit_id", "role", "sign_due", "signed_at", "urged_at", "done_at", "note",
         "created_at"),
        ((x.s.pk, a.unit.id, a.role, a.sign_due, a.signed_at, a.urged_at, a.done_at, a.note,
          a.created) for x in lives for a in x.assists),
    )  # fmt: skip
