"""Reads of disputes, always through the actor's reach (``dispute.view``
over the dispute's grid). Outside it, a dispute is "not found"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.core.errors import NotFound
from wangge.disputes.models import (
    Dispute,
    DisputeType,
    FollowUp,
    Level,
    Party,
    Risk,
    State,
    unresolved_q,
)
from wangge.territory.models import Area


def _reach_q(actor: Any) -> Q:
    return reach_for(actor).filter("area_path", Capability.DISPUTE_VIEW)


def _overdue_q(today: dt.date) -> Q:
    late = FollowUp.objects.filter(
        dispute=OuterRef("pk"), done_at__isnull=True, cancelled=False, due_on__lt=today
    )
    return Q(Exists(late), state=State.FOLLOW_UP)


@dataclass(frozen=True)
class DisputeFilter:
    area: str = ""  # area code: the dispute's grid is under it
    type: str = ""
    risk: str = ""
    state: str = ""
    level: str = ""
    unresolved: bool = False  # still weighs on its households
    overdue: bool = False  # a follow-up visit is late
    household: str = ""  # household number of a party
    q: str = ""  # number, or part of a party's name

    @classmethod
    def from_query(cls, q: Any) -> DisputeFilter:
        def pick(name: str, allowed: list[str]) -> str:
            value = str(q.get(name, "")).strip()
            return value if value in allowed else ""

        return cls(
            area=str(q.get("area", "")).strip(),
            type=pick("type", DisputeType.values),
            risk=pick("risk", Risk.values),
            state=pick("state", State.values),
            level=pick("level", Level.values),
            unresolved=q.get("unresolved") in ("1", "true", True),
            overdue=q.get("overdue") in ("1", "true", True),
            household=str(q.get("household", "")).strip(),
            q=str(q.get("q", "")).strip()[:32],
        )


def _filtered(actor: Any, f: DisputeFilter) -> QuerySet[Dispute]:
    qs = Dispute.objects.filter(_reach_q(actor))
    if f.area:
        path = Area.objects.filter(code=f.area).values_list("path", flat=True).first()
        qs = qs.filter(area_path__prefix=path) if path else qs.none()
    if f.type:
        qs = qs.filter(type=f.type)
    if f.risk:
        qs = qs.filter(risk=f.risk)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.unresolved:
        qs = qs.filter(unresolved_q())
    if f.overdue:
        qs = qs.filter(_overdue_q(timezone.localdate()))
    if f.household:
        qs = qs.filter(
            pk__in=Party.objects.filter(household__number=f.household).values("dispute_id")
        )
    if f.q:
        if f.q.upper().startswith("JF"):
            qs = qs.filter(number__startswith=f.q.upper())
        else:
            qs = qs.filter(pk__in=Party.objects.filter(name__contains=f.q).values("dispute_id"))
    return qs


def dispute_list_for(actor: Any, f: DisputeFilter) -> QuerySet[Dispute]:
    """The ledger (矛盾纠纷台账): newest first."""
    qs = _filtered(actor, f)
    if f.state:
        qs = qs.filter(state=f.state)
    return qs.select_related("grid").order_by("-found_on", "-pk")


def dispute_counts_for(actor: Any, f: DisputeFilter) -> dict[str, int]:
    """Head figures of the ledger under the same filters (all states)."""
    qs = _filtered(actor, f).order_by()
    by_state = dict(qs.values_list("state").annotate(n=Count("id")))
    return {
        "total": sum(by_state.values()),
        "open": by_state.get(State.OPEN, 0),
        "follow_up": by_state.get(State.FOLLOW_UP, 0),
        "closed": by_state.get(State.CLOSED, 0),
        "high": qs.filter(unresolved_q(), risk=Risk.HIGH).count(),
        "overdue": qs.filter(_overdue_q(timezone.localdate())).count(),
    }


def dispute_get_for(actor: Any, number: str) -> Dispute:
    found = (
        Dispute.objects.filter(_reach_q(actor), number=number)
        .select_related("grid", "request", "found_by", "created_by")
        .first()
    )
    if found is None:
        raise NotFound("矛盾纠纷")
    return found


def party_get_for(actor: Any, dispute: Dispute, party_id: int) -> Party:
    dispute_get_for(actor, dispute.number)  # never trust a passed object
    party = dispute.parties.filter(pk=party_id).select_related("dispute").first()
    if party is None:
        raise NotFound("当事人")
    return party


def disputes_of_household(actor: Any, household_id: int) -> QuerySet[Dispute]:
    """A household's disputes the actor may see, unresolved first."""
    return Dispute.objects.filter(
        _reach_q(actor),
        pk__in=Party.objects.filter(household_id=household_id).values("dispute_id"),
    ).order_by("state", "-found_on")
