"""The staff inbox: messages to the user's units."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wangge.notify.selectors import inbox_for
from wangge.notify.services import inbox_mark_read


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    rows = inbox_for(request.user)
    if request.GET.get("unread"):
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request, "notify/inbox.html", {"page": page, "unread_only": bool(request.GET.get("unread"))}
    )


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    inbox_mark_read(request.user, ids)
    return redirect("inbox")
