"""What goes into a partition and what comes out: plain, immutable values.

Sizes are settings per village type (users change them in the admin; the defaults below are the
norms the issue quotes): urban communities 300-500 households, rural villages about 300, and the
fine "全科网格" grids Shangluo runs, 30-40 households.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
from shapely.geometry.base import BaseGeometry

from wangge.partition.graph import Graph

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

__all__ = ["NORMS", "Grid", "Households", "Issue", "Report", "Result", "Targets"]

Measure = Literal["households", "persons"]


@dataclass(frozen=True)
class Targets:
    """Bounds on a grid's size, in households (default) or persons; ``goal`` picks the count."""

    minimum: float
    maximum: float
    goal: float | None = None
    measure: Measure = "households"

    def __post_init__(self) -> None:
        if not 0 < self.minimum <= self.maximum or not math.isfinite(self.maximum):
            raise ValueError(f"bounds must satisfy 0 < minimum <= maximum: {self}")
        if self.goal is not None and not self.minimum <= self.goal <= self.maximum:
            raise ValueError(f"goal {self.goal} is outside [{self.minimum}, {self.maximum}]")
        if self.measure not in ("households", "persons"):
            raise ValueError(f"unknown measure {self.measure!r}")

    @property
    def aim(self) -> float:
        return self.goal if self.goal is not None else (self.minimum + self.maximum) / 2.0


# Defaults per village type, seeded into the admin; each deployment sets its own.
NORMS: dict[str, Targets] = {
    "urban": Targets(300, 500),  # 城市社区: 300-500 households, <= 2,000-2,500 people
    "rural": Targets(200, 400, goal=300),  # 农村: about 300 households
    "fine": Targets(30, 40),  # 全科网格 as in Shangluo: 30-40 households
}


@dataclass(frozen=True, eq=False)
class Households:
    """Households of one village: ids (any hashable, unique), WGS-84 lon/lat, persons."""

    ids: tuple[Hashable, ...]
    lon: FloatArray
    lat: FloatArray
    persons: IntArray

    def __post_init__(self) -> None:
        n = len(self.ids)
        if not len(self.lon) == len(self.lat) == len(self.persons) == n:
            raise ValueError("ids, lon, lat and persons must have the same length")
        if len(set(self.ids)) != n:
            raise ValueError("household ids must be unique")
        if n and not (np.isfinite(self.lon).all() and np.isfinite(self.lat).all()):
            raise ValueError("household coordinates must be finite numbers")
        if n and int(self.persons.min()) < 0:
            raise ValueError("a household cannot have fewer than 0 persons")

    @classmethod
    def of(cls, rows: Iterable[tuple[Hashable, float, float, int]]) -> Households:
        """From (id, lon, lat, persons) rows."""
        listed = list(rows)
        return cls(
            ids=tuple(r[0] for r in listed),
            lon=np.array([r[1] for r in listed], dtype=np.float64),
            lat=np.array([r[2] for r in listed], dtype=np.float64),
            persons=np.array([r[3] for r in listed], dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Issue:
    """Something a reviewer must know about a partition. ``code`` is stable; ``message`` is
    the Chinese text the UI shows."""

    code: str
    message: str
    grid: str = ""
    households: int = 0


@dataclass(frozen=True, eq=False)
class Grid:
    code: str  # 15 digits: the village's 12 and a 3-digit sequence (or just the 3 digits)
    households: int
    persons: int
    centroid: tuple[float, float]  # mean lon/lat of its households
    rms_m: float  # root-mean-square distance from its households to their centroid
    in_bounds: bool
    contiguous: bool  # on the households' graph
    polygon: BaseGeometry | None = None
    previous: str | None = None  # the existing grid it continues, when redrawn


@dataclass(frozen=True)
class Report:
    households: int
    grids: int
    smallest: float  # in the measure of the targets
    median: float
    largest: float
    in_bounds_share: float
    noncontiguous: int
    compactness_m: float  # mean over grids of rms_m
    kept_share: float | None  # households kept in their grid, when redrawn from an existing one
    issues: list[Issue] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def flagged(self) -> bool:
        return bool(self.issues)


@dataclass(frozen=True, eq=False)
class Result:
    """A village's partition: the grid of each household, the grids, and the report."""

    village_code: str
    assignment: dict[Hashable, str]
    grids: list[Grid]
    report: Report
    labels: IntArray  # per household, in input order: index into ``grids``
    graph: Graph | None = None  # the adjacency the algorithm used (positions in metres)
