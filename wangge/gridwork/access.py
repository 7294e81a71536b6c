"""Who may record field work where: whoever holds ``field.work`` over the
place now (a grid worker in their grid, a covering B in A's grid, a zone
head in the zone), or whoever served the grid when the record was made —
so what a covering B recorded offline is not refused because the cover
ended before the phone found a signal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.core.errors import DomainError, NotFound
from wangge.gridwork.cover import served_at


def require_field_work(
    actor: Any, path: str, grid_id: int, at: dt.datetime, what: str = "网格"
) -> None:
    reach = reach_for(actor)
    if reach.allows(Capability.FIELD_WORK, path) or served_at(actor, grid_id, at):
        return
    if reach.allows(Capability.AREA_VIEW, path):
        raise DomainError("forbidden", "只有本网格的网格员、片长可以记录走访和巡查")
    raise NotFound(what)
