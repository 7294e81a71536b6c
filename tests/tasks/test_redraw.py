"""A village's grids redrawn with a task open there: each open grid share goes on in the new
grids that now hold its households (merged grids: one row), target households move to the row
of their new grid with what was done kept, done shares stay where they were done, and the old
rows are closed as carried — counted neither as open nor as done work, in progress, the task
list or the field-work figures."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.territory.redrawing import VILLAGE, Plan, activate, grid, plan_redraw
from wangge.audit.models import AuditRecord
from wangge.gridwork.figures import field_figures_for
from wangge.tasks.models import RowState, Task, TaskGrid, TaskTarget
from wangge.tasks.selectors import task_list_for, task_progress_for, tasks_for_grids
from wangge.tasks.services import task_create, task_row_done, task_target_done
from wangge.territory.models import Area

DISPATCHER = "shangzhen_dispatcher"
SECRETARY = "sj611022109223"


def _give(user: Any, **kw: Any) -> Task:
    return task_create(
        actor=user,
        title="汛期前排查地质灾害隐患点",
        due_on=timezone.localdate(),  # due today: today's figures count it
        area_codes=[VILLAGE],
        **kw,
    )


def _row(task: Task, code: str) -> TaskGrid:
    return TaskGrid.objects.get(task=task, grid__code=code)


def _counted(task: Task) -> Any:
    return TaskGrid.objects.filter(task=task).exclude(state=RowState.CARRIED)


def test_a_task_given_by_grid_goes_on_in_every_new_grid_its_grids_went_to(  # type: ignore[no-untyped-def]
    db: None, user_named
) -> None:
    dispatcher = user_named(DISPATCHER)
    plan = plan_redraw(dispatcher)
    task = _give(dispatcher)
    merged, merging = next(iter(plan.merges.items()))
    finished = next(old for old in sorted(plan.successor) if old not in merging)
    done_row = task_row_done(actor=user_named(SECRETARY), row=_row(task, finished), note="已排查")
    old_rows = task.grid_count

    done = activate(dispatcher, plan)

    done_row.refresh_from_db()  # done work stays where it was done
    assert (done_row.state, done_row.grid.code, done_row.note) == (
        RowState.DONE,
        finished,
        "已排查",
    )
    carried = TaskGrid.objects.filter(task=task, state=RowState.CARRIED)
    assert sorted(carried.values_list("grid__code", flat=True)) == sorted(
        set(plan.successor) - {finished}
    )
    assert all(r.note.startswith("网格重新划分,转至 ") for r in carried)
    # Each open share went to its successor and to every new grid that took its households.
    expected = {plan.successor[old] for old in plan.successor if old != finished} | {
        plan.placement[hh] for hh, old in plan.old_of.items() if old != finished
    }
    new_rows = TaskGrid.objects.filter(task=task, grid__code__in=done.created)
    assert sorted(new_rows.values_list("grid__code", flat=True)) == sorted(expected)
    assert new_rows.filter(grid__code=merged).count() == 1  # two old rows, one new
    assert set(new_rows.values_list("state", flat=True)) == {RowState.PENDING}
    split = plan.splits[0]
    assert {plan.placement[hh] for hh, old in plan.old_of.items() if old == split} <= expected
    # Figures stay honest: the carried rows are gone from every count.
    task.refresh_from_db()
    assert task.grid_count == _counted(task).count() == len(expected) + 1 != old_rows
    total, lines = task_progress_for(dispatcher, task, by="grid")
    assert (total.grids, total.grids_done) == (task.grid_count, 1)
    assert {line.code for line in lines} == expected | {finished}
    listed = task_list_for(dispatcher).get(pk=task.pk)
    assert (listed.rows_seen, listed.rows_done) == (task.grid_count, 1)  # type: ignore[attr-defined]
    today = timezone.localdate()
    figures = field_figures_for(
        dispatcher, area=Area.objects.get(code=VILLAGE), since=today, until=today
    )
    assert (figures.total.task_rows, figures.total.tasks_done) == (task.grid_count, 1)
    # Grid workers find the share under their new grid, not their old one.
    new_ids = list(new_rows.values_list("grid_id", flat=True))
    assert {r.task_id for r in tasks_for_grids(new_ids)} == {task.pk}
    old_ids = [grid(code).pk for code in plan.successor]
    assert not [r for r in tasks_for_grids(old_ids) if r.task_id == task.pk]
    record = AuditRecord.objects.get(action="task.regrid", object_id=str(plan.generation.pk))
    assert record.changes["rows_carried"] == carried.count()
    assert record.changes["rows_made"] == len(expected)


def _split_with_targets(plan: Plan, targets: dict[int, str]) -> tuple[str, str]:
    """An old grid whose target households go to two or more new grids, and one of those that
    is not its successor."""
    for old in plan.splits:
        went = {plan.placement[hh] for hh, code in targets.items() if code == old}
        elsewhere = sorted(went - {plan.successor[old]})
        if elsewhere and len(went) > 1:
            return old, elsewhere[0]
    raise AssertionError("no split old grid with target households")


def test_target_households_move_to_their_new_grid_with_what_was_done(  # type: ignore[no-untyped-def]
    db: None, user_named
) -> None:
    dispatcher, secretary = user_named(DISPATCHER), user_named(SECRETARY)
    plan = plan_redraw(dispatcher)
    task = _give(dispatcher, colour="green")
    old_grid_of = dict(
        TaskTarget.objects.filter(row__task=task).values_list("household_id", "row__grid__code")
    )
    split, landing = _split_with_targets(plan, old_grid_of)
    # Everything going to ``landing`` is done before the redraw; the split grid keeps work left.
    for target in TaskTarget.objects.filter(row__task=task).select_related("row"):
        if plan.placement[target.household_id] == landing:
            task_target_done(actor=secretary, target=target, note="已走访")
    assert _row(task, split).state == RowState.PENDING
    done_before = dict(
        TaskTarget.objects.filter(row__task=task, done_at__isnull=False).values_list(
            "pk", "done_at"
        )
    )
    assert done_before
    # Read before the redraw (a page left open): still names the old row.
    stale = (
        TaskTarget.objects.select_related("row")
        .filter(row__task=task, row__grid__code=split, done_at__isnull=True)
        .first()
    )
    assert stale is not None

    activate(dispatcher, plan)

    task.refresh_from_db()
    targets = list(TaskTarget.objects.filter(row__task=task).select_related("row", "household"))
    assert len(targets) == task.household_count
    for t in targets:
        if t.row.grid.code in plan.successor:  # a share done in full before: left as it was
            assert t.row.state == RowState.DONE
        else:  # carried: in the row of the grid the household lies in now
            assert t.row.grid_id == t.household.grid_id
        assert t.done_at == done_before.get(t.pk)  # done stays done, open stays open
    for row in _counted(task):
        mine = [t for t in targets if t.row_id == row.pk]
        assert row.target_count == len(mine) > 0
        assert row.done_count == sum(1 for t in mine if t.done_at)
        assert (row.state == RowState.DONE) == (row.done_count == row.target_count)
    arrived = _row(task, landing)  # its households were all done before: so is its share
    assert (arrived.state, arrived.done_count) == (RowState.DONE, arrived.target_count)
    assert arrived.done_at == max(t.done_at for t in targets if t.row_id == arrived.pk)  # type: ignore[type-var]
    carried = _row(task, split)
    assert (carried.state, carried.target_count, carried.done_count) == (RowState.CARRIED, 0, 0)
    assert "户(已完成" in carried.note
    assert not carried.targets.exists()
    for merged in plan.merges:
        assert TaskGrid.objects.filter(task=task, grid__code=merged).count() <= 1
    total, _ = task_progress_for(dispatcher, task)
    assert (total.households, total.households_done) == (task.household_count, len(done_before))
    assert total.grids == task.grid_count == _counted(task).count()
    # Completing it counts in the row it is in now, not the carried one.
    task_target_done(actor=secretary, target=stale, note="已走访")
    now_in = TaskGrid.objects.get(targets__pk=stale.pk)
    assert now_in.grid.code == plan.placement[stale.household_id]
    assert now_in.done_count == 1 + sum(1 for t in targets if t.row_id == now_in.pk and t.done_at)
    carried.refresh_from_db()
    assert carried.done_count == 0
