"""The demo's year of field work for the full demo county: visits to every
household about as often as its colour asks (red weekly, yellow monthly,
green quarterly; most a little early, some late, more late in the towns
that do worse — so a few households are overdue now), patrols a few times
a week per grid with their trail, things found on them (the grid worker's
reported matters are the demo's existing requests of channel 网格员上报,
linked rather than made again; most others handled on the spot), and a few
household change requests (decided, pending, two in conflict).

Drawn per grid in ``demo_plan`` (plain Python, seeded by the grid's code)
and written as ready rows through ``core.bulk``; households'
``last_visit_on`` is set to their last visit. Trail points are kept for
the last ``POINT_DAYS`` days only (older patrols keep their count and
length), which keeps the seed shorter. A county gets its year once:
the seed's audit record says it has one. Decision 0017, "Figures".
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from django.db import connection, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from wangge.audit.models import AuditRecord
from wangge.audit.services import audit_record
from wangge.core.bulk import allocate_ids, insert_rows, secondary_indexes_deferred
from wangge.demo.requests import QUALITY
from wangge.dispatch.models import Channel, Request
from wangge.geo.seeded import random_points_in, rng_for
from wangge.gridwork import demo_plan as plan
from wangge.gridwork.demo_changes import EVERY, seed_changes
from wangge.gridwork.models import Duty, Finding, GridPost, Patrol, PatrolPoint, Post, Visit
from wangge.registry.colour_defaults import DEFAULT_VISIT_INTERVALS
from wangge.registry.models import Household, VisitInterval
from wangge.territory.models import Area
from wangge.timelimits.clock import BEIJING

SEEDED = "demo.seed_field_history"
POINT_DAYS = 30  # trail points for the patrols of the last month only
POOL = 24  # positions per grid a patrol's trail walks through
CHUNK = 300  # grids drawn and written at a time
_UTC_OFFSET_MIN = 480  # Beijing is UTC+8 all year (no summer time since 1991)


@dataclass
class FieldReport:
    visits: int = 0
    patrols: int = 0
    points: int = 0
    findings: int = 0
    reported: int = 0
    overdue: int = 0
    changes: Counter[str] = field(default_factory=Counter)
    already: bool = False

    def line(self) -> str:
        if self.already:
            return "走访巡查:已生成过,未新增"
        c = self.changes
        return (
            f"走访巡查:走访 {self.visits:,} 次(今日逾期 {self.overdue:,} 户),"
            f"巡查 {self.patrols:,} 次(轨迹点 {self.points:,} 个),"
            f"发现问题 {self.findings:,} 件(上报诉求 {self.reported:,},其余现场处置),"
            f"户信息变更申请 {sum(c.values())} 件(待审核 {c['pending']},冲突 {c['conflict']})"
        )


def seed_field_history(ctx: Any) -> None:
    """``wangge.demo.seed`` step: the full demo county only (the test
    suite's sample counts its own visits; the generator is tested alone)."""
    if getattr(ctx, "population", "") != "full":
        ctx.say("走访巡查:样例或无人口,不生成")
        return
    from wangge.territory.shangluo import DEMO_COUNTY

    grids = Area.objects.filter(level="grid", is_active=True, county_code=DEMO_COUNTY)
    ctx.say(field_history_seed(grids).line())


class _Clock:
    """Local (day ordinal, minute) → the naive-UTC text ``core.bulk`` writes."""

    def __init__(self, first: int, last: int) -> None:
        self.days = {d: dt.date.fromordinal(d).isoformat() for d in range(first - 1, last + 400)}
        self.hm = [f"{m // 60:02d}:{m % 60:02d}:00" for m in range(1440)]

    def at(self, day: int, minute: int) -> str:
        m = minute - _UTC_OFFSET_MIN
        if 0 <= m < 1440:
            return f"{self.days[day]} {self.hm[m]}"
        return f"{self.days[day + m // 1440]} {self.hm[m % 1440]}"


def _local(when: dt.datetime) -> tuple[int, int]:
    t = when.astimezone(BEIJING)
    return t.date().toordinal(), t.hour * 60 + t.minute


def _uuid(kind: int, n: int) -> str:
    """A deterministic client id for a demo row: no phone made it."""
    return f"fd{kind:06x}{n:024x}"


def field_history_seed(
    grids: Iterable[Area], *, now: dt.datetime | None = None, once: bool = True
) -> FieldReport:
    """A year of visits, patrols and findings up to yesterday in the given
    grids of one county, unless the county has had its year (``once``:
    the seed's audit record marks it; tests seed a village without it).
    Inside the caller's transaction."""
    grids = sorted(grids, key=lambda g: g.code)
    report = FieldReport()
    if not grids:
        return report
    county = grids[0].county_code
    seeded = AuditRecord.objects.filter(action=SEEDED, object_type="demo", object_id=county)
    if once and seeded.exists():
        report.already = True
        return report
    now = now or timezone.now()
    today = now.astimezone(BEIJING).date()
    first, last = today.toordinal() - 364, today.toordinal() - 1
    clock = _Clock(first, last)
    worker = dict(
        GridPost.objects.filter(grid__in=grids, post=Post.A, ended_at__isnull=True).values_list(
            "grid_id", "worker__user_id"
        )
    )
    grids = [g for g in grids if g.pk in worker]
    intervals = dict(DEFAULT_VISIT_INTERVALS)
    intervals.update(dict(VisitInterval.objects.values_list("colour", "days")))
    duty = dict(Duty.objects.values_list("code", "pk"))
    homes: dict[int, list[tuple[int, str, float | None, float | None]]] = defaultdict(list)
    for hid, gid, colour, lon, lat in (
        Household.objects.filter(grid__in=grids, is_active=True)
        .order_by("pk")
        .values_list("pk", "grid_id", "colour", "lon", "lat")
    ):
        homes[gid].append((hid, colour, lon, lat))
    found = _reported_requests(grids, first, last)

    last_visit: dict[int, int] = {}
    noticed: list[tuple[int, int, int, dt.datetime]] = []
    seen = 0  # visits drawn so far: one in EVERY noticed a change
    # In chunks of grids, so the rows of a whole county are never all in
    # memory at once; indexes are rebuilt once, after the last chunk.
    with _loading(fresh=_tables_empty()):
        for i in range(0, len(grids), CHUNK):
            batch = _Batch()
            for g in grids[i : i + CHUNK]:
                rng = random.Random(f"field:{g.code}:{today.isoformat()}")
                quality = QUALITY.get(g.code[:9], 0.85 + int(g.code[:9]) * 2654435761 % 1000 / 2000)
                user = worker[g.pk]
                _visits_of(g, rng, plan.late_share(quality), user, first, last, clock,
                           homes.get(g.pk, ()), intervals, batch.visits, last_visit)  # fmt: skip
                _patrols_of(g, rng, quality, user, first, last, clock, found.get(g.pk, {}),
                            batch.patrols, batch.points, batch.findings)  # fmt: skip
            visit_ids = _write(batch, duty)
            start = (EVERY // 2 - seen) % EVERY
            noticed += [
                (visit_ids[k], v[0], v[4], dt.datetime.fromisoformat(v[5]).replace(tzinfo=dt.UTC))
                for k in range(start, len(batch.visits), EVERY)
                for v in (batch.visits[k],)
            ]
            seen += len(batch.visits)
            report.visits += len(batch.visits)
            report.patrols += len(batch.patrols)
            report.points += len(batch.points)
            report.findings += len(batch.findings)
            report.reported += sum(1 for f in batch.findings if f[12] is not None)
    _set_last_visits(grids)
    report.overdue = sum(
        1
        for gid in homes
        for hid, colour, _x, _y in homes[gid]
        if hid in last_visit and last_visit[hid] + intervals[colour] < today.toordinal()
    )
    report.changes = seed_changes(noticed, now)
    if not once:
        return report
    audit_record(
        actor=None,
        action=SEEDED,
        object_type="demo",
        object_id=county,
        changes={"visits": report.visits, "patrols": report.patrols, "findings": report.findings},
    )
    return report


def _visits_of(
    g: Area,
    rng: random.Random,
    late: float,
    user: int,
    first: int,
    last: int,
    clock: _Clock,
    homes: Iterable[tuple[int, str, float | None, float | None]],
    intervals: dict[str, int],
    visits: list[tuple[Any, ...]],
    last_visit: dict[int, int],
) -> None:
    """The grid's households' visits of the year, each with the day it fell
    due (the visit before + the colour's interval)."""
    draw = rng.random
    at = clock.at
    days = clock.days
    for hid, colour, lon, lat in homes:
        notes = plan.VISIT_NOTES[colour]
        interval = intervals[colour]
        before = None
        for day in plan.visit_days(rng, interval, first, last, late):
            minute = plan.office_minute(rng)
            r = draw()
            text = notes[int(r * len(notes))][0]
            visits.append(
                (
                    hid, g.pk, g.path, g.county_code, user, at(day, minute),
                    at(day, minute + 1 + int(r * 90)), text,
                    None if lon is None else round(lon + (r - 0.5) * 4e-4, 6),
                    None if lat is None else round(lat + (draw() - 0.5) * 4e-4, 6),
                    float(5 + int(r * 25)), days[day], colour,
                    None if before is None else days[before + interval],
                )
            )  # fmt: skip
            before = day
            last_visit[hid] = day


def _reported_requests(
    grids: list[Area], first: int, last: int
) -> dict[int, dict[int, list[tuple[int, int, Any]]]]:
    """The grid workers' reported matters of the year: grid → day →
    [(minute, request id, (lon, lat, household, description))]."""
    tz = BEIJING
    start = dt.datetime.combine(dt.date.fromordinal(first), dt.time(), tz)
    end = dt.datetime.combine(dt.date.fromordinal(last + 1), dt.time(), tz)
    out: dict[int, dict[int, list[tuple[int, int, Any]]]] = defaultdict(lambda: defaultdict(list))
    for rid, gid, created, lon, lat, hid, text in (
        Request.objects.filter(
            grid__in=grids, channel=Channel.GRID_WORKER, created_at__gte=start, created_at__lt=end
        )
        .order_by("pk")
        .values_list("pk", "grid_id", "created_at", "lon", "lat", "household_id", "description")
    ):
        day, minute = _local(created)
        out[gid][day].append((minute, rid, (lon, lat, hid, text)))
    return out


def _pool(g: Area) -> list[tuple[float, float]]:
    from shapely.geometry import shape

    if not g.geometry:
        return []
    try:
        spots = random_points_in(shape(g.geometry), POOL, rng_for("patrol", g.code))
    except ValueError:
        return []
    return [(round(p.x, 6), round(p.y, 6)) for p in spots]


def _patrols_of(
    g: Area,
    rng: random.Random,
    quality: float,
    user: int,
    first: int,
    last: int,
    clock: _Clock,
    found: dict[int, list[tuple[int, int, Any]]],
    patrols: list[list[Any]],
    points: list[tuple[Any, ...]],
    findings: list[list[Any]],
) -> None:
    """The grid's patrols, their trail (recent ones) and findings. Rows
    name their patrol by its index in ``patrols`` until ids are given."""
    # A matter reported during the day was found on a patrol; one reported
    # at night, or on a household visit, stands alone.
    anchored: dict[int, list[tuple[int, int]]] = defaultdict(list)
    details: dict[int, Any] = {}
    for day, items in found.items():
        for minute, rid, detail in items:
            details[rid] = (day, minute, detail)
            if 480 <= minute < 1200 and not detail[3].startswith("入户走访"):
                anchored[day].append((minute, rid))
            else:
                findings.append(_reported(g, user, clock, None, day, minute, rid, detail))
    handled = plan.HANDLED_PER_PATROL * min(1.5, 1 / quality)
    path = plan.tour(rng, _pool(g))
    legs = [plan.metres(a, b) for a, b in pairwise(path)]
    recent = last - POINT_DAYS
    draw = rng.random
    at = clock.at
    for p in plan.patrol_plan(rng, first, last, quality, anchored):
        index = len(patrols)
        n_points = p.minutes // plan.POINT_EVERY_MIN + 1
        if p.day > recent and path:
            walk = plan.stretch(path, int(draw() * len(path)), n_points)
            step = p.minutes / max(1, n_points - 1)
            for k, i in enumerate(walk):
                x, y = path[i]
                points.append((index, at(p.day, p.start + round(k * step)), x, y,
                               float(5 + int(draw() * 20))))  # fmt: skip
            distance = round(sum(legs[min(i, j)] for i, j in pairwise(walk) if i != j), 1)
        else:
            # As the phone measured it then (the trail itself is not kept).
            distance = round(p.minutes * (35 + draw() * 25), 1)
        end = p.start + p.minutes
        patrols.append(
            [
                index, user, g.pk, g.path, g.county_code, at(p.day, p.start), clock.days[p.day],
                at(p.day, end), at(p.day, end + 1 + int(draw() * 30)),
                plan.PATROL_NOTES[int(draw() * len(plan.PATROL_NOTES))],
                n_points, distance,
            ]
        )  # fmt: skip
        for rid in p.anchors:
            day, minute, detail = details[rid]
            minute = max(p.start, minute - 2 - int(draw() * 6))
            findings.append(_reported(g, user, clock, index, day, minute, rid, detail))
        if draw() < handled:
            what, done, _served = plan.HANDLED[int(draw() * len(plan.HANDLED))]
            when = p.start + int(draw() * p.minutes)
            spot = path[int(draw() * len(path))] if path else (None, None)
            findings.append(
                [index, user, g.pk, g.path, g.county_code, None, at(p.day, when),
                 at(p.day, end + 1 + int(draw() * 30)), what, spot[0], spot[1],
                 "handled", None, done]
            )  # fmt: skip


def _reported(
    g: Area,
    user: int,
    clock: _Clock,
    patrol: int | None,
    day: int,
    minute: int,
    rid: int,
    detail: Any,
) -> list[Any]:
    lon, lat, household, text = detail
    return [
        patrol, user, g.pk, g.path, g.county_code, household, clock.at(day, minute),
        clock.at(day, minute + 1), text, lon, lat, "reported", rid, "",
    ]  # fmt: skip


_VISIT_COLUMNS = (
    "id",
    "client_id",
    "household_id",
    "grid_id",
    "area_path",
    "county_code",
    "worker_id",
    "visited_at",
    "received_at",
    "notes",
    "lon",
    "lat",
    "accuracy",
    "visited_on",
    "colour",
    "due_on",
)
_PATROL_COLUMNS = (
    "id",
    "client_id",
    "worker_id",
    "grid_id",
    "area_path",
    "county_code",
    "started_at",
    "started_on",
    "stopped_at",
    "received_at",
    "notes",
    "point_count",
    "distance_m",
)
_FINDING_COLUMNS = (
    "id",
    "client_id",
    "patrol_id",
    "worker_id",
    "grid_id",
    "area_path",
    "county_code",
    "household_id",
    "found_at",
    "received_at",
    "description",
    "lon",
    "lat",
    "outcome",
    "request_id",
    "handled_note",
)


@dataclass
class _Batch:
    visits: list[tuple[Any, ...]] = field(default_factory=list)
    patrols: list[list[Any]] = field(default_factory=list)
    points: list[tuple[Any, ...]] = field(default_factory=list)
    findings: list[list[Any]] = field(default_factory=list)


_TABLES: list[type[models.Model]] = [
    Visit, Visit.duties.through, Patrol, Patrol.duties.through, PatrolPoint, Finding,
    Finding.duties.through,
]  # fmt: skip


def _tables_empty() -> bool:
    return not (Visit.objects.exists() or Patrol.objects.exists() or Finding.objects.exists())


@contextmanager
def _loading(*, fresh: bool) -> Iterator[None]:
    """When the tables start empty (a fresh demo), their indexes are
    dropped for the load and built once at the end."""
    if not fresh:
        yield
        return
    postgres = connection.vendor == "postgresql"
    if postgres:
        # The seed's earlier steps left foreign-key checks pending (they
        # are deferred to commit), and PostgreSQL alters no table that has
        # some: run them now, then defer again.
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with secondary_indexes_deferred(_TABLES):
        yield
    if postgres:
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL DEFERRED")


def _write(batch: _Batch, duty: dict[str, int]) -> list[int]:
    """One chunk's rows in bulk, parents before children; the duties
    served are added by the database from the rows' words (``_duties``).
    Returns the visits' ids."""
    visits, patrols, points, findings = batch.visits, batch.patrols, batch.points, batch.findings
    visit_ids = allocate_ids(Visit, len(visits))
    patrol_ids = allocate_ids(Patrol, len(patrols))
    finding_ids = allocate_ids(Finding, len(findings))
    insert_rows(
        Visit,
        _VISIT_COLUMNS,
        ((i, _uuid(1, i), *v) for i, v in zip(visit_ids, visits, strict=True)),
        ready=True,
    )
    insert_rows(
        Patrol,
        _PATROL_COLUMNS,
        ((patrol_ids[p[0]], _uuid(2, patrol_ids[p[0]]), *p[1:]) for p in patrols),
        ready=True,
    )
    insert_rows(
        PatrolPoint,
        ("patrol_id", "at", "lon", "lat", "accuracy"),
        ((patrol_ids[p[0]], *p[1:]) for p in points),
        ready=True,
    )
    insert_rows(
        Finding,
        _FINDING_COLUMNS,
        (
            (i, _uuid(3, i), None if f[0] is None else patrol_ids[f[0]], *f[1:])
            for i, f in zip(finding_ids, findings, strict=True)
        ),
        ready=True,
    )
    visit_words = {
        (text, code)
        for notes in plan.VISIT_NOTES.values()
        for text, codes in notes
        for code in codes
    }
    _duties(Visit, "notes", visit_ids, visit_words, duty)
    _duties(Patrol, "", patrol_ids, {("", "patrol")}, duty)
    handled = {(what, code) for what, _done, codes in plan.HANDLED for code in codes}
    _duties(Finding, "description", finding_ids, handled, duty)
    # A matter reported is "反映社情民意" (the policy duty's second half).
    _duties(Finding, "outcome", finding_ids, {("reported", "policy")}, duty)
    return visit_ids


def _duties(
    model: type[Any], column: str, ids: list[int], words: set[tuple[str, str]], duty: dict[str, int]
) -> None:
    """Duty rows for the records just written, by the database: a record
    whose ``column`` holds one of a duty's texts in ``words`` served that
    duty (``column`` empty: every record served it). One INSERT … SELECT
    per duty instead of a million rows through Python."""
    if not ids:
        return
    texts: dict[int, list[str]] = defaultdict(list)
    for text, code in sorted(words):
        if code in duty:
            texts[duty[code]].append(text)
    table = model._meta.db_table
    link = model.duties.through._meta.db_table
    owner = model._meta.model_name + "_id"
    with connection.cursor() as cur:
        for duty_id, these in sorted(texts.items()):
            match = f' AND "{column}" IN ({", ".join(["%s"] * len(these))})' if column else ""
            cur.execute(
                f'INSERT INTO "{link}" ("{owner}", "duty_id") SELECT id, %s FROM "{table}"'  # noqa: S608 - names from the models
                f" WHERE id BETWEEN %s AND %s{match}",
                [duty_id, min(ids), max(ids), *(these if column else [])],
            )


def _set_last_visits(grids: list[Area]) -> None:
    """Each household's ``last_visit_on`` is the (Beijing) day of its last
    visit, worked out by the database from the visits just written — so
    the two agree by construction."""
    last = (
        Visit.objects.filter(household=OuterRef("pk"))
        .order_by("-visited_at")
        .annotate(day=TruncDate("visited_at"))
        .values("day")[:1]
    )
    Household.objects.filter(grid__in=grids, is_active=True).update(last_visit_on=Subquery(last))
