"""Writes about grid workers: registering them, A/B posts (轮岗: a change
closes the open row and opens a new one), and leave (请假/外出). Each is
checked against the actor's reach, done in one transaction and audited.

Posts and reach: the A post holder of a grid holds the grid worker role
there (``accounts.RoleAssignment``), granted when the post is taken and
revoked when it is left, so the A post is what reaches the grid. A B post
gives no standing reach; the covering B reaches A's grid only while A is
away (``cover``, ``accounts.reach``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from wangge.accounts.models import RoleAssignment
from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability, Role
from wangge.accounts.services import role_grant, role_revoke
from wangge.audit.services import audit_record
from wangge.core.errors import DomainError, NotFound
from wangge.gridwork.models import GridPost, GridWorker, Leave, LeaveKind, Post, WorkerKind
from wangge.registry import pii
from wangge.registry.keys import keyring
from wangge.registry.phone import PhoneError, parse_phone
from wangge.territory.models import Area

MAX_LEAVE_DAYS = 366
# A leave may be recorded after the fact, within this many days.
LEAVE_BACKDATE_DAYS = 30


def _forget_cover() -> None:
    """``update`` sends no signal: drop this process's cover snapshot."""
    from wangge.gridwork.cover import SNAPSHOT

    SNAPSHOT.forget()


def require(actor: Any, capability: str, path: str, what: str = "区域") -> None:
    """The actor may do ``capability`` at ``path``: outside their reach it
    is "not found", inside it without the capability "forbidden"."""
    if actor is None:
        return  # the system (demo seeding, commands)
    reach = reach_for(actor)
    if not reach.allows(Capability.AREA_VIEW, path):
        raise NotFound(what)
    if not reach.allows(capability, path):
        raise DomainError("forbidden", "您没有执行此操作的权限")


def protected_phone(phone: str) -> dict[str, str]:
    """The phone's token, blind index and mask (empty: all empty)."""
    if not phone.strip():
        return {"phone_enc": "", "phone_index": "", "phone_masked": ""}
    try:
        normal = parse_phone(phone)
    except PhoneError as exc:
        raise DomainError(exc.code, exc.message) from None
    ring = keyring()
    return {
        "phone_enc": pii.encrypt(ring, normal),
        "phone_index": pii.blind_index(ring, "phone", normal),
        "phone_masked": pii.mask_phone(normal),
    }


def worker_register(
    *, actor: Any, user: Any, kind: str, area: Area, phone: str = "", note: str = ""
) -> GridWorker:
    """Make ``user`` a grid worker of a village or community (or town)."""
    if area.level not in ("town", "village", "zone"):
        raise DomainError("worker.area", "网格员应登记在镇街、村(社区)或片区")
    require(actor, Capability.GRIDWORK_MANAGE, area.path)
    if kind not in WorkerKind.values:
        raise DomainError("worker.kind", "类别应为专职或兼职")
    fields = protected_phone(phone)
    try:
        with transaction.atomic():
            worker = GridWorker.objects.create(
                user=user,
                kind=kind,
                area=area,
                area_path=area.path,
                county_code=area.county_code,
                note=note.strip()[:200],
                **fields,
            )
            audit_record(
                actor=actor,
                action="gridwork.worker_register",
                obj=worker,
                area_path=area.path,
                changes={"user": user.username, "kind": kind, "area": area.code},
            )
    except IntegrityError:
        raise DomainError("worker.exists", "该用户已登记为网格员") from None
    return worker


def _grid(grid: Area) -> None:
    if grid.level != "grid" or not grid.is_active:
        raise DomainError("post.grid", "请选择一个有效的网格")


def _close(row: GridPost, *, actor: Any, at: dt.datetime) -> None:
    """Close an open post row, if it is still open (someone else may just
    have changed the post: then refuse rather than close theirs)."""
    closed = GridPost.objects.filter(pk=row.pk, ended_at__isnull=True).update(
        ended_at=at, ended_by=actor if getattr(actor, "is_authenticated", False) else None
    )
    if not closed:
        raise DomainError("conflict", "该岗位刚被他人调整,请刷新后再试")
    _forget_cover()
    if row.post == Post.A:
        for assignment in RoleAssignment.objects.filter(
            user_id=row.worker.user_id, role=Role.GRID_WORKER, area_id=row.grid_id, is_active=True
        ).select_related("area", "user"):
            role_revoke(actor=None, assignment=assignment)


