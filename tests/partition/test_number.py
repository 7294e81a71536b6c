"""Grid codes: 12-digit village code + 3-digit sequence, west to east, north to south."""

from __future__ import annotations

import pytest

from wangge.partition.number import grid_codes

VILLAGE = "611022109223"
# Four grid centroids: two rows (north, south), two columns (west, east), given shuffled.
SE, NW, SW, NE = (110.02, 33.90), (110.00, 33.92), (110.00, 33.90), (110.02, 33.92)


def test_fresh_codes_read_rows_north_to_south_and_west_to_east() -> None:
    codes = grid_codes(VILLAGE, [SE, NW, SW, NE])
    assert codes == [f"{VILLAGE}004", f"{VILLAGE}001", f"{VILLAGE}003", f"{VILLAGE}002"]


def test_a_redraw_keeps_codes_and_numbers_new_grids_after_the_last() -> None:
    previous = [f"{VILLAGE}007", None, f"{VILLAGE}002", None]
    codes = grid_codes(VILLAGE, [SE, NW, SW, NE], previous, renumber=False)
    assert codes == [f"{VILLAGE}007", f"{VILLAGE}008", f"{VILLAGE}002", f"{VILLAGE}009"]
    assert grid_codes(VILLAGE, [SE, NW, SW, NE], previous, renumber=True)[1] == f"{VILLAGE}001"


def test_a_code_of_another_village_is_not_kept() -> None:
    codes = grid_codes(VILLAGE, [NW], ["611022109224001"], renumber=False)
    assert codes == [f"{VILLAGE}001"]


def test_a_village_cannot_have_a_thousand_grids() -> None:
    many = [(110.0 + i * 1e-4, 33.9) for i in range(1000)]
    with pytest.raises(ValueError, match="3-digit"):
        grid_codes(VILLAGE, many)
    assert grid_codes("", many)[0] == "0001"
