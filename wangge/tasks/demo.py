"""A few tasks for the demo county: past ones the grids completed (some
late), and open ones in progress, so "my tasks", the task list and the
progress pages have work in them. Called from ``wangge.demo.seed``; given
once per county (its audit record says so). Chosen through the same
selection as a real task, by the demo's command centre or town dispatcher,
and written with their real times."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from wangge.accounts.models import RoleAssignment, Unit, User
from wangge.accounts.roles import Role
from wangge.audit.models import AuditRecord
from wangge.audit.services import audit_record
from wangge.core.errors import DomainError
from wangge.tasks.models import RowState, Task, TaskGrid, TaskTarget
from wangge.tasks.selection import task_select
from wangge.timelimits.clock import BEIJING

SEEDED = "demo.seed_tasks"
SEED = "wangge-demo-tasks-v1"


@dataclass(frozen=True)
class Plan:
    title: str
    description: str
    by: str  # "command" or a town code (its dispatcher gives it)
    areas: tuple[str, ...]  # "county" or area codes
    when: tuple[int, int] | int  # (month, day) it was given, or days ago
    days: int  # to the due date
    done: float  # share of grids that have done it by now (or by the due date)
    late: float = 0.0  # of those, share done after the due date
    tag: str = ""
    colour: str = ""
    notes: tuple[str, ...] = ("已完成",)


PLANS = (
    Plan(
        "春节前排查欠薪矛盾纠纷",
        "逐户了解外出务工人员工资结算情况,发现欠薪线索及时登记矛盾纠纷并上报。",
        "command", ("county",), (1, 8), 10, 1.0, 0.05,
        notes=("已排查,无欠薪线索", "发现欠薪线索 1 条,已登记纠纷", "已排查,返乡人员工资均已结清"),
    ),
    Plan(
        "汛期前排查地质灾害隐患点",
        "对网格内滑坡、泥石流隐患点逐一巡查,核实监测员和撤离路线。",
        "command", ("611022103000", "611022115000", "611022109000"), (5, 20), 7, 1.0, 0.1,
        notes=("隐患点 2 处,监测正常", "已巡查,撤离路线标识完好", "新发现裂缝 1 处,已报镇应急办"),
    ),
    Plan(
        "寒潮来临前走访所有独居老人",
        "逐户查看取暖、饮食和用电安全,留下网格员电话。",
        "command", ("county",), (11, 12), 6, 0.97, 0.08, tag="elderly_alone",
        notes=("已走访,取暖正常",),
    ),
    Plan(
        "入冬前走访低保户、核实取暖物资",
        "核实煤炭、棉被发放到户情况,困难情况当场登记。",
        "command", ("county",), 3, 7, 0.35, tag="low_income", notes=("已走访,物资已到户",),
    ),
    Plan(
        "排查红色户安全隐患",
        "对红色户逐户排查用火用电、房屋安全,发现问题当场处置或上报。",
        "611022109000", ("611022109000",), 2, 5, 0.2, colour="red", notes=("已排查,无隐患",),
    ),
    Plan(
        "核查网格内空置房屋",
        "登记空置房屋位置、产权人联系方式,防范安全隐患。",
        "611022001000", ("611022001000",), 1, 10, 0.1,
        notes=("已核查,空置房屋 3 处", "已核查,无空置房屋"),
    ),
)  # fmt: skip


def seed_tasks(ctx: Any) -> None:
    """``wangge.demo.seed`` step: the full demo county only."""
    if getattr(ctx, "population", "") != "full":
        ctx.say("交办任务:样例或无人口,不生成")
        return
    from wangge.territory.shangluo import DEMO_COUNTY

    made = task_history_seed(DEMO_COUNTY)
    ctx.say(f"交办任务:{made} 项" if made >= 0 else "交办任务:已生成过,未新增")


def _given_on(plan: Plan, today: dt.date) -> dt.date:
    if isinstance(plan.when, int):
        return today - dt.timedelta(days=plan.when)
    month, day = plan.when
    given = dt.date(today.year, month, day)
    while given + dt.timedelta(days=plan.days) >= today:  # the last one already due
        given = dt.date(given.year - 1, month, day)
    return given


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)))
    return local.replace(tzinfo=BEIJING).astimezone(dt.UTC)


def task_history_seed(county: str, *, now: dt.datetime | None = None) -> int:
    """The demo's tasks for a county; how many were given (-1: seeded before)."""
    if AuditRecord.objects.filter(action=SEEDED, object_type="demo", object_id=county).exists():
        return -1
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    today = now.astimezone(BEIJING).date()
    givers = dict(
        RoleAssignment.objects.filter(
            is_active=True,
            role__in=[Role.COMMAND_CENTRE, Role.TOWN_DISPATCHER],
            area__code__startswith=county,
        )
        .order_by("user_id")
        .values_list("area__code", "user_id")
    )
    workers = dict(
        RoleAssignment.objects.filter(
            is_active=True, role=Role.GRID_WORKER, area__county_code=county
        ).values_list("area_id", "user_id")
    )
    made = 0
    for n, plan in enumerate(PLANS):
        giver_area = f"{county}000000" if plan.by == "command" else plan.by
        if giver_area not in givers:
            continue
        actor = User.objects.get(pk=givers[giver_area])
        codes = [f"{county}000000" if a == "county" else a for a in plan.areas]
        try:
            selection = task_select(actor, area_codes=codes, tag=plan.tag, colour=plan.colour)
        except DomainError:  # e.g. no such households in a small sample: skip the plan
            continue
        given = _given_on(plan, today)
        task = Task.objects.create(
            title=plan.title,
            description=plan.description,
            due_on=given + dt.timedelta(days=plan.days),
            area_codes=codes,
            target_tag=plan.tag,
            target_colour=plan.colour,
            created_by=actor,
            created_unit=Unit.objects.filter(
                area__code=giver_area, kind__in=["command_centre", "town_office"]
            ).first(),
            created_at=_moment(given, random.Random(f"{SEED}:{n}")),
            grid_count=len(selection.grids),
            household_count=selection.household_count,
        )
        _rows(task, plan, selection, workers, now, n)
        made += 1
    audit_record(
        actor=None, action=SEEDED, object_type="demo", object_id=county, changes={"tasks": made}
    )
    return made


