"""Redrawing 商镇保定村 for tests of what follows the grids: a draft with bigger grids (40–50
households, against the demo's 30–40) is computed and submitted; the plan says, before it is
switched on, where each household will go, which old grid each new one takes over from, which
old grids split (their households go to two or more new grids) and which new grids merge two or
more old ones' work."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from wangge.registry.models import Household
from wangge.territory.activation import Activation, generation_activate
from wangge.territory.comparison import compare
from wangge.territory.generations import generation_compute, generation_submit
from wangge.territory.models import Area, GridGeneration

VILLAGE = "611022109223"  # 商镇保定村
TOWN = "shangzhen_dispatcher"


@dataclass
class Plan:
    generation: GridGeneration
    placement: dict[int, str]  # household pk → new grid code
    successor: dict[str, str]  # old grid code → new grid code
    old_of: dict[int, str]  # household pk → old grid code

    @property
    def splits(self) -> list[str]:
        """Old grids whose households go to two or more new grids."""
        went: dict[str, set[str]] = defaultdict(set)
        for hh, old in self.old_of.items():
            went[old].add(self.placement[hh])
        return sorted(old for old, new in went.items() if len(new) > 1)

    @property
    def merges(self) -> dict[str, list[str]]:
        """New grids taking over the work of two or more old grids."""
        heirs: dict[str, list[str]] = defaultdict(list)
        for old, new in sorted(self.successor.items()):
            heirs[new].append(old)
        return {new: olds for new, olds in heirs.items() if len(olds) > 1}

    def leaving(self, old: str) -> list[int]:
        """Households of an old grid that go elsewhere than its successor."""
        return sorted(
            hh
            for hh, code in self.old_of.items()
            if code == old and self.placement[hh] != self.successor[old]
        )


def plan_redraw(actor: Any, minimum: int = 40, maximum: int = 50) -> Plan:
    village = Area.objects.get(code=VILLAGE)
    g = generation_compute(actor=actor, village=village, minimum=minimum, maximum=maximum)
    g = generation_submit(actor=actor, generation=g)
    cmp = compare(g)
    old_of = dict(
        Household.objects.filter(pk__in=list(cmp.placement)).values_list("pk", "grid__code")
    )
    plan = Plan(g, dict(cmp.placement), dict(cmp.successor_of()), old_of)
    assert plan.splits  # the scenario the tests need
    assert plan.merges
    return plan


def activate(actor: Any, plan: Plan) -> Activation:
    return generation_activate(actor=actor, generation=plan.generation)


def grid(code: str) -> Area:
    return Area.objects.defer("geometry").get(code=code)
