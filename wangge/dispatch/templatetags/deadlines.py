"""``{{ when|deadline }}``: a deadline as people read it — one that ends a
day shows as that day's 24:00, not the next day's 00:00."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def deadline(value: dt.datetime | None) -> str:
    if value is None:
        return "—"
    local = timezone.localtime(value)
    if local.time() == dt.time(0, 0):
        return f"{(local - dt.timedelta(days=1)):%Y-%m-%d} 24:00"
    return f"{local:%Y-%m-%d %H:%M}"


@register.filter
def pct(value: float | None) -> str:
    """A rate as a percentage; "—" when there was nothing to count."""
    return "—" if value is None else f"{value * 100:.1f}%"
