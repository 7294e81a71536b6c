"""Staff pages of field work: the A/B posts of a village or town with who
is on duty now, leave, rotation history, and the reserve pool ledger.
(Change requests: ``views_changes``.) Each form posts to a small view
that calls one service and comes back with its message."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.core.errors import DomainError, NotFound
from wangge.core.page_action import page_action
from wangge.gridwork.models import (
    GridWorker,
    Leave,
    LeaveKind,
    Post,
    ReserveStatus,
    ReserveTrack,
    WorkerKind,
)
from wangge.gridwork.posts import leave_end, leave_record, post_assign, post_vacate
from wangge.gridwork.reserve import EDUCATION, reserve_add, reserve_update
from wangge.gridwork.selectors import (
    posts_of_area_for,
    reserve_get_for,
    reserve_list_for,
    rotation_history_for,
    worker_get_for,
    worker_history,
    workers_of_area_for,
)
from wangge.territory.models import Area
from wangge.territory.selectors import area_breadcrumbs_for, area_get_for, area_top_for

_LEVELS = ("town", "village", "zone")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Start at the highest area the user supervises grid workers in."""
    reach = reach_for(request.user)
    tops = [a for a in area_top_for(request.user) if reach.allows(Capability.GRIDWORK_VIEW, a.path)]
    if not tops:
        raise NotFound("页面")
    top = tops[0]
    if top.level not in _LEVELS:
        # A county or the city: choose a town.
        towns = Area.objects.filter(level="town", is_active=True, path__prefix=top.path).order_by(
            "code"
        )
        return render(request, "gridwork/index.html", {"top": top, "towns": towns})
    return redirect("gridwork_area", code=top.code)


def staff_area(request: HttpRequest, code: str) -> Area:
    """The town, village or zone of a staff page (the levels posts are managed at)."""
    area = area_get_for(request.user, code)
    if area.level not in _LEVELS:
        raise NotFound("区域")
    return area


def _town_path(area: Area) -> str:
    """The town over an area (B posts are usually held from a neighbouring
    grid, which may be in the next village)."""
    parts = area.path.strip("/").split("/")
    return "/".join(parts[:3]) + "/"


