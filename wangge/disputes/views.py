"""Staff pages: the dispute ledger (矛盾纠纷台账), registering a dispute, and
one dispute with its timeline and the steps the viewer may take. Views
parse and render; the services decide who may do what."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.core.errors import DomainError, PermissionDenied
from wangge.core.page_action import page_action
from wangge.core.paging import paged
from wangge.dispatch.photos import prepare
from wangge.disputes.actions import parse_day, party_from, perform
from wangge.disputes.ladder import may_act, may_follow_up, next_level
from wangge.disputes.models import (
    LADDER,
    RISK_MEANING,
    AgreementPhoto,
    DisputeType,
    FoundVia,
    Level,
    Outcome,
    PartyKind,
    PartySide,
    Risk,
    State,
    StepResult,
)
from wangge.disputes.selectors import (
    DisputeFilter,
    dispute_counts_for,
    dispute_get_for,
    dispute_list_for,
    party_get_for,
)
from wangge.disputes.services import dispute_register, party_reveal
from wangge.territory.models import Area

PARTY_ROWS = 3


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    f = DisputeFilter.from_query(request.GET)
    page, query = paged(request, dispute_list_for(request.user, f))
    return render(
        request,
        "disputes/ledger.html",
        {
            "f": f,
            "page": page,
            "query": query,
            "counts": dispute_counts_for(request.user, f),
            "types": DisputeType.choices,
            "risks": Risk.choices,
            "states": State.choices,
            "levels": Level.choices,
            "can_register": reach_for(request.user).has(Capability.DISPUTE_MEDIATE),
            "today": timezone.localdate(),
        },
    )


def _grids_for(user: Any) -> list[Area]:
    """Grids the user may register disputes in (at the grid level)."""
    reach = reach_for(user)
    return list(
        Area.objects.filter(
            reach.filter("path", Capability.DISPUTE_MEDIATE), level="grid", is_active=True
        )
        .defer("geometry")
        .order_by("code")[:3000]
    )


@login_required
def new(request: HttpRequest) -> HttpResponse:
    """Register a dispute: where, what, how risky, who; from a household
    page (``?household=``) or a request (``?request=``) with those filled."""
    if not reach_for(request.user).has(Capability.DISPUTE_MEDIATE):
        raise PermissionDenied("您没有登记矛盾纠纷的权限")
    data: dict[str, Any] = {"found_via": FoundVia.VISIT, "risk": Risk.LOW}
    if request.method == "POST":
        data = request.POST.dict()
        parties = [party_from(request.POST, f"p{i}_") for i in range(PARTY_ROWS)]
        try:
            found_on = parse_day(data["found_on"], "发现日期") if data.get("found_on") else None
            made = dispute_register(
                actor=request.user,
                grid_code=data.get("grid", ""),
                dispute_type=data.get("type", ""),
                risk=data.get("risk", ""),
                summary=data.get("summary", ""),
                description=data.get("description", ""),
                found_via=data.get("found_via", ""),
                found_on=found_on,
                request_number=data.get("request", ""),
                parties=parties,
                level=data.get("level", Level.GRID),
            )
        except DomainError as exc:
            # "Not found" here is a grid, household or request typed in the
            # form: say so beside the form, keeping what was typed.
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已登记矛盾纠纷 {made.number}")
            return redirect("dispute_detail", number=made.number)
    else:
        _prefill(request, data)
    return render(
        request,
        "disputes/new.html",
        {
            "data": data,
            "grids": _grids_for(request.user),
            "types": DisputeType.choices,
            "risks": [(v, label, RISK_MEANING[v]) for v, label in Risk.choices],
            "found_vias": FoundVia.choices,
            "levels": Level.choices,
            "sides": PartySide.choices,
            "kinds": PartyKind.choices,
            "rows": _party_rows(data),
            "today": timezone.localdate(),
        },
    )


def _party_rows(data: dict[str, Any]) -> list[dict[str, str]]:
    """The party rows of the form, with what was typed (kept when the form
    comes back with a message)."""
    sides = [PartySide.A, PartySide.B, PartySide.OTHER]
    rows = []
    for i in range(PARTY_ROWS):
        p = f"p{i}_"
        row = {k: str(data.get(p + k, "")) for k in ("name", "household", "phone", "id_number")}
        row.update(
            p=p,
            side=str(data.get(p + "side", sides[min(i, 2)])),
            kind=str(data.get(p + "kind", PartyKind.PERSON)),
        )
        rows.append(row)
    return rows


def _prefill(request: HttpRequest, data: dict[str, Any]) -> None:
    from wangge.registry.selectors import household_get_for

    number = request.GET.get("household", "").strip()
    if number:
        try:
            h = household_get_for(request.user, number)
        except DomainError:
            return
        data.update(grid=h.grid.code, p0_household=h.number)
    number = request.GET.get("request", "").strip()
    if number:
        from wangge.dispatch.selectors import request_get_for

        try:
            r = request_get_for(request.user, number)
        except DomainError:
            return
        data.update(
            grid=r.grid.code,
            request=r.number,
            found_via=FoundVia.REQUEST,
            summary=r.description[:100],
        )


def _actions(user: Any, d: Any) -> dict[str, bool]:
    acting = may_act(user, d)
    visiting = may_follow_up(user, d)
    is_open = d.state == State.OPEN
    return {
        "mediate": acting and is_open,
        "agreement": acting and d.state in (State.OPEN, State.FOLLOW_UP),
        "escalate": acting and is_open and next_level(d.level) is not None,
        "party": acting and is_open,
        "conclude": acting and is_open,
        "reassess": (acting and is_open) or (visiting and d.state == State.FOLLOW_UP),
        "follow_up": visiting and d.state == State.FOLLOW_UP,
        "reveal": reach_for(user).allows(Capability.PERSON_REVEAL, d.area_path),
    }


@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    d = dispute_get_for(request.user, number)
    actions = _actions(request.user, d)
    here = LADDER.index(d.level)
    return render(
        request,
        "disputes/dispute.html",
        {
            "d": d,
            "actions": actions,
            "any_action": any(v for k, v in actions.items() if k != "reveal"),
            "parties": d.parties.select_related("household", "person"),
            "events": d.events.select_related("actor"),
            "agreements": d.agreements.prefetch_related("photos"),
            "follow_ups": d.follow_ups.filter(cancelled=False).select_related("done_by"),
            "ladder": [(Level(lv).label, i < here, i == here) for i, lv in enumerate(LADDER)],
            "higher": [(lv, Level(lv).label) for lv in LADDER[here + 1 :]],
            "risks": [(v, label, RISK_MEANING[v]) for v, label in Risk.choices],
            "risk_meaning": RISK_MEANING[d.risk],
            "outcomes": Outcome.choices,
            "step_results": StepResult.choices,
            "sides": PartySide.choices,
            "kinds": PartyKind.choices,
            "today": timezone.localdate(),
            "now": timezone.localtime(),
        },
    )


@login_required
@require_POST
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    d = dispute_get_for(request.user, number)
    with page_action(request) as attempt:
        photos = prepare(request.FILES.getlist("photos")) if action == "agreement" else []
        with transaction.atomic():
            perform(action, request.user, d, request.POST, photos)
    if attempt.ok:
        messages.success(request, "已记录")
    return redirect("dispute_detail", number=number)


@login_required
def photo(request: HttpRequest, number: str, photo_id: int) -> HttpResponseBase:
    """An agreement's photo, for whoever may see the dispute."""
    d = dispute_get_for(request.user, number)
    found = AgreementPhoto.objects.filter(pk=photo_id, agreement__dispute=d).first()
    if found is None:
        raise Http404
    return FileResponse(found.file.open("rb"), content_type="image/jpeg")


@login_required
@require_POST
def reveal(request: HttpRequest, number: str, party_id: int) -> HttpResponse:
    """An outsider party's full phone or ID number, with a reason (audited)."""
    d = dispute_get_for(request.user, number)
    party = party_get_for(request.user, d, party_id)
    field = request.POST.get("field", "")
    try:
        value = party_reveal(
            actor=request.user, party=party, field=field, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        return render(request, "registry/_revealed.html", {"error": exc.message})
    return render(request, "registry/_revealed.html", {"value": value})
