"""An exhaustive search for grids within bounds, for a small group of households.

``balance.repair`` is a heuristic: it moves households one by one (or with what hangs on them)
and can get stuck where the group's shape leaves few ways to cut it -- a row of houses along a
river, houses that hang on one house. Whether any cut into connected grids within bounds exists
at all is a hard question in general, but for a group of a few dozen households an exhaustive
search with good pruning answers it in milliseconds: it either finds such a cut (the grids are
then within bounds after all) or proves there is none (the report can then say so, instead of
asking for a manual fix that cannot exist). A search that would take too long says "unknown".

The search: take the household with the fewest free neighbours (the end of a row first), try
every connected set of free households containing it whose weight is within bounds as its grid,
and solve what is left, piece by piece (the pieces left are independent; a piece lighter than
the minimum, or of a weight no number of grids can share, fails at once). Sets of households
already shown to have no solution are remembered.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = ["Search", "search"]

# Work allowed per search (connected sets tried and sets of households left to cut): about
# half a second at most, most searches end in a few hundred.
BUDGET = 20_000


@dataclass(frozen=True)
class Search:
    """``found``: ``parts`` (lists of node indices) cover every node, each connected and
    within bounds; ``none``: proven that no such parts exist; ``unknown``: out of budget."""

    outcome: Literal["found", "none", "unknown"]
    parts: list[list[int]]


class _OutOfBudget(Exception):
    pass


def search(
    adjacency: Sequence[Sequence[int]],
    weights: Sequence[float],
    lower: float,
    upper: float,
    budget: int = BUDGET,
) -> Search:
    """Cut nodes 0..m-1 (neighbours in ``adjacency``) into connected parts of weight in
    [``lower``, ``upper``] (any number of parts)."""
    m = len(adjacency)
    neighbours = [_mask(adjacency[i]) for i in range(m)]
    weight = list(weights)
    failed: set[int] = set()
    left = [budget]

    def mass(mask: int) -> float:
        return sum(weight[i] for i in _bits(mask))

    def pieces(mask: int) -> list[int]:
        found = []
        while mask:
            seed = mask & -mask
            piece, frontier = seed, seed
            while frontier:
                reach = 0
                for i in _bits(frontier):
                    reach |= neighbours[i]
                frontier = reach & mask & ~piece
                piece |= frontier
            found.append(piece)
            mask &= ~piece
        return found

    def sets_from(pivot: int, free: int) -> Iterator[int]:
        """Connected sets of ``free`` nodes containing ``pivot`` with weight in bounds, each
        once: a branch that adds one candidate excludes the candidates before it."""

        def grow(chosen: int, total: float, candidates: list[int], banned: int) -> Iterator[int]:
            left[0] -= 1
            if left[0] < 0:
                raise _OutOfBudget
            if total >= lower - 1e-9:
                yield chosen
            for index, node in enumerate(candidates):
                if total + weight[node] > upper + 1e-9:
                    continue
                excluded = banned | _mask(candidates[:index])
                rest = candidates[index + 1 :]
                known = chosen | excluded | _mask(rest) | (1 << node)
                added = list(_bits(neighbours[node] & free & ~known))
                yield from grow(chosen | (1 << node), total + weight[node], rest + added, excluded)

        start = 1 << pivot
        yield from grow(start, weight[pivot], list(_bits(neighbours[pivot] & free)), 0)

    def solve(free: int) -> list[int] | None:
        if not free:
            return []
        if free in failed:
            return None
        left[0] -= 1
        if left[0] < 0:
            raise _OutOfBudget
        split = pieces(free)
        if len(split) > 1:
            parts: list[int] = []
            for piece in sorted(split, key=lambda p: (p.bit_count(), p)):
                found = solve(piece)
                if found is None:
                    failed.add(free)
                    return None
                parts += found
            return parts
        total = mass(free)
        if math.ceil(total / upper - 1e-9) > math.floor(total / lower + 1e-9):
            failed.add(free)
            return None
        pivot = min(_bits(free), key=lambda i: ((neighbours[i] & free).bit_count(), i))
        for chosen in sets_from(pivot, free):
            rest = solve(free & ~chosen)
            if rest is not None:
                return [chosen, *rest]
        failed.add(free)
        return None

    try:
        found = solve((1 << m) - 1)
    except _OutOfBudget:
        return Search("unknown", [])
    if found is None:
        return Search("none", [])
    return Search("found", [list(_bits(p)) for p in found])


def _mask(nodes: Sequence[int]) -> int:
    mask = 0
    for i in nodes:
        mask |= 1 << i
    return mask


def _bits(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low
