from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.core.errors import DomainError
from wangge.core.page_action import page_action
from wangge.registry import visits
from wangge.registry.colouring import reasons_for_viewer
from wangge.registry.models import RELATIONS, Colour
from wangge.registry.selectors import (
    colour_counts_for,
    household_get_for,
    household_list_for,
    household_members_for,
    lead_links_for,
    person_get_for,
    person_search_for,
)
from wangge.registry.services import household_reveal_address, person_reveal
from wangge.registry.tags import visible_tags
from wangge.territory.selectors import area_breadcrumbs_for, area_get_for


def _sensitive_ok(request: HttpRequest, path: str) -> bool:
    return reach_for(request.user).allows(Capability.PERSON_VIEW_SENSITIVE, path)


@login_required
def area_households(request: HttpRequest, code: str) -> HttpResponse:
    area = area_get_for(request.user, code)
    reach = reach_for(request.user)
    colour = request.GET.get("colour") or None
    if colour not in (None, *Colour.values):
        colour = None
    visit = request.GET.get("visit") or None
    if visit not in (None, *visits.STATES):
        visit = None
    today = timezone.localdate()
    table = visits.intervals()
    households = household_list_for(request.user, area=area, colour=colour)
    if visit:
        households = households.filter(visits.state_filter(visit, today, table))
    page = Paginator(households, 100).get_page(request.GET.get("page"))
    rows = [(h, visits.status_of(h, today, table)) for h in page]
    everyone = household_list_for(request.user, area=area)
    visit_counts = {
        state: everyone.filter(visits.state_filter(state, today, table)).count()
        for state in ("overdue", "due")
    }
    return render(
        request,
        "registry/area_households.html",
        {
            "area": area,
            "crumbs": area_breadcrumbs_for(request.user, area),
            "page": page,
            "rows": rows,
            "visit": visit,
            "visit_counts": visit_counts,
            "counts": colour_counts_for(request.user, area),
            "colour": colour,
            "colours": Colour.choices,
            "can_export": reach.allows(Capability.PERSON_EXPORT, area.path)
            and area.level in ("town", "village", "zone", "grid"),
            "can_export_full": reach.allows(Capability.PERSON_REVEAL, area.path),
        },
    )


@login_required
def area_households_geojson(request: HttpRequest, code: str) -> HttpResponse:
    """Households of an area as points coloured by their colour (no names,
    no addresses: a map is for seeing where, the page for who)."""
    from django.http import JsonResponse

    area = area_get_for(request.user, code)
    rows = household_list_for(request.user, area=area).values_list("number", "colour", "lon", "lat")
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"number": n, "colour": c},
        }
        for n, c, lon, lat in rows
        if lon is not None
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
def household_detail(request: HttpRequest, number: str) -> HttpResponse:
    household = household_get_for(request.user, number)
    sensitive_ok = _sensitive_ok(request, household.area_path)
    members = [
        (m, visible_tags({t.code for t in m.person.tags.all()}, sensitive_ok=sensitive_ok))
        for m in household_members_for(request.user, household)
    ]
    return render(
        request,
        "registry/household.html",
        {
            "household": household,
            "crumbs": area_breadcrumbs_for(request.user, household.grid),
            "members": members,
            "reasons": reasons_for_viewer(household, sensitive_ok=sensitive_ok),
            "can_reveal": reach_for(request.user).allows(
                Capability.PERSON_REVEAL, household.area_path
            ),
            "can_override": reach_for(request.user).allows(
                Capability.PERSON_EDIT, household.area_path
            ),
            "colours": Colour.choices,
            "relations": RELATIONS,
            "lead": lead_links_for(request.user, household),
            "party_members": [m.person for m, _tags in members if m.person.is_party_member],
        },
    )


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = person_get_for(request.user, person_id)
    sensitive_ok = _sensitive_ok(request, person.area_path)
    return render(
        request,
        "registry/person.html",
        {
            "person": person,
            "tags": visible_tags({t.code for t in person.tags.all()}, sensitive_ok=sensitive_ok),
            "can_reveal": reach_for(request.user).allows(
                Capability.PERSON_REVEAL, person.area_path
            ),
        },
    )


