"""What a worker records in the field, usually on a phone that may be
offline: visits to households, patrols with their trail, things found on
the way, and photos of them.

Every record carries the id the phone gave it (``client_id``, a UUID), so
the same record sent twice is stored once; the time the phone says it
happened and the time the server received it; and, like the registry's
rows, the grid it belonged to then (``area_path`` for reach,
``county_code`` for partitioning).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q


class Visit(models.Model):
    """A visit to a household (入户走访). Recording one moves the
    household's ``last_visit_on`` forwards (never back), which moves its
    place in the visit schedule. Changes the worker noticed are separate
    ``HouseholdChange`` rows, reviewed by a person."""

    client_id = models.UUIDField(unique=True)
    # No index of their own for household and worker: the composite
    # indexes below lead with them (one index fewer to keep per row).
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="户",
        on_delete=models.PROTECT,
        related_name="visits",
        db_index=False,
    )
    grid = models.ForeignKey(
        "territory.Area", verbose_name="网格", on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=128)
    county_code = models.CharField(max_length=6)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="走访人",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    visited_at = models.DateTimeField("走访时间")
    received_at = models.DateTimeField("接收时间")
    # Facts for the figures, fixed when the visit is recorded (and the due
    # day moved if an earlier visit arrives later from an offline phone):
    # the local day, the household's colour then, and the day this visit
    # fell due — the visit before it plus that colour's interval (None for
    # a household's first visit). On time: visited_on <= due_on.
    visited_on = models.DateField("走访日期")
    colour = models.CharField("走访时颜色", max_length=8, blank=True)
    due_on = models.DateField("应走访日期", null=True, blank=True)
    notes = models.TextField("走访情况", blank=True)
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    accuracy = models.FloatField("定位精度(米)", null=True, blank=True)
    duties = models.ManyToManyField("gridwork.Duty", verbose_name="履行职责", blank=True)

    class Meta:
        verbose_name = "入户走访"
        verbose_name_plural = "入户走访"
        ordering: ClassVar[list[str]] = ["-visited_at", "-pk"]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["household", "-visited_at"], name="gridwork_visit_household"),
            models.Index(fields=["worker", "-visited_at"], name="gridwork_visit_worker"),
            models.Index(
                fields=["area_path"], name="gridwork_visit_reach", opclasses=["varchar_pattern_ops"]
            ),
            # The figures: per grid and colour in index order, read from the
            # index alone (no sort, no table).
            models.Index(
                fields=["area_path", "colour", "visited_on", "due_on"],
                name="gridwork_visit_figures",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "date_ops", "date_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visited_at:%Y-%m-%d}"


class Patrol(models.Model):
    """A patrol (巡查) of a grid: started and stopped on the phone, with the
    trail of positions in between (``PatrolPoint``) and what was found
    (``Finding``)."""

    client_id = models.UUIDField(unique=True)
    worker = models.ForeignKey(  # indexed by gridwork_patrol_worker
        settings.AUTH_USER_MODEL,
        verbose_name="巡查人",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    grid = models.ForeignKey(
        "territory.Area", verbose_name="网格", on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=128)
    county_code = models.CharField(max_length=6)
    started_at = models.DateTimeField("开始")
    started_on = models.DateField("巡查日期")  # the local day, for the figures
    stopped_at = models.DateTimeField("结束", null=True, blank=True)
    received_at = models.DateTimeField("接收时间")
    notes = models.TextField("巡查情况", blank=True)
    point_count = models.PositiveIntegerField("轨迹点数", default=0)
    distance_m = models.FloatField("里程(米)", default=0)
    duties = models.ManyToManyField("gridwork.Duty", verbose_name="履行职责", blank=True)

    class Meta:
        verbose_name = "巡查"
        verbose_name_plural = "巡查"
        ordering: ClassVar[list[str]] = ["-started_at", "-pk"]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["worker", "-started_at"], name="gridwork_patrol_worker"),
            models.Index(
                fields=["area_path"],
                name="gridwork_patrol_reach",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["area_path", "started_on", "grid"],
                name="gridwork_patrol_figures",
                opclasses=["varchar_pattern_ops", "date_ops", "int8_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.started_at:%Y-%m-%d %H:%M}"


class PatrolPoint(models.Model):
    """One position of a patrol's trail, as the phone took it."""

    patrol = models.ForeignKey(  # indexed by gridwork_point_patrol
        Patrol, on_delete=models.CASCADE, related_name="points", db_index=False
    )
    at = models.DateTimeField()
    lon = models.FloatField()
    lat = models.FloatField()
    accuracy = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = "巡查轨迹点"
        verbose_name_plural = "巡查轨迹点"
        ordering: ClassVar[list[str]] = ["at", "pk"]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["patrol", "at"], name="gridwork_point_patrol")
        ]

    def __str__(self) -> str:
        return f"{self.patrol_id} {self.at:%H:%M:%S}"


class FindingOutcome(models.TextChoices):
    REPORTED = "reported", "上报诉求"
    HANDLED = "handled", "现场处置"


class Finding(models.Model):
    """Something a worker found (发现问题), on a patrol or not: either
    reported as a request in the same step (``request``, channel grid
    worker) or handled on the spot (``handled_note``)."""

    client_id = models.UUIDField(unique=True)
    patrol = models.ForeignKey(
        Patrol, null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    worker = models.ForeignKey(  # indexed by gridwork_finding_worker
        settings.AUTH_USER_MODEL,
        verbose_name="发现人",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    grid = models.ForeignKey(
        "territory.Area", verbose_name="网格", on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=128)
    county_code = models.CharField(max_length=6)
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    found_at = models.DateTimeField("发现时间")
    received_at = models.DateTimeField("接收时间")
    description = models.TextField("情况")
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    outcome = models.CharField("处理方式", max_length=10, choices=FindingOutcome.choices)
    request = models.ForeignKey(
        "dispatch.Request", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_note = models.TextField("处置情况", blank=True)
    duties = models.ManyToManyField("gridwork.Duty", verbose_name="履行职责", blank=True)

    class Meta:
        verbose_name = "发现问题"
        verbose_name_plural = "发现问题"
        ordering: ClassVar[list[str]] = ["-found_at", "-pk"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(outcome="reported", request__isnull=False)
                | Q(outcome="handled", request__isnull=True),
                name="gridwork_finding_outcome",
            )
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["worker", "-found_at"], name="gridwork_finding_worker"),
            models.Index(
                fields=["area_path"],
                name="gridwork_finding_reach",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.found_at:%Y-%m-%d} {self.outcome}"


class FieldPhoto(models.Model):
    """A photo of a visit or a finding, sent on its own after the record
    (one photo per upload, so a weak signal carries one small file at a
    time). Re-encoded like requests' photos: no EXIF, no GPS."""

    client_id = models.UUIDField(unique=True)
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(upload_to="field/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "现场照片"
        verbose_name_plural = "现场照片"
        ordering: ClassVar[list[str]] = ["at", "pk"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(visit__isnull=False, finding__isnull=True)
                | Q(visit__isnull=True, finding__isnull=False),
                name="gridwork_photo_of_one_record",
            )
        ]

    def __str__(self) -> str:
        return str(self.client_id)
