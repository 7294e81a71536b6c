from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(models.QuerySet["AuditRecord"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit records are append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit records are append-only")


class AuditRecord(models.Model):
    """One entry of the append-only, hash-chained audit log.

    Every write of governance data and every read of full personal data adds
    one record: who (``actor``, with the username copied so it survives a
    rename), what (``action``, the object), when (``at``, UTC), from where
    (``address``, ``channel``) and why (``reason``). ``hash`` is SM3 over the
    previous record's hash and this record's canonical content, so changing,
    removing or re-ordering any record breaks the chain from there on; the
    ``verify_audit`` command finds the first broken record.

    Only ``wangge.audit.services.audit_record`` creates records. The model,
    its queryset, the admin and (on both databases) a trigger refuse updates;
    PostgreSQL also refuses deletes.
    """

    seq = models.PositiveBigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,  # the log must outlive anything it points at
    )
    actor_label = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("动作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象标识", max_length=64, blank=True, db_index=True)
    object_label = models.CharField("对象", max_length=200, blank=True)
    area_path = models.CharField("所属区域路径", max_length=128, blank=True, db_index=True)
    address = models.CharField("来源地址", max_length=64, blank=True)
    channel = models.CharField("渠道", max_length=16, blank=True)
    user_agent = models.CharField("客户端", max_length=200, blank=True)
    reason = models.CharField("事由", max_length=500, blank=True)
    changes = models.JSONField("内容", default=dict, blank=True)
    prev_hash = models.CharField("前一条哈希", max_length=64)
    hash = models.CharField("哈希(SM3)", max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering: ClassVar[list[str]] = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit records are append-only")


class AuditHead(models.Model):
    """The chain's tip: the last sequence number and hash. Appending locks this
    one row first, which serialises appenders on both databases (on SQLite
    the UPDATE takes the write lock), so two concurrent writers can never
    chain onto the same predecessor. It also lets ``verify_audit`` notice
    records removed from the end."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "审计链头"

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
