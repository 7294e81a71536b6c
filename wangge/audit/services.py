"""Writing to the audit log, and checking it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from wangge.audit.chain import GENESIS, HASHED_FIELDS, link_hash
from wangge.audit.models import AuditHead, AuditRecord
from wangge.core.context import current_origin


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    area_path: str = "",
    reason: str = "",
    changes: Mapping[str, Any] | None = None,
) -> AuditRecord:
    """Append one record to the chain.

    Call it inside the transaction of the write it records, so both commit or
    neither does. ``actor`` is a user or None (the system, e.g. a command run
    with no ``--actor``). ``changes`` must be JSON-serialisable and must not
    carry full personal data: say what was read, not the value.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "code", None) or obj.pk)
        object_label = object_label or str(obj)[:200]
        area_path = area_path or getattr(obj, "path", "") or ""
    origin = current_origin()
    with transaction.atomic():
        # Lock the head first: serialises appenders (see AuditHead).
        updated = AuditHead.objects.filter(pk=1).update(seq=F("seq") + 1)
        if not updated:
            AuditHead.objects.create(pk=1, seq=1, hash=GENESIS)
        head = AuditHead.objects.get(pk=1)
        user_id = getattr(actor, "pk", None) if actor is not None else None
        content: dict[str, Any] = {
            "seq": head.seq,
            "at": timezone.now(),
            "actor_id": user_id,
            "actor_label": getattr(actor, "username", "") if actor is not None else "system",
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "object_label": object_label[:200],
            "area_path": area_path,
            "address": origin.address,
            "channel": origin.channel,
            "user_agent": origin.user_agent,
            "reason": reason[:500],
            "changes": dict(changes or {}),
        }
        digest = link_hash(head.hash, content)
        record = AuditRecord(prev_hash=head.hash, hash=digest, **content)
        record.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(hash=digest)
    return record


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None and not self.problem


def audit_verify(*, chunk_size: int = 5000) -> ChainReport:
    """Walk the whole chain in order and name the first record that does not
    fit: content changed (hash mismatch), a record missing or inserted (the
    sequence or the back-link breaks), or records cut from the end (the head
    no longer matches)."""
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    values = ("prev_hash", "hash", *HASHED_FIELDS)
    for row in AuditRecord.objects.order_by("seq").values(*values).iterator(chunk_size):
        content = {k: row[k] for k in HASHED_FIELDS}
        if row["seq"] != expected_seq:
            return ChainReport(checked, row["seq"], f"序号不连续:应为 {expected_seq}")
        if row["prev_hash"] != prev_hash:
            return ChainReport(checked, row["seq"], "与前一条记录的链接断开")
        if link_hash(prev_hash, content) != row["hash"]:
            return ChainReport(checked, row["seq"], "内容与哈希不符(记录被改动)")
        prev_hash = row["hash"]
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != checked or head_hash != prev_hash:
        return ChainReport(checked, checked + 1, f"链尾缺失:链头记录到第 {head_seq} 条")
    return ChainReport(checked)
