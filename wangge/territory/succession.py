"""What the functions in ``activation.GRID_SUCCESSION`` share: which redraw is calling them,
and where the households of each old grid went.

A carry is called inside the activation's transaction, after the households have moved, with
``{old grid pk: successor grid}``. That map says where an old grid's *work* goes; apps whose
rows belong to households (a dispute's parties, a task's target households) or to territory
(a task given to every grid of a place) need to know more: every grid of the generation, and
which of them took households from each old grid. Both are read here, from the generation's
``HouseholdGridChange`` rows, so no carry asks per household.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from wangge.audit.services import audit_record
from wangge.territory.models import Area, GridGeneration, HouseholdGridChange


@dataclass(frozen=True)
class Redraw:
    generation: GridGeneration
    village: Area
    actor: Any  # who approved it (None for a command run without --actor)
    grids: dict[int, Area]  # every grid of the generation, by pk
    old_grids: dict[int, Area]  # the grids it replaced, by pk

    def label(self, grid: Area) -> str:
        return f"{grid.name}({grid.code})"

    def audit(self, action: str, changes: dict[str, Any]) -> None:
        """One audit record of what a carry did, by whoever approved the redraw."""
        audit_record(
            actor=self.actor,
            action=action,
            obj=self.generation,
            object_label=f"{self.village.name} 网格重新划分",
            area_path=self.village.path,
            changes=changes,
        )


def redraw_of(successor: dict[int, Area]) -> Redraw | None:
    """The redraw a carry was called for (``None`` when there is no old grid). The activation
    has already marked the generation active and recorded who decided."""
    generation_id = next(iter(successor.values())).generation_id if successor else None
    if generation_id is None:
        return None
    generation = GridGeneration.objects.select_related("village", "decided_by").get(
        pk=generation_id
    )
    areas = Area.objects.defer("geometry")
    grids = {g.pk: g for g in areas.filter(generation_id=generation_id)}
    olds = {g.pk: g for g in areas.filter(pk__in=list(successor))}
    return Redraw(generation, generation.village, generation.decided_by, grids, olds)


def households_went(redraw: Redraw, old_grid_ids: list[int]) -> dict[int, set[int]]:
    """For each of these old grids, the new grids that took at least one of its households
    (one grouped query over the generation's household changes)."""
    went: dict[int, set[int]] = defaultdict(set)
    pairs = (
        HouseholdGridChange.objects.filter(
            generation=redraw.generation, from_grid_id__in=old_grid_ids
        )
        .values_list("from_grid_id", "to_grid_id")
        .order_by()  # the model's ordering would make DISTINCT see every row
        .distinct()
    )
    for old, new in pairs:
        went[old].add(new)
    return dict(went)
