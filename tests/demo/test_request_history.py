"""The demo's year of requests: as many as asked, each with a timeline the
real flow could have written, numbered in order, seasonal, with the
outcomes the pages and figures need — and added only once.

The test database holds the sample population (商镇 and 龙驹寨街道) without
a history; these tests make one for 商镇 inside their transaction and look
at the rows it added (browser tests may have left requests of their own)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from wangge.accounts.models import Unit, User
from wangge.categories.models import Category
from wangge.demo.history.topics import TOPICS
from wangge.demo.history.world import Workdays
from wangge.demo.requests import (
    HistoryReport,
    Router,
    load_places,
    load_units,
    request_history_seed,
)
from wangge.demo.seed import SeedContext, seed_requests
from wangge.dispatch.figures import figures_for
from wangge.dispatch.ledger import LedgerFilter, ledger_for
from wangge.dispatch.models import Request, RequestCounter, RequestEvent, RoutingRule, State
from wangge.dispatch.routing import route
from wangge.dispatch.selectors import request_queue_for
from wangge.territory.models import Area
from wangge.timelimits.calendar import WorkCalendar
from wangge.timelimits.clock import BEIJING, OfficeHours, WorkClock

SHANGZHEN = "611022109"
VOLUME = 1200
# Steps that go through flow._step and bump the request's version (and the
# sweep's urges of the holder; not its urging of a helper, nor a helper's steps).
VERSIONED = {
    "dispatch", "sign", "return", "transfer", "self_handle", "finish", "check", "check_failed",
    "callback", "rate", "redo", "long_term", "extension_ask", "extension_approve",
    "extension_refuse", "supervise", "whistle", "escalate", "merge",
}  # fmt: skip


def _grids() -> list[Area]:
    return list(Area.objects.filter(level="grid", is_active=True, code__startswith=SHANGZHEN))


def _seed(volume: int = VOLUME, now: dt.datetime | None = None) -> HistoryReport:
    return request_history_seed(_grids(), now=now, volume=volume)


@dataclass
class History:
    report: HistoryReport
    rows: QuerySet[Request]  # the requests it added
    counters: dict[int, int]  # the county's counters before


@pytest.fixture
def history(db: None) -> History:
    top = Request.objects.aggregate(top=Max("pk"))["top"] or 0
    counters = dict(RequestCounter.objects.filter(county_code="611022").values_list("year", "last"))
    report = _seed()
    return History(report, Request.objects.filter(county_code="611022", pk__gt=top), counters)


def test_volume_and_spread_over_the_year(history: History) -> None:
    rows = history.rows
    n = rows.count()
    assert n == history.report.requests
    assert VOLUME * 0.95 <= n <= VOLUME * 1.05 + 20  # plus the showcase's dozen
    now = timezone.now()
    created = list(rows.values_list("created_at", flat=True))
    assert min(created) >= now - dt.timedelta(days=366)
    assert max(created) <= now
    months = Counter(timezone.localtime(c).strftime("%Y-%m") for c in created)
    assert len(months) >= 12
    # Every event time is a real time, not the moment of seeding.
    assert RequestEvent.objects.filter(request__in=rows, at__lt=now - dt.timedelta(days=30)).count()


def test_every_timeline_is_one_the_flow_could_write(history: History) -> None:
    now = timezone.now()
    events: dict[int, list[tuple[dt.datetime, str, str, int | None]]] = defaultdict(list)
    for rid, at, action, state, unit in RequestEvent.objects.filter(
        request__in=history.rows
    ).values_list("request_id", "at", "action", "state_after", "unit_id"):
        events[rid].append((at, action, state, unit))
    for r in history.rows:
        timeline = sorted(events[r.pk])
        first_at, first_action, first_state, _unit = timeline[0]
        assert (first_action, first_state) == ("submit", State.SUBMITTED), r.number
        assert first_at == r.created_at
        times = [e[0] for e in timeline]
        assert times == sorted(set(times)), r.number  # strictly in order
        assert timeline[-1][2] == r.state, r.number
        assert times[-1] <= now
        bumps = sum(1 for e in timeline if e[1] in VERSIONED or (e[1] == "urge" and not e[3]))
        assert r.version == bumps, r.number
        if r.state == State.CLOSED:
            assert r.closed_at is not None
            assert r.finished_at is not None
            assert r.signed_at is not None
            assert r.closed_at >= r.finished_at >= r.signed_at >= r.created_at, r.number
            assert r.solved
            assert r.rating is not None
            assert r.rating >= 3
        if r.state == State.MERGED:
            assert r.duplicate_of is not None
            assert r.duplicate_of.area_path.split("/")[:4] == r.area_path.split("/")[:4]
        # Nothing the sweep would still have to do: unsigned past the limit
        # only at the top of the ladder, already urged; unfinished past the
        # limit only when urged for it.
        if r.state in (State.SUBMITTED, State.DISPATCHED) and r.sign_due < now - dt.timedelta(
            minutes=10
        ):
            assert r.urged_for == r.sign_due, r.number
        if (
            r.state == State.SIGNED
            and r.finish_due
            and r.finish_due < now - dt.timedelta(minutes=10)
        ):
            assert r.urged_for == r.finish_due, r.number


def test_numbers_follow_arrival_and_the_counter(history: History) -> None:
    rows = list(
        history.rows.order_by("created_at", "seq").values_list(
            "number", "year", "seq", "created_at"
        )
    )
    by_year: dict[int, list[int]] = defaultdict(list)
    for number, year, seq, created in rows:
        assert number == f"611022-{year}-{seq:06d}"
        assert timezone.localtime(created).year == year
        by_year[year].append(seq)
    for year, seqs in by_year.items():
        first = history.counters.get(year, 0) + 1  # after any number issued before
        assert seqs == list(range(first, first + len(seqs)))  # in order of arrival, no gaps
        assert RequestCounter.objects.get(county_code="611022", year=year).last == seqs[-1]


def test_seasons_show(history: History) -> None:
    rows = history.rows

    def months(*prefixes: str) -> Counter[int]:
        found: Counter[int] = Counter()
        for p in prefixes:
            for c in rows.filter(category__code__startswith=p).values_list("created_at", flat=True):
                found[timezone.localtime(c).month] += 1
        return found

    flood = months("3404", "240202", "240203", "3204")
    assert sum(flood[m] for m in (6, 7, 8, 9)) > 0.6 * sum(flood.values())
    winter = months("010303", "340104", "240102", "320203", "050101", "310401")
    assert sum(winter[m] for m in (12, 1, 2)) > 0.45 * sum(winter.values())


def test_outcomes_are_mixed(history: History) -> None:
    rows = history.rows
    n = rows.count()
    with_action = dict(
        Counter(
            RequestEvent.objects.filter(request__in=rows)
            .values_list("request_id", "action")
            .distinct()
            .values_list("action", flat=True)
        )
    )
    assert 0.15 * n < with_action["self_handle"] < 0.4 * n
    for action in ("escalate", "return", "whistle", "redo", "urge", "merge", "dispatch"):
        assert with_action.get(action, 0) > 0, action
    assert rows.filter(redo_count__gt=0).exists()
    assert rows.filter(state=State.LONG_TERM).exists()
    channels = Counter(rows.values_list("channel", flat=True))
    assert channels.most_common(1)[0][0] in ("grid_worker", "portal")
    assert {"portal", "grid_worker", "hotline", "walk_in"} <= set(channels)
    ratings = Counter(rows.exclude(rating=None).values_list("rating", flat=True))
    assert ratings[5] + ratings[4] > 0.8 * sum(ratings.values())
    assert rows.filter(state__in=[State.SIGNED, State.FINISHED, State.CHECKED]).exists()


def test_figures_and_showcase_logins_have_content(history: History) -> None:
    admin = User.objects.get(username="danfeng_admin")
    today = timezone.localdate()
    figures = figures_for(admin, since=today - dt.timedelta(days=366), until=today)
    total = figures["合计"]
    assert total.count > VOLUME * 0.9
    for rate in (total.response, total.resolution, total.satisfaction, total.on_time_finish):
        assert rate is not None
        assert 0.8 < rate <= 1
    assert figures["商镇"].self_handled
    for username in ("wg611022109223001", "sj611022109223", "shangzhen_dispatcher"):
        assert request_queue_for(User.objects.get(username=username)).exists(), username
    bureau = User.objects.get(username="danfeng_zhujian")
    assert request_queue_for(bureau).filter(state=State.EXTENSION_PENDING).exists()
    assert ledger_for(bureau, LedgerFilter(overdue=True)).exists()


def test_added_once(history: History) -> None:
    before = Request.objects.count(), RequestEvent.objects.count()
    again = _seed()
    assert again.already
    assert again.requests == 0
    assert (Request.objects.count(), RequestEvent.objects.count()) == before
    assert "未新增" in again.line()


def test_same_history_for_the_same_now(db: None) -> None:
    now = timezone.now()

    top = Request.objects.aggregate(top=Max("pk"))["top"] or 0

    def snapshot() -> list[tuple[object, ...]]:
        with transaction.atomic():
            _seed(300, now)
            rows = list(
                Request.objects.filter(county_code="611022", pk__gt=top)
                .order_by("number")
                .values_list("number", "description", "state", "created_at", "rating")
            )
            transaction.set_rollback(True)
        return rows

    assert snapshot() == snapshot()


def test_the_sample_gets_no_history(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    before = Request.objects.count()
    ctx = SeedContext(
        scale="county", data_dir=Path(settings.WANGGE_DATA_DIR), counties=["611022"],
        population="sample",
    )  # fmt: skip
    seed_requests(ctx)
    assert "不生成" in ctx.lines[0]
    assert Request.objects.count() == before


def test_office_moments_fall_in_office_hours() -> None:
    clock = WorkClock(WorkCalendar(), OfficeHours())
    days = Workdays(clock, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    rng = random.Random(1)
    for _ in range(500):
        start = dt.datetime(2026, 1, 1, tzinfo=BEIJING) + dt.timedelta(
            minutes=rng.randint(0, 500_000)
        )
        end = start + dt.timedelta(minutes=rng.randint(30, 30_000))
        t = days.moment(start, end, rng, skew=rng.choice((1.0, 2.0)))
        if t is None:
            continue
        assert start < t < end
        assert clock.calendar.is_workday(t.date())
        assert any(a <= t.timetz().replace(tzinfo=None) <= b for a, b in clock.office.spans)


def test_history_routes_as_intake_does(db: None) -> None:
    """The history routes in memory; it must agree with routing.route, an
    administrator's rule included."""
    county = Area.objects.get(code="611022000000")
    grids = list(Area.objects.filter(code__in=["611022109223001", "611022001004001"]))
    RoutingRule.objects.create(
        category=Category.objects.get(code="2101"),
        area=Area.objects.get(code="611022109223"),
        unit=Unit.objects.get(code="V-611022109223"),
    )
    units = load_units(county)
    router = Router(units, county.code)
    cats = {c.code: c for c in Category.objects.filter(code__in=[t.code for t in TOPICS])}
    for place, grid in zip(load_places(grids, units), grids, strict=True):
        for code, category in cats.items():
            assert router.route(code, place).id == route(category, grid).pk, (code, grid.code)
