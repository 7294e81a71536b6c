"""Disputes after a village's grids are redrawn (``territory.activation``): a dispute not yet
closed goes on in the grid its people now live in, so the new grid's worker sees it, mediates
it and does its follow-up visits; a closed one keeps the grid it had (history, like requests).

Where it goes: the new grid of its first party (side 甲 first, then as entered) whose registry
household lies in the redrawn village; with none there (outsiders only, or households that have
left), the old grid's successor. Each move is a timeline line and bumps ``version`` (a form
opened before the redraw is told the case has changed); one audit record lists them all. The
households' colour does not change: it counts their disputes, wherever those are kept.

Registered in ``DisputesConfig.ready``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import F

from wangge.disputes.models import Dispute, DisputeEvent, Party, State
from wangge.territory.models import Area
from wangge.territory.succession import redraw_of


def disputes_follow_grids(successor: dict[int, Area], at: dt.datetime) -> int:
    """Move the unclosed disputes of the old grids to their new grids; returns how many."""
    moving = list(
        # Locked: a step taken meanwhile waits, then finds the version changed (refresh).
        Dispute.objects.select_for_update(of=("self",))
        .filter(grid_id__in=list(successor))
        .exclude(state=State.CLOSED)
        .values_list("pk", "grid_id", "level", "state", "number")
    )
    redraw = redraw_of(successor) if moving else None
    if redraw is None:
        return 0
    lives_in: dict[int, int] = {}
    parties = (
        Party.objects.filter(dispute_id__in=[d[0] for d in moving], household__isnull=False)
        .order_by("dispute_id", "side", "pk")
        .values_list("dispute_id", "household__grid_id")
    )
    for dispute_id, grid_id in parties:
        if dispute_id not in lives_in and grid_id in redraw.grids:
            lives_in[dispute_id] = grid_id
    by_grid: dict[int, list[int]] = defaultdict(list)
    events, moves = [], {}
    for pk, old_id, level, state, number in moving:
        old = redraw.old_grids[old_id]
        new = redraw.grids[lives_in[pk]] if pk in lives_in else successor[old_id]
        by_grid[new.pk].append(pk)
        events.append(
            DisputeEvent(
                dispute_id=pk,
                at=at,
                actor=redraw.actor,
                action="regrid",
                level=level,
                note=f"网格重新划分,由原网格 {redraw.label(old)} 转至 {redraw.label(new)}",
                state_after=state,
            )
        )
        moves[number] = [old.code, new.code]
    for grid_id, pks in by_grid.items():
        grid = redraw.grids[grid_id]
        Dispute.objects.filter(pk__in=pks).update(
            grid=grid, area_path=grid.path, version=F("version") + 1, updated_at=at
        )
    DisputeEvent.objects.bulk_create(events)
    redraw.audit("dispute.regrid", {"moved": moves})
    return len(moving)
