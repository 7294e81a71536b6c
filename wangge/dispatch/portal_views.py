"""The resident portal pages (phone first, no account)."""

from __future__ import annotations

import uuid

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from wangge.categories.models import Category
from wangge.core.errors import DomainError
from wangge.dispatch import portal
from wangge.dispatch.flow import RATINGS
from wangge.dispatch.models import RequestPhoto, State
from wangge.dispatch.photos import attach, prepare
from wangge.dispatch.services import request_intake
from wangge.notify.selectors import resident_messages
from wangge.territory.locate import point_locate
from wangge.territory.models import Area


def _categories() -> list[tuple[str, list[tuple[str, str]]]]:
    """Second-level classes grouped by first level, for one <select>."""
    groups: dict[str, list[tuple[str, str]]] = {}
    names = {}
    for code, name, level in Category.objects.filter(is_active=True, level__lte=2).values_list(
        "code", "name", "level"
    ):
        if level == 1:
            names[code] = name
        else:
            groups.setdefault(code[:2], []).append((code, name))
    return [(names[k], v) for k, v in sorted(groups.items()) if k in names]


def _villages() -> list[tuple[str, str]]:
    return list(
        Area.objects.filter(level="village", is_active=True)
        .order_by("code")
        .values_list("code", "name")[:2000]
    )


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    p = request.POST
    error = ""
    if request.method == "POST":
        try:
            lon, lat = _float(p.get("lon")), _float(p.get("lat"))
            grid_code = ""
            if lon is None or lat is None:
                grid_code = _grid_of_village(p.get("village", ""))
            photos = prepare(request.FILES.getlist("photos"))
            made = request_intake(
                actor=None,
                channel="portal",
                category_code=p.get("category", ""),
                description=p.get("description", ""),
                lon=lon,
                lat=lat,
                grid_code=grid_code,
                contact_name=p.get("name", ""),
                contact_phone=p.get("phone", ""),
                anonymous=p.get("anonymous") == "1",
                idempotency_key=p.get("key", "")[:64],
            )
            # A retried submission (same key) finds its request with the
            # photos already on it.
            if photos and not made.photos.exists():
                attach(made, photos, event=made.events.first())
        except DomainError as exc:
            error = exc.message
        else:
            return render(request, "dispatch/portal_done.html", {"r": made})
    return render(
        request,
        "dispatch/portal_report.html",
        {
            "categories": _categories(),
            "villages": _villages(),
            "key": p.get("key") or uuid.uuid4().hex,  # a retried submit reuses it
            "form": p,
            "error": error,
        },
    )


def _grid_of_village(code: str) -> str:
    village = Area.objects.filter(code=code, level="village").first()
    if village is None:
        raise DomainError("request.location", "请允许定位,或选择所在村(社区)")
    if village.centroid_lon is not None and village.centroid_lat is not None:
        found = point_locate(village.centroid_lon, village.centroid_lat)
        if found is not None and found.grid_code and found.grid_code.startswith(code):
            return found.grid_code
    grid = Area.objects.filter(level="grid", path__startswith=village.path).order_by("code").first()
    if grid is None:
        raise DomainError("request.location", "该村(社区)尚未划分网格,请允许定位")
    return grid.code


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    p = request.POST
    context: dict[str, object] = {"form": p, "ratings": sorted(RATINGS.items(), reverse=True)}
    if request.method == "POST":
        try:
            if p.get("rating"):
                r = portal.request_rate_by_resident(
                    number=p.get("number", ""),
                    phone=p.get("phone", ""),
                    solved=p.get("solved") == "1",
                    rating=int(p.get("rating") or 0),
                    note=p.get("note", ""),
                )
                context["rated"] = True
            else:
                r = portal.request_for_resident(p.get("number", ""), p.get("phone", ""))
        except (DomainError, ValueError) as exc:
            context["error"] = getattr(exc, "message", "请检查填写的内容")
        else:
            # A merged copy is followed through the request it joined.
            main = r.duplicate_of or r
            context.update(
                r=r,
                main=main,
                steps=portal.public_timeline(r)
                + (portal.public_timeline(main) if main is not r else []),
                can_rate=r.state in (State.FINISHED, State.CHECKED),
                notes=list(resident_messages(r)),
                photos=[(p, portal.photo_token(p)) for p in portal.photos_for_resident(r)],
            )
    return render(request, "dispatch/portal_track.html", context)


def photo(request: HttpRequest, token: str) -> FileResponse:
    """A photo of a tracked request, by the short-lived token the track page
    made after checking number + phone."""
    pk = portal.photo_from_token(token)
    photo = RequestPhoto.objects.filter(pk=pk).first() if pk is not None else None
    if photo is None:
        raise Http404
    return FileResponse(photo.file.open("rb"), content_type="image/jpeg")
