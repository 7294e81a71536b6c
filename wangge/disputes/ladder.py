"""The mediation ladder: who may act on a dispute at each level.

A dispute is mediated at one level at a time — its grid, its village's
mediation committee (村调委会), its town's judicial office (镇司法所). A
role may act at a level when its ``dispute.mediate`` grant covers that
level's area: a grid worker in their grid, a village secretary (or a zone
head held at the village) in the village and its grids, the town's judicial
office (司法所工作人员) and its dispatcher in the whole town. So
escalating a case takes it out of the grid worker's hands and into the
village's, as the ladder means; follow-up visits after an outcome are the
grid's again, and anyone mediating over the grid may record them.
"""

from __future__ import annotations

from typing import Any

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.disputes.models import LADDER, Dispute, Level

# Days after an outcome that follow-up visits (回访) fall due: one within
# the week (is the agreement being kept?), one a month on (is it calm?).
FOLLOW_UP_DAYS: tuple[int, ...] = (7, 30)


def level_path(area_path: str, level: str) -> str:
    """The path of the area mediating at ``level`` for a grid's path:
    city/county/town/village/[zone/]grid — the town is the third code, the
    village the fourth, whether or not a zone follows."""
    parts = area_path.strip("/").split("/")
    if level == Level.TOWN:
        return "/".join(parts[:3]) + "/"
    if level == Level.VILLAGE:
        return "/".join(parts[:4]) + "/"
    return area_path


def next_level(level: str) -> str | None:
    i = LADDER.index(level)
    return LADDER[i + 1] if i + 1 < len(LADDER) else None


def may_see(actor: Any, dispute: Dispute) -> bool:
    return reach_for(actor).allows(Capability.DISPUTE_VIEW, dispute.area_path)


def may_act(actor: Any, dispute: Dispute, level: str | None = None) -> bool:
    """May record mediation, agreements, escalation and the outcome at the
    dispute's current level (or ``level``)."""
    path = level_path(dispute.area_path, level or dispute.level)
    return reach_for(actor).allows(Capability.DISPUTE_MEDIATE, path)


def may_follow_up(actor: Any, dispute: Dispute) -> bool:
    return reach_for(actor).allows(Capability.DISPUTE_MEDIATE, dispute.area_path)
