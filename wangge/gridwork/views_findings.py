"""The findings ledger (巡查发现): what grid workers found on patrol or on a visit, for the
village and town staff who follow them up."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wangge.core.paging import paged
from wangge.gridwork.models import FindingOutcome
from wangge.gridwork.selectors import FindingFilter, findings_for
from wangge.gridwork.views import staff_area
from wangge.territory.selectors import area_breadcrumbs_for


@login_required
def findings(request: HttpRequest, code: str) -> HttpResponse:
    area = staff_area(request, code)
    f = FindingFilter.from_query(request.GET)
    rows = findings_for(request.user, area, f)
    page, query = paged(request, rows)
    return render(
        request,
        "gridwork/findings.html",
        {
            "area": area,
            "crumbs": area_breadcrumbs_for(request.user, area),
            "f": f,
            "month": f.month.strftime("%Y-%m") if f.month else "",
            "page": page,
            "query": query,
            "outcomes": FindingOutcome.choices,
        },
    )
