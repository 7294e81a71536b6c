"""The demo's tasks: given through the same selection as real ones, past
ones done (some late), open ones part-way; given once."""

from __future__ import annotations

from wangge.tasks.demo import task_history_seed
from wangge.tasks.models import RowState, Task, TaskGrid, TaskTarget


def test_demo_tasks(db: None) -> None:
    earlier = list(Task.objects.values_list("pk", flat=True))  # a browser test's, say
    made = task_history_seed("611022")
    assert made >= 4
    tasks = list(Task.objects.exclude(pk__in=earlier))
    assert len(tasks) == made
    for t in tasks:
        rows = TaskGrid.objects.filter(task=t)
        assert rows.count() == t.grid_count > 0
        if t.by_household:
            assert TaskTarget.objects.filter(row__task=t).count() == t.household_count
            for r in rows.filter(state=RowState.DONE)[:20]:
                assert r.done_count == r.target_count
                assert not r.targets.filter(done_at__isnull=True).exists()
    past = [t for t in tasks if t.title.startswith("春节前")]
    if past:
        assert not TaskGrid.objects.filter(task=past[0], state=RowState.PENDING).exists()
    rows = TaskGrid.objects.filter(task__in=tasks)
    assert rows.filter(state=RowState.PENDING).exists()
    assert rows.filter(state=RowState.DONE, done_at__isnull=False).exists()
    assert task_history_seed("611022") == -1
    assert Task.objects.exclude(pk__in=earlier).count() == made
