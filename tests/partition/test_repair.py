"""``balance.repair`` on small hand-made graphs: grids held to their neighbours by one household.

Minimal forms of what the property search found (issue 5): a grid below its minimum whose only
neighbouring household belongs to a grid that cannot spare it alone, because another house
hangs on it (a row of houses along a river, joined to the rest at one end).
"""

from __future__ import annotations

import numpy as np

from wangge.partition.balance import repair
from wangge.partition.graph import from_edges
from wangge.partition.quality import pieces_per_label
from wangge.partition.regions import Regions


def _regions(edges: list[tuple[int, int]], labels: list[int], lower: int, upper: int) -> Regions:
    n = len(labels)
    # Positions only order each household's neighbours; any distinct points will do.
    angle = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    xy = np.column_stack([np.cos(angle), np.sin(angle)]) * 10.0 + np.arange(n)[:, None]
    u, v = (np.array(side, dtype=np.int64) for side in zip(*edges, strict=True))
    graph = from_edges(xy, u, v)
    k = max(labels) + 1
    return Regions(
        graph,
        xy,
        np.ones(n),
        np.array(labels, dtype=np.int64),
        np.full(k, float(lower)),
        np.full(k, float(upper)),
    )


def _assert_within_and_contiguous(regions: Regions, lower: int, upper: int) -> None:
    labels = regions.labels()
    sizes = np.bincount(labels, minlength=regions.k)
    assert ((sizes >= lower) & (sizes <= upper)).all(), sizes.tolist()
    assert (pieces_per_label(regions.graph, labels) == 1).all()


def test_a_household_that_holds_another_to_its_grid_moves_with_it() -> None:
    # 0-1 | 2-3, 2-4-5-6-4: grid A = {0, 1} has 2 (bounds 3-4), grid B = {2..6} has 5. A's
    # only neighbour is 2, and B without 2 falls apart ({3} hangs on it): no single household
    # can move. 2 and 3 together can: A = {0, 1, 2, 3}, B = {4, 5, 6}.
    edges = [(0, 1), (1, 2), (2, 3), (2, 4), (4, 5), (5, 6), (4, 6)]
    regions = _regions(edges, [0, 0, 1, 1, 1, 1, 1], 3, 4)
    repair(regions, 100)
    _assert_within_and_contiguous(regions, 3, 4)
    assert regions.labels().tolist() == [0, 0, 0, 0, 1, 1, 1]


def test_the_grid_left_short_by_such_a_move_takes_one_from_a_third() -> None:
    # Grid B = {2, 3, 4, 9} has 4, so taking 2 and 3 to A leaves it with 2; grid C = {5..8}
    # then gives it one through 5 (next to 4 and 9): 4, 3 and 3 households.
    edges = [
        (0, 1), (1, 2), (2, 3), (2, 4), (4, 9),
        (4, 5), (5, 9), (5, 6), (5, 7), (6, 7), (6, 8), (7, 8),
    ]  # fmt: skip
    regions = _regions(edges, [0, 0, 1, 1, 1, 2, 2, 2, 2, 1], 3, 4)
    repair(regions, 100)
    _assert_within_and_contiguous(regions, 3, 4)


def test_households_no_cut_can_share_stay_as_they_were() -> None:
    # 0-1-2 and 3, 4, 5 each hang on 2 alone: two connected grids of 3-4 would need a piece
    # of 3 without 2, and there is none. Repair changes nothing (the grid is then reported).
    edges = [(0, 1), (1, 2), (2, 3), (2, 4), (2, 5)]
    regions = _regions(edges, [0, 0, 1, 1, 1, 1], 3, 4)
    repair(regions, 100)
    assert regions.labels().tolist() == [0, 0, 1, 1, 1, 1]
    assert regions.journal is None


def test_undo_takes_moves_back_exactly() -> None:
    edges = [
        (0, 1), (1, 2), (2, 3), (2, 4), (4, 9),
        (4, 5), (5, 9), (5, 6), (5, 7), (6, 7), (6, 8), (7, 8),
    ]  # fmt: skip
    regions = _regions(edges, [0, 0, 1, 1, 1, 2, 2, 2, 2, 1], 3, 4)
    state = (
        list(regions.lab), list(regions.size), list(regions.count),
        [set(m) for m in regions.members], [dict(a) for a in regions.adj],
    )  # fmt: skip
    mark = regions.mark()
    for u, dst in ((2, 0), (3, 0), (5, 1)):
        regions.move(u, dst)
    assert regions.lab != state[0]
    regions.undo(mark)
    assert (
        regions.lab, regions.size, regions.count, regions.members, regions.adj
    ) == state  # fmt: skip
