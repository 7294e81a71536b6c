from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.territory.models import UR_LABELS
from wangge.territory.selectors import (
    area_breadcrumbs_for,
    area_children_for,
    area_descendant_counts_for,
    area_get_for,
    area_map_for,
    area_top_for,
)
from wangge.territory.services import area_update


@login_required
def area_index(request: HttpRequest) -> HttpResponse:
    tops = area_top_for(request.user)
    if len(tops) == 1:
        return redirect("area_detail", code=tops[0].code)
    return render(request, "territory/area_index.html", {"areas": tops})


@login_required
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    area = area_get_for(request.user, code)
    children = area_children_for(request.user, area)
    return render(
        request,
        "territory/area_detail.html",
        {
            "area": area,
            "crumbs": area_breadcrumbs_for(request.user, area),
            "children": children,
            "counts": area_descendant_counts_for(request.user, area),
            "can_edit": reach_for(request.user).allows(Capability.AREA_EDIT, area.path),
            "can_see_people": reach_for(request.user).allows(Capability.PERSON_VIEW, area.path),
            "ur_choices": sorted(UR_LABELS.items()),
            "tile_url": settings.WANGGE_TILE_URL,
        },
    )


@login_required
def area_map(request: HttpRequest, code: str) -> JsonResponse:
    area = area_get_for(request.user, code)
    return JsonResponse(area_map_for(request.user, area))


@login_required
@require_POST
def area_edit(request: HttpRequest, code: str) -> HttpResponse:
    area = area_get_for(request.user, code)
    area_update(
        actor=request.user,
        area=area,
        name=request.POST.get("name"),
        ur_code=request.POST.get("ur_code") or None,
    )
    messages.success(request, "已保存")
    return redirect("area_detail", code=code)