def post_assign(
    *, actor: Any, grid: Area, post: str, worker: GridWorker, note: str = ""
) -> GridPost:
    """``worker`` takes the A or B post of ``grid`` from now; whoever held
    it leaves it now (their row is closed, not changed)."""
    _grid(grid)
    require(actor, Capability.GRIDWORK_MANAGE, grid.path)
    if post not in Post.values:
        raise DomainError("post.post", "岗位应为 A 岗或 B 岗")
    if not worker.is_active:
        raise DomainError("post.worker", "该网格员已不在岗,不能安排岗位")
    _require_over_worker(actor, worker, Capability.GRIDWORK_VIEW)
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            current = (
                GridPost.objects.filter(grid=grid, ended_at__isnull=True)
                .select_related("worker")
                .order_by("post")
            )
            previous = None
            for row in current:
                if row.worker_id == worker.pk:
                    if row.post == post:
                        raise DomainError("post.same", f"{worker}已在该网格的{Post(post).label}")
                    raise DomainError(
                        "post.both", f"{worker}已是该网格的{Post(row.post).label},不能兼任A、B岗"
                    )
                if row.post == post:
                    previous = row
            if previous is not None:
                _close(previous, actor=actor, at=now)
            made = GridPost.objects.create(
                grid=grid,
                post=post,
                worker=worker,
                area_path=grid.path,
                county_code=grid.county_code,
                started_at=now,
                note=note.strip()[:200],
                started_by=user,
            )
            if post == Post.A:
                role_grant(actor=None, user=worker.user, role=Role.GRID_WORKER, area=grid)
            audit_record(
                actor=actor,
                action="gridwork.post_assign",
                obj=grid,
                changes={
                    "post": post,
                    "worker": worker.user.username,
                    "previous": previous.worker.user.username if previous else None,
                    "note": note.strip()[:200],
                },
            )
    except IntegrityError:
        raise DomainError("conflict", "该岗位刚被他人调整,请刷新后再试") from None
    return made


def post_vacate(*, actor: Any, grid: Area, post: str, note: str = "") -> None:
    """The post's holder leaves it from now and nobody takes it yet."""
    _grid(grid)
    require(actor, Capability.GRIDWORK_MANAGE, grid.path)
    row = (
        GridPost.objects.filter(grid=grid, post=post, ended_at__isnull=True)
        .select_related("worker__user")
        .first()
    )
    if row is None:
        raise DomainError("post.empty", "该岗位目前无人")
    with transaction.atomic():
        _close(row, actor=actor, at=timezone.now())
        audit_record(
            actor=actor,
            action="gridwork.post_vacate",
            obj=grid,
            changes={"post": post, "worker": row.worker.user.username, "note": note.strip()[:200]},
        )


def worker_paths(worker: GridWorker) -> list[str]:
    """Where a worker belongs for reach: their registered area and the
    grids of their open posts."""
    paths = [worker.area_path]
    paths += GridPost.objects.filter(worker=worker, ended_at__isnull=True).values_list(
        "area_path", flat=True
    )
    return paths


def _require_over_worker(actor: Any, worker: GridWorker, capability: str) -> None:
    if actor is None:
        return
    reach = reach_for(actor)
    paths = worker_paths(worker)
    if not any(reach.allows(Capability.AREA_VIEW, p) for p in paths):
        raise NotFound("网格员")
    if not any(reach.allows(capability, p) for p in paths):
        raise DomainError("forbidden", "您没有执行此操作的权限")


