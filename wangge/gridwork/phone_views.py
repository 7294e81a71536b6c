"""The grid worker's phone pages (H5) under ``/field/``.

The pages are an *app shell*: plain HTML with no data in it, filled by
small scripts from the phone's API (``/api/field/``), so that a service
worker can keep the pages, their scripts and the last answers of the API
on the phone and everything works with no signal. What the worker records
goes into an outbox in IndexedDB first and is sent through
``/api/field/sync/`` when there is a network (decision 0017, "The phone
pages").
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.core.errors import NotFound

_STATIC = Path(settings.BASE_DIR) / "wangge" / "static"
_TEMPLATES = Path(settings.BASE_DIR) / "wangge" / "templates" / "gridwork" / "phone"
# Shared scripts the phone pages use besides their own folder.
_SHARED_STATIC = ("wangge/photos.js", "wangge/locate.js")
PAGES = ("field_today", "field_household", "field_visit", "field_patrol", "field_outbox")
# The API answers kept for offline use beyond the household cards, which
# the pages fetch (and so the service worker keeps) one by one.
PRECACHED_API = ("api_field_today", "api_field_meta", "api_field_grids", "api_field_changes")


def _static_files() -> list[str]:
    own = sorted(
        f"wangge/field/{p.name}" for p in (_STATIC / "wangge" / "field").iterdir() if p.is_file()
    )
    return [*own, *_SHARED_STATIC]


def _fingerprint() -> str:
    """A hash of every file the shell is made of: a deploy that changes
    any of them changes the service worker's bytes, so phones install the
    new one and drop the old shell cache."""
    digest = hashlib.sha256()
    for name in _static_files():
        digest.update(name.encode())
        digest.update((_STATIC / name).read_bytes())
    for path in sorted(_TEMPLATES.iterdir()):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


_cached_fingerprint = functools.cache(_fingerprint)


def shell_version() -> str:
    # While developing (DEBUG), files change under a running server.
    return _fingerprint() if settings.DEBUG else _cached_fingerprint()


def _page(request: HttpRequest, template: str, title: str) -> HttpResponse:
    if not reach_for(request.user).has(Capability.FIELD_WORK):
        raise NotFound("页面")
    return render(
        request,
        f"gridwork/phone/{template}",
        {"title": title, "version": shell_version()},
    )


# The CSRF cookie must exist before the outbox first sends: the pages
# read it at send time (never a token baked into a cached page, which a
# later sign-in would have rotated).
@login_required
@ensure_csrf_cookie
def today(request: HttpRequest) -> HttpResponse:
    return _page(request, "today.html", "今日")


@login_required
@ensure_csrf_cookie
def household(request: HttpRequest) -> HttpResponse:
    return _page(request, "household.html", "户卡")


@login_required
@ensure_csrf_cookie
def visit(request: HttpRequest) -> HttpResponse:
    return _page(request, "visit.html", "记录走访")


@login_required
@ensure_csrf_cookie
def patrol(request: HttpRequest) -> HttpResponse:
    return _page(request, "patrol.html", "巡查")


@login_required
@ensure_csrf_cookie
def outbox(request: HttpRequest) -> HttpResponse:
    return _page(request, "outbox.html", "待发送")


def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker script, with the shell's version and the URLs to
    keep. No sign-in needed: it holds no personal data, and the browser
    fetches it for updates without following redirects."""
    shell = [reverse(name) for name in PAGES] + [static(name) for name in _static_files()]
    response = render(
        request,
        "gridwork/phone/sw.js",
        {
            "config": json.dumps(
                {
                    "version": shell_version(),
                    "shell": shell,
                    "pages": [reverse(name) for name in PAGES],
                    "api": [reverse(name) for name in PRECACHED_API],
                    "apiPrefix": reverse("api_field_today").rsplit("today/", 1)[0],
                    "staticPrefix": settings.STATIC_URL,
                },
                indent=1,
            )
        },
        content_type="application/javascript; charset=utf-8",
    )
    # Always ask the server: a new deploy must reach phones at once.
    response["Cache-Control"] = "no-cache"
    return response
