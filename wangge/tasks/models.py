"""Assigned tasks (交办任务): the command centre or a town office gives many
grids the same piece of work at once — "寒潮来临前走访所有独居老人" — with a
due date; each grid's share is a ``TaskGrid`` row that its grid worker
completes, with a note, or household by household when the task names its
target households (``TaskTarget``: people with a registry tag, households
of a colour). Progress is counted from the rows, per village and town.

Rows carry the grid's ``area_path`` like every large table, so reach is a
prefix filter and a village secretary sees only their village's share.
Written only by ``wangge.tasks.services``; completing is a conditional
update, so two people completing the same row at once cannot both count.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Task(models.Model):
    title = models.CharField("任务名称", max_length=60)
    description = models.TextField("任务要求", blank=True)
    due_on = models.DateField("完成期限")
    # The choice as made: area codes (a county, towns, villages, grids) and
    # the optional target filter. The rows are what the choice resolved to
    # when the task was given; later changes to the registry do not move it.
    area_codes = models.JSONField("交办范围", default=list)
    target_tag = models.CharField("对象标签", max_length=32, blank=True)
    target_colour = models.CharField("对象颜色", max_length=8, blank=True)
    grid_count = models.PositiveIntegerField("网格数", default=0)
    household_count = models.PositiveIntegerField("对象户数", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="交办单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Not auto_now_add: the demo writes past tasks with their real times.
    created_at = models.DateTimeField("交办时间", default=timezone.now)

    class Meta:
        verbose_name = "交办任务"
        verbose_name_plural = "交办任务"
        ordering: ClassVar[list[str]] = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def by_household(self) -> bool:
        return bool(self.target_tag or self.target_colour)


class RowState(models.TextChoices):
    PENDING = "pending", "待完成"
    DONE = "done", "已完成"
    # The grid was redrawn before its share was done: the share goes on in
    # the new grids' rows (see ``tasks.redraw``). Such a row is neither
    # unfinished nor done work: progress and figures leave it out.
    CARRIED = "carried", "已随网格调整转出"


def counted_q() -> Q:
    """Rows that count in progress and figures: not those carried to new grids."""
    return ~Q(state=RowState.CARRIED)


class TaskGrid(models.Model):
    """One grid's share of a task. With target households it is done when
    the last of them is (``done_count`` reaches ``target_count``);
    otherwise when the grid worker says so, with a note."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="rows")
    grid = models.ForeignKey(
        "territory.Area", verbose_name="网格", on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=128)
    state = models.CharField(
        "状态", max_length=8, choices=RowState.choices, default=RowState.PENDING
    )
    target_count = models.PositiveIntegerField("对象户数", default=0)
    done_count = models.PositiveIntegerField("已完成户数", default=0)
    note = models.TextField("完成情况", blank=True)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "网格任务"
        verbose_name_plural = "网格任务"
        ordering: ClassVar[list[str]] = ["task", "area_path"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["task", "grid"], name="tasks_one_row_per_grid")
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(
                fields=["area_path", "state"],
                name="tasks_row_reach",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["grid", "state"], name="tasks_row_grid"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}@{self.grid_id}"


class TaskTarget(models.Model):
    """A household a task names, in its grid's row."""

    row = models.ForeignKey(TaskGrid, on_delete=models.CASCADE, related_name="targets")
    household = models.ForeignKey("registry.Household", on_delete=models.CASCADE, related_name="+")
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField("情况", max_length=200, blank=True)

    class Meta:
        verbose_name = "任务对象户"
        verbose_name_plural = "任务对象户"
        ordering: ClassVar[list[str]] = ["row", "household"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["row", "household"], name="tasks_target_once")
        ]

    def __str__(self) -> str:
        return f"{self.row_id}:{self.household_id}"
