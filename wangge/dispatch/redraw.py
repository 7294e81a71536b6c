"""Routing rules after a village's grids are redrawn (``territory.activation``): an active rule
set on an old grid moves to the grid that takes over that grid's work (its successor), so
matters arising there still go where the administrator said.

Where two old grids merge, one new grid can hold one rule per category (the model's unique
constraint): the oldest rule (lowest id) moves, the other stays on its old grid, where no
matter can arise any more. The count returned leaves it out and the audit record names it, for
an administrator to look at. Inactive rules stay where they were.

Intake reads rules from a per-process snapshot (``reference``); an ``update`` sends no signal,
so it is dropped here (the activation's save of the village drops it too, and again on commit).
Registered in ``DispatchConfig.ready``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from wangge.dispatch.models import RoutingRule
from wangge.dispatch.reference import SNAPSHOT
from wangge.territory.models import Area
from wangge.territory.succession import redraw_of


def routing_rules_follow_grids(successor: dict[int, Area], at: dt.datetime) -> int:
    """Move the active rules of the old grids to their successors; returns how many moved."""
    rules = list(
        RoutingRule.objects.filter(area_id__in=list(successor), is_active=True)
        .order_by("pk")
        .values_list("pk", "category_id", "area_id", "category__code", "area__code")
    )
    redraw = redraw_of(successor) if rules else None
    if redraw is None:
        return 0
    taken = set(
        RoutingRule.objects.filter(area_id__in=[a.pk for a in successor.values()]).values_list(
            "area_id", "category_id"
        )
    )
    moving: dict[int, list[int]] = defaultdict(list)
    moved, left = [], []
    for pk, category_id, old_id, category, old_code in rules:
        heir = successor[old_id]
        if (heir.pk, category_id) in taken:
            left.append(f"{category}@{old_code}")
            continue
        taken.add((heir.pk, category_id))
        moving[heir.pk].append(pk)
        moved.append(f"{category}@{old_code}→{heir.code}")
    for grid_id, pks in moving.items():
        RoutingRule.objects.filter(pk__in=pks).update(area_id=grid_id)
    SNAPSHOT.forget()
    redraw.audit("routing_rule.regrid", {"moved": moved, "left_on_old_grid": left})
    return len(moved)
