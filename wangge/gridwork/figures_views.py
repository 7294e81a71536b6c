"""The field work figures page (``/gridwork/figures/``) and its API
(``/api/field/figures/``): the same figures, one computation
(``figures.field_figures_for``)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wangge.accounts.reach import reach_for
from wangge.core.errors import DomainError
from wangge.gridwork.figures import GROUPINGS, FieldFigures, default_per_week, field_figures_for
from wangge.territory.models import Area
from wangge.territory.selectors import area_get_for

CHART_LIMIT = 40  # groups drawn in the charts; the table has them all


def _day(query: QueryDict, name: str, default: dt.date) -> dt.date:
    text = query.get(name, "").strip()
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DomainError("figures.date", f"日期“{text[:20]}”格式不对,应为 2026-01-31") from None


def _per_week(query: QueryDict) -> int | None:
    text = query.get("per_week", "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise DomainError("figures.per_week", "每周巡查次数标准应为 1 到 14 的整数") from None


def figures_from_query(user: Any, query: QueryDict) -> FieldFigures:
    """Read the choices (area code, since, until, by, per_week) and compute;
    a bad choice is a DomainError with a Chinese message."""
    today = timezone.localdate()
    since = _day(query, "since", today - dt.timedelta(days=364))
    until = _day(query, "until", today)
    code = query.get("area", "").strip()
    area = area_get_for(user, code) if code else None
    return field_figures_for(
        user,
        area=area,
        since=since,
        until=until,
        by=query.get("by", "").strip(),
        per_week=_per_week(query),
    )


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _chart(figures: FieldFigures) -> dict[str, Any]:
    lines = [x for x in figures.lines if x.name != "其他"][:CHART_LIMIT]
    return {
        "names": [x.name.split("·")[-1] for x in lines],
        "red": [_pct(x.red_rate) for x in lines],
        "yellow": [_pct(x.yellow_rate) for x in lines],
        "green": [_pct(x.green_rate) for x in lines],
        "coverage": [_pct(x.coverage) for x in lines],
        "handled": [_pct(x.handled_share) for x in lines],
        "settled": [_pct(x.settle_rate) for x in lines],
        "tasks": [_pct(x.task_rate) for x in lines],
        "month": figures.by == "month",
        "more": max(0, len(figures.lines) - len(lines)),
    }


def _crumbs(user: Any, area: Area) -> list[Area]:
    """The area and those above it that the user reaches: where to go up."""
    codes = [p for p in area.path.strip("/").split("/") if p]
    return list(
        Area.objects.filter(reach_for(user).filter("path"), code__in=codes)
        .defer("geometry")
        .order_by("path")
    )


@login_required
def figures_page(request: HttpRequest) -> HttpResponse:
    error = ""
    figures = None
    try:
        figures = figures_from_query(request.user, request.GET)
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        error = exc.message
        figures = field_figures_for(
            request.user, since=timezone.localdate() - dt.timedelta(days=364),
            until=timezone.localdate(),
        )  # fmt: skip
    child = {"town": "village", "village": "grid"}.get(figures.by, "")
    return render(
        request,
        "gridwork/figures.html",
        {
            "f": figures,
            "error": error,
            "groupings": GROUPINGS.items(),
            "crumbs": _crumbs(request.user, figures.area),
            "child": child,
            "default_per_week": default_per_week(),
            "chart": json.dumps(_chart(figures), ensure_ascii=False),
            "chart_limit": CHART_LIMIT,
        },
    )


class FieldFiguresApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("area", str, description="区域代码(默认:可见的最高一级)"),
            OpenApiParameter("since", str, description="开始日期 YYYY-MM-DD(默认:一年前)"),
            OpenApiParameter("until", str, description="结束日期 YYYY-MM-DD(默认:今天)"),
            OpenApiParameter("by", str, enum=list(GROUPINGS), description="分组"),
            OpenApiParameter("per_week", int, description="每周巡查次数标准(默认 2)"),
        ],
        description="Field work figures (visit on-time rate by colour, households overdue, "
        "patrol coverage, matters found per worker and handled on the spot, disputes "
        "settled, task completion) per town, village, grid or month, within the caller's "
        "reach. Counts and rates (0–1, null when nothing to count); formulas in decision 0017.",
    )
    def get(self, request: Request) -> Response:
        figures = figures_from_query(request.user, request.query_params)
        return Response(figures.as_dict())
