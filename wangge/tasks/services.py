"""Writes to tasks: give a task to many grids at once, and complete a
grid's share (with a note) or one target household of it.

Concurrency: completing is a conditional UPDATE on the row's state (or the
target's ``done_at``); of two people completing the same thing at once one
wins and the other is told it is done already. A target completed bumps
its row's ``done_count`` with an UPDATE, which locks the row, and the row
turns done in the same transaction when the count reaches its targets —
so the last two households completed at once still close the row once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wangge.accounts.models import Unit, UnitKind
from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.accounts.selectors import units_for
from wangge.audit.services import audit_record
from wangge.core.errors import DomainError, NotFound, PermissionDenied
from wangge.tasks.models import RowState, Task, TaskGrid, TaskTarget
from wangge.tasks.selection import Selection, task_select

MAX_DAYS_AHEAD = 366


def _clean(title: str, description: str, due_on: dt.date) -> tuple[str, str]:
    title = (title or "").strip()
    if not 4 <= len(title) <= 60:
        raise DomainError("task.title", "任务名称 4 到 60 个字")
    description = (description or "").strip()
    if len(description) > 2000:
        raise DomainError("task.description", "任务要求不超过 2000 字")
    today = timezone.localdate()
    if due_on < today:
        raise DomainError("task.due_on", "完成期限不能早于今天")
    if due_on > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise DomainError("task.due_on", "完成期限不能超过一年")
    return title, description


def _acting_unit(actor: Any, paths: list[str]) -> Unit | None:
    """The town office or command centre the actor gives the task for: the
    deepest of theirs whose area holds everything chosen."""
    units = Unit.objects.filter(
        pk__in=units_for(actor), kind__in=[UnitKind.TOWN_OFFICE, UnitKind.COMMAND_CENTRE]
    ).select_related("area")
    fits = [u for u in units if all(p.startswith(u.area.path) for p in paths)]
    return max(fits, key=lambda u: len(u.area.path), default=None)


def task_create(
    *,
    actor: Any,
    title: str,
    due_on: dt.date,
    area_codes: list[str],
    description: str = "",
    tag: str = "",
    colour: str = "",
) -> Task:
    """Give a task to every grid under the chosen areas (or, with a tag or
    colour, to the grids that have such households, each naming them).
    One row per grid; bad input changes nothing."""
    title, description = _clean(title, description, due_on)
    selection = task_select(actor, area_codes=area_codes, tag=tag, colour=colour)
    with transaction.atomic():
        task = Task.objects.create(
            title=title,
            description=description,
            due_on=due_on,
            area_codes=[a.code for a in selection.areas],
            target_tag=tag,
            target_colour=colour,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_unit=_acting_unit(actor, selection.paths),
        )
        task_materialise(task, selection)
        audit_record(
            actor=actor,
            action="task.create",
            obj=task,
            area_path=_common(selection.paths),
            changes={
                "areas": task.area_codes,
                "tag": tag,
                "colour": colour,
                "grids": task.grid_count,
                "households": task.household_count,
                "due_on": due_on.isoformat(),
            },
        )
    return task


def _common(paths: list[str]) -> str:
    """The deepest area path holding all of ``paths`` (for the audit
    record's reach): the codes they share from the root."""
    common: list[str] = []
    for codes in zip(*(p.strip("/").split("/") for p in paths), strict=False):
        if len(set(codes)) != 1:
            break
        common.append(codes[0])
    return "/".join(common) + "/" if common else ""


def task_materialise(task: Task, selection: Selection) -> list[TaskGrid]:
    """Write a task's rows and target households (inside the caller's
    transaction). Shared with the demo, which gives past tasks."""
    targets = selection.targets
    rows = TaskGrid.objects.bulk_create(
        [
            TaskGrid(
                task=task,
                grid_id=gid,
                area_path=path,
                target_count=len(targets.get(gid, ())) if targets is not None else 0,
            )
            for gid, path in selection.grids
        ],
        batch_size=2000,
    )
    if targets is not None:
        TaskTarget.objects.bulk_create(
            [TaskTarget(row=r, household_id=hid) for r in rows for hid in targets[r.grid_id]],
            batch_size=5000,
        )
    task.grid_count = len(rows)
    task.household_count = selection.household_count
    task.save(update_fields=["grid_count", "household_count"])
    return rows


def _require_do(actor: Any, row: TaskGrid) -> None:
    reach = reach_for(actor)
    if not reach.allows(Capability.TASK_VIEW, row.area_path):
        raise NotFound("任务")
    if not reach.allows(Capability.TASK_DO, row.area_path):
        raise PermissionDenied("只有本网格的网格员或村(社区)、片区负责人可以办理")


def task_row_done(*, actor: Any, row: TaskGrid, note: str) -> TaskGrid:
    """The grid has done its share (tasks given by grid, not by household)."""
    _require_do(actor, row)
    if row.target_count:
        left = row.target_count - row.done_count
        raise DomainError("task.by_household", f"本任务按户办理,请逐户标记(还有 {left} 户未完成)")
    note = (note or "").strip()
    if len(note) < 2:
        raise DomainError("task.note", "请填写完成情况")
    if len(note) > 1000:
        raise DomainError("task.note", "完成情况不超过 1000 字")
    with transaction.atomic():
        done = TaskGrid.objects.filter(pk=row.pk, state=RowState.PENDING).update(
            state=RowState.DONE, note=note, done_at=timezone.now(), done_by=actor
        )
        if not done:
            raise DomainError("conflict", "该网格的任务已标记完成")
        row.refresh_from_db()
        audit_record(
            actor=actor,
            action="task.row_done",
            obj=row.task,
            area_path=row.area_path,
            changes={"grid": row.grid_id},
        )
    return row


def task_target_done(*, actor: Any, target: TaskTarget, note: str = "") -> TaskTarget:
    """One target household done (visited, told, helped)."""
    row = target.row
    _require_do(actor, row)
    if not reach_for(actor).allows(Capability.PERSON_VIEW, row.area_path):
        raise PermissionDenied()
    note = (note or "").strip()
    if len(note) > 200:
        raise DomainError("task.note", "情况说明不超过 200 字")
    now = timezone.now()
    with transaction.atomic():
        if not TaskTarget.objects.filter(pk=target.pk, done_at__isnull=True).update(
            done_at=now, done_by=actor, note=note
        ):
            raise DomainError("conflict", "该户已标记完成")
        # The row it is in now (the update waited for any grid redraw holding it): a redraw
        # may have carried it to a new grid's row since it was read.
        now_in = TaskTarget.objects.filter(pk=target.pk).values_list("row_id", flat=True).get()
        if now_in != row.pk:
            row = TaskGrid.objects.select_related("task").get(pk=now_in)
            _require_do(actor, row)
        TaskGrid.objects.filter(pk=row.pk).update(done_count=F("done_count") + 1)
        TaskGrid.objects.filter(
            pk=row.pk, state=RowState.PENDING, done_count__gte=F("target_count")
        ).update(
            state=RowState.DONE,
            done_at=now,
            done_by=actor,
            note=f"全部 {row.target_count} 户已完成",
        )
        audit_record(
            actor=actor,
            action="task.target_done",
            obj=row.task,
            area_path=row.area_path,
            changes={"grid": row.grid_id, "household": target.household_id},
        )
    target.refresh_from_db()
    return target
