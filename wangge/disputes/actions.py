"""One table from action names to the steps of a dispute, for the pages and
the API alike: the data comes from a form or a JSON body."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.utils import timezone

from wangge.core.errors import DomainError
from wangge.disputes import services
from wangge.disputes.models import Dispute
from wangge.disputes.parties import PartyIn


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _yes(value: Any) -> bool:
    return value in (True, 1, "1", "true", "yes")


def parse_day(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise DomainError("dispute.date", f"{what}格式应为 2026-01-31") from None


def parse_moment(value: Any) -> dt.datetime | None:
    """A form's ``datetime-local`` (Beijing time) or an ISO time; empty: now."""
    if isinstance(value, dt.datetime):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise DomainError("dispute.held_at", "调解时间格式应为 2026-01-31 09:30") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def party_from(data: Mapping[str, Any], prefix: str = "") -> PartyIn:
    def get(key: str) -> str:
        return str(data.get(f"{prefix}{key}", "") or "")

    person = _int(get("person"), 0)
    return PartyIn(
        name=get("name"),
        side=get("side") or "a",
        kind=get("kind") or "person",
        person_id=person or None,
        household_number=get("household"),
        phone=get("phone"),
        id_number=get("id_number"),
        note=get("note"),
    )


Step = Callable[[Any, Dispute, Mapping[str, Any], Sequence[Any]], Any]

ACTIONS: dict[str, Step] = {
    "mediate": lambda u, d, data, _p: services.dispute_mediate(
        actor=u,
        dispute=d,
        mediators=str(data.get("mediators", "")),
        note=str(data.get("note", "")),
        result=str(data.get("result", "")),
        held_at=parse_moment(data.get("held_at")),
    ),
    "agreement": lambda u, d, data, photos: services.dispute_agreement(
        actor=u,
        dispute=d,
        text=str(data.get("text", "")),
        signed_on=parse_day(data.get("signed_on"), "签订日期"),
        photos=photos,
    ),
    "escalate": lambda u, d, data, _p: services.dispute_escalate(
        actor=u,
        dispute=d,
        reason=str(data.get("reason", "")),
        to_level=str(data.get("to_level", "") or ""),
    ),
    "reassess": lambda u, d, data, _p: services.dispute_reassess(
        actor=u, dispute=d, risk=str(data.get("risk", "")), reason=str(data.get("reason", ""))
    ),
    "party": lambda u, d, data, _p: services.dispute_party_add(
        actor=u, dispute=d, party=party_from(data)
    ),
    "conclude": lambda u, d, data, _p: services.dispute_conclude(
        actor=u, dispute=d, outcome=str(data.get("outcome", "")), note=str(data.get("note", ""))
    ),
    "follow_up": lambda u, d, data, _p: services.dispute_follow_up(
        actor=u, dispute=d, stable=_yes(data.get("stable")), note=str(data.get("note", ""))
    ),
}


def perform(
    action: str, actor: Any, dispute: Dispute, data: Mapping[str, Any], photos: Sequence[Any] = ()
) -> Any:
    """Take one step. ``data["version"]``, when given, is the version the
    caller saw: if the dispute has moved on since, the step is refused."""
    step = ACTIONS.get(action)
    if step is None:
        raise DomainError("dispute.action", "未知操作")
    if "version" in data:
        dispute.version = _int(data.get("version"), dispute.version)
    return step(actor, dispute, data, photos)
