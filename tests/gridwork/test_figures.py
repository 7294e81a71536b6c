"""The field work figures on a small hand-made year in 商镇张家村: every
figure against numbers worked out by hand, each viewer seeing only their
reach, the page and the API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone

from wangge.disputes.models import Dispute
from wangge.gridwork.figures import field_figures_for
from wangge.gridwork.models import Visit
from wangge.gridwork.patrols import finding_record, patrol_start
from wangge.gridwork.visits import visit_record
from wangge.registry.models import Household
from wangge.tasks.models import Task, TaskGrid
from wangge.territory.models import Area

VILLAGE = "611022109203"  # 商镇张家村: no other test works here
G1, G2, G3 = (f"{VILLAGE}{n:03d}" for n in (1, 2, 3))
SECRETARY = f"sj{VILLAGE}"
OTHER_SECRETARY = "sj611022109223"  # 保定村's


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), timezone.get_current_timezone())


@pytest.fixture
def year(db: None, user_named: Any) -> dict[str, Any]:
    """Three households of the first grid (red, yellow, green) and their
    visits; patrols in two grids over the last fortnight; findings,
    disputes and a task's shares with known outcomes."""
    today = timezone.localdate()
    grids = {g.code: g for g in Area.objects.filter(code__in=[G1, G2, G3])}
    village = Area.objects.get(code=VILLAGE)
    # Nobody else in the village is overdue: every household visited today.
    Household.objects.filter(area_path__startswith=village.path).update(last_visit_on=today)
    red, yellow, green = Household.objects.filter(grid=grids[G1]).order_by("pk")[:3]
    for h, colour in ((red, "red"), (yellow, "yellow"), (green, "green")):
        Household.objects.filter(pk=h.pk).update(colour=colour, last_visit_on=None)
        h.colour, h.last_visit_on = colour, None
    a1 = user_named(f"wg{G1}")
    d0 = today - dt.timedelta(days=60)

    def visit(h: Household, day: dt.date) -> None:
        h.refresh_from_db()
        visit_record(actor=a1, client_id=uuid.uuid4(), household=h, visited_at=_at(day))

    # Red (every 7 days): on time at +7, late at +15 (due +14).
    for offset in (0, 7, 15):
        visit(red, d0 + dt.timedelta(days=offset))
    # Yellow (30 days): the later visit arrives first (an offline phone);
    # once the earlier one is in, the later one is on time.
    visit(yellow, d0 + dt.timedelta(days=30))
    visit(yellow, d0)
    visit(green, d0)  # a first visit: nothing was due

    # Patrols over the last 14 days: G1 four on three days, G2 three.
    fortnight = today - dt.timedelta(days=13)
    patrols = {}
    for code, offsets in ((G1, (0, 0, 5, 9)), (G2, (1, 2, 3))):
        worker = user_named(f"wg{code}")
        for n, offset in enumerate(offsets):
            patrols[(code, n)] = patrol_start(
                actor=worker,
                client_id=uuid.uuid4(),
                grid_code=code,
                started_at=_at(fortnight + dt.timedelta(days=offset), 9 + n),
            )
    # Findings in G1: two handled on the spot, one reported as a request.
    first = patrols[(G1, 0)]
    for outcome in ("handled", "handled", "reported"):
        finding_record(
            actor=a1,
            client_id=uuid.uuid4(),
            found_at=first.started_at + dt.timedelta(minutes=5),
            description="路边柴草堆放占道,影响通行",
            outcome=outcome,
            patrol=first,
            category="210101" if outcome == "reported" else "",
            handled_note="现场劝说户主挪开" if outcome == "handled" else "",
        )
    # Disputes found in G1 this month: one settled, one not, one still open.
    g1 = grids[G1]
    for seq, (state, outcome) in enumerate(
        (("follow_up", "settled"), ("closed", "unsettled"), ("open", "")), start=90001
    ):
        Dispute.objects.create(
            number=f"JFTEST-{seq}", county_code="611022", year=today.year, seq=seq,
            type="neighbour", risk="low", level="grid", state=state, outcome=outcome,
            summary="邻里纠纷", grid=g1, area_path=g1.path, found_via="patrol",
            found_on=today - dt.timedelta(days=3),
        )  # fmt: skip
    # A task due a week ago: G1 done in time, G2 done late, G3 not done.
    task = Task.objects.create(title="走访独居老人", due_on=today - dt.timedelta(days=7))
    for code, done_at in ((G1, _at(task.due_on, 9)), (G2, _at(task.due_on + dt.timedelta(days=2))),
                          (G3, None)):  # fmt: skip
        TaskGrid.objects.create(
            task=task, grid=grids[code], area_path=grids[code].path,
            state="done" if done_at else "pending", done_at=done_at,
        )  # fmt: skip
    return {"today": today, "d0": d0, "fortnight": fortnight, "village": village, "red": red}


