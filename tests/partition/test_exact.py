"""The exhaustive search for small groups the repair leaves out of bounds (exact.py)."""

from __future__ import annotations

import pytest

from tests.partition import checks
from tests.partition.test_properties import CODE, village_case
from wangge.partition import Targets, partition_village
from wangge.partition.exact import search


def _adjacency(n: int, edges: list[tuple[int, int]]) -> list[list[int]]:
    near: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        near[a].append(b)
        near[b].append(a)
    return near


def test_a_cut_is_found_where_one_exists() -> None:
    near = _adjacency(7, [(0, 1), (1, 2), (2, 3), (2, 4), (4, 5), (5, 6), (4, 6)])
    found = search(near, [1.0] * 7, 3, 4)
    assert found.outcome == "found"
    assert sorted(sorted(p) for p in found.parts) == [[0, 1, 2, 3], [4, 5, 6]]


def test_houses_hanging_on_one_house_cannot_be_cut() -> None:
    # 0-1-2 with 3, 4 and 5 hanging on 2: 6 households would make two grids of 3, but every
    # grid without 2 is a single house or {0, 1}.
    near = _adjacency(6, [(0, 1), (1, 2), (2, 3), (2, 4), (2, 5)])
    assert search(near, [1.0] * 6, 3, 4).outcome == "none"


def test_weights_count_not_households() -> None:
    near = _adjacency(4, [(0, 1), (1, 2), (2, 3)])
    assert search(near, [5.0, 1.0, 1.0, 5.0], 6, 7).outcome == "found"
    assert search(near, [5.0, 3.0, 3.0, 5.0], 6, 7).outcome == "none"


def test_a_search_past_its_budget_says_unknown() -> None:
    # The old puzzle: a chessboard less two opposite corners cannot be covered by dominoes
    # (grids of exactly 2), though 62 is even; a search needs far more than 10 sets to see it.
    side = 8
    edges = [(r * side + c, r * side + c + 1) for r in range(side) for c in range(side - 1)]
    edges += [(r * side + c, (r + 1) * side + c) for r in range(side - 1) for c in range(side)]
    corners = {0, side * side - 1}
    index = {v: i for i, v in enumerate(v for v in range(side * side) if v not in corners)}
    kept = [(index[a], index[b]) for a, b in edges if a not in corners and b not in corners]
    near = _adjacency(len(index), kept)
    assert search(near, [1.0] * len(index), 2, 2, budget=10).outcome == "unknown"


def test_a_group_whose_shape_allows_no_cut_is_reported_with_its_reason() -> None:
    # A random village (property search, issue 5): 8 households cut off by a river, two rows
    # of them hanging on one house; bounds 4-5 would make two grids of 4.
    village, households, barriers, targets = village_case(3635930383, 29, 4, 5, "walk", True)
    result = partition_village(
        village=village, households=households, targets=targets, code=CODE, barriers=barriers
    )
    (issue,) = result.report.issues
    assert issue.code == "no_contiguous_fit"
    assert issue.households == 8
    assert "8户" in issue.message
    assert "4–5户" in issue.message
    assert "试遍" in issue.message
    checks.assert_sizes_within_bounds(result, targets)
    assert sum(not g.in_bounds for g in result.grids) == 1


# Villages of the property test's kind where grids are a few households of 1-6 persons each and
# the bounds count persons: moving one household at a time left grids out of bounds in about
# one village in twenty; a search of each such grid with its neighbours (recut.py) mends these.
@pytest.mark.parametrize(
    "case",
    [
        (19, 382, 11, 16, "hull", True),
        (33, 232, 12, 16, "hull", False),
        (48, 291, 9, 12, "walk", False),
    ],
)
def test_a_search_with_the_neighbouring_grids_mends_grids_of_heavy_households(
    case: tuple[int, int, int, int, str, bool],
) -> None:
    village, households, barriers, counted = village_case(*case)
    targets = Targets(counted.minimum, counted.maximum, measure="persons")
    result = partition_village(
        village=village, households=households, targets=targets, code=CODE, barriers=barriers
    )
    assert len(households) > 150  # beyond the whole-component search
    assert result.report.issues == []
    checks.assert_sizes_within_bounds(result, targets, households.persons)
    checks.assert_contiguous(result)
    checks.assert_polygons_tile(result, village)


def test_a_grid_left_out_of_bounds_says_which_bound_and_what_was_tried() -> None:
    # At 8-10 persons with households of up to 6, some grids stay out of bounds.
    village, households, barriers, _ = village_case(364, 266, 8, 10, "walk", False)
    targets = Targets(8, 10, measure="persons")
    result = partition_village(
        village=village, households=households, targets=targets, code=CODE, barriers=barriers
    )
    issues = [i for i in result.report.issues if i.code == "out_of_bounds"]
    assert issues
    persons = {g.code: g.persons for g in result.grids}
    for issue in issues:
        size = persons[issue.grid]
        side = "少于下限8人" if size < 8 else "多于上限10人"
        assert f"有{size}人，{side}" in issue.message
        assert "放宽人数上下限" in issue.message
