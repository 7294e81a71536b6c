"""Reads of tasks through the actor's reach: a task is visible to whoever
gave it and to those whose ``task.view`` reach holds any of its rows, and
each of them sees the rows (and progress) within their reach only — a
village secretary their village's grids, the command centre its county."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from wangge.accounts.models import RoleAssignment
from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability, Role
from wangge.core.errors import NotFound
from wangge.tasks.models import RowState, Task, TaskGrid, TaskTarget, counted_q
from wangge.territory.models import Area

# Length of the path prefix naming a row's county, town or village: codes
# from the city to the village are 12 digits, each followed by "/".
_PREFIX = {"county": 26, "town": 39, "village": 52}
GROUPINGS = {"town": "按镇街", "village": "按村(社区)", "grid": "按网格"}


def _rows_q(actor: Any, field: str = "area_path") -> Q:
    return reach_for(actor).filter(field, Capability.TASK_VIEW)


def task_list_for(actor: Any) -> QuerySet[Task]:
    """Tasks the actor gave or holds rows of, newest first, with the rows
    (and done rows) within their reach counted."""
    # Rows carried to new grids by a redraw are neither open nor done work.
    mine = _rows_q(actor, "rows__area_path") & ~Q(rows__state=RowState.CARRIED)
    visible = Q(pk__in=TaskGrid.objects.filter(_rows_q(actor)).values("task_id"))
    if getattr(actor, "is_authenticated", False):
        visible |= Q(created_by=actor)
    return (
        Task.objects.filter(visible)
        .select_related("created_by", "created_unit")
        .annotate(
            rows_seen=Count("rows", filter=mine),
            rows_done=Count("rows", filter=mine & Q(rows__state=RowState.DONE)),
        )
        .order_by("-created_at", "-pk")
    )


def task_get_for(actor: Any, task_id: int) -> Task:
    found = task_list_for(actor).filter(pk=task_id).first()
    if found is None:
        raise NotFound("任务")
    return found


@dataclass
class Progress:
    code: str
    name: str
    grids: int
    grids_done: int
    households: int
    households_done: int
    done_late: int

    @property
    def share(self) -> float:
        """Done share: of households when the task names them, else of grids."""
        if self.households:
            return self.households_done / self.households
        return self.grids_done / self.grids if self.grids else 0.0

    @property
    def percent(self) -> int:
        return round(self.share * 100)


def _rows(actor: Any, task: Task, area: Area | None) -> QuerySet[TaskGrid]:
    """The task's rows that count (not those a redraw carried on), within reach."""
    rows = TaskGrid.objects.filter(_rows_q(actor), counted_q(), task=task)
    if area is not None:
        rows = rows.filter(area_path__prefix=area.path)
    return rows


def task_progress_for(
    actor: Any, task: Task, *, by: str = "town", area: Area | None = None
) -> tuple[Progress, list[Progress]]:
    """The task's progress within the actor's reach (and ``area``): the
    total and one line per town, village or grid."""
    rows = _rows(actor, task, area).order_by()
    late = Q(state=RowState.DONE, done_at__date__gt=task.due_on)
    sums = {
        "grids": Count("id"),
        "grids_done": Count("id", filter=Q(state=RowState.DONE)),
        "households": Sum("target_count"),
        "households_done": Sum("done_count"),
        "done_late": Count("id", filter=late),
    }
    total_row = rows.aggregate(**sums)
    total = Progress("", "合计", **{k: v or 0 for k, v in total_row.items()})
    if by == "grid":
        lines = [
            Progress(
                r.grid.code,
                r.grid.name,
                1,
                int(r.state == RowState.DONE),
                r.target_count,
                r.done_count,
                int(bool(r.done_at and timezone.localtime(r.done_at).date() > task.due_on)),
            )
            for r in rows.select_related("grid").order_by("area_path")
        ]
        return total, lines
    length = _PREFIX.get(by, _PREFIX["town"])
    grouped = (
        rows.annotate(prefix=Substr("area_path", 1, length))
        .values("prefix")
        .annotate(**sums)
        .order_by("prefix")
    )
    places = {
        path: (code, name)
        for path, code, name in Area.objects.filter(
            path__in=[g["prefix"] for g in grouped]
        ).values_list("path", "code", "name")
    }
    lines = []
    for g in grouped:
        code, name = places.get(g["prefix"], ("", g["prefix"]))
        lines.append(
            Progress(
                code,
                name,
                g["grids"],
                g["grids_done"],
                g["households"] or 0,
                g["households_done"] or 0,
                g["done_late"],
            )
        )
    return total, lines


def task_town_count_for(actor: Any, task: Task) -> int:
    """How many towns the task's rows within reach lie in."""
    return (
        _rows(actor, task, None)
        .annotate(prefix=Substr("area_path", 1, _PREFIX["town"]))
        .values("prefix")
        .order_by()
        .distinct()
        .count()
    )


def tasks_for_grids(grid_ids: list[int]) -> QuerySet[TaskGrid]:
    """The open task rows of these grids, soonest due first: a grid
    worker's "my tasks". Not limited by reach — the caller says which grids
    the worker serves (field work's cover, with A/B posts, will), so a B
    post covering A's grid sees A's tasks too."""
    return (
        TaskGrid.objects.filter(grid_id__in=grid_ids, state=RowState.PENDING)
        .select_related("task", "grid")
        .order_by("task__due_on", "task_id", "pk")
    )


def grids_of(actor: Any) -> list[int]:
    """The grids whose tasks are the actor's now: those field work's cover
    says they serve (own A grids unless away, A's grids while covering as
    B). A grid worker with no post recorded (a deployment that does not
    keep A/B posts) falls back to the grids of their grid-worker role."""
    if not getattr(actor, "is_authenticated", False):
        return []
    from wangge.gridwork.cover import grids_served_by  # field work sits above tasks
    from wangge.gridwork.models import GridPost

    if GridPost.objects.filter(worker__user=actor).exists():
        return [s.grid_id for s in grids_served_by(actor)]
    return list(
        RoleAssignment.objects.filter(
            user=actor, role=Role.GRID_WORKER, is_active=True, area__is_active=True
        ).values_list("area_id", flat=True)
    )


def task_row_get_for(actor: Any, row_id: int) -> TaskGrid:
    row = (
        TaskGrid.objects.filter(_rows_q(actor), pk=row_id)
        .select_related("task", "grid", "done_by")
        .first()
    )
    if row is None:
        raise NotFound("任务")
    return row


def task_targets_for(actor: Any, row: TaskGrid) -> list[TaskTarget]:
    """The row's target households, for those who may see households
    there (masked address, colour); nobody else sees who they are."""
    if not reach_for(actor).allows(Capability.PERSON_VIEW, row.area_path):
        return []
    return list(row.targets.select_related("household", "done_by").order_by("household__number"))


def task_target_get_for(actor: Any, target_id: int) -> TaskTarget:
    target = TaskTarget.objects.filter(pk=target_id).select_related("row__task").first()
    if target is None or not reach_for(actor).allows(Capability.TASK_VIEW, target.row.area_path):
        raise NotFound("任务")
    return target
