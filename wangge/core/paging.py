"""Pages of a long list, and the query string that keeps the filters from page to page."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paged(request: HttpRequest, rows: Any, per_page: int = 50) -> tuple[Page, str]:
    """The page the query asks for (a bad or too high number gives the nearest page), and the
    query without ``page``, for the links to the other pages."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
