"""The figures of field work (网格员履职指标), per town, village, grid or
month, for an area within the viewer's reach. Formulas (decision 0017,
"Figures"; the page says them too):

- 走访按时率 visits on time: of the period's visits that have an earlier
  visit of the same household, those made on or before the day they fell
  due — that earlier visit's day + the interval of the colour the
  household had when visited (``Visit.due_on``, fixed when the visit is
  recorded); by that colour and together. A household's
  first visit ever has nothing due and is not counted.
- 逾期户数 overdue now: active households past their due day today
  (``registry.visits``), and their share of the households. Not by month.
- 巡查达标网格占比 patrol coverage: grids with at least ``per_week``
  patrols for every seven days of the period (month) ÷ grids;
  巡查日占比: grid-days with a patrol ÷ (grids × days).
- 人均发现问题: findings ÷ grid workers who held an A post in the period
  (month); 现场处置占比: findings handled on the spot ÷ findings.
- 矛盾纠纷: found in the period (by the day found); 化解率: settled
  (化解成功) ÷ found; 调解成功率: settled ÷ those with an outcome.
- 任务完成率: grid shares of tasks due in the period that are done ÷ all
  of them; 按期完成率: done by the due day ÷ all. A share a grid redraw
  carried on to the new grids is counted there, not at the old grid.

A rate with nothing to count is None (shown as "—"). Each figure counts
only what the viewer may see of its kind: visits, patrols, findings and
households with field-work supervision (``gridwork.view``) or field work
(``field.work``); disputes with ``dispute.view``; tasks with ``task.view``.
Every figure is a database aggregate (``figures_sql`` for patrol
coverage, which groups twice); Python only adds up the groups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import CharField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Substr, TruncDate
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.core.errors import DomainError, NotFound
from wangge.disputes.models import Dispute, Outcome
from wangge.gridwork import figures_sql as fsql
from wangge.gridwork.models import Finding, FindingOutcome, GridPost, Post, Visit
from wangge.registry import visits as schedule
from wangge.registry.models import Household
from wangge.tasks.models import RowState, TaskGrid, counted_q
from wangge.territory.models import Area

GROUPINGS = {"town": "按镇街", "village": "按村(社区)", "grid": "按网格", "month": "按月份"}
COLOURS = ("red", "yellow", "green")
FIELD_CAPS = (Capability.GRIDWORK_VIEW, Capability.FIELD_WORK)
_DEPTH = {"county": 26, "town": 39, "village": 52}
_CHILD = {"city": "town", "county": "town", "town": "village", "village": "grid", "zone": "grid"}
MAX_DAYS = 731
_ADDITIVE = ("visits", "patrols", "patrol_days", "findings", "handled", "disputes", "concluded",
             "settled", "task_rows", "tasks_done", "tasks_on_time")  # fmt: skip


def default_per_week() -> int:
    return int(getattr(settings, "WANGGE_PATROLS_PER_WEEK", 2))


def _rate(part: int | None, whole: int | None) -> float | None:
    return part / whole if whole and part is not None else None


@dataclass
class Line:
    """The figures of one group (or of all: ``total``)."""

    key: str
    name: str
    code: str = ""  # the area's code, for drilling down
    visits: int = 0
    counted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLOURS, 0))
    on_time: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLOURS, 0))
    households: int | None = 0
    overdue: int | None = 0
    grids: int = 0
    days: int = 0
    patrols: int = 0
    patrol_days: int = 0
    grids_met: int = 0
    workers: int = 0
    findings: int = 0
    handled: int = 0
    disputes: int = 0
    concluded: int = 0
    settled: int = 0
    task_rows: int = 0
    tasks_done: int = 0
    tasks_on_time: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return _rate(sum(self.on_time.values()), sum(self.counted.values()))

    def colour_rate(self, colour: str) -> float | None:
        return _rate(self.on_time[colour], self.counted[colour])

    @property
    def red_rate(self) -> float | None:
        return self.colour_rate("red")

    @property
    def yellow_rate(self) -> float | None:
        return self.colour_rate("yellow")

    @property
    def green_rate(self) -> float | None:
        return self.colour_rate("green")

    @property
    def overdue_share(self) -> float | None:
        return _rate(self.overdue, self.households)

    @property
    def coverage(self) -> float | None:
        return _rate(self.grids_met, self.grids)

    @property
    def day_share(self) -> float | None:
        return _rate(self.patrol_days, self.grids * self.days)

    @property
    def found_per_worker(self) -> float | None:
        return _rate(self.findings, self.workers)

    @property
    def handled_share(self) -> float | None:
        return _rate(self.handled, self.findings)

    @property
    def settle_rate(self) -> float | None:
        return _rate(self.settled, self.disputes)

    @property
    def success_rate(self) -> float | None:
        return _rate(self.settled, self.concluded)

    @property
    def task_rate(self) -> float | None:
        return _rate(self.tasks_done, self.task_rows)

    @property
    def task_on_time_rate(self) -> float | None:
        return _rate(self.tasks_on_time, self.task_rows)

    RATES = ("on_time_rate", "red_rate", "yellow_rate", "green_rate", "overdue_share",
             "coverage", "day_share", "found_per_worker", "handled_share", "settle_rate",
             "success_rate", "task_rate", "task_on_time_rate")  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update({name: getattr(self, name) for name in self.RATES})
        return out

    def add(self, other: Line) -> None:
        for name in _ADDITIVE:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for c in COLOURS:
            self.counted[c] += other.counted[c]
            self.on_time[c] += other.on_time[c]


@dataclass
class FieldFigures:
    area: Area
    since: dt.date
    until: dt.date
    by: str
    per_week: int
    total: Line
    lines: list[Line]
    sees_field: bool
    sees_disputes: bool
    sees_tasks: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "area": {"code": self.area.code, "name": self.area.name, "level": self.area.level},
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "by": self.by,
            "per_week": self.per_week,
            "sections": {
                "field": self.sees_field,
                "disputes": self.sees_disputes,
                "tasks": self.sees_tasks,
            },
            "total": self.total.as_dict(),
            "rows": [line.as_dict() for line in self.lines],
        }


# --- scope ---------------------------------------------------------------------------------


def _paths(actor: Any, caps: Iterable[str], area: Area) -> list[str]:
    """The parts of ``area`` the actor reaches with any of ``caps``."""
    reach = reach_for(actor)
    tops = sorted({p for c in caps for p in reach.paths(c)})
    out: list[str] = []
    for top in tops:
        if area.path.startswith(top):
            return [area.path]
        if top.startswith(area.path) and not any(top.startswith(o) for o in out):
            out.append(top)
    return out


def _q(paths: list[str], name: str = "area_path") -> Q:
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(**{f"{name}__prefix": p})
    return q


def default_area_for(actor: Any) -> Area:
    """The highest area where the actor sees any of the figures."""
    reach = reach_for(actor)
    caps = (*FIELD_CAPS, Capability.DISPUTE_VIEW, Capability.TASK_VIEW)
    tops = sorted({p for c in caps for p in reach.paths(c)}, key=lambda p: (p.count("/"), p))
    if not tops:
        raise NotFound("页面")
    if tops[0] == "":
        area = Area.objects.filter(parent__isnull=True).defer("geometry").first()
    else:
        area = Area.objects.filter(path=tops[0]).defer("geometry").first()
    if area is None:
        raise NotFound("区域")
    return area


# --- keys ----------------------------------------------------------------------------------


def _key(by: str, path: str, when: str, *, is_date: bool = True) -> Any:
    if by == "month":
        return fsql.Month(when) if is_date else fsql.LocalMonth(when)
    if by == "grid":
        return F(path)
    if by == "all":
        return Value("all", output_field=CharField())
    return Substr(path, 1, _DEPTH[by])


def _grouped(
    qs: QuerySet[Any], by: str, key: Any, *, path: str = "", **aggregates: Any
) -> dict[str, dict[str, Any]]:
    """Counts per group. With ``path`` (counts that add up; by town,
    village or grid): per grid path — the order of the path's index, no
    sort — added up here into villages or towns."""
    if not (path and by in ("town", "village", "grid")):
        rows = qs.annotate(k=key).values("k").annotate(**aggregates).order_by()
        return {r.pop("k"): r for r in rows}
    out: dict[str, dict[str, Any]] = {}
    for r in qs.values(path).annotate(**aggregates).order_by():
        acc = out.setdefault(_cut(by, r.pop(path)), dict.fromkeys(aggregates, 0))
        for name, value in r.items():
            acc[name] += value
    return out


def _months(since: dt.date, until: dt.date) -> dict[str, int]:
    """Each month of the period with its days in the period."""
    out: dict[str, int] = {}
    day = since
    while day <= until:
        out[f"{day:%Y-%m}"] = out.get(f"{day:%Y-%m}", 0) + 1
        day += dt.timedelta(days=1)
    return out


# --- the figures ---------------------------------------------------------------------------


def field_figures_for(
    actor: Any,
    *,
    area: Area | None = None,
    since: dt.date,
    until: dt.date,
    by: str = "",
    per_week: int | None = None,
) -> FieldFigures:
    """The figures of ``area`` (default: the actor's highest) between the
    two days (local, inclusive; days after today are not counted), grouped
    ``by`` town, village, grid or month."""
    area = area or default_area_for(actor)
    by = by or _CHILD.get(area.level, "grid")
    if by not in GROUPINGS:
        raise DomainError("figures.by", "分组方式应为:按镇街、按村(社区)、按网格或按月份")
    per_week = default_per_week() if per_week is None else per_week
    if not 1 <= per_week <= 14:
        raise DomainError("figures.per_week", "每周巡查次数标准应为 1 到 14 次")
    today = timezone.localdate()
    until = min(until, today)
    if since > until:
        raise DomainError("figures.period", "开始日期不能晚于结束日期(或今天)")
    if (until - since).days >= MAX_DAYS:
        raise DomainError("figures.period", "统计期间最长两年")
    field_paths = _paths(actor, FIELD_CAPS, area)
    dispute_paths = _paths(actor, [Capability.DISPUTE_VIEW], area)
    task_paths = _paths(actor, [Capability.TASK_VIEW], area)
    if not (field_paths or dispute_paths or task_paths):
        raise NotFound("区域")
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(since, dt.time(), tz)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tz)
    months = _months(since, until)
    days = (until - since).days + 1

    lines = _lines(by, area, field_paths or dispute_paths or task_paths, months)
    get = lines.get

    def line(key: str) -> Line:
        found = get(key)
        if found is None:  # a place no longer in the tree (an old grid)
            found = lines[key] = Line(key=key, name="其他")
        return found

    if field_paths:
        _visits(field_paths, since, until, by, line)
        _households(field_paths, by, today, line)
        _patrols(field_paths, since, until, by, per_week, days, months, line)
        _findings(field_paths, start, end, by, line)
        _workers(field_paths, start, end, by, months, tz, line)
    if dispute_paths:
        _disputes(dispute_paths, since, until, by, line)
    if task_paths:
        _tasks(task_paths, since, until, by, line)

    total = Line(key="all", name="合计", code=area.code)
    for x in lines.values():
        total.add(x)
    if field_paths:
        if by == "month":
            total.households, total.overdue = _household_totals(field_paths, today)
        else:  # the groups hold every household once
            total.households = sum(x.households or 0 for x in lines.values())
            total.overdue = sum(x.overdue or 0 for x in lines.values())
        total.grids = Area.objects.filter(
            _q(field_paths, "path"), level="grid", is_active=True
        ).count()
        total.days = days
        total.workers = _worker_count(field_paths, start, end)
        if by == "month":
            met = fsql.patrol_coverage(field_paths, since, until, "all", per_week, {"": days})
            total.grids_met = met[0][3] if met else 0
        else:
            total.grids_met = sum(x.grids_met for x in lines.values())
        total.patrol_days = sum(x.patrol_days for x in lines.values())
    ordered = sorted(lines.values(), key=lambda x: (x.name == "其他", x.key))
    return FieldFigures(
        area=area, since=since, until=until, by=by, per_week=per_week, total=total,
        lines=ordered, sees_field=bool(field_paths), sees_disputes=bool(dispute_paths),
        sees_tasks=bool(task_paths),
    )  # fmt: skip


def _lines(by: str, area: Area, paths: list[str], months: dict[str, int]) -> dict[str, Line]:
    """A line for every month, or every place of the level in scope (those
    with nothing to count too)."""
    if by == "month":
        # "Overdue now" has no month: None, shown as "—".
        return {
            m: Line(key=m, name=f"{m[:4]}年{int(m[5:])}月", households=None, overdue=None)
            for m in months
        }
    # The places of the level inside the area — or, grouping by a level
    # the area lies in (a village's figures "by town"), the one above it.
    above = Q(path__in=[area.path[:n] for n in _DEPTH.values() if n < len(area.path)])
    places = Area.objects.filter(
        (_q(paths, "path") & Q(path__prefix=area.path)) | above, level=by, is_active=True
    ).defer("geometry")
    towns: dict[str, str] = {}
    if by in ("village", "grid"):
        towns = dict(
            Area.objects.filter(_q(paths, "path") | Q(path__in=[p[:39] for p in paths]))
            .filter(level="town")
            .values_list("path", "name")
        )
    out = {}
    for a in places.order_by("path"):
        name = a.name if by == "town" else f"{towns.get(a.path[:39], '')}·{a.name}"
        out[a.path] = Line(key=a.path, name=name, code=a.code)
    return out


def _cut(by: str, path: str) -> str:
    """The group of a grid's path: itself, or its village's or town's."""
    return path if by == "grid" else path[: _DEPTH[by]]


def _visits(paths: list[str], since: dt.date, until: dt.date, by: str, line: Any) -> None:
    """Visits, and of those with a visit before them, the ones made by the
    day they fell due — read from the facts each visit keeps. Grouped by
    grid and colour (the index's order: no sort) and added up here into
    villages or towns; by month and colour for months."""
    month = by == "month"
    rows = (
        Visit.objects.filter(_q(paths), visited_on__gte=since, visited_on__lte=until)
        .annotate(k=fsql.Month("visited_on") if month else F("area_path"))
        .values("k", "colour")
        .annotate(
            n=Count("pk"),
            counted=Count("due_on"),
            on_time=Count("pk", filter=Q(visited_on__lte=F("due_on"))),
        )
        .order_by()
    )
    for r in rows:
        x = line(r["k"] if month else _cut(by, r["k"]))
        x.visits += r["n"]
        if r["colour"] in x.counted:
            x.counted[r["colour"]] += r["counted"]
            x.on_time[r["colour"]] += r["on_time"]


def _overdue_q(today: dt.date) -> Q:
    return schedule.state_filter("overdue", today, schedule.intervals())


def _households(paths: list[str], by: str, today: dt.date, line: Any) -> None:
    if by == "month":
        return
    got = _grouped(
        Household.objects.filter(_q(paths), is_active=True), by, _key(by, "area_path", ""),
        path="area_path", n=Count("pk"), overdue=Count("pk", filter=_overdue_q(today)),
    )  # fmt: skip
    for key, r in got.items():
        x = line(key)
        x.households, x.overdue = r["n"], r["overdue"]


def _household_totals(paths: list[str], today: dt.date) -> tuple[int, int]:
    r = Household.objects.filter(_q(paths), is_active=True).aggregate(
        n=Count("pk"), overdue=Count("pk", filter=_overdue_q(today))
    )
    return r["n"], r["overdue"]


def _patrols(
    paths: list[str],
    since: dt.date,
    until: dt.date,
    by: str,
    per_week: int,
    days: int,
    months: dict[str, int],
    line: Any,
) -> None:
    spans = months if by == "month" else {"": days}
    for key, n, grid_days, met in fsql.patrol_coverage(paths, since, until, by, per_week, spans):
        x = line(key if by in ("month", "all") else _cut(by, key))
        x.patrols += n
        x.patrol_days += grid_days
        x.grids_met += met
    grids = Area.objects.filter(_q(paths, "path"), level="grid", is_active=True)
    if by == "month":
        count = grids.count()
        for m, n in months.items():
            x = line(m)
            x.grids, x.days = count, n
        return
    for key, r in _grouped(grids, by, _key(by, "path", ""), path="path", n=Count("pk")).items():
        x = line(key)
        x.grids, x.days = r["n"], days


def _findings(paths: list[str], start: dt.datetime, end: dt.datetime, by: str, line: Any) -> None:
    got = _grouped(
        Finding.objects.filter(_q(paths), found_at__gte=start, found_at__lt=end), by,
        _key(by, "area_path", "found_at", is_date=False), path="area_path", n=Count("pk"),
        handled=Count("pk", filter=Q(outcome=FindingOutcome.HANDLED)),
    )  # fmt: skip
    for key, r in got.items():
        x = line(key)
        x.findings, x.handled = r["n"], r["handled"]


def _a_posts(paths: list[str], start: dt.datetime, end: dt.datetime) -> QuerySet[GridPost]:
    return GridPost.objects.filter(_q(paths), post=Post.A, started_at__lt=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=start)
    )


