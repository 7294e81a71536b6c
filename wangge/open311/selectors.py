"""Reads through the Open311 door: jurisdictions, services, requests, tokens.

What a caller sees of requests depends only on its key: without one, the
requests that came in through Open311 (the public face the spec expects);
with one, every request of the key's county. Contact data never leaves.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from wangge.categories.models import Category
from wangge.core.errors import DomainError
from wangge.dispatch.models import Channel, Request, RequestEvent, State
from wangge.open311.models import Token
from wangge.territory.models import Area
from wangge.timelimits.models import Urgency

MAX_RESULTS = 1000
WINDOW = timedelta(days=90)
CLOSED = (State.CLOSED, State.MERGED, State.REJECTED)
STATUSES = ("open", "closed")


def jurisdictions() -> set[str]:
    """The counties this server takes requests for: those cut into grids."""
    return set(
        Area.objects.filter(level="grid", is_active=True)
        .values_list("county_code", flat=True)
        .distinct()
    )


def jurisdiction_check(code: str) -> None:
    if code not in jurisdictions():
        raise DomainError("not_found", f"jurisdiction_id {code} 不存在(应为本系统的县区代码)")


# --- services -----------------------------------------------------------------------------------


def _lineage(category: Category, by_pk: Mapping[int, Category]) -> list[Category]:
    """The category and its ancestors, the first level first."""
    chain = [category]
    while chain[0].parent_id is not None:
        chain.insert(0, by_pk[chain[0].parent_id])
    return chain


def _service_row(lineage: list[Category]) -> dict[str, Any]:
    leaf = lineage[-1]
    return {
        "service_code": leaf.code,
        "service_name": leaf.name,
        "description": " / ".join(c.name for c in lineage),
        "metadata": True,
        "type": "realtime",
        "keywords": ",".join(c.name for c in lineage[:-1]),
        "group": lineage[0].name,
    }


def _services() -> dict[str, list[Category]]:
    """Every service by code, with its lineage: the active leaves of the
    category tree whose ancestors are all active (switching a branch off
    switches off what is under it)."""
    by_pk = {c.pk: c for c in Category.objects.all()}
    parents = {c.parent_id for c in by_pk.values() if c.is_active}
    found = {}
    for c in by_pk.values():
        if c.pk in parents:
            continue
        lineage = _lineage(c, by_pk)
        if all(x.is_active for x in lineage):
            found[c.code] = lineage
    return found


def services_list() -> list[dict[str, Any]]:
    return [_service_row(lineage) for _, lineage in sorted(_services().items())]


def service_get(code: str) -> Category:
    """The service ``code`` names, or a 404 ``DomainError``."""
    lineage = _services().get(code)
    if lineage is None:
        raise DomainError("not_found", f"service_code {code} 不存在")
    return lineage[-1]


def service_definition(code: str) -> dict[str, Any]:
    service_get(code)
    urgency = {
        "variable": True,
        "code": "urgency",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "不填为“一般”",
        "order": 1,
        "description": "紧急程度",
        "values": [{"key": key, "name": str(name)} for key, name in Urgency.choices],
    }
    return {"service_code": code, "attributes": [urgency]}


# --- requests -----------------------------------------------------------------------------------


def requests_visible(county_code: str | None) -> QuerySet[Request]:
    """``county_code``: the caller's key's county, or None without a key."""
    if county_code is None:
        return Request.objects.filter(channel=Channel.API)
    return Request.objects.filter(county_code=county_code)


def _w3_param(params: Mapping[str, str], name: str) -> datetime | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
        if value is None and (day := parse_date(raw)) is not None:
            value = datetime.combine(day, time.min)
    except ValueError:
        value = None
    if value is None:
        raise DomainError("open311.date", f"{name} 应为 W3C 日期时间,如 2026-01-01T00:00:00+08:00")
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _listed(params: Mapping[str, str], name: str) -> list[str]:
    return [v.strip() for v in params.get(name, "").split(",") if v.strip()]


def requests_search(county_code: str | None, params: Mapping[str, str]) -> QuerySet[Request]:
    """The spec's filters on what the caller sees, newest first, at most
    ``MAX_RESULTS``. ``service_request_id`` overrides the others, as the
    spec says; else the window is at most 90 days, the last 90 by default."""
    found = requests_visible(county_code)
    if jurisdiction := params.get("jurisdiction_id", "").strip():
        found = found.filter(county_code=jurisdiction)
    numbers = _listed(params, "service_request_id")[:MAX_RESULTS]
    found = found.filter(number__in=numbers) if numbers else _filtered(found, params)
    return _detailed(found.order_by("-created_at", "-pk"))[:MAX_RESULTS]


def _filtered(found: QuerySet[Request], params: Mapping[str, str]) -> QuerySet[Request]:
    if codes := _listed(params, "service_code"):
        found = found.filter(category__code__in=codes)
    statuses = set(_listed(params, "status"))
    if statuses - set(STATUSES):
        raise DomainError("open311.status", "status 只能是 open 或 closed(可用逗号分隔)")
    if statuses == {"open"}:
        found = found.exclude(state__in=CLOSED)
    elif statuses == {"closed"}:
        found = found.filter(state__in=CLOSED)
    start, end = _w3_param(params, "start_date"), _w3_param(params, "end_date")
    if end is None:
        end = start + WINDOW if start is not None else timezone.now()
    if start is None:
        start = end - WINDOW
    if start > end:
        raise DomainError("open311.date", "start_date 不能晚于 end_date")
    if end - start > WINDOW:
        raise DomainError("open311.date", "start_date 与 end_date 相隔不能超过 90 天")
    return found.filter(created_at__gte=start, created_at__lte=end)


def request_get(county_code: str | None, number: str) -> Request:
    found = _detailed(requests_visible(county_code).filter(number=number)).first()
    if found is None:
        raise DomainError("not_found", f"service_request_id {number} 不存在")
    return found


def _detailed(found: QuerySet[Request]) -> QuerySet[Request]:
    # What a row shows, in a fixed number of queries however many rows.
    return found.select_related("category", "unit").prefetch_related(
        Prefetch("events", queryset=RequestEvent.objects.order_by("at", "pk"))
    )


def area_names(paths: list[str]) -> dict[str, str]:
    codes = {code for path in paths for code in path.strip("/").split("/")}
    return dict(Area.objects.filter(code__in=codes).values_list("code", "name"))


def token_get(token: str) -> Token:
    found = Token.objects.filter(token=token).select_related("request").first()
    if found is None:
        raise DomainError("not_found", "token 不存在")
    return found


# --- discovery ----------------------------------------------------------------------------------

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When what this server offers last changed in a way clients should notice
# (methods, formats, fields); bump it with such a change.
CHANGESET = "2026-11-29T00:00:00+08:00"


def discovery(base_url: str) -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": getattr(settings, "OPEN311_CONTACT", "网格化服务管理中心(本系统管理员)"),
        "key_service": getattr(
            settings, "OPEN311_KEY_SERVICE", "API 密钥由本系统管理员在后台“Open311 接口”中发放"
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base_url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