def leave_record(
    *,
    actor: Any,
    worker: GridWorker,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
) -> Leave:
    """Record that ``worker`` is away from ``starts_at`` to ``ends_at``.
    While away, their A grids are served by B (``cover``)."""
    _require_over_worker(actor, worker, Capability.GRIDWORK_LEAVE)
    if kind not in LeaveKind.values:
        raise DomainError("leave.kind", "类型应为请假、外出或培训学习")
    reason = reason.strip()
    if len(reason) < 2:
        raise DomainError("leave.reason", "请写明请假或外出事由")
    if ends_at <= starts_at:
        raise DomainError("leave.range", "结束时间应晚于开始时间")
    if ends_at - starts_at > dt.timedelta(days=MAX_LEAVE_DAYS):
        raise DomainError("leave.range", f"一次请假外出不超过 {MAX_LEAVE_DAYS} 天")
    now = timezone.now()
    if starts_at < now - dt.timedelta(days=LEAVE_BACKDATE_DAYS):
        raise DomainError("leave.range", f"开始时间最早可补记 {LEAVE_BACKDATE_DAYS} 天前")
    with transaction.atomic():
        # One writer per worker at a time, so two overlapping leaves
        # recorded at once cannot both pass the check below.
        GridWorker.objects.select_for_update().filter(pk=worker.pk).first()
        overlap = (
            Leave.objects.filter(worker=worker, starts_at__lt=ends_at, ends_at__gt=starts_at)
            .order_by("starts_at")
            .first()
        )
        if overlap is not None:
            raise DomainError(
                "leave.overlap",
                "与已登记的"
                f"{LeaveKind(overlap.kind).label}"
                f"({timezone.localtime(overlap.starts_at):%m-%d %H:%M}"
                f"至 {timezone.localtime(overlap.ends_at):%m-%d %H:%M})重叠",
            )
        leave = Leave.objects.create(
            worker=worker,
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            planned_ends_at=ends_at,
            reason=reason[:200],
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="gridwork.leave_record",
            obj=worker,
            area_path=worker.area_path,
            changes={
                "kind": kind,
                "starts_at": starts_at.isoformat(),
                "ends_at": ends_at.isoformat(),
                "reason": reason[:200],
            },
        )
    return leave


def leave_end(*, actor: Any, leave: Leave) -> Leave:
    """The worker is back before the leave was to end (销假): it ends now
    (a leave not yet begun is thereby cancelled). A's grids are theirs again
    at once."""
    worker = leave.worker
    _require_over_worker(actor, worker, Capability.GRIDWORK_LEAVE)
    now = timezone.now()
    if leave.ends_at <= now:
        raise DomainError("leave.over", "该请假已结束")
    end = max(now, leave.starts_at)
    with transaction.atomic():
        ended = Leave.objects.filter(pk=leave.pk, ends_at__gt=now).update(
            ends_at=end,
            ended_early_at=now,
            ended_early_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if not ended:
            raise DomainError("leave.over", "该请假已结束")
        audit_record(
            actor=actor,
            action="gridwork.leave_end",
            obj=worker,
            area_path=worker.area_path,
            changes={"leave": leave.pk, "ended_at": end.isoformat()},
        )
    _forget_cover()
    leave.refresh_from_db()
    return leave


def posts_follow_grids(successor: dict[int, Area], at: dt.datetime) -> int:
    """A village's grids were redrawn (``territory.activation``): each open
    post at an old grid ends now and starts again at the grid that takes
    over that grid's work, so cover goes on without anyone re-appointing.
    Where two old grids merge into one, the first holder of each post keeps
    it (A before B, the longest-serving first) and a worker never takes both
    posts of one grid; the others' posts end, for the village to re-appoint.
    Returns the number of posts carried."""
    rows = (
        GridPost.objects.filter(grid_id__in=list(successor), ended_at__isnull=True)
        .select_related("worker", "grid")
        .order_by("post", "started_at", "pk")
    )
    taken: set[tuple[int, str]] = set()
    holders: dict[int, set[int]] = {}
    carried: list[GridPost] = []
    for row in rows:
        GridPost.objects.filter(pk=row.pk).update(ended_at=at)
        target = successor[row.grid_id]
        if (target.pk, row.post) in taken or row.worker_id in holders.get(target.pk, set()):
            continue
        taken.add((target.pk, row.post))
        holders.setdefault(target.pk, set()).add(row.worker_id)
        carried.append(
            GridPost(
                grid=target,
                post=row.post,
                worker=row.worker,
                area_path=target.path,
                county_code=target.county_code,
                started_at=at,
                note=f"网格重新划分,接续原网格 {row.grid.code}",
            )
        )
    GridPost.objects.bulk_create(carried)
    _forget_cover()
    return len(carried)
