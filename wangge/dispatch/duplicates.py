"""Possible duplicates (重复件) at intake, and merging them.

A matter is often reported by several neighbours. Candidates: open
requests of the same first-level category, in the same village or within
``NEAR`` metres of the pin (a road or river at a village border is reported
from both sides), from the last seven days, whose text is similar
(character-bigram overlap — Chinese has no spaces to split words on,
and bigrams catch "垃圾清运" against "清运垃圾"). Staff decide; merging
closes the copy as 已合并 pointing at the main request, whose state and
result its requester then sees.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db.models import Q
from django.utils import timezone

from wangge.core.errors import DomainError
from wangge.dispatch.flow import _over_place, _step
from wangge.dispatch.models import Request, State

WINDOW = dt.timedelta(days=7)
NEAR = 300.0  # metres
THRESHOLD = 0.3
_OPEN = [State.SUBMITTED, State.DISPATCHED, State.SIGNED, State.EXTENSION_PENDING]


def _bigrams(text: str) -> set[str]:
    s = "".join(ch for ch in text if ch.isalnum())
    return {s[i : i + 2] for i in range(len(s) - 1)} or ({s} if s else set())


def similarity(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / len(x | y) if x and y else 0.0


def duplicate_candidates(request: Request, *, limit: int = 5) -> list[tuple[Request, float]]:
    """Open requests that may be the same matter, most similar first."""
    village = _parent_path(request.area_path)
    since = request.created_at - WINDOW
    place = Q(area_path__prefix=village)
    if request.lon is not None and request.lat is not None:
        dlat = NEAR / 111_320
        dlon = dlat / max(math.cos(math.radians(request.lat)), 0.01)
        place |= Q(
            lon__range=(request.lon - dlon, request.lon + dlon),
            lat__range=(request.lat - dlat, request.lat + dlat),
        )
    pool = [
        r
        for r in Request.objects.filter(
            place,
            category__code__startswith=request.category.code[:2],
            created_at__gte=since,
            state__in=_OPEN,
        )
        .exclude(pk=request.pk)
        .select_related("category", "grid")[:200]
        if r.area_path.startswith(village) or _near(request, r)
    ]
    scored = [(r, similarity(request.description, r.description)) for r in pool]
    return sorted((x for x in scored if x[1] >= THRESHOLD), key=lambda x: -x[1])[:limit]


def metres_between(a: Request, b: Request) -> float | None:
    if a.lon is None or a.lat is None or b.lon is None or b.lat is None:
        return None
    x = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    y = math.radians(b.lat - a.lat)
    return 6_371_000 * math.hypot(x, y)


def _near(a: Request, b: Request) -> bool:
    d = metres_between(a, b)
    return d is not None and d <= NEAR


def _parent_path(path: str) -> str:
    """The village of a grid's path (a zone between them is skipped)."""
    parts = path.strip("/").split("/")
    return "/".join(parts[:4]) + "/"


def request_merge(*, actor: Any, request: Request, into: Request) -> Request:
    """Close ``request`` as a copy of ``into`` (town office or command centre
    over the place). Its requester follows ``into`` from then on."""
    acting = _over_place(actor, request)
    if acting is None:
        raise DomainError("forbidden", "由镇街或指挥中心合并重复件")
    if into.pk == request.pk or into.duplicate_of_id is not None or into.state == State.MERGED:
        raise DomainError("request.merge", "请合并到一件未被合并的诉求")
    if not into.area_path.startswith(_parent_path(request.area_path)) and not _near(request, into):
        raise DomainError("request.merge", f"只能合并同一村(社区)或相距 {NEAR:.0f} 米内的诉求")
    return _step(
        request,
        actor=actor,
        acting=acting,
        expected=set(_OPEN),
        action="merge",
        note=f"与 {into.number} 为同一事项,合并办理",
        to_state=State.MERGED,
        duplicate_of=into,
        closed_at=timezone.now(),
    )