def _worker_count(paths: list[str], start: dt.datetime, end: dt.datetime) -> int:
    return int(_a_posts(paths, start, end).aggregate(n=Count("worker", distinct=True))["n"])


def _workers(
    paths: list[str],
    start: dt.datetime,
    end: dt.datetime,
    by: str,
    months: dict[str, int],
    tz: Any,
    line: Any,
) -> None:
    """Grid workers who held an A post at some time in the period (in each
    month, when by month)."""
    if by == "month":
        for m in months:
            first = dt.date.fromisoformat(f"{m}-01")
            after = (first + dt.timedelta(days=32)).replace(day=1)
            s = max(start, dt.datetime.combine(first, dt.time(), tz))
            e = min(end, dt.datetime.combine(after, dt.time(), tz))
            line(m).workers = _worker_count(paths, s, e)
        return
    got = _grouped(
        _a_posts(paths, start, end), by, _key(by, "area_path", ""),
        n=Count("worker", distinct=True),
    )  # fmt: skip
    for key, r in got.items():
        line(key).workers = r["n"]


def _disputes(paths: list[str], since: dt.date, until: dt.date, by: str, line: Any) -> None:
    got = _grouped(
        Dispute.objects.filter(_q(paths), found_on__gte=since, found_on__lte=until), by,
        _key(by, "area_path", "found_on"), path="area_path", n=Count("pk"),
        concluded=Count("pk", filter=~Q(outcome="")),
        settled=Count("pk", filter=Q(outcome=Outcome.SETTLED)),
    )  # fmt: skip
    for key, r in got.items():
        x = line(key)
        x.disputes, x.concluded, x.settled = r["n"], r["concluded"], r["settled"]


def _tasks(paths: list[str], since: dt.date, until: dt.date, by: str, line: Any) -> None:
    done = Q(state=RowState.DONE)
    got = _grouped(
        TaskGrid.objects.filter(
            _q(paths), counted_q(), task__due_on__gte=since, task__due_on__lte=until
        ), by,
        _key(by, "area_path", "task__due_on"), path="area_path", n=Count("pk"),
        done=Count("pk", filter=done),
        on_time=Count(
            "pk", filter=done & Q(LessThanOrEqual(TruncDate("done_at"), F("task__due_on")))
        ),
    )  # fmt: skip
    for key, r in got.items():
        x = line(key)
        x.task_rows, x.tasks_done, x.tasks_on_time = r["n"], r["done"], r["on_time"]
