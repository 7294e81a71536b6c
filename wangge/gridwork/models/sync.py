from __future__ import annotations

from django.conf import settings
from django.db import models


class SyncOp(models.Model):
    """One operation a phone sent (``POST /api/field/sync/``), kept once by
    the id the phone gave it. Inserted in the same transaction as what the
    operation did, so an operation either happened and is here, or neither;
    a resend finds it and is answered with the same ``result``. Operations
    that failed are not kept: sent again, they are tried again."""

    client_id = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24)
    status = models.CharField(max_length=10)  # ok | conflict
    result = models.JSONField(default=dict)
    received_at = models.DateTimeField()

    class Meta:
        verbose_name = "同步记录"
        verbose_name_plural = "同步记录"

    def __str__(self) -> str:
        return f"{self.kind} {self.client_id}"
