"""Times a phone reports: when a record was made, by the phone's clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from wangge.core.errors import DomainError

# A phone's clock may run a little fast; more than this is refused.
CLOCK_SKEW = dt.timedelta(minutes=10)
# How long a phone may keep records before sending them.
MAX_AGE = dt.timedelta(days=90)


def client_time(value: Any, what: str, *, now: dt.datetime | None = None) -> dt.datetime:
    """An ISO 8601 time from the phone (without a zone: Beijing time), not
    in the future and not older than ``MAX_AGE``."""
    now = now or timezone.now()
    parsed = parse_datetime(str(value or "")) if value else None
    if parsed is None:
        raise DomainError(
            "field.time", f"{what}格式不对,应为 ISO 8601(如 2026-11-03T09:30:00+08:00)"
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed > now + CLOCK_SKEW:
        raise DomainError("field.time", f"{what}晚于服务器当前时间,请检查手机时间")
    if parsed < now - MAX_AGE:
        raise DomainError("field.time", f"{what}早于 90 天前,不能再补录")
    return parsed
