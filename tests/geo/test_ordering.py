"""Reading order: rows north to south, west to east within a row."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wangge.geo.ordering import reading_order


def lattice(rows: int, cols: int) -> list[tuple[float, float]]:
    """Points named row by row from the north-west, in that reading order."""
    return [(110.0 + 0.01 * c, 34.0 - 0.01 * r) for r in range(rows) for c in range(cols)]


def test_three_by_three_lattice_reads_row_by_row() -> None:
    points = lattice(3, 3)
    shuffled = [points[i] for i in (4, 8, 0, 6, 2, 7, 1, 5, 3)]
    order = reading_order(shuffled)
    assert [shuffled[i] for i in order] == points


def test_jittered_lattice_still_reads_row_by_row() -> None:
    points = lattice(4, 4)
    jitter = [(0.002, -0.003), (-0.001, 0.002), (0.003, 0.001), (-0.002, -0.001)]
    jittered = [
        (x + jitter[i % 4][0], y + jitter[(i // 4) % 4][1]) for i, (x, y) in enumerate(points)
    ]
    shuffled = jittered[::-1]
    order = reading_order(shuffled)
    assert [shuffled[i] for i in order] == jittered


def test_single_point_and_empty() -> None:
    assert reading_order([(110.0, 34.0)]) == [0]
    assert reading_order([]) == []


def test_ties_are_broken_by_input_index() -> None:
    same = [(110.0, 34.0)] * 4
    assert reading_order(same) == [0, 1, 2, 3]


def test_uneven_count_puts_the_extra_point_in_a_later_row() -> None:
    # 5 points -> round(sqrt(5)) = 2 rows of 2 and 3.
    points = [(0.0, 10.0), (1.0, 10.0), (0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]
    assert reading_order(points) == [0, 1, 2, 3, 4]


@given(st.lists(st.tuples(st.floats(-180, 180), st.floats(-90, 90)), max_size=60))
def test_result_is_a_permutation_independent_of_input_order(
    points: list[tuple[float, float]],
) -> None:
    order = reading_order(points)
    assert sorted(order) == list(range(len(points)))
    reversed_points = points[::-1]
    reversed_order = reading_order(reversed_points)
    # Same sequence of coordinates whichever order the points came in.
    assert [reversed_points[i] for i in reversed_order] == [points[i] for i in order]
