"""Tasks (交办任务): the centre gives one task to every grid of a town (one
row per grid), or to the grids where the target households are; grid
workers complete their share; progress is counted per village and town;
bad input changes nothing; two completions at once count once."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.utils import timezone

from wangge.core.errors import DomainError, NotFound
from wangge.registry.models import Household, Membership
from wangge.tasks.models import RowState, Task, TaskGrid, TaskTarget
from wangge.tasks.selectors import (
    task_get_for,
    task_list_for,
    task_progress_for,
    tasks_for_grids,
)
from wangge.tasks.services import task_create, task_row_done, task_target_done
from wangge.territory.models import Area

TOWN = "611022109000"  # 商镇
OTHER_TOWN = "611022001000"  # 龙驹寨街道
VILLAGE = "611022109223"  # 保定村
GRID = "611022109223001"
COMMAND = "danfeng_command"
DISPATCHER = "shangzhen_dispatcher"
WORKER = "wg611022109223001"
OTHER_WORKER = "wg611022109223002"
SECRETARY = "sj611022109223"


def _due() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=5)


def _give(user: Any, **kw: Any) -> Task:
    args: dict[str, Any] = {
        "title": "汛期前排查地质灾害隐患点",
        "due_on": _due(),
        "area_codes": [TOWN],
    }
    args.update(kw)
    return task_create(actor=user, **args)


def _grids_under(code: str) -> set[int]:
    path = Area.objects.get(code=code).path
    return set(
        Area.objects.filter(level="grid", is_active=True, path__startswith=path).values_list(
            "pk", flat=True
        )
    )


def test_a_task_to_all_grids_of_a_town_makes_one_row_per_grid(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    task = _give(user_named(COMMAND))
    grids = _grids_under(TOWN)
    rows = list(TaskGrid.objects.filter(task=task).values_list("grid_id", flat=True))
    assert sorted(rows) == sorted(grids)  # one each, none twice
    assert task.grid_count == len(grids) > 50
    assert task.created_unit is not None
    assert task.created_unit.code == "CC-611022000000"
    assert not task.by_household
    # A village inside the town adds nothing.
    again = _give(user_named(COMMAND), area_codes=[TOWN, VILLAGE, GRID])
    assert again.grid_count == len(grids)


def test_the_town_gives_tasks_in_its_town_only(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    dispatcher = user_named(DISPATCHER)
    task = _give(dispatcher, area_codes=[VILLAGE])
    assert task.grid_count == len(_grids_under(VILLAGE))
    assert task.created_unit.code == "T-611022109000"  # type: ignore[union-attr]
    before = Task.objects.count()
    with pytest.raises(NotFound):
        _give(dispatcher, area_codes=[OTHER_TOWN])
    with pytest.raises(DomainError) as e:  # a grid worker sees tasks, does not give them
        _give(user_named(WORKER), area_codes=[GRID])
    assert e.value.code == "forbidden"
    assert Task.objects.count() == before


def test_target_households_by_tag_name_only_their_grids(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    town_path = Area.objects.get(code=TOWN).path
    wanted = set(
        Household.objects.filter(
            area_path__startswith=town_path,
            is_active=True,
            pk__in=Membership.objects.filter(
                moved_out__isnull=True, person__tags__code="elderly_alone"
            ).values("household_id"),
        ).values_list("pk", flat=True)
    )
    assert wanted
    task = _give(user_named(DISPATCHER), title="寒潮来临前走访所有独居老人", tag="elderly_alone")
    assert task.by_household
    targets = set(TaskTarget.objects.filter(row__task=task).values_list("household_id", flat=True))
    assert targets == wanted
    assert task.household_count == len(wanted)
    rows = TaskGrid.objects.filter(task=task)
    assert rows.count() == len(set(Household.objects.filter(pk__in=wanted).values_list("grid_id")))
    assert all(r.target_count > 0 for r in rows)


def test_completion_is_counted_by_village_and_town(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    command = user_named(COMMAND)
    task = _give(command, area_codes=[TOWN, OTHER_TOWN])
    worker = user_named(WORKER)
    mine = list(tasks_for_grids(_grids_under(GRID)))  # type: ignore[arg-type]
    row = next(r for r in mine if r.task_id == task.pk)
    with pytest.raises(DomainError) as e:
        task_row_done(actor=worker, row=row, note="")
    assert e.value.code == "task.note"
    task_row_done(actor=worker, row=row, note="已排查 3 处隐患点,均无异常")
    with pytest.raises(DomainError) as e:  # once
        task_row_done(actor=user_named(SECRETARY), row=row, note="重复标记")
    assert e.value.code == "conflict"
    with pytest.raises(NotFound):  # another grid's worker does not reach it
        task_row_done(actor=user_named(OTHER_WORKER), row=row, note="代为完成")
    assert not [r for r in tasks_for_grids([row.grid_id]) if r.task_id == task.pk]  # no longer open

    total, towns = task_progress_for(command, task, by="town")
    assert [t.code for t in towns] == [OTHER_TOWN, TOWN]
    assert total.grids == task.grid_count
    assert total.grids_done == 1
    assert {t.code: t.grids_done for t in towns} == {OTHER_TOWN: 0, TOWN: 1}
    _total, villages = task_progress_for(
        command, task, by="village", area=Area.objects.get(code=TOWN)
    )
    done = {v.code: (v.grids_done, v.grids) for v in villages}
    assert done[VILLAGE][0] == 1
    assert sum(g for _d, g in done.values()) == len(_grids_under(TOWN))
    # The village secretary sees their village's share only.
    secretary_total, _ = task_progress_for(user_named(SECRETARY), task, by="grid")
    assert secretary_total.grids == len(_grids_under(VILLAGE))
    assert task_get_for(user_named(SECRETARY), task.pk).rows_seen == secretary_total.grids  # type: ignore[attr-defined]
    assert task.pk not in task_list_for(user_named("danfeng_zhujian")).values_list("pk", flat=True)


def test_by_household_the_grid_is_done_with_its_last_household(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    task = _give(user_named(DISPATCHER), area_codes=[GRID], colour="green")
    row = TaskGrid.objects.get(task=task)
    targets = list(row.targets.all())
    assert len(targets) == row.target_count > 1
    worker = user_named(WORKER)
    with pytest.raises(DomainError) as e:  # by household, not by grid
        task_row_done(actor=worker, row=row, note="全部完成")
    assert e.value.code == "task.by_household"
    for t in targets[:-1]:
        task_target_done(actor=worker, target=t, note="已走访")
    row.refresh_from_db()
    assert (row.state, row.done_count) == (RowState.PENDING, len(targets) - 1)
    task_target_done(actor=worker, target=targets[-1])
    row.refresh_from_db()
    assert (row.state, row.done_count) == (RowState.DONE, len(targets))
    with pytest.raises(DomainError) as e:
        task_target_done(actor=worker, target=targets[0])
    assert e.value.code == "conflict"
    total, _ = task_progress_for(user_named(DISPATCHER), task)
    assert (total.households, total.households_done, total.percent) == (
        len(targets),
        len(targets),
        100,
    )


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"title": "走访"}, "task.title"),
        ({"due_on": timezone.localdate() - dt.timedelta(days=1)}, "task.due_on"),
        ({"area_codes": []}, "task.areas"),
        ({"area_codes": ["611022109999"]}, "not_found"),
        ({"tag": "ghosts"}, "task.tag"),
        ({"colour": "blue"}, "task.colour"),
        ({"tag": "community_correction"}, "forbidden"),  # a sensitive group: not the centre's
    ],
)
def test_bad_input_gives_no_task(db: None, user_named, changes, code) -> None:  # type: ignore[no-untyped-def]
    before = (Task.objects.count(), TaskGrid.objects.count())
    with pytest.raises(DomainError) as e:
        _give(user_named(COMMAND), **changes)
    assert e.value.code == code
    assert e.value.message
    assert (Task.objects.count(), TaskGrid.objects.count()) == before


def test_the_last_two_households_done_at_once_close_the_row_once(
    django_db_setup, django_db_blocker
) -> None:  # type: ignore[no-untyped-def]
    """Two workers (on their own connections, committing for real) complete
    the last two households of a grid at the same moment: both count, the
    row turns done exactly once."""
    from django.db import connections

    from wangge.accounts.models import User

    with django_db_blocker.unblock():
        dispatcher = User.objects.get(username=DISPATCHER)
        worker = User.objects.get(username=WORKER)
        task = _give(dispatcher, area_codes=[GRID], colour="green")
        row = TaskGrid.objects.get(task=task)
        targets = list(row.targets.all())
        for t in targets[:-2]:
            task_target_done(actor=worker, target=t)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def complete(target_id: int) -> None:
        try:
            with django_db_blocker.unblock():
                target = TaskTarget.objects.select_related("row__task").get(pk=target_id)
                start.wait()
                task_target_done(actor=worker, target=target, note="同时完成")
        except BaseException as exc:  # re-raised below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=complete, args=(t.pk,)) for t in targets[-2:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with django_db_blocker.unblock():
        try:
            assert not errors, errors
            row.refresh_from_db()
            assert (row.state, row.done_count) == (RowState.DONE, len(targets))
            assert row.targets.filter(done_at__isnull=True).count() == 0
        finally:
            task.delete()  # committed for real: leave no trace
