"""The demo's year of field work, drawn for one village of the test
suite's sample (商镇北坪村): visits as often as each colour asks, mostly on
time, last visits that agree with them; patrols with trails inside their
grid; reported matters linked to the grid worker's requests; change
requests in each state; and the county seeded once."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.utils import timezone
from shapely.geometry import Point, shape

from wangge.dispatch.models import Channel, Request
from wangge.dispatch.services import request_intake
from wangge.gridwork.demo_history import POINT_DAYS, field_history_seed
from wangge.gridwork.figures import field_figures_for
from wangge.gridwork.models import (
    Finding,
    HouseholdChange,
    Patrol,
    PatrolPoint,
    Visit,
)
from wangge.registry.models import Household
from wangge.territory.models import Area

INTERVALS = {"red": 7, "yellow": 30, "green": 90}
VILLAGE = "611022109209"  # 商镇北坪村: no other test works here


@pytest.fixture
def seeded(db: None, user_named: Any) -> dict[str, Any]:
    grids = list(Area.objects.filter(level="grid", is_active=True, code__startswith=VILLAGE))
    first = grids[0]
    worker = user_named(f"wg{first.code}")
    tz = timezone.get_current_timezone()
    ten_days_ago = timezone.localdate() - dt.timedelta(days=10)
    # Two matters the worker reported ten days ago: at 10:00 (on a patrol)
    # and at 21:00 (nobody patrols then: it stands alone).
    reported = []
    for hour in (10, 21):
        r = request_intake(
            actor=worker, channel=Channel.GRID_WORKER, category_code="210101",
            description="网格员巡查发现:村道边垃圾堆放", grid_code=first.code,
        )  # fmt: skip
        Request.objects.filter(pk=r.pk).update(
            created_at=dt.datetime.combine(ten_days_ago, dt.time(hour), tz)
        )
        reported.append(r.pk)
    report = field_history_seed(grids)
    return {"grids": grids, "report": report, "reported": reported, "first": first}


def test_visits_follow_the_colours_and_agree_with_last_visits(seeded: dict[str, Any]) -> None:
    grids = seeded["grids"]
    homes = {h.pk: h for h in Household.objects.filter(grid__in=grids, is_active=True)}
    visits: dict[int, list[Visit]] = defaultdict(list)
    for v in Visit.objects.filter(grid__in=grids).order_by("visited_at"):
        visits[v.household_id].append(v)
    assert set(visits) == set(homes)  # every household was visited
    per_colour: dict[str, list[int]] = defaultdict(list)
    today = timezone.localdate()
    for hid, vs in visits.items():
        h = homes[hid]
        per_colour[h.colour].append(len(vs))
        assert h.last_visit_on == timezone.localdate(vs[-1].visited_at)
        assert all(v.visited_on == timezone.localdate(v.visited_at) for v in vs)
        assert vs[0].due_on is None
        interval = dt.timedelta(days=INTERVALS[h.colour])
        assert all(b.due_on == a.visited_on + interval for a, b in itertools.pairwise(vs))
        assert all(v.visited_at < timezone.now() for v in vs)
        assert (today - h.last_visit_on).days <= 180  # the colour rules' "not visited" stays off
    # Red weekly, yellow monthly, green quarterly.
    assert min(per_colour["red"] or [50]) >= 40
    assert min(per_colour["yellow"]) >= 10
    assert max(per_colour["yellow"]) <= 16
    assert min(per_colour["green"]) >= 3
    assert max(per_colour["green"]) <= 6
    # Most visits on time, and a few households overdue now — not none.
    counted = [v for vs in visits.values() for v in vs if v.due_on]
    on_time = sum(v.visited_on <= v.due_on for v in counted) / len(counted)
    assert 0.8 < on_time < 0.99
    assert seeded["report"].overdue < len(homes) * 0.1


def test_patrols_trails_and_findings(seeded: dict[str, Any]) -> None:
    grids = {g.pk: g for g in seeded["grids"]}
    patrols = list(Patrol.objects.filter(grid__in=grids))
    weeks = 52 * len(grids)
    assert 1.0 < len(patrols) / weeks < 4.0  # a few a week
    recent = timezone.now() - dt.timedelta(days=POINT_DAYS - 1)
    for p in patrols:
        assert p.started_on == timezone.localdate(p.started_at)
        assert p.started_at < p.stopped_at < timezone.now()
    points = defaultdict(list)
    for pt in PatrolPoint.objects.filter(patrol__in=patrols):
        points[pt.patrol_id].append(pt)
    with_trail = [p for p in patrols if p.started_at > recent]
    assert with_trail
    assert all(len(points[p.pk]) == p.point_count for p in with_trail)
    for p in with_trail[:50]:
        area = shape(grids[p.grid_id].geometry)
        assert all(area.contains(Point(pt.lon, pt.lat)) for pt in points[p.pk])
        assert all(p.started_at <= pt.at <= p.stopped_at for pt in points[p.pk])
    findings = Finding.objects.filter(grid__in=grids)
    outcomes = Counter(findings.values_list("outcome", flat=True))
    assert outcomes["handled"] > 0
    # The worker's reported matters are the requests, linked, not made anew.
    day, night = seeded["reported"]
    linked = {f.request_id: f for f in findings.filter(outcome="reported")}
    assert set(linked) == {day, night}
    assert linked[day].patrol is not None
    assert linked[day].patrol.started_at <= linked[day].found_at <= linked[day].patrol.stopped_at
    assert linked[night].patrol is None
    assert Request.objects.filter(grid__in=grids).count() == 2


def test_change_requests_and_once(seeded: dict[str, Any]) -> None:
    changes = HouseholdChange.objects.filter(household__grid__in=seeded["grids"])
    states = Counter(changes.values_list("status", flat=True))
    assert sum(states.values()) == seeded["report"].changes.total() > 0
    assert states["conflict"] <= 2
    for c in changes.filter(status="approved"):
        assert c.applied
        assert c.decided_by_id
    again = field_history_seed(seeded["grids"])
    assert again.already


def test_figures_read_the_demo_year(seeded: dict[str, Any], user_named: Any) -> None:
    village = Area.objects.get(code=VILLAGE)
    today = timezone.localdate()
    f = field_figures_for(
        user_named(f"sj{VILLAGE}"), area=village, since=today - dt.timedelta(days=364),
        until=today,
    )  # fmt: skip
    grids = seeded["grids"]
    assert f.total.visits == Visit.objects.filter(grid__in=grids).count()
    assert f.total.patrols == Patrol.objects.filter(grid__in=grids).count()
    assert f.total.on_time_rate is not None
    assert f.total.on_time_rate > 0.8
    assert 0 < f.total.coverage <= 1
    assert f.total.handled_share is not None
    assert f.total.handled_share > 0.5
