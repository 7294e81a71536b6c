"""Offline sync, the server's side: a phone sends the operations it made
while it had no signal, in the order it made them, and each is applied
exactly once.

The contract (decision 0017):

- Every operation carries ``id``, a UUID the phone made when the record
  was made, and ``op``, one of ``OPS``. The id is the record's id too (a
  visit's, a patrol's, a finding's, a change request's).
- Operations are applied in the order sent, each in its own transaction
  with its ``SyncOp`` row, inserted first: the operation happened and is
  on file, or neither. A second copy of the id — a resend after a lost
  answer, or the same batch sent twice at once — finds the row (or waits
  on its unique index until the first commits) and is answered
  ``duplicate`` with the first answer.
- Answers, one per operation, in order: ``ok``; ``duplicate`` (already
  had it: ``original`` and ``result`` as first answered); ``conflict``
  (stored, but flagged for a person — a household change whose household
  was changed meanwhile — or nothing to do because someone did it first,
  e.g. a patrol already stopped; ``result`` says what); ``error`` (a
  ``code`` and a Chinese ``message``; nothing of it is stored).
- An error does not stop the batch: later operations go on, except those
  that depend on a failed one in the same batch (points, stop or a
  finding of a patrol whose start failed; a change of a visit that
  failed), which fail with ``sync.depends``. The phone keeps failed
  operations, shows them, and sends them again after the user fixes them
  or discards them; sent again unchanged they are tried again (errors
  are not kept).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from wangge.core.errors import DomainError
from wangge.gridwork.changes import change_propose
from wangge.gridwork.models import ChangeStatus, SyncOp, Visit
from wangge.gridwork.patrols import (
    finding_record,
    patrol_get,
    patrol_points_add,
    patrol_start,
    patrol_stop,
)
from wangge.gridwork.times import client_time
from wangge.gridwork.visits import household_for_field, visit_record
from wangge.registry import visits as schedule

MAX_OPS = 200


@dataclass(frozen=True)
class Done:
    status: str  # "ok" | "conflict"
    result: dict[str, Any]


def _visit(actor: Any, op_id: uuid.UUID, op: dict[str, Any]) -> Done:
    household = household_for_field(op.get("household", ""))
    visit = visit_record(
        actor=actor,
        client_id=op_id,
        household=household,
        visited_at=client_time(op.get("at"), "走访时间"),
        notes=op.get("notes", ""),
        lon=op.get("lon"),
        lat=op.get("lat"),
        accuracy=op.get("accuracy"),
        duties=_codes(op.get("duties")),
    )
    household.refresh_from_db(fields=["last_visit_on", "colour"])
    status = schedule.status_of(household, timezone.localdate(), schedule.intervals())
    return Done(
        "ok",
        {
            "visit": str(visit.client_id),
            "household": household.number,
            "last_visit_on": household.last_visit_on.isoformat()
            if household.last_visit_on
            else None,
            "next_due_on": status.due_on.isoformat(),
        },
    )


def _patrol_start(actor: Any, op_id: uuid.UUID, op: dict[str, Any]) -> Done:
    patrol = patrol_start(
        actor=actor,
        client_id=op_id,
        grid_code=op.get("grid", ""),
        started_at=client_time(op.get("at"), "开始时间"),
        notes=op.get("notes", ""),
        duties=_codes(op.get("duties")),
    )
    return Done("ok", {"patrol": str(patrol.client_id), "grid": patrol.grid.code})


def _patrol_points(actor: Any, op_id: uuid.UUID, op: dict[str, Any]) -> Done:
    patrol = patrol_get(actor, _uuid(op.get("patrol"), "patrol"))
    added = patrol_points_add(actor=actor, patrol=patrol, points=op.get("points"))
    return Done(
        "ok",
        {
            "patrol": str(patrol.client_id),
            "added": added,
            "point_count": patrol.point_count,
            "distance_m": patrol.distance_m,
        },
    )


def _patrol_stop(actor: Any, op_id: uuid.UUID, op: dict[str, Any]) -> Done:
    patrol = patrol_get(actor, _uuid(op.get("patrol"), "patrol"))
    stopped = patrol_stop(
        actor=actor,
        patrol=patrol,
        stopped_at=client_time(op.get("at"), "结束时间"),
        notes=op.get("notes"),
        duties=_codes(op.get("duties")) if "duties" in op else None,
    )
    patrol.refresh_from_db()
    result = {
        "patrol": str(patrol.client_id),
        "stopped_at": patrol.stopped_at.isoformat() if patrol.stopped_at else None,
        "point_count": patrol.point_count,
        "distance_m": patrol.distance_m,
    }
    if not stopped:
        return Done("conflict", {**result, "what": "巡查此前已经结束"})
    return Done("ok", result)


def _finding(actor: Any, op_id: uuid.UUID, op: dict[str, Any]) -> Done:
    patrol = patrol_get(actor, _uuid(op["patrol"], "patrol")) if op.get("patrol") else None
    finding = finding_record(
        actor=actor,
        client_id=op_id,
        found_at=client_time(op.get("at"), "发现时间"),
        description=op.get("description", ""),
        outcome=op.get("outcome", ""),
        patrol=patrol,
        grid_code=op.get("grid", ""),
        household_number=op.get("household", ""),
        lon=op.get("lon"),
        lat=op.get("lat"),
        category=op.get("category", ""),
        urgency=op.get("urgency", "normal"),
        handled_note=op.get("handled_note", ""),
        duties=_codes(op.get("duties")),
    )
    return Done(
        "ok",
        {
            "finding": str(finding.client_id),
            "outcome": finding.outcome,
            "request": finding.request.number if finding.request else None,
        },
    )


def _household_change(actor: Any, op_id: uuid.UUID, op: dict[str, Any]) -> Done:
    household = household_for_field(op.get("household", ""))
    visit = None
    if op.get("visit"):
        visit = Visit.objects.filter(
            client_id=_uuid(op["visit"], "visit"), worker=actor, household=household
        ).first()
        if visit is None:
            raise DomainError("change.visit", "关联的走访记录不存在,请先同步走访")
    at = client_time(op.get("at"), "发现时间")
    # Field-work access as for a visit to the household at that moment.
    from wangge.gridwork.access import require_field_work

    require_field_work(actor, household.area_path, household.grid_id, at, "户")
    change = change_propose(
        actor=actor,
        client_id=op_id,
        household=household,
        entries=op.get("changes"),
        seen_state=op.get("seen_state", ""),
        proposed_at=at,
        visit=visit,
        note=op.get("note", ""),
    )
    result: dict[str, Any] = {"change": str(change.client_id), "status": change.status}
    if change.status == ChangeStatus.CONFLICT:
        result["what"] = "提交前该户信息已被他人修改,已转人工核对"
        result["current"] = change.conflict.get("current", [])
        return Done("conflict", result)
    return Done("ok", result)


OPS: dict[str, Callable[[Any, uuid.UUID, dict[str, Any]], Done]] = {
    "visit": _visit,
    "patrol_start": _patrol_start,
    "patrol_points": _patrol_points,
    "patrol_stop": _patrol_stop,
    "finding": _finding,
    "household_change": _household_change,
}
# The operation another one needs to have been applied first.
_DEPENDS = {"patrol_points": "patrol", "patrol_stop": "patrol", "finding": "patrol"}


def _codes(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise DomainError("field.duties", "duties 应为职责编码的列表")
    return [str(v) for v in value]


def _uuid(value: Any, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise DomainError("sync.id", f"{what} 应为 UUID") from None


def _error(op_id: Any, code: str, message: str) -> dict[str, Any]:
    return {"id": str(op_id or ""), "status": "error", "code": code, "message": message}


def _duplicate(op_id: uuid.UUID, actor: Any) -> dict[str, Any] | None:
    first = SyncOp.objects.filter(client_id=op_id).first()
    if first is None:
        return None
    if first.user_id != actor.pk:
        return _error(op_id, "sync.id_taken", "该记录编号已被他人使用,请重新生成")
    return {
        "id": str(op_id),
        "status": "duplicate",
        "original": first.status,
        "result": first.result,
    }


def sync_apply(*, actor: Any, ops: Any) -> list[dict[str, Any]]:
    """Apply a batch of operations (see the module docstring); one answer
    per operation, in order. A malformed batch as a whole is refused with
    nothing applied."""
    if not isinstance(ops, list) or not ops:
        raise DomainError("sync.batch", "ops 应为非空列表")
    if len(ops) > MAX_OPS:
        raise DomainError("sync.batch", f"每批最多 {MAX_OPS} 条,请分批发送")
    failed: set[str] = set()
    return [_one(actor, op, failed, n) for n, op in enumerate(ops, 1)]


def _one(actor: Any, op: Any, failed: set[str], n: int) -> dict[str, Any]:
    if not isinstance(op, dict):
        return _error("", "sync.op", f"第 {n} 条格式不对")
    try:
        op_id = _uuid(op.get("id"), f"第 {n} 条的 id")
    except DomainError as exc:
        return _error(op.get("id"), exc.code, exc.message)
    kind = op.get("op")
    if kind not in OPS:
        failed.add(str(op_id))
        return _error(op_id, "sync.op", f"第 {n} 条:未知操作“{kind}”")
    needs = op.get(_DEPENDS.get(str(kind), "")) or (
        op.get("visit") if kind == "household_change" else None
    )
    if needs and str(needs) in failed:
        failed.add(str(op_id))
        return _error(op_id, "sync.depends", f"第 {n} 条所依赖的记录未能保存,本条暂不处理")
    seen = _duplicate(op_id, actor)
    if seen is not None:
        return seen
    try:
        with transaction.atomic():
            # The ledger row first: a copy of this operation running at the
            # same moment waits here on the unique id until this one ends.
            ledger = SyncOp.objects.create(
                client_id=op_id, user=actor, kind=kind, status="ok", received_at=timezone.now()
            )
            done = OPS[kind](actor, op_id, op)
            SyncOp.objects.filter(pk=ledger.pk).update(status=done.status, result=done.result)
    except DomainError as exc:
        failed.add(str(op_id))
        return _error(op_id, exc.code, exc.message)
    except IntegrityError:
        seen = _duplicate(op_id, actor)
        if seen is not None:
            return seen
        failed.add(str(op_id))
        # The record's own id was used by another kind of operation.
        return _error(op_id, "sync.id_taken", "该记录编号已被使用,请重新生成")
    return {"id": str(op_id), "status": done.status, "result": done.result}