def _rows(
    task: Task, plan: Plan, selection: Any, workers: dict[int, int], now: dt.datetime, n: int
) -> None:
    """Rows (and target households) as they stand now: done ones with the
    time, worker and note; open ones of an open task part-way."""
    start, due = task.created_at, _moment(task.due_on, random.Random(f"{SEED}:{n}:due"))
    rows, targets = [], []
    for gid, path in selection.grids:
        rng = random.Random(f"{SEED}:{n}:{gid}")
        households = (selection.targets or {}).get(gid, [])
        row = TaskGrid(task=task, grid_id=gid, area_path=path, target_count=len(households))
        done_at = None
        if rng.random() < plan.done:
            late = rng.random() < plan.late
            end = due + dt.timedelta(days=rng.randint(1, 5)) if late else due
            # An open task: done by now, not by its due date.
            done_at = start + (min(end, now) - start) * rng.uniform(0.15, 1.0)
            if done_at > now:
                done_at = None
        worker = workers.get(gid)
        done = (
            len(households) if done_at else (rng.randint(0, len(households)) if households else 0)
        )
        times = sorted(
            start + ((done_at or now) - start) * rng.uniform(0.05, 1.0) for _ in range(done)
        )
        for i, hid in enumerate(households):
            at = times[i] if i < done else None
            targets.append((row, hid, at, worker if at else None))
        row.done_count = done
        if done_at:
            row.state, row.done_at, row.done_by_id = RowState.DONE, done_at, worker
            row.note = f"全部 {len(households)} 户已完成" if households else rng.choice(plan.notes)
        rows.append(row)
    TaskGrid.objects.bulk_create(rows, batch_size=2000)
    TaskTarget.objects.bulk_create(
        [
            TaskTarget(
                row=row, household_id=hid, done_at=at, done_by_id=by,
                note=plan.notes[0] if at else "",
            )
            for row, hid, at, by in targets
        ],
        batch_size=5000,
    )  # fmt: skip
