"""A message is a row before it is anything else: what the staff inbox and
the resident portal show, and what a sender delivers. Nothing is lost when
the SMS gateway is down — the row stays, marked failed, and can be resent."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models


class Audience(models.TextChoices):
    RESIDENT = "resident", "居民"
    STAFF = "staff", "工作人员"


class Status(models.TextChoices):
    STORED = "stored", "站内"  # the default sender: shown in the portal and the inbox
    QUEUED = "queued", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class Message(models.Model):
    audience = models.CharField("对象", max_length=8, choices=Audience.choices)
    # A staff message goes to a unit (everyone acting for it sees it); a
    # resident's to the phone they gave, kept like the registry's phones.
    unit = models.ForeignKey(
        "accounts.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A staff message for one person of the unit (the grid worker on duty):
    # only they see it; None: everyone acting for the unit.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    phone_enc = models.TextField(blank=True)
    phone_index = models.CharField(max_length=64, blank=True)
    request = models.ForeignKey(
        "dispatch.Request", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField("类型", max_length=24)
    body = models.TextField("内容")
    # Set for messages that must go out once only (a deadline warning), so
    # two sweeps at once still send one.
    once_key = models.CharField(max_length=96, null=True, blank=True)  # noqa: DJ001
    sender = models.CharField("发送方式", max_length=32, default="stored")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.STORED)
    error = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField("已读", null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering: ClassVar[list[str]] = ["-created_at", "-pk"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["once_key"], name="notify_once")
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["unit", "read_at"], name="notify_inbox"),
            models.Index(fields=["status"], name="notify_status"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.body[:20]}"
