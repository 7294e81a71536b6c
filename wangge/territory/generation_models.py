"""Grid generations (网格划分方案): a village's grids, redrawn as a whole and switched on at once.

A ``GridGeneration`` is one partition of a village's households into grids. It is computed as a
*draft* (who computed it, with which sizes and barriers, the partition's quality report, every
household's new grid and each grid's polygon are kept), *submitted* for approval, and then
either *activated* — its grids become the village's grids in one transaction, the previous
active generation becomes *superseded* — or *rejected* (with a reason) or *discarded*.
Grids are never edited in place or deleted: a generation makes new grid areas with new codes
and deactivates the old ones, so requests, visits and history keep the grid they had. The rules
live in ``wangge.territory.generations`` (drafts) and ``wangge.territory.activation``; see
docs/decisions/0015-grid-generations.md.

``HouseholdGridChange`` is the history of the grid of each household: one row each time a
generation moved it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q


class GenerationState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审批"
    ACTIVE = "active", "已启用"
    SUPERSEDED = "superseded", "已被取代"
    REJECTED = "rejected", "已退回"
    DISCARDED = "discarded", "已作废"


class GenerationOrigin(models.TextChoices):
    APP = "app", "页面计算"
    COMMAND = "command", "命令行"
    DEMO = "demo", "演示数据"


class Measure(models.TextChoices):
    HOUSEHOLDS = "households", "户"
    PERSONS = "persons", "人"


class GridGeneration(models.Model):
    """One partition of a village into grids, from draft to active (see the module notes)."""

    village = models.ForeignKey(
        "territory.Area",
        verbose_name="村(社区)",
        on_delete=models.PROTECT,
        related_name="grid_generations",
    )
    county_code = models.CharField(max_length=6)
    state = models.CharField(
        "状态", max_length=12, choices=GenerationState.choices, default=GenerationState.DRAFT
    )
    origin = models.CharField(
        "来源", max_length=10, choices=GenerationOrigin.choices, default=GenerationOrigin.APP
    )
    # The settings: sizes in households or persons, whether it was drawn from scratch (not
    # from the current grids), and the barriers (GeoJSON lines) no grid may straddle.
    measure = models.CharField(
        "规模单位", max_length=10, choices=Measure.choices, default=Measure.HOUSEHOLDS
    )
    minimum = models.PositiveIntegerField("每格下限")
    maximum = models.PositiveIntegerField("每格上限")
    fresh = models.BooleanField("从头划分(不参考现有网格)", default=False)
    barriers = models.JSONField("阻隔线(GeoJSON)", default=list, blank=True)
    # The village's active grid codes when it was computed: activation refuses a generation
    # computed against grids that have changed since.
    base_codes = models.JSONField(default=list, blank=True)
    report = models.JSONField("质量报告", default=dict, blank=True)
    # Per grid: code, households, persons, centroid, rms_m, in_bounds, contiguous, zone,
    # geometry (GeoJSON; dropped once active, when the grid areas hold it).
    grids = models.JSONField(default=list, blank=True)
    assignment = models.JSONField("各户新网格", default=dict, blank=True)  # household id → code
    outcome = models.JSONField("启用结果", default=dict, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="计算人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    computed_at = models.DateTimeField("计算时间", auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    activated_at = models.DateTimeField("启用时间", null=True, blank=True)

    class Meta:
        verbose_name = "网格划分方案"
        verbose_name_plural = "网格划分方案"
        ordering: ClassVar[list[str]] = ["-computed_at", "-pk"]
        constraints: ClassVar[list[Any]] = [
            # The last line of defence against two activations racing.
            models.UniqueConstraint(
                fields=["village"],
                condition=Q(state="active"),
                name="territory_one_active_generation",
            ),
            models.CheckConstraint(
                condition=Q(minimum__gte=1, maximum__gte=models.F("minimum")),
                name="territory_generation_bounds",
            ),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["village", "state"])]

    def __str__(self) -> str:
        return f"{self.village_id} 方案 {self.pk}({self.get_state_display()})"

    @property
    def unit_label(self) -> str:
        return "人" if self.measure == Measure.PERSONS else "户"

    @property
    def is_open(self) -> bool:
        return self.state in (GenerationState.DRAFT, GenerationState.SUBMITTED)


class HouseholdGridChange(models.Model):
    """A household's grid changed: from which grid to which, when, and by which generation."""

    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="grid_changes"
    )
    from_grid = models.ForeignKey(
        "territory.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_grid = models.ForeignKey("territory.Area", on_delete=models.PROTECT, related_name="+")
    generation = models.ForeignKey(
        GridGeneration,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="household_changes",
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "户所属网格变更"
        verbose_name_plural = "户所属网格变更"
        ordering: ClassVar[list[str]] = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.from_grid_id} → {self.to_grid_id}"
