"""Reading order of points: rows north to south, west to east within a row.

This is the official rule for numbering the grids of a village (the 15-digit grid code is the
12-digit village code plus a 3-digit sequence numbered west to east, north to south).

Banding rule: sort by latitude (north first) and cut the sequence into ``round(sqrt(n))`` rows
whose sizes differ by at most one (later rows get the extra points); each row is then sorted by
longitude. Equal-count rows are a deliberate choice: roughly compact cells in a roughly compact
area form about sqrt(n) rows, and the rule needs no tolerance that could flip with tiny changes.
Ties are broken by the other coordinate and finally by the input index, so the result is fully
deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["reading_order"]


def reading_order(points: Sequence[tuple[float, float]]) -> list[int]:
    """Indices of ``points`` (lon, lat) in reading order; see the module docstring."""
    n = len(points)
    if n == 0:
        return []
    rows = max(1, round(math.sqrt(n)))
    north_first = sorted(range(n), key=lambda i: (-points[i][1], points[i][0], i))
    order: list[int] = []
    for row in range(rows):
        # Row r takes positions [r*n//rows, (r+1)*n//rows) -- sizes differ by at most one.
        band = north_first[row * n // rows : (row + 1) * n // rows]
        order.extend(sorted(band, key=lambda i: (points[i][0], -points[i][1], i)))
    return order
