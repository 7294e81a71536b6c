"""API plumbing shared by every app: errors become JSON with a stable code."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from wangge.core.errors import DomainError, NotFound


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = NotFound()
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.http_status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = "invalid"
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        code = "not_authenticated"
    elif isinstance(exc, exceptions.PermissionDenied):
        code = "forbidden"
    elif isinstance(exc, exceptions.Throttled):
        code = "throttled"
    elif response.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
        code = "method_not_allowed"
    detail = response.data
    message = detail.get("detail") if isinstance(detail, dict) else None
    body: dict[str, Any] = {"code": code, "message": str(message or "请求无效")}
    if code == "invalid" and message is None:
        body["details"] = detail
    response.data = body
    return response


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
