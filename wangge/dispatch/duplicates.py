"""Possible duplicates (重复件) at intake, and merging them.

A matter is often reported by several neighbours. Candidates: open
requests of the same first-level category, in the same village, from the
last seven days, whose text is similar (character-bigram overlap — Chinese
has no spaces to split words on, and bigrams catch "垃圾清运" against
"清运垃圾"). Staff decide; merging closes the copy as 已合并 pointing at
the main request, whose state and result its requester then sees.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from wangge.core.errors import DomainError
from wangge.dispatch.flow import _over_place, _step
from wangge.dispatch.models import Request, State

WINDOW = dt.timedelta(days=7)
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
    pool = (
        Request.objects.filter(
            area_path__prefix=village,
            category__code__startswith=request.category.code[:2],
            created_at__gte=since,
            state__in=_OPEN,
        )
        .exclude(pk=request.pk)
        .select_related("category", "grid")[:200]
    )
    scored = [(r, similarity(request.description, r.description)) for r in pool]
    return sorted((x for x in scored if x[1] >= THRESHOLD), key=lambda x: -x[1])[:limit]


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
    if not into.area_path.startswith(_parent_path(request.area_path)):
        raise DomainError("request.merge", "只能合并同一村(社区)的诉求")
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
