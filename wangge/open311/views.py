"""The Open311 GeoReport v2 methods, each in JSON and XML by the extension.

Plain Django views rather than DRF: the spec fixes the wire format (form
posts, an ``api_key`` field, its own error shape, XML with its own element
names), and nothing of DRF's negotiation, auth or schema would be used.
No session: a client is known by its ``api_key`` alone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from wangge.core.errors import DomainError
from wangge.open311 import rows, selectors
from wangge.open311.render import FORMATS, answer, error
from wangge.open311.services import api_key_check, open311_request_submit

View = Callable[..., HttpResponse]


def open311(*methods: str) -> Callable[[View], View]:
    """The spec's frame around a method: the format from the extension, the
    methods allowed, ``jurisdiction_id`` checked, and every ``DomainError``
    answered in the spec's error form with its status."""

    def wrap(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def run(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            if fmt not in FORMATS:
                return error("json", 404, f"不支持的格式 .{fmt}:请用 .json 或 .xml")
            if request.method not in methods:
                refused = error(fmt, 405, f"不支持 {request.method} 方法")
                refused["Allow"] = ", ".join(methods)
                return refused
            params = request.POST if request.method == "POST" else request.GET
            try:
                if jurisdiction := params.get("jurisdiction_id", "").strip():
                    selectors.jurisdiction_check(jurisdiction)
                return view(request, fmt, *args, **kwargs)
            except DomainError as exc:
                return error(fmt, exc.http_status, exc.message)

        return run

    return wrap


def _reader_county(request: HttpRequest) -> str | None:
    """The county a reader's key opens, or None for a reader without a key.
    A key that is given but wrong is refused rather than ignored, so a
    client whose key was revoked learns it instead of seeing less."""
    raw = request.GET.get("api_key", "")
    if not raw:
        return None
    key = api_key_check(raw)
    if key is None:
        raise DomainError("forbidden", "api_key 无效或已停用")
    return key.county_code


@open311("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(request.path.rsplit("/", 1)[0] + "/")
    return answer(fmt, "discovery", selectors.discovery(base))


@open311("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return answer(fmt, "services", selectors.services_list())


@open311("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    return answer(fmt, "service_definition", selectors.service_definition(code))


@open311("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _submit(request, fmt)
    found = selectors.requests_search(_reader_county(request), request.GET)
    return answer(fmt, "service_requests", rows.request_rows(found))


def _submit(request: HttpRequest, fmt: str) -> HttpResponse:
    raw = request.POST.get("api_key", "")
    if not raw:
        raise DomainError("forbidden", "缺少 api_key")
    key = api_key_check(raw)
    if key is None:
        raise DomainError("forbidden", "api_key 无效或已停用")
    made, token = open311_request_submit(
        key=key, form=request.POST, idempotency_key=request.headers.get("Idempotency-Key", "")
    )
    row = rows.submitted_row(made, token, request.POST.get("account_id", ""))
    return answer(fmt, "service_requests", [row])


@open311("GET")
def request_one(request: HttpRequest, fmt: str, number: str) -> HttpResponse:
    found = selectors.request_get(_reader_county(request), number)
    return answer(fmt, "service_requests", rows.request_rows([found]))


@open311("GET")
def tokens(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    return answer(fmt, "service_requests", [rows.token_row(selectors.token_get(token))])


def unknown(request: HttpRequest) -> HttpResponse:
    return error("json", 404, "没有这个接口:见 discovery.json 或 discovery.xml")
