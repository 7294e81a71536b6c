"""Grid workers, their A/B posts over time, their leave, and the reserve pool.

Who serves a grid at a moment is decided from these rows by
``wangge.gridwork.cover`` and nowhere else.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class WorkerKind(models.TextChoices):
    FULL_TIME = "full_time", "专职"
    PART_TIME = "part_time", "兼职"


class GridWorker(models.Model):
    """A grid worker (网格员): a user who signs in on the phone, full-time
    or part-time, registered with a village or community (or a town for
    town-wide grids). The phone number is kept like the registry's: an SM4
    token, a blind index for exact search, a mask for display.

    An inactive worker serves no grid whatever posts still name them
    (``cover`` treats them as away)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grid_worker"
    )
    kind = models.CharField("类别", max_length=10, choices=WorkerKind.choices)
    area = models.ForeignKey(
        "territory.Area", verbose_name="所属村(社区)", on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=128)
    county_code = models.CharField(max_length=6)
    phone_enc = models.TextField(blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField("联系电话", max_length=16, blank=True)
    is_active = models.BooleanField("在岗", default=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "网格员"
        verbose_name_plural = "网格员"
        indexes: ClassVar[list[Any]] = [
            models.Index(
                fields=["area_path"],
                name="gridwork_worker_reach",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class Post(models.TextChoices):
    A = "A", "A岗"
    B = "B", "B岗"


class GridPost(models.Model):
    """One worker holding the A or B post of a grid from ``started_at``
    until ``ended_at`` (open: holds it now). A rotation (轮岗) or any change
    closes the open row and opens a new one — rows are never overwritten,
    so the history of who held which post stays. At most one open row per
    grid and post, and a worker never holds both posts of one grid."""

    grid = models.ForeignKey(
        "territory.Area", verbose_name="网格", on_delete=models.PROTECT, related_name="+"
    )
    post = models.CharField("岗位", max_length=1, choices=Post.choices)
    worker = models.ForeignKey(
        GridWorker, verbose_name="网格员", on_delete=models.PROTECT, related_name="posts"
    )
    area_path = models.CharField(max_length=128)
    county_code = models.CharField(max_length=6)
    started_at = models.DateTimeField("上岗时间")
    ended_at = models.DateTimeField("离岗时间", null=True, blank=True)
    note = models.CharField("调整说明", max_length=200, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "AB岗"
        verbose_name_plural = "AB岗"
        ordering: ClassVar[list[str]] = ["grid__code", "post", "-started_at"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["grid", "post"],
                condition=Q(ended_at__isnull=True),
                name="gridwork_one_open_post",
            ),
            models.UniqueConstraint(
                fields=["grid", "worker"],
                condition=Q(ended_at__isnull=True),
                name="gridwork_one_post_per_grid",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="gridwork_post_ends_after_start",
            ),
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["worker", "ended_at"], name="gridwork_post_worker"),
            models.Index(fields=["grid", "ended_at"], name="gridwork_post_grid"),
            models.Index(
                fields=["area_path"], name="gridwork_post_reach", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.post} {self.worker_id}"


class LeaveKind(models.TextChoices):
    LEAVE = "leave", "请假"
    AWAY = "away", "外出"
    TRAINING = "training", "培训学习"


class Leave(models.Model):
    """A worker away (请假 / 外出) from ``starts_at`` to ``ends_at``. While
    away, their A grids are served by the B post. Ending early sets
    ``ends_at`` to the moment it ended and keeps what was planned in
    ``planned_ends_at``; a leave is never deleted."""

    worker = models.ForeignKey(
        GridWorker, verbose_name="网格员", on_delete=models.PROTECT, related_name="leaves"
    )
    kind = models.CharField("类型", max_length=10, choices=LeaveKind.choices)
    starts_at = models.DateTimeField("开始")
    ends_at = models.DateTimeField("结束")
    planned_ends_at = models.DateTimeField("原定结束")
    reason = models.CharField("事由", max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    ended_early_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_early_at = models.DateTimeField("提前销假", null=True, blank=True)

    class Meta:
        verbose_name = "请假外出"
        verbose_name_plural = "请假外出"
        ordering: ClassVar[list[str]] = ["-starts_at"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="gridwork_leave_ends_after_start"
            )
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["worker", "ends_at"], name="gridwork_leave_worker"),
            models.Index(fields=["ends_at"], name="gridwork_leave_current"),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.starts_at:%Y-%m-%d}–{self.ends_at:%Y-%m-%d}"


class ReserveTrack(models.TextChoices):
    GRID_WORKER = "grid_worker", "网格员"
    VILLAGE_CADRE = "village_cadre", "村(社区)干部"


class ReserveStatus(models.TextChoices):
    CANDIDATE = "candidate", "储备"
    TRAINING = "training", "培养中"
    APPOINTED = "appointed", "已任用"
    WITHDRAWN = "withdrawn", "已退出"


class ReservePerson(models.Model):
    """One person on the reserve pool ledger (后备队伍台账): ready to become
    a grid worker or a village cadre. Phone kept like the registry's."""

    name = models.CharField("姓名", max_length=32)
    gender = models.CharField("性别", max_length=1, choices=[("M", "男"), ("F", "女")], blank=True)
    birth_year = models.PositiveSmallIntegerField("出生年份", null=True, blank=True)
    phone_enc = models.TextField(blank=True)
    phone_index = models.CharField(max_length=64, blank=True)
    phone_masked = models.CharField("联系电话", max_length=16, blank=True)
    village = models.ForeignKey(
        "territory.Area", verbose_name="村(社区)", on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=128)
    county_code = models.CharField(max_length=6)
    education = models.CharField("文化程度", max_length=16, blank=True)
    political_status = models.CharField("政治面貌", max_length=16, blank=True)
    skills = models.CharField("特长", max_length=200, blank=True)
    track = models.CharField(
        "储备方向", max_length=16, choices=ReserveTrack.choices, default=ReserveTrack.GRID_WORKER
    )
    status = models.CharField(
        "状态", max_length=10, choices=ReserveStatus.choices, default=ReserveStatus.CANDIDATE
    )
    notes = models.TextField("备注", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "后备人员"
        verbose_name_plural = "后备队伍台账"
        ordering: ClassVar[list[str]] = ["area_path", "status", "name"]
        indexes: ClassVar[list[Any]] = [
            models.Index(
                fields=["area_path"],
                name="gridwork_reserve_reach",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def age(self) -> int | None:
        return timezone.localdate().year - self.birth_year if self.birth_year else None
