from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wangge.audit.selectors import audit_list_for


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    qs = audit_list_for(
        request.user,
        action=g.get("action") or None,
        actor_username=g.get("actor") or None,
        object_id=g.get("object") or None,
    )
    page = Paginator(qs, 50).get_page(g.get("page"))
    return render(request, "audit/list.html", {"page": page, "filters": g})
