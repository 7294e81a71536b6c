"""Synthetic villages and towns for tests, benchmarks and demos: deterministic, no real data.

A village is an irregular star-shaped polygon around a point of Shangluo. Most households live in
hamlets strung along a few valleys (clusters of 20-150 households); a share lives in a dense
centre of apartment buildings, where dozens of households share one point. Optionally a river
crosses the village from side to side: it is returned as a barrier, and nobody lives within 10 m
of it. Sizes follow the households: about 25 m x sqrt(households) from centre to edge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry

from wangge.partition.frame import LocalFrame
from wangge.partition.model import Households

FloatArray = npt.NDArray[np.float64]

__all__ = ["SyntheticVillage", "city", "perturbed", "village"]

_PERSONS = np.array([1, 2, 3, 4, 5, 6])
_PERSON_WEIGHTS = np.array([15, 30, 25, 18, 9, 3]) / 100.0  # mean about 2.9, as the demo
_SHANGLUO = (109.94, 33.87)


@dataclass(frozen=True, eq=False)
class SyntheticVillage:
    code: str
    polygon: BaseGeometry
    households: Households
    barriers: tuple[BaseGeometry, ...]


def village(
    households: int,
    *,
    seed: int = 0,
    river: bool = True,
    centre_share: float = 0.25,
    code: str = "611002100001",
    origin: tuple[float, float] = _SHANGLUO,
) -> SyntheticVillage:
    """A village of ``households`` households (see the module notes)."""
    rng = np.random.default_rng(seed)
    radius = 25.0 * math.sqrt(max(households, 4))
    outline = _outline(rng, radius)
    inner = outline.buffer(-min(5.0, radius * 0.01))
    river_line = _river(rng, radius) if river else None
    xy = np.zeros((0, 2))
    while len(xy) < households:
        want = households - len(xy)
        batch = np.concatenate(
            [
                _centre(rng, radius, round(want * centre_share) + 1),
                _hamlets(rng, radius, want - round(want * centre_share) + 1),
            ]
        )
        ok = shapely.contains_xy(inner, batch[:, 0], batch[:, 1])
        if river_line is not None:
            ok &= shapely.distance(shapely.points(batch), river_line) > 10.0
        xy = np.concatenate([xy, batch[ok]])[:households]
    frame = LocalFrame(*origin)
    lonlat = frame.to_lonlat(xy)
    persons = rng.choice(_PERSONS, size=households, p=_PERSON_WEIGHTS)
    people = Households(
        ids=tuple(f"{code}-{i:06d}" for i in range(households)),
        lon=lonlat[:, 0],
        lat=lonlat[:, 1],
        persons=persons.astype(np.int64),
    )
    polygon = shapely.transform(outline, frame.to_lonlat)
    barriers = (shapely.transform(river_line, frame.to_lonlat),) if river_line is not None else ()
    return SyntheticVillage(code, polygon, people, barriers)


def city(
    villages: int, households: int, *, seed: int = 0, river_share: float = 0.3
) -> list[SyntheticVillage]:
    """``villages`` villages with about ``households`` households in all (lognormal sizes:
    most a few hundred, town communities a few thousand), spread over a city."""
    rng = np.random.default_rng(seed)
    sizes = rng.lognormal(mean=0.0, sigma=0.7, size=villages)
    sizes = np.maximum(20, np.round(sizes / sizes.sum() * households)).astype(int)
    side = math.ceil(math.sqrt(villages))
    result = []
    for i, size in enumerate(sizes.tolist()):
        row, col = divmod(i, side)
        origin = (_SHANGLUO[0] - 0.6 + 0.04 * col, _SHANGLUO[1] + 0.6 - 0.04 * row)
        result.append(
            village(
                size,
                seed=seed * 100_003 + i,
                river=bool(rng.random() < river_share),
                centre_share=0.5 if size > 2000 else 0.1,
                code=f"6110{i // 100:04d}{i % 100:04d}",
                origin=origin,
            )
        )
    return result


def perturbed(v: SyntheticVillage, share: float, *, seed: int = 0) -> Households:
    """``v``'s households after ``share`` of them changed: half moved next to another household
    of the village (a family moving house), half new next to existing ones (new houses)."""
    rng = np.random.default_rng(seed)
    old = v.households
    n = len(old)
    frame = LocalFrame.around(v.polygon.bounds)
    xy = frame.to_local(old.lon, old.lat)
    inner = shapely.transform(v.polygon, frame.from_lonlat).buffer(-2.0)
    moving = rng.choice(n, size=round(n * share / 2), replace=False)
    added = round(n * share) - len(moving)
    # Near a random household, redrawn until inside the village (and not on a river).
    spots = np.zeros((0, 2))
    while len(spots) < len(moving) + added:
        near = xy[rng.choice(n, size=len(moving) + added)] + rng.normal(
            0, 15, (len(moving) + added, 2)
        )
        ok = shapely.contains_xy(inner, near[:, 0], near[:, 1])
        for barrier in v.barriers:
            local = shapely.transform(barrier, frame.from_lonlat)
            ok &= shapely.distance(shapely.points(near), local) > 10.0
        spots = np.concatenate([spots, near[ok]])
    xy[moving] = spots[: len(moving)]
    xy = np.concatenate([xy, spots[len(moving) : len(moving) + added]])
    lonlat = frame.to_lonlat(xy)
    persons = rng.choice(_PERSONS, size=added, p=_PERSON_WEIGHTS).astype(np.int64)
    return Households(
        ids=old.ids + tuple(f"{v.code}-new-{i:06d}" for i in range(added)),
        lon=lonlat[:, 0],
        lat=lonlat[:, 1],
        persons=np.concatenate([old.persons, persons]),
    )


def _outline(rng: np.random.Generator, radius: float) -> Polygon:
    angles = np.linspace(0.0, 2.0 * math.pi, 32, endpoint=False)
    wobble = rng.uniform(0.75, 1.2, size=len(angles))
    wobble = (wobble + np.roll(wobble, 1) + np.roll(wobble, -1)) / 3.0
    ring = np.column_stack([np.cos(angles), np.sin(angles)]) * (radius * wobble)[:, None]
    return Polygon(ring)


def _river(rng: np.random.Generator, radius: float) -> LineString:
    xs = np.linspace(-1.6 * radius, 1.6 * radius, 40)
    phase, offset = rng.uniform(0, 2 * math.pi), rng.uniform(-0.3, 0.3) * radius
    ys = offset + 0.15 * radius * np.sin(xs / radius * 2.5 + phase)
    angle = rng.uniform(0, math.pi)
    c, s = math.cos(angle), math.sin(angle)
    return LineString(np.column_stack([xs * c - ys * s, xs * s + ys * c]))


def _centre(rng: np.random.Generator, radius: float, n: int) -> FloatArray:
    """Apartment buildings near the centre: about 30 households share each building's point."""
    buildings = max(1, n // 30)
    sites = rng.normal(0.0, 0.12 * radius, size=(buildings, 2))
    return sites[rng.integers(0, buildings, size=n)]


def _hamlets(rng: np.random.Generator, radius: float, n: int) -> FloatArray:
    """Hamlets of 20-150 households strung along three valleys through the village."""
    hamlets = max(1, n // 60)
    valley = rng.integers(0, 3, size=hamlets)
    direction = rng.uniform(0, math.pi, size=3)[valley]
    along = rng.uniform(-0.9, 0.9, size=hamlets) * radius
    across = rng.normal(0.0, 0.1 * radius, size=hamlets)
    centres = np.column_stack(
        [
            along * np.cos(direction) - across * np.sin(direction),
            along * np.sin(direction) + across * np.cos(direction),
        ]
    )
    weights = rng.uniform(20, 150, size=hamlets)
    pick = rng.choice(hamlets, size=n, p=weights / weights.sum())
    spread = np.sqrt(weights[pick]) * 6.0
    return centres[pick] + rng.normal(0.0, 1.0, size=(n, 2)) * spread[:, None]
