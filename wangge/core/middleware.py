from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from wangge.core.context import Origin, origin


def client_address(request: HttpRequest) -> str:
    # Behind a reverse proxy, set the proxy to overwrite X-Real-IP; we do not
    # trust X-Forwarded-For, which any client can forge.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR", "")


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        value = Origin(
            address=client_address(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
            channel=channel,
        )
        with origin(value):
            return self.get_response(request)


class DomainErrorMiddleware:
    """Pages: a DomainError raised by a service becomes a page with its
    Chinese message; NotFound becomes the one 404 page, whether the thing is
    missing or outside the user's reach."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from wangge.core.errors import DomainError

        if not isinstance(exc, DomainError):
            return None
        if exc.code == "not_found":
            return render(request, "404.html", {"exception": exc.message}, status=404)
        return render(request, "core/error.html", {"error": exc}, status=exc.http_status)
