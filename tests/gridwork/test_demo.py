"""The demo's field work: every grid has its A and B posts, a few workers
are away today with their grids covered, a reserve pool in every village,
and a second run adds nothing."""

from __future__ import annotations

from wangge.gridwork.cover import on_duty
from wangge.gridwork.demo import SHOWCASE_VILLAGE, seed_gridwork
from wangge.gridwork.models import GridPost, GridWorker, Leave, ReservePerson
from wangge.territory.models import Area


def test_demo_field_work(db: None) -> None:
    grids = Area.objects.filter(level="grid", county_code="611022", is_active=True)
    assert GridWorker.objects.count() == grids.count()
    a_posts = GridPost.objects.filter(post="A", ended_at__isnull=True)
    assert a_posts.count() == grids.count()
    assert GridPost.objects.filter(post="B", ended_at__isnull=True).count() >= grids.count() * 0.9
    away = Leave.objects.count()
    assert away >= 10
    assert not any(on_duty(g).uncovered for g in grids)
    assert not Leave.objects.filter(worker__user__username__startswith="wg" + SHOWCASE_VILLAGE)
    villages = Area.objects.filter(level="village", county_code="611022").count()
    assert ReservePerson.objects.values("village").distinct().count() == villages
    assert seed_gridwork(["611022"]) == {"workers": 0, "posts": 0, "leaves": 0, "reserve": 0}
