"""Staff pages: my queue, and a request with its timeline and the actions
the viewer may take."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from wangge.accounts.models import Unit, UnitKind
from wangge.accounts.selectors import units_for
from wangge.core.errors import DomainError
from wangge.core.page_action import page_action
from wangge.core.paging import paged
from wangge.dispatch import flow
from wangge.dispatch.actions import perform
from wangge.dispatch.duplicates import duplicate_candidates
from wangge.dispatch.models import Assist, AssistRole, State
from wangge.dispatch.photos import attach, prepare
from wangge.dispatch.routing import ancestor_paths
from wangge.dispatch.selectors import request_get_for, request_queue_for
from wangge.dispatch.whistle import whistle_targets


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    rows = list(request_queue_for(request.user)[:200])
    return render(request, "dispatch/queue.html", {"rows": rows, "now": timezone.now()})


def _actions(user: Any, r: Any, assists: list[Assist]) -> dict[str, bool]:
    units = units_for(user)
    mine = r.unit_id in units
    over = flow._over_place(user, r) is not None
    helping = [a for a in assists if a.role == AssistRole.HELP and a.unit_id in units]
    in_work = r.state in (State.DISPATCHED, State.SIGNED, State.EXTENSION_PENDING, State.FINISHED)
    grid_unit = Unit.objects.filter(kind=UnitKind.GRID, area=r.grid).values_list("pk", flat=True)
    on_grid = bool(set(grid_unit) & units_for(user))
    before_sign = r.state in (State.SUBMITTED, State.DISPATCHED)
    return {
        "sign": mine and before_sign,
        "return": mine and before_sign and r.unit.kind != UnitKind.TOWN_OFFICE,
        "self_handle": mine and before_sign and r.unit.kind == UnitKind.GRID,
        "dispatch": (mine or over) and before_sign,
        "whistle": over and (before_sign or r.state == State.SIGNED),
        "transfer": mine and r.state == State.SIGNED,
        "report_in": in_work and any(a.signed_at is None for a in helping),
        "assist_done": in_work and any(a.signed_at and not a.done_at for a in helping),
        "finish": mine and r.state == State.SIGNED,
        "contact": mine
        and r.state in (State.SIGNED, State.EXTENSION_PENDING)
        and r.contacted_at is None
        and bool(r.contact_phone_index)
        and not r.anonymous,
        "extension_ask": mine and r.state == State.SIGNED,
        "extension_decide": over and r.state == State.EXTENSION_PENDING,
        "check": on_grid and r.state == State.FINISHED,
        "callback": over and r.state == State.CHECKED,
        "supervise": over and r.state not in (State.CLOSED, State.MERGED, State.REJECTED),
    }


# The ladder's order, for the dispatch list: grid first, county last.
_KIND_ORDER = [
    UnitKind.GRID,
    UnitKind.VILLAGE_COMMITTEE,
    UnitKind.TOWN_OFFICE,
    UnitKind.DEPARTMENT,
    UnitKind.COMMAND_CENTRE,
]


def _targets(r: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """Where a matter may be sent, grouped by kind along the ladder: the
    units over its place (its grid, village, town, command centres) and its
    county's departments."""
    county = r.area_path.split("/")[1]
    rows = Unit.objects.filter(
        Q(area__path__in=ancestor_paths(r.area_path))
        | Q(kind=UnitKind.DEPARTMENT, area__code=county),
        is_active=True,
    ).exclude(pk=r.unit_id)
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, name, kind in rows.order_by("code").values_list("code", "name", "kind"):
        groups.setdefault(kind, []).append((code, name))
    return [(UnitKind(k).label, groups[k]) for k in _KIND_ORDER if k in groups]