def _line(figures: Any, code: str) -> Any:
    return next(x for x in figures.lines if x.code == code)


def test_visits_on_time_by_colour_and_overdue_now(year: dict[str, Any], user_named: Any) -> None:
    f = field_figures_for(
        user_named(SECRETARY), area=year["village"], since=year["d0"], until=year["today"],
        by="grid",
    )  # fmt: skip
    g1 = _line(f, G1)
    assert g1.visits == 6
    assert g1.counted == {"red": 2, "yellow": 1, "green": 0}
    assert g1.on_time == {"red": 1, "yellow": 1, "green": 0}
    assert g1.red_rate == 0.5
    assert g1.yellow_rate == 1.0
    assert g1.green_rate is None  # nothing was due: "—", not 0 %
    assert g1.on_time_rate == pytest.approx(2 / 3)
    # The red household's last visit was 45 days ago (due every 7): overdue;
    # yellow's is due today, green's in a month.
    assert g1.overdue == 1
    assert g1.households == Household.objects.filter(grid__code=G1, is_active=True).count()
    assert f.total.overdue == 1
    assert f.total.visits == 6


def test_a_visit_keeps_the_day_it_fell_due(year: dict[str, Any]) -> None:
    red = Visit.objects.filter(household=year["red"]).order_by("visited_at")
    d0 = year["d0"]
    assert [v.due_on for v in red] == [None, d0 + dt.timedelta(days=7), d0 + dt.timedelta(days=14)]
    assert {v.colour for v in red} == {"red"}


def test_patrol_coverage_findings_disputes_and_tasks(year: dict[str, Any], user_named: Any) -> None:
    f = field_figures_for(
        user_named(SECRETARY), area=year["village"], since=year["fortnight"],
        until=year["today"], by="grid", per_week=2,
    )  # fmt: skip
    grids = Area.objects.filter(level="grid", is_active=True, path__startswith=year["village"].path)
    n = grids.count()
    g1, g2, g3 = _line(f, G1), _line(f, G2), _line(f, G3)
    # 14 days at 2 a week: 4 patrols needed. G1 has 4 (on 3 days), G2 3.
    assert (g1.patrols, g1.patrol_days, g1.grids_met) == (4, 3, 1)
    assert (g2.patrols, g2.patrol_days, g2.grids_met) == (3, 3, 0)
    assert f.total.grids == n
    assert f.total.coverage == pytest.approx(1 / n)
    assert f.total.day_share == pytest.approx(6 / (n * 14))
    # Findings: 3 in G1, 2 handled; one A-post worker per grid.
    assert (g1.findings, g1.handled, g1.workers) == (3, 2, 1)
    assert g1.handled_share == pytest.approx(2 / 3)
    assert f.total.found_per_worker == pytest.approx(3 / n)
    # Disputes: 3 found, 2 with an outcome, 1 settled.
    assert (g1.disputes, g1.concluded, g1.settled) == (3, 2, 1)
    assert f.total.settle_rate == pytest.approx(1 / 3)
    assert f.total.success_rate == pytest.approx(1 / 2)
    # The task: three grids' shares, two done, one by the due day.
    assert (g1.task_rows, g1.tasks_done, g1.tasks_on_time) == (1, 1, 1)
    assert (g2.tasks_done, g2.tasks_on_time, g3.tasks_done) == (1, 0, 0)
    assert f.total.task_rate == pytest.approx(2 / 3)
    assert f.total.task_on_time_rate == pytest.approx(1 / 3)
    # Higher up the same things add up into the village's line.
    town = field_figures_for(
        user_named("shangzhen_dispatcher"), area=Area.objects.get(code="611022109000"),
        since=year["fortnight"], until=year["today"], by="village", per_week=2,
    )  # fmt: skip
    line = _line(town, VILLAGE)
    assert (line.patrols, line.grids_met, line.findings, line.disputes) == (7, 1, 3, 3)


