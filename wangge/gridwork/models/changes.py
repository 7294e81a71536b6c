from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models


class ChangeStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    CONFLICT = "conflict", "有冲突,待核对"
    APPROVED = "approved", "已采纳"
    REJECTED = "rejected", "未采纳"


class HouseholdChange(models.Model):
    """A change to a household a worker noticed (a new phone number, a
    member gone to work elsewhere, a new address…): a request to change the
    registry, never a direct edit.

    ``proposed`` is a list of ``{"target", "field", "value"}`` (see
    ``wangge.gridwork.changes`` for the fields that may be proposed);
    ``seen_state`` is the household's state token as the phone saw it (from
    the household card). If the household has been changed by anyone since,
    the request is ``conflict`` — flagged for a person, who approves it with
    the values they choose or rejects it; nothing is overwritten silently.
    Approval applies the values through the registry's services (audited)
    and keeps what was applied in ``applied``."""

    client_id = models.UUIDField(unique=True)
    household = models.ForeignKey(
        "registry.Household", verbose_name="户", on_delete=models.PROTECT, related_name="+"
    )
    visit = models.ForeignKey(
        "gridwork.Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    area_path = models.CharField(max_length=128)
    county_code = models.CharField(max_length=6)
    proposed = models.JSONField("变更内容")
    seen_state = models.CharField(max_length=64)
    status = models.CharField(
        "状态", max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    # What differed when flagged: per proposed entry, the value shown to the
    # worker's phone and the value in the registry then (both masked).
    conflict = models.JSONField("冲突情况", default=dict, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField("发现时间")
    received_at = models.DateTimeField("接收时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_note = models.CharField("审核意见", max_length=200, blank=True)
    applied = models.JSONField("已采纳内容", default=list, blank=True)

    class Meta:
        verbose_name = "户信息变更申请"
        verbose_name_plural = "户信息变更申请"
        ordering: ClassVar[list[str]] = ["-received_at", "-pk"]
        indexes: ClassVar[list[Any]] = [
            models.Index(
                fields=["area_path", "status"],
                name="gridwork_change_queue",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["household", "status"], name="gridwork_change_household"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.status}"
