"""Pages for a village's grids and their generations: run a partition, preview it on the map
against the current grids, submit it, approve (activate) or reject it. Thin: the services and
selectors decide who may do what."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wangge.core.errors import DomainError
from wangge.core.page_action import page_action
from wangge.partition import NORMS
from wangge.territory.activation import generation_activate
from wangge.territory.generation_selectors import (
    NORM_LABELS,
    abilities_for,
    barriers_default_for,
    default_targets_for,
    generation_compare_for,
    generation_get_for,
    generation_list_for,
    generation_map_for,
    village_get_for,
    village_grids_for,
    village_grids_map_for,
)
from wangge.territory.generations import (
    MAX_BARRIER_POINTS,
    MAX_BARRIERS,
    barriers_from_text,
    generation_compute,
    generation_discard,
    generation_reject,
    generation_submit,
)
from wangge.territory.models import GenerationState
from wangge.territory.selectors import area_breadcrumbs_for


def _presets() -> list[dict[str, Any]]:
    return [
        {"key": k, "label": NORM_LABELS[k], "min": int(t.minimum), "max": int(t.maximum)}
        for k, t in NORMS.items()
    ]


def _page(
    request: HttpRequest, code: str, form: dict[str, Any] | None, status: int = 200
) -> HttpResponse:
    village = village_get_for(request.user, code)
    grids = village_grids_for(request.user, village)
    key, targets = default_targets_for(village, grids)
    if form is None:
        form = {"measure": "households", "min": int(targets.minimum), "max": int(targets.maximum)}
        carried = barriers_default_for(request.user, village)
        # The barriers of an earlier generation, so a redraw keeps the river without drawing
        # it again; the page says which generation they come from.
        form["barriers"] = json.dumps(carried.lines if carried else [])
        form["barriers_from"] = carried.generation if carried else None
    generations = list(generation_list_for(request.user, village))
    return render(
        request,
        "territory/village_grids.html",
        {
            "village": village,
            "crumbs": area_breadcrumbs_for(request.user, village),
            "grids": grids,
            "households": sum(g.households for g in grids),
            "generations": generations,
            "active": next((g for g in generations if g.state == GenerationState.ACTIVE), None),
            "can": abilities_for(request.user, village),
            "presets": _presets(),
            "norm": NORM_LABELS[key],
            "form": form,
            "max_barriers": MAX_BARRIERS,
            "max_barrier_points": MAX_BARRIER_POINTS,
            "tile_url": settings.WANGGE_TILE_URL,
        },
        status=status,
    )


@login_required
def village_grids(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, code, None)


@login_required
def village_grids_map(request: HttpRequest, code: str) -> JsonResponse:
    village = village_get_for(request.user, code)
    grids = village_grids_for(request.user, village)
    return JsonResponse(village_grids_map_for(request.user, village, grids))


def _int(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


@login_required
@require_POST
def village_grids_compute(request: HttpRequest, code: str) -> HttpResponse:
    village = village_get_for(request.user, code)
    p = request.POST
    measure = p.get("measure", "households")
    fresh = p.get("fresh") == "1"
    form: dict[str, Any] = {
        "measure": measure,
        "min": p.get("min", ""),
        "max": p.get("max", ""),
        "fresh": fresh,
        "barriers": p.get("barriers", ""),  # what the user drew stays on the map on a refusal
    }
    try:
        generation = generation_compute(
            actor=request.user,
            village=village,
            minimum=_int(p.get("min")),  # type: ignore[arg-type]  # the service checks
            maximum=_int(p.get("max")),  # type: ignore[arg-type]
            measure=measure,
            fresh=fresh,
            barriers=barriers_from_text(p.get("barriers")),
        )
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        messages.error(request, exc.message)
        return _page(request, code, form, status=400)
    messages.success(request, "已计算新的网格划分方案,请在地图上核对后提交审批。")
    return redirect("generation_detail", pk=generation.pk)


@login_required
def generation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    generation = generation_get_for(request.user, pk)
    # Only an open generation is compared with the grids now; a decided one shows its record.
    comparison = generation_compare_for(request.user, generation) if generation.is_open else None
    village = generation.village
    report = generation.report
    return render(
        request,
        "territory/generation_detail.html",
        {
            "g": generation,
            "village": village,
            "crumbs": area_breadcrumbs_for(request.user, village),
            "cmp": comparison,
            "report": report,
            "issues": report.get("issues", []),
            "old_count": len(comparison.old_grids) if comparison else len(generation.base_codes),
            "ended": [o for o in comparison.old_grids if o.goes_to is None] if comparison else [],
            "can": abilities_for(request.user, village),
            "tile_url": settings.WANGGE_TILE_URL,
        },
    )


@login_required
def generation_map(request: HttpRequest, pk: int) -> JsonResponse:
    generation = generation_get_for(request.user, pk)
    comparison = generation_compare_for(request.user, generation) if generation.is_open else None
    return JsonResponse(generation_map_for(request.user, generation, comparison))


_DONE = {
    "submit": "已提交,等待镇街审批。",
    "reject": "已退回。",
    "discard": "已作废。",
}


@login_required
@require_POST
def generation_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    generation = generation_get_for(request.user, pk)
    with page_action(request) as attempt:
        if action == "submit":
            generation_submit(actor=request.user, generation=generation)
        elif action == "reject":
            generation_reject(
                actor=request.user, generation=generation, reason=request.POST.get("reason", "")
            )
        elif action == "discard":
            generation_discard(actor=request.user, generation=generation)
        elif action == "activate":
            done = generation_activate(actor=request.user, generation=generation)
            messages.success(
                request,
                f"已启用:新建网格 {len(done.created)} 个,停用原网格 {len(done.deactivated)} 个,"
                f"{done.households} 户已归入新网格(其中 {done.moved} 户换了网格)。",
            )
            return redirect("generation_detail", pk=pk)
        else:
            raise DomainError("invalid", "未知操作")
    if attempt.ok:
        messages.success(request, _DONE[action])
    return redirect("generation_detail", pk=pk)