def test_by_month(year: dict[str, Any], user_named: Any) -> None:
    f = field_figures_for(
        user_named(SECRETARY), area=year["village"], since=year["d0"], until=year["today"],
        by="month",
    )  # fmt: skip
    months = [x.key for x in f.lines]
    assert months[0] == f"{year['d0']:%Y-%m}"
    assert months[-1] == f"{year['today']:%Y-%m}"
    assert sum(x.visits for x in f.lines) == 6
    assert all(x.households is None for x in f.lines)  # "overdue now" is not by month
    assert f.total.overdue == 1


def test_each_viewer_sees_their_reach(year: dict[str, Any], user_named: Any) -> None:
    from wangge.core.errors import NotFound

    since, until = year["d0"], year["today"]
    # Another village's secretary: the area is outside their reach.
    with pytest.raises(NotFound):
        field_figures_for(user_named(OTHER_SECRETARY), area=year["village"], since=since,
                          until=until)  # fmt: skip
    # Their own figures leave this village's year out.
    own = field_figures_for(user_named(OTHER_SECRETARY), since=since, until=until)
    assert own.area.code == "611022109223"
    assert own.total.visits == 0
    assert own.total.disputes == 0
    # The grid worker of G2 sees their grid only: none of G1's visits.
    mine = field_figures_for(user_named(f"wg{G2}"), since=year["fortnight"], until=until)
    assert mine.area.code == G2
    assert [x.code for x in mine.lines] == [G2]
    assert mine.total.visits == 0
    assert mine.total.patrols == 3
    # A county department sees none of it.
    with pytest.raises(NotFound):
        field_figures_for(user_named("danfeng_zhujian"), since=since, until=until)


def test_bad_choices_are_refused_in_chinese(year: dict[str, Any], user_named: Any) -> None:
    from wangge.core.errors import DomainError

    user = user_named(SECRETARY)
    today = year["today"]
    for kwargs, code in (
        ({"since": today, "until": today - dt.timedelta(days=1)}, "figures.period"),
        ({"since": today - dt.timedelta(days=900), "until": today}, "figures.period"),
        ({"since": today, "until": today, "by": "house"}, "figures.by"),
        ({"since": today, "until": today, "per_week": 0}, "figures.per_week"),
    ):
        with pytest.raises(DomainError) as err:
            field_figures_for(user, **kwargs)
        assert err.value.code == code


def test_the_page_and_the_api(year: dict[str, Any], user_named: Any, client: Any) -> None:
    client.force_login(user_named(SECRETARY))
    query = f"?area={VILLAGE}&by=grid&since={year['d0']:%Y-%m-%d}&until={year['today']:%Y-%m-%d}"
    page = client.get("/gridwork/figures/" + query)
    assert page.status_code == 200
    text = page.content.decode()
    assert "网格员履职指标 · 张家村" in text
    assert "张家村第1网格" in text
    assert "计算方法" in text
    assert "66.7%" in text  # G1's visits on time
    api = client.get("/api/field/figures/" + query)
    assert api.status_code == 200
    body = api.json()
    g1 = next(r for r in body["rows"] if r["code"] == G1)
    assert g1["visits"] == 6
    assert g1["red_rate"] == 0.5
    assert g1["green_rate"] is None
    assert body["total"]["overdue"] == 1
    bad = client.get("/api/field/figures/?since=2026-13-01")
    assert bad.status_code == 400
    assert bad.json()["code"] == "figures.date"
    # Outside the reach is "not found", in the page and the API alike.
    assert client.get("/gridwork/figures/?area=611022109223").status_code == 404
    assert client.get("/api/field/figures/?area=611022109223").status_code == 404
    # A bad choice on the page: the message, and the default figures.
    page = client.get(f"/gridwork/figures/?area={VILLAGE}&by=house")
    assert page.status_code == 200
    assert "分组方式应为" in page.content.decode()


def test_grouping_by_a_level_above_the_area(year: dict[str, Any], user_named: Any) -> None:
    f = field_figures_for(
        user_named(SECRETARY), area=year["village"], since=year["d0"], until=year["today"],
        by="town",
    )  # fmt: skip
    assert [x.name for x in f.lines] == ["商镇"]
    assert f.lines[0].visits == 6
