"""Deterministic randomness: the same inputs give the same numbers on every machine and run.

Synthetic towns, villages and grids must not change between deployments or test runs, so seeds
are derived from stable strings (codes, names) through sha256 instead of Python's salted ``hash``.
"""

from __future__ import annotations

import hashlib

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

__all__ = ["random_points_in", "rng_for"]

# Give up rather than loop forever on polygons that fill almost none of their bounding box.
_MAX_DRAWS = 1_000_000


def rng_for(*parts: str) -> np.random.Generator:
    """A numpy Generator seeded from a sha256 of ``parts``.

    Parts are length-prefixed before hashing so that ("ab", "c") and ("a", "bc") differ.
    """
    digest = hashlib.sha256()
    for part in parts:
        encoded = part.encode("utf-8")
        digest.update(len(encoded).to_bytes(8, "big"))
        digest.update(encoded)
    seed = int.from_bytes(digest.digest(), "big")
    return np.random.Generator(np.random.PCG64(seed))


def random_points_in(polygon: BaseGeometry, n: int, rng: np.random.Generator) -> list[Point]:
    """``n`` uniformly distributed points strictly inside ``polygon``, by rejection sampling.

    The result depends only on the polygon, ``n`` and the generator's state. Raises ValueError
    for a negative ``n``, or an empty or zero-area polygon.
    """
    if n < 0:
        raise ValueError(f"cannot draw a negative number of points ({n})")
    if n == 0:
        return []
    if polygon.is_empty or polygon.area <= 0.0:
        raise ValueError("cannot sample points inside an empty or zero-area geometry")
    min_x, min_y, max_x, max_y = polygon.bounds
    shapely.prepare(polygon)
    # Draw in batches sized by the expected acceptance rate, to keep the numpy calls few.
    acceptance = polygon.area / ((max_x - min_x) * (max_y - min_y))
    accepted: list[Point] = []
    drawn = 0
    while len(accepted) < n:
        if drawn > _MAX_DRAWS:
            raise ValueError("polygon covers too little of its bounding box to sample from")
        batch = int((n - len(accepted)) / acceptance * 1.2) + 8
        xs = rng.uniform(min_x, max_x, batch)
        ys = rng.uniform(min_y, max_y, batch)
        drawn += batch
        # contains_xy excludes the boundary: a seed on the border would give an empty cell.
        inside = shapely.contains_xy(polygon, xs, ys)
        accepted.extend(Point(x, y) for x, y in zip(xs[inside], ys[inside], strict=True))
    return accepted[:n]
