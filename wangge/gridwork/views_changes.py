"""Staff pages: the queue of household change requests (conflicts first,
highlighted) and one request with approve / reject."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wangge.core.page_action import page_action
from wangge.gridwork.change_members import MEMBER_ENTRIES, summary
from wangge.gridwork.change_members_page import head_choices, left_empty
from wangge.gridwork.changes import FIELDS, FIXED, change_approve, change_reject, current_shown
from wangge.gridwork.changes import household_state as state_of
from wangge.gridwork.models import ChangeStatus
from wangge.gridwork.selectors import change_get_for, change_queue_for
from wangge.territory.selectors import area_breadcrumbs_for, area_get_for

_FILTERS = {"open": "待处理", **dict(ChangeStatus.choices)}


@login_required
def queue(request: HttpRequest, code: str) -> HttpResponse:
    area = area_get_for(request.user, code)
    status = request.GET.get("status", "open")
    if status not in _FILTERS:
        status = "open"
    rows = list(change_queue_for(request.user, area, status)[:200])
    for row in rows:
        row.lines = [_line(e) for e in row.proposed]  # type: ignore[attr-defined]
    return render(
        request,
        "gridwork/changes.html",
        {
            "area": area,
            "crumbs": area_breadcrumbs_for(request.user, area),
            "rows": rows,
            "status": status,
            "filters": _FILTERS.items(),
            "conflicts": sum(1 for r in rows if r.status == ChangeStatus.CONFLICT),
        },
    )


def _line(e: dict[str, Any]) -> str:
    """ "王某某:联系电话 → 139****5678"; "新增成员:张小宝(子女·男),出生 …"."""
    if e["field"] in MEMBER_ENTRIES:
        return summary(e)
    who = f"{e['name']}:" if e.get("name") else ""
    return f"{who}{e['label']} → {e.get('shown', '')}"


def _entries(change: Any, heads: dict[int, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Each proposed entry with the value on file now (and, for a flagged
    conflict, the value on file when it was flagged); a departure of the
    head with the members who could be the new head."""
    now = current_shown(change.household, change.proposed)
    then = change.conflict.get("current", []) if change.conflict else []
    out = []
    for i, e in enumerate(change.proposed):
        out.append(
            {
                "index": i,
                "label": MEMBER_ENTRIES.get(e["field"])
                or FIELDS.get(e["field"], (e["field"], ""))[0],
                # A member entry names the person in what was found.
                "person": "" if e["field"] in MEMBER_ENTRIES else e.get("name", ""),
                "proposed": e.get("shown", ""),
                "current": now[i] if i < len(now) else "",
                "flagged": then[i] if i < len(then) else "",
                "free_text": e["field"] not in FIXED,
                "heads": heads.get(i, []),
            }
        )
    return out


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    change = change_get_for(request.user, pk)
    household = change.household
    open_ = change.status in (ChangeStatus.PENDING, ChangeStatus.CONFLICT)
    return render(
        request,
        "gridwork/change.html",
        {
            "c": change,
            "crumbs": area_breadcrumbs_for(request.user, household.grid),
            "entries": _entries(change, head_choices(change) if open_ else {}),
            "applied": [
                summary(a)
                if a["field"] in MEMBER_ENTRIES or not a.get("name")
                else f"{a['name']}·{a.get('shown', '')}"
                for a in change.applied
            ],
            "state": state_of(household),
            "open": open_,
            "closes": open_ and left_empty(change),
            "head_changed": any(a.get("new_head") for a in change.applied),
        },
    )


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    change = change_get_for(request.user, pk)
    p = request.POST
    choices = {
        i: p.get(f"choice_{i}", "") for i in range(len(change.proposed)) if f"choice_{i}" in p
    }
    custom = {i: p.get(f"custom_{i}", "") for i in range(len(change.proposed))}
    heads = {i: p[f"new_head_{i}"] for i in range(len(change.proposed)) if f"new_head_{i}" in p}
    with page_action(request):
        change_approve(
            actor=request.user,
            change=change,
            choices=choices,
            custom=custom,
            seen_state=p.get("state", ""),
            note=p.get("note", ""),
            new_heads=heads,
        )
        messages.success(request, "已采纳,户信息已更新")
    return redirect("gridwork_change", pk=pk)


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    change = change_get_for(request.user, pk)
    with page_action(request):
        change_reject(actor=request.user, change=change, note=request.POST.get("note", ""))
        messages.success(request, "已不予采纳")
    return redirect("gridwork_change", pk=pk)