@login_required
@require_POST
def person_reveal_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """htmx: answers with the revealed value (or the error) in place."""
    person = person_get_for(request.user, person_id)
    field = request.POST.get("field", "")
    try:
        value = person_reveal(
            actor=request.user, person=person, field=field, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        return render(request, "registry/_revealed.html", {"error": exc.message}, status=400)
    return render(request, "registry/_revealed.html", {"value": value, "field": field})


@login_required
@require_POST
def household_reveal_view(request: HttpRequest, number: str) -> HttpResponse:
    household = household_get_for(request.user, number)
    try:
        value = household_reveal_address(
            actor=request.user, household=household, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        return render(request, "registry/_revealed.html", {"error": exc.message}, status=400)
    return render(request, "registry/_revealed.html", {"value": value, "field": "address"})


@login_required
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    results: list[object] = []
    error = ""
    if q:
        try:
            results = list(person_search_for(request.user, q))
        except DomainError as exc:
            error = exc.message
    return render(request, "registry/search.html", {"q": q, "results": results, "error": error})


@login_required
@require_POST
def area_export(request: HttpRequest, code: str) -> HttpResponse | FileResponse:
    """Download an area's households and people as XLSX: masked, or in full
    with a reason (both audited)."""
    import io

    from django.contrib import messages
    from django.shortcuts import redirect

    from wangge.registry.exports import people_export_xlsx

    area = area_get_for(request.user, code)
    full = request.POST.get("full") == "1"
    try:
        name, data = people_export_xlsx(
            actor=request.user, area=area, full=full, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        messages.error(request, exc.message)
        return redirect("area_households", code=code)
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=name)


@login_required
@require_POST
def household_override(request: HttpRequest, number: str) -> HttpResponse:
    """Set a household's colour by hand, with a reason and an end date."""
    import datetime as dt

    from django.contrib import messages
    from django.shortcuts import redirect

    from wangge.registry.services import household_colour_override

    household = household_get_for(request.user, number)
    try:
        until = dt.date.fromisoformat(request.POST.get("until", ""))
    except ValueError:
        messages.error(request, "请填写有效期(年-月-日)")
        return redirect("household_detail", number=number)
    with page_action(request) as attempt:
        household_colour_override(
            actor=request.user,
            household=household,
            colour=request.POST.get("colour", ""),
            reason=request.POST.get("reason", ""),
            until=until,
        )
    if attempt.ok:
        messages.success(request, "已调整颜色")
    return redirect("household_detail", number=number)


@login_required
@require_POST
def household_lead(request: HttpRequest, number: str) -> HttpResponse:
    """Designate the household a 党员中心户 (or stop it being one)."""
    import re

    from django.contrib import messages
    from django.shortcuts import redirect

    from wangge.registry.services import lead_household_clear, lead_household_set

    household = household_get_for(request.user, number)
    with page_action(request):
        if request.POST.get("clear"):
            lead_household_clear(actor=request.user, household=household)
            messages.success(request, "已取消党员中心户")
        else:
            try:
                member = int(request.POST.get("party_member", ""))
            except ValueError:
                raise DomainError("lead.member", "请选择本户的一名党员") from None
            lead_household_set(
                actor=request.user,
                household=household,
                party_member_id=member,
                looks_after=re.split(r"[\s,，、;；]+", request.POST.get("looks_after", "")),
            )
            messages.success(request, "已设为党员中心户")
    return redirect("household_detail", number=number)


@login_required
@require_POST
def household_relations(request: HttpRequest, number: str) -> HttpResponse:
    """Correct the members' relations to the head (and who the head is), all at once."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from wangge.registry.relations import household_relations_set

    household = household_get_for(request.user, number)
    relations: dict[int, str] = {}
    for key in request.POST:
        if key.startswith("relation_") and key[len("relation_") :].isdigit():
            relations[int(key[len("relation_") :])] = request.POST.get(key, "")
    with page_action(request) as attempt:
        household_relations_set(
            actor=request.user,
            household=household,
            relations=relations,
            reason=request.POST.get("reason", ""),
        )
    if attempt.ok:
        messages.success(request, "已更新成员关系")
    return redirect("household_detail", number=number)
