"""Task rows after a village's grids are redrawn (``territory.activation``): a grid's share of a
task that was not yet done goes on in the new grids that now hold its households; a done share
stays where it was done (history, counted as done there).

For each open task:

- a row naming target households: each target goes, with whatever was recorded on it (done
  stays done), to the row of the new grid its household now lies in (a household that left
  the village: the old grid's successor). A new row whose targets were all done already is done.
- a row without targets (the task was given to the territory): the old grid's successor gets a
  row, and so does every other new grid that took households from it.
- two old rows of one task meeting in one new grid (grids merged) make one row there: one row
  per task and grid, as always. The new grids were made in this same transaction, so no row
  of theirs existed before.
- the old row is closed as ``carried`` (已随网格调整转出), with a note saying where its share
  went; it no longer counts as unfinished or done work (``models.counted_q``), and
  ``Task.grid_count`` counts the rows that do.

Registered in ``TasksConfig.ready``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from operator import attrgetter

from django.db.models import Count

from wangge.tasks.models import RowState, Task, TaskGrid, TaskTarget, counted_q
from wangge.territory.models import Area
from wangge.territory.succession import Redraw, households_went, redraw_of

# A target: (its pk, when it was done or None).
Target = tuple[int, dt.datetime | None]
by_code = attrgetter("code")


def task_rows_follow_grids(successor: dict[int, Area], at: dt.datetime) -> int:
    """Carry the open task rows of the old grids to the new grids; returns how many rows."""
    pending = TaskGrid.objects.filter(grid_id__in=list(successor), state=RowState.PENDING)
    seen = list(pending.values_list("pk", flat=True))
    redraw = redraw_of(successor) if seen else None
    if redraw is None:
        return 0
    # Lock the targets, then the rows — the order completing a target takes them in — so a
    # grid worker completing one now either finishes first or waits and counts in the new row.
    targets: dict[int, list[tuple[int, int | None, dt.datetime | None]]] = defaultdict(list)
    for pk, row_id, grid_id, done_at in (
        TaskTarget.objects.select_for_update(of=("self",))
        .filter(row_id__in=seen)
        .values_list("pk", "row_id", "household__grid_id", "done_at")
    ):
        targets[row_id].append((pk, grid_id, done_at))
    old_rows = list(
        pending.select_for_update(of=("self",))
        .filter(pk__in=seen)
        .values_list("pk", "task_id", "grid_id")
    )
    went = households_went(redraw, list({r[2] for r in old_rows}))

    shares: dict[tuple[int, int], list[Target]] = {}  # (task, new grid) → its targets
    sent: dict[int, set[int]] = defaultdict(set)  # old row → the new grids its share went to
    for pk, task_id, old_id in old_rows:
        heir = successor[old_id].pk
        if targets[pk]:
            for target_pk, lies_in, done_at in targets[pk]:
                where = lies_in if lies_in in redraw.grids else heir
                shares.setdefault((task_id, where), []).append((target_pk, done_at))
                sent[pk].add(where)
        else:
            for grid in {heir, *went.get(old_id, ())}:
                shares.setdefault((task_id, grid), [])
                sent[pk].add(grid)

    made = TaskGrid.objects.bulk_create(
        [_row(task_id, redraw.grids[grid], items) for (task_id, grid), items in shares.items()]
    )
    for row, items in zip(made, shares.values(), strict=True):
        if items:
            TaskTarget.objects.filter(pk__in=[pk for pk, _ in items]).update(row=row)
    _close(old_rows, targets, sent, redraw)
    tasks = sorted({task_id for _, task_id, _ in old_rows})
    _recount(tasks)
    redraw.audit(
        "task.regrid", {"tasks": tasks, "rows_carried": len(old_rows), "rows_made": len(made)}
    )
    return len(old_rows)


def _row(task_id: int, grid: Area, items: list[Target]) -> TaskGrid:
    done = [d for _, d in items if d is not None]
    finished = bool(items) and len(done) == len(items)
    return TaskGrid(
        task_id=task_id,
        grid=grid,
        area_path=grid.path,
        target_count=len(items),
        done_count=len(done),
        state=RowState.DONE if finished else RowState.PENDING,
        done_at=max(done) if finished else None,
        note=f"全部 {len(items)} 户已完成" if finished else "",
    )


def _close(
    old_rows: list[tuple[int, int, int]],
    targets: dict[int, list[tuple[int, int | None, dt.datetime | None]]],
    sent: dict[int, set[int]],
    redraw: Redraw,
) -> None:
    """Close the old rows as carried, each noting where its share went (one UPDATE per
    distinct note)."""
    by_note: dict[str, list[int]] = defaultdict(list)
    for pk, _task, _grid in old_rows:
        where = "、".join(
            redraw.label(g) for g in sorted((redraw.grids[i] for i in sent[pk]), key=by_code)
        )
        mine = targets[pk]
        what = ""
        if mine:
            done = sum(1 for *_, d in mine if d is not None)
            what = f"{len(mine)} 户(已完成 {done} 户)"
        by_note[f"网格重新划分,{what}转至 {where}"].append(pk)
    for note, pks in by_note.items():
        TaskGrid.objects.filter(pk__in=pks).update(
            state=RowState.CARRIED, target_count=0, done_count=0, note=note
        )


def _recount(task_ids: list[int]) -> None:
    """``Task.grid_count``: the rows that count, now that some were carried."""
    counts = dict(
        TaskGrid.objects.filter(counted_q(), task_id__in=task_ids)
        .order_by()
        .values("task_id")
        .annotate(n=Count("pk"))
        .values_list("task_id", "n")
    )
    for task_id in task_ids:
        Task.objects.filter(pk=task_id).update(grid_count=counts.get(task_id, 0))
