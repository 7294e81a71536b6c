"""Where the current request came from, for audit records.

Services take the acting user explicitly; the client address and user agent
are not business inputs, so rather than thread them through every service
signature the middleware (or a management command) sets them here and the
audit service reads them. A ContextVar is per-thread and per-task, so
concurrent requests never see each other's values.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    address: str = ""
    user_agent: str = ""
    channel: str = "web"  # web | api | cli | task


_CLI = Origin(channel="cli")
_origin: ContextVar[Origin] = ContextVar("wangge_origin", default=_CLI)


def current_origin() -> Origin:
    return _origin.get()


@contextlib.contextmanager
def origin(value: Origin) -> Iterator[Origin]:
    token = _origin.set(value)
    try:
        yield value
    finally:
        _origin.reset(token)
