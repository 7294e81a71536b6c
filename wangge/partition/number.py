"""Grid codes: the village's 12-digit code and a 3-digit sequence, west to east, north to south.

The order is ``wangge.geo.ordering.reading_order`` of the grids' household centroids. When a
village is redrawn from its existing grids, grids that continue an existing one keep its code
(tickets, visits and people refer to it), and new grids take the next free numbers, in reading
order among themselves; ``renumber`` numbers everything afresh.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from wangge.geo.ordering import reading_order

__all__ = ["grid_codes"]

_VILLAGE_CODE = re.compile(r"\d{12}")
_MAX_GRIDS = 999


def grid_codes(
    village_code: str,
    centroids: Sequence[tuple[float, float]],
    previous: Sequence[str | None] = (),
    *,
    renumber: bool = True,
) -> list[str]:
    """A code for each grid (same order as ``centroids``).

    ``village_code`` is the 12-digit statistical code, or "" for bare sequences (3 digits, or
    more for an instance of over 999 grids, which the 15-digit rule cannot number).
    ``previous`` gives, per grid, the code of the existing grid it continues (or None).
    """
    if village_code and not _VILLAGE_CODE.fullmatch(village_code):
        raise ValueError(f"a village code has 12 digits, not {village_code!r}")
    if village_code and len(centroids) > _MAX_GRIDS:
        raise ValueError(f"{len(centroids)} grids do not fit a 3-digit sequence")
    kept: dict[int, int] = {}
    if not renumber:
        for i, code in enumerate(previous):
            seq = _sequence(village_code, code)
            if seq is not None and seq not in kept.values():
                kept[i] = seq
    fresh = [i for i in reading_order(list(centroids)) if i not in kept]
    start = max(kept.values(), default=0)
    if village_code and start + len(fresh) > _MAX_GRIDS:
        raise ValueError("no free 3-digit sequence left for the new grids; renumber the village")
    sequence = dict(kept)
    for offset, i in enumerate(fresh, start=1):
        sequence[i] = start + offset
    width = max(3, len(str(start + len(fresh))))  # Wider only without a village code.
    return [f"{village_code}{sequence[i]:0{width}d}" for i in range(len(centroids))]


def _sequence(village_code: str, code: str | None) -> int | None:
    """The 3-digit sequence of ``code`` if it is a grid code of this village."""
    if code is None or len(code) != len(village_code) + 3 or not code.startswith(village_code):
        return None
    tail = code[len(village_code) :]
    return int(tail) if tail.isdigit() and int(tail) > 0 else None
