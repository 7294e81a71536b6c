"""Staff pages for tasks: the list, giving a task (with a live preview of
how many grids and households it reaches), its progress by town, village
or grid, a grid worker's open tasks, and one grid's share with its target
households."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.core.errors import DomainError, PermissionDenied
from wangge.core.page_action import page_action
from wangge.registry.models import Colour
from wangge.registry.tags import SENSITIVE_TAGS, TAGS
from wangge.tasks.selection import parse_codes, task_select
from wangge.tasks.selectors import (
    GROUPINGS,
    grids_of,
    task_get_for,
    task_list_for,
    task_progress_for,
    task_row_get_for,
    task_target_get_for,
    task_targets_for,
    task_town_count_for,
    tasks_for_grids,
)
from wangge.tasks.services import task_create, task_row_done, task_target_done
from wangge.territory.models import Area
from wangge.territory.selectors import area_get_for


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(task_list_for(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "tasks/list.html",
        {
            "page": page,
            "mine": list(tasks_for_grids(grids_of(request.user))[:50]),
            "can_assign": reach_for(request.user).has(Capability.TASK_ASSIGN),
            "today": timezone.localdate(),
        },
    )


def _area_choices(user: Any) -> list[Area]:
    """Counties, towns and villages the user may give tasks to (grids are
    typed as codes: a county has thousands)."""
    reach = reach_for(user)
    return list(
        Area.objects.filter(
            reach.filter("path", Capability.TASK_ASSIGN),
            level__in=["county", "town", "village"],
            is_active=True,
        )
        .defer("geometry")
        .order_by("path")[:2000]
    )


def _tag_choices(user: Any) -> list[tuple[str, str]]:
    sensitive_ok = reach_for(user).has(Capability.PERSON_VIEW_SENSITIVE)
    return [(c, label) for c, label in TAGS.items() if sensitive_ok or c not in SENSITIVE_TAGS]


def _form_codes(request: HttpRequest) -> list[str]:
    return parse_codes(request.POST) + parse_codes(request.POST.get("more_areas", ""))


@login_required
def task_new(request: HttpRequest) -> HttpResponse:
    if not reach_for(request.user).has(Capability.TASK_ASSIGN):
        raise PermissionDenied("您没有交办任务的权限")
    data: dict[str, Any] = {}
    chosen: list[str] = []
    if request.method == "POST":
        data = request.POST.dict()
        chosen = _form_codes(request)
        try:
            due_on = dt.date.fromisoformat(data.get("due_on", "").strip())
        except ValueError:
            messages.error(request, "请填写完成期限(如 2026-12-31)")
        else:
            try:
                task = task_create(
                    actor=request.user,
                    title=data.get("title", ""),
                    description=data.get("description", ""),
                    due_on=due_on,
                    area_codes=chosen,
                    tag=data.get("tag", ""),
                    colour=data.get("colour", ""),
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    f"已交办 {task.grid_count} 个网格"
                    + (f",对象 {task.household_count} 户" if task.by_household else ""),
                )
                return redirect("task_detail", task_id=task.pk)
    return render(
        request,
        "tasks/new.html",
        {
            "data": data,
            "chosen": chosen,
            "areas": _area_choices(request.user),
            "tags": _tag_choices(request.user),
            "colours": Colour.choices,
            "due_value": data.get("due_on")
            or (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        },
    )


@login_required
@require_POST
def task_preview(request: HttpRequest) -> HttpResponse:
    """How many grids and households the form's choice reaches (htmx)."""
    try:
        s = task_select(
            request.user,
            area_codes=_form_codes(request),
            tag=request.POST.get("tag", ""),
            colour=request.POST.get("colour", ""),
        )
    except DomainError as exc:
        return render(request, "tasks/_preview.html", {"error": exc.message})
    return render(request, "tasks/_preview.html", {"s": s.summary()})


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = task_get_for(request.user, task_id)
    area = area_get_for(request.user, request.GET["area"]) if request.GET.get("area") else None
    by = request.GET.get("by", "")
    if by not in GROUPINGS:
        by = "grid" if area is not None and area.level == "village" else "town"
        if area is None and task_town_count_for(request.user, task) == 1:
            by = "village"  # one town: its villages say more
    total, lines = task_progress_for(request.user, task, by=by, area=area)
    return render(
        request,
        "tasks/detail.html",
        {
            "task": task,
            "area": area,
            "by": by,
            "groupings": GROUPINGS.items(),
            "total": total,
            "lines": lines,
            "tag_label": TAGS.get(task.target_tag, ""),
            "colour_label": dict(Colour.choices).get(task.target_colour, ""),
            "overdue": task.due_on < timezone.localdate(),
        },
    )


@login_required
def task_mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "tasks/mine.html",
        {"rows": list(tasks_for_grids(grids_of(request.user))), "today": timezone.localdate()},
    )


@login_required
def task_row(request: HttpRequest, row_id: int) -> HttpResponse:
    row = task_row_get_for(request.user, row_id)
    reach = reach_for(request.user)
    return render(
        request,
        "tasks/row.html",
        {
            "row": row,
            "task": row.task,
            "targets": task_targets_for(request.user, row),
            "can_do": reach.allows(Capability.TASK_DO, row.area_path),
            "tag_label": TAGS.get(row.task.target_tag, ""),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def task_row_done_view(request: HttpRequest, row_id: int) -> HttpResponse:
    row = task_row_get_for(request.user, row_id)
    with page_action(request) as attempt:
        task_row_done(actor=request.user, row=row, note=request.POST.get("note", ""))
    if attempt.ok:
        messages.success(request, "已标记完成")
    return redirect("task_row", row_id=row.pk)


@login_required
@require_POST
def task_target_done_view(request: HttpRequest, target_id: int) -> HttpResponse:
    target = task_target_get_for(request.user, target_id)
    with page_action(request) as attempt:
        task_target_done(actor=request.user, target=target, note=request.POST.get("note", ""))
    if attempt.ok:
        messages.success(request, "已标记完成")
    return redirect("task_row", row_id=target.row_id)