@login_required
def area_posts(request: HttpRequest, code: str) -> HttpResponse:
    area = staff_area(request, code)
    lines = posts_of_area_for(request.user, area)
    reach = reach_for(request.user)
    # Whom a post may go to: the town's workers for those who see the town
    # (B is often the A of the next village's grid), else the area's.
    town = Area.objects.filter(path=_town_path(area)).first()
    pool = town if town and reach.allows(Capability.GRIDWORK_VIEW, town.path) else area
    can_manage = reach.allows(Capability.GRIDWORK_MANAGE, area.path)
    villages = (
        Area.objects.filter(parent=area, level__in=("village", "zone"), is_active=True)
        .order_by("code")
        .defer("geometry")
        if area.level != "zone"
        else []
    )
    return render(
        request,
        "gridwork/area.html",
        {
            "area": area,
            "crumbs": area_breadcrumbs_for(request.user, area),
            "lines": lines,
            "uncovered": sum(1 for line in lines if line.uncovered),
            "away": len({worker for line in lines for worker in line.away}),
            "villages": villages,
            "can_manage": can_manage,
            "can_review": reach.allows(Capability.PERSON_EDIT, area.path),
            "workers": list(workers_of_area_for(request.user, pool)) if can_manage else [],
            "posts": Post.choices,
            "worker_kinds": WorkerKind.choices,
        },
    )


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back to the page the form was on (a local path only)."""
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else fallback)


@login_required
@require_POST
def post_assign_view(request: HttpRequest, code: str) -> HttpResponse:
    area = staff_area(request, code)
    p = request.POST
    with page_action(request):
        grid = area_get_for(request.user, p.get("grid", ""))
        if not grid.path.startswith(area.path):
            raise NotFound("网格")
        post = p.get("post", "")
        if post not in Post.values:
            raise DomainError("post.post", "岗位应为 A 岗或 B 岗")
        if p.get("vacate"):
            post_vacate(actor=request.user, grid=grid, post=post, note=p.get("note", ""))
            messages.success(request, f"{grid.name}的{Post(post).label}已空出")
        else:
            worker = (
                GridWorker.objects.select_related("user").filter(pk=_int(p.get("worker"))).first()
            )
            if worker is None:
                raise DomainError("post.worker", "请选择网格员")
            post_assign(
                actor=request.user, grid=grid, post=post, worker=worker, note=p.get("note", "")
            )
            messages.success(request, f"已安排{worker}任{grid.name}{Post(post).label}")
    return _back(request, reverse("gridwork_area", args=[code]))


@login_required
@require_POST
def worker_register_view(request: HttpRequest, code: str) -> HttpResponse:
    """Register an existing user (made in the system admin) as a grid worker here."""
    from wangge.accounts.models import User
    from wangge.gridwork.posts import worker_register

    area = staff_area(request, code)
    p = request.POST
    with page_action(request):
        user = User.objects.filter(username=p.get("username", "").strip(), is_active=True).first()
        if user is None:
            raise DomainError("worker.user", "没有这个账号,请先在系统管理中建立用户")
        worker = worker_register(
            actor=request.user,
            user=user,
            kind=p.get("kind", ""),
            area=area,
            phone=p.get("phone", ""),
        )
        messages.success(request, f"已登记网格员{worker},可在下方为其安排岗位")
    return redirect("gridwork_area", code=code)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@login_required
def area_history(request: HttpRequest, code: str) -> HttpResponse:
    area = staff_area(request, code)
    return render(
        request,
        "gridwork/history.html",
        {
            "area": area,
            "crumbs": area_breadcrumbs_for(request.user, area),
            "rows": rotation_history_for(request.user, area),
        },
    )


@login_required
def worker_detail(request: HttpRequest, worker_id: int) -> HttpResponse:
    worker = worker_get_for(request.user, worker_id)
    history = worker_history(worker)
    reach = reach_for(request.user)
    paths = [worker.area_path, *[p.area_path for p in history["posts"] if p.ended_at is None]]
    now = timezone.now()
    return render(
        request,
        "gridwork/worker.html",
        {
            "worker": worker,
            "posts": history["posts"],
            "leaves": history["leaves"],
            "now": now,
            "can_leave": any(reach.allows(Capability.GRIDWORK_LEAVE, p) for p in paths),
            "kinds": LeaveKind.choices,
            "worker_kinds": dict(WorkerKind.choices),
            "default_start": timezone.localtime(now).strftime("%Y-%m-%dT%H:%M"),
            "default_end": (timezone.localtime(now) + dt.timedelta(days=1)).strftime(
                "%Y-%m-%dT18:00"
            ),
        },
    )


def _local(value: str, what: str) -> dt.datetime:
    parsed = parse_datetime(value.strip()) if value else None
    if parsed is None:
        raise DomainError("leave.range", f"请填写{what}")
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@login_required
@require_POST
def leave_record_view(request: HttpRequest, worker_id: int) -> HttpResponse:
    worker = worker_get_for(request.user, worker_id)
    p = request.POST
    with page_action(request):
        leave = leave_record(
            actor=request.user,
            worker=worker,
            kind=p.get("kind", ""),
            starts_at=_local(p.get("starts_at", ""), "开始时间"),
            ends_at=_local(p.get("ends_at", ""), "结束时间"),
            reason=p.get("reason", ""),
        )
        messages.success(
            request,
            f"已登记{worker}{LeaveKind(leave.kind).label},期间由B岗代岗",
        )
    return _back(request, reverse("gridwork_worker", args=[worker_id]))


@login_required
@require_POST
def leave_end_view(request: HttpRequest, leave_id: int) -> HttpResponse:
    leave = Leave.objects.select_related("worker__user").filter(pk=leave_id).first()
    if leave is None:
        raise NotFound("请假记录")
    worker = worker_get_for(request.user, leave.worker_id)
    with page_action(request):
        leave_end(actor=request.user, leave=leave)
        messages.success(request, f"{worker}已销假,所负责网格恢复由本人值守")
    return _back(request, reverse("gridwork_worker", args=[worker.pk]))


# --- reserve pool ---------------------------------------------------------------------------


@login_required
def reserve(request: HttpRequest, code: str) -> HttpResponse:
    area = staff_area(request, code)
    status = request.GET.get("status", "")
    if status not in ReserveStatus.values:
        status = ""
    reach = reach_for(request.user)
    villages = (
        [area]
        if area.level == "village"
        else list(
            Area.objects.filter(level="village", is_active=True, path__prefix=area.path)
            .defer("geometry")
            .order_by("code")
        )
    )
    return render(
        request,
        "gridwork/reserve.html",
        {
            "area": area,
            "crumbs": area_breadcrumbs_for(request.user, area),
            "rows": reserve_list_for(request.user, area, status),
            "status": status,
            "statuses": ReserveStatus.choices,
            "tracks": ReserveTrack.choices,
            "education": EDUCATION,
            "villages": villages,
            "can_manage": reach.allows(Capability.GRIDWORK_MANAGE, area.path),
        },
    )


@login_required
@require_POST
def reserve_add_view(request: HttpRequest, code: str) -> HttpResponse:
    area = staff_area(request, code)
    p = request.POST
    with page_action(request):
        village = area_get_for(request.user, p.get("village", "") or area.code)
        if not village.path.startswith(area.path):
            raise NotFound("区域")
        year = p.get("birth_year", "").strip()
        person = reserve_add(
            actor=request.user,
            village=village,
            name=p.get("name", ""),
            phone=p.get("phone", ""),
            gender=p.get("gender", ""),
            birth_year=int(year) if year.isdigit() else None,
            education=p.get("education", ""),
            political_status=p.get("political_status", ""),
            skills=p.get("skills", ""),
            track=p.get("track", ReserveTrack.GRID_WORKER),
            notes=p.get("notes", ""),
        )
        messages.success(request, f"已将{person.name}列入后备队伍台账")
    return redirect("gridwork_reserve", code=code)


@login_required
@require_POST
def reserve_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = reserve_get_for(request.user, pk)
    with page_action(request):
        reserve_update(
            actor=request.user,
            person=person,
            status=request.POST.get("status", ""),
            notes=request.POST.get("notes") if "notes" in request.POST else None,
        )
        messages.success(request, f"已更新{person.name}的状态")
    return _back(request, reverse("gridwork_index"))