@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    r = request_get_for(request.user, number)
    assists = sorted(r.assists.select_related("unit"), key=lambda a: a.role != AssistRole.LEAD)
    actions = _actions(request.user, r, assists)
    targets = _targets(r) if actions["dispatch"] or actions["transfer"] else []
    return render(
        request,
        "dispatch/request.html",
        {
            "r": r,
            "events": r.events.select_related("actor", "unit").prefetch_related("photos"),
            "actions": actions,
            "targets": targets,
            "assists": assists,
            "whistle_targets": whistle_targets(r) if actions["whistle"] else [],
            "ratings": sorted(flow.RATINGS.items(), reverse=True),
            "duplicates": duplicate_candidates(r) if actions["supervise"] else [],
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """One form per action; the services decide who may do what."""
    r = request_get_for(request.user, number)
    with page_action(request) as attempt:
        photos = prepare(request.FILES.getlist("photos"))
        with transaction.atomic():
            done = perform(action, request.user, r, request.POST)
            if photos:
                attach(done, photos, event=done.events.order_by("-pk").first(), user=request.user)
    if attempt.ok:
        messages.success(request, "已办理")
    return redirect("request_detail", number=number)


@login_required
def photo(request: HttpRequest, number: str, photo_id: int) -> HttpResponseBase:
    """A request's photo, for whoever may see the request."""
    from django.http import FileResponse, Http404

    r = request_get_for(request.user, number)
    found = r.photos.filter(pk=photo_id).first()
    if found is None:
        raise Http404
    return FileResponse(found.file.open("rb"), content_type="image/jpeg")


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    from wangge.categories.models import Category
    from wangge.dispatch.ledger import LedgerFilter, ledger_for, saved_views_for
    from wangge.dispatch.models import Channel

    f = LedgerFilter.from_query(request.GET)
    page, query = paged(request, ledger_for(request.user, f))
    return render(
        request,
        "dispatch/ledger.html",
        {
            "f": f,
            "page": page,
            "query": query,
            "states": State.choices,
            "channels": Channel.choices,
            "categories": Category.objects.filter(level=1, is_active=True).values_list(
                "code", "name"
            ),
            "now": timezone.now(),
            "views": saved_views_for(request.user),
        },
    )


@login_required
@require_POST
def ledger_view_save(request: HttpRequest) -> HttpResponse:
    from wangge.dispatch.ledger import saved_view_save

    p = request.POST
    try:
        view = saved_view_save(
            user=request.user, name=p.get("name", ""), query=p, shared=p.get("shared") == "1"
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        keep = {k: v for k, v in p.items() if k not in ("csrfmiddlewaretoken", "name", "shared")}
        return redirect(f"{reverse('request_ledger')}?{urlencode(keep)}")
    messages.success(request, f"已保存常用筛选“{view.name}”")
    return redirect(f"{reverse('request_ledger')}?{view.query}")


@login_required
@require_POST
def ledger_view_delete(request: HttpRequest, view_id: int) -> HttpResponse:
    from wangge.dispatch.ledger import saved_view_delete

    saved_view_delete(user=request.user, view_id=view_id)
    messages.success(request, "已删除")
    return redirect("request_ledger")


@login_required
def ledger_export(request: HttpRequest) -> HttpResponseBase:
    import io as _io

    from django.http import FileResponse

    from wangge.dispatch.ledger import LedgerFilter, ledger_export_xlsx

    try:
        data = ledger_export_xlsx(request.user, LedgerFilter.from_query(request.GET))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('request_ledger')}?{request.GET.urlencode()}")
    name = f"需求台账-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(_io.BytesIO(data), as_attachment=True, filename=name)


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    """响应率, 解决率, 满意率 and the rest, by area level, unit or month."""
    import datetime as dt
    import json

    from wangge.dispatch.figures import figures_for

    today = timezone.localdate()

    def day(name: str, default: dt.date) -> dt.date:
        try:
            return dt.date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return default

    since, until = day("since", today.replace(day=1)), day("until", today)
    from wangge.dispatch.figures import GROUPINGS

    by = request.GET.get("by", "town")
    if by not in GROUPINGS:
        by = "town"
    groups = figures_for(request.user, since=since, until=until, by=by)
    total = groups.pop("合计")
    rows = sorted(groups.items(), key=lambda kv: -(kv[1].score or -1))
    chart = {
        "names": [k for k, _ in rows],
        "response": [_pct(f.response) for _, f in rows],
        "resolution": [_pct(f.resolution) for _, f in rows],
        "satisfaction": [_pct(f.satisfaction) for _, f in rows],
    }
    return render(
        request,
        "dispatch/figures.html",
        {
            "since": since,
            "until": until,
            "by": by,
            "groupings": GROUPINGS.items(),
            "total": total,
            "rows": rows,
            "chart": json.dumps(chart, ensure_ascii=False),
        },
    )


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)
