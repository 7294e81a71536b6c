"""The duty list as the phone and the services see it."""

from __future__ import annotations

from collections.abc import Iterable

from wangge.core.errors import DomainError
from wangge.gridwork.models import Duty


def duties_active() -> list[Duty]:
    return list(Duty.objects.filter(is_active=True).order_by("position", "code"))


def duties_by_code(codes: Iterable[str]) -> list[Duty]:
    """The active duties named (by code); an unknown or retired code is
    refused with its name, so the phone can say which."""
    wanted = list(dict.fromkeys(str(c) for c in codes))
    if not wanted:
        return []
    found = {d.code: d for d in Duty.objects.filter(code__in=wanted, is_active=True)}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise DomainError("field.duties", f"工作职责不存在或已停用:{'、'.join(missing)}")
    return [found[c] for c in wanted]
