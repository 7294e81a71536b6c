"""Staff intake (登记诉求): a hotline operator, a walk-in desk or a grid
worker registers a matter for a resident. The form keeps what was typed
when something is wrong; a double tap files once (the idempotency key)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from wangge.accounts.models import Unit, UnitKind
from wangge.accounts.reach import reach_for
from wangge.accounts.selectors import units_for
from wangge.categories.models import Category
from wangge.core.errors import DomainError
from wangge.dispatch.models import Channel, Urgency
from wangge.dispatch.photos import attach, prepare
from wangge.dispatch.portal_views import _float, _grid_of_village
from wangge.dispatch.services import request_intake
from wangge.territory.models import Area

STAFF_CHANNELS = [Channel.HOTLINE, Channel.WALK_IN, Channel.GRID_WORKER]


def category_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Leaf categories grouped by first level, labelled "二级 › 三级"."""
    rows = Category.objects.filter(is_active=True).values_list(
        "code", "name", "level", "parent_id", "pk"
    )
    by_pk = {pk: (code, name, level, parent) for code, name, level, parent, pk in rows}
    parents = {p for _c, _n, _l, p in by_pk.values() if p}
    groups: dict[str, list[tuple[str, str]]] = {}
    tops = {}
    for pk, (code, name, level, parent) in sorted(by_pk.items(), key=lambda kv: kv[1][0]):
        if level == 1:
            tops[code[:2]] = name
        if pk in parents:
            continue
        label = f"{by_pk[parent][1]} › {name}" if parent and level == 3 else name
        groups.setdefault(code[:2], []).append((code, label))
    return [(tops.get(k, k), v) for k, v in sorted(groups.items())]


def _places(user: Any) -> dict[str, Any]:
    """A grid worker's own grids; everyone else picks a village in reach."""
    grids = list(
        Unit.objects.filter(pk__in=units_for(user), kind=UnitKind.GRID)
        .order_by("area__code")
        .values_list("area__code", "area__name")
    )
    villages = list(
        Area.objects.filter(reach_for(user).filter("path"), level="village", is_active=True)
        .order_by("code")
        .values_list("code", "name")[:3000]
    )
    return {"grids": grids, "villages": villages}


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    p = request.POST
    places = _places(request.user)
    error = ""
    if request.method == "POST":
        try:
            channel = p.get("channel", "")
            if channel not in STAFF_CHANNELS:
                raise DomainError("request.channel", "请选择来源渠道")
            photos = prepare(request.FILES.getlist("photos"))
            lon, lat = _float(p.get("lon")), _float(p.get("lat"))
            grid_code = p.get("grid", "")
            household = p.get("household", "").strip()
            if not (lon is not None and lat is not None) and not grid_code and not household:
                grid_code = _grid_of_village(p.get("village", ""))
            with transaction.atomic():
                made = request_intake(
                    actor=request.user,
                    channel=channel,
                    category_code=p.get("category", ""),
                    description=p.get("description", ""),
                    urgency=p.get("urgency", Urgency.NORMAL),
                    lon=lon,
                    lat=lat,
                    grid_code=grid_code,
                    household_number=household,
                    contact_name=p.get("name", ""),
                    contact_phone=p.get("phone", ""),
                    anonymous=p.get("anonymous") == "1",
                    idempotency_key=p.get("key", "")[:64],
                )
                if photos and not made.photos.exists():
                    attach(made, photos, event=made.events.first(), user=request.user)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("request_detail", number=made.number)
    default_channel = Channel.GRID_WORKER if places["grids"] else Channel.HOTLINE
    return render(
        request,
        "dispatch/new.html",
        {
            **places,
            "categories": category_choices(),
            "channels": [(c.value, c.label) for c in STAFF_CHANNELS],
            "urgencies": Urgency.choices,
            "form": p or {"channel": default_channel, "urgency": Urgency.NORMAL},
            "key": p.get("key") or uuid.uuid4().hex,
            "error": error,
        },
    )
