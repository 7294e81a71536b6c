"""A local metric frame: lon/lat in degrees to metres east and north of a centre point.

An equirectangular projection around the village's centre. Villages span a few kilometres, where
its error is far below a household's position error; everything the algorithm measures
(distances, compactness) is in these metres.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# Metres per degree of a great circle on the mean Earth sphere (radius 6,371,008.8 m).
_M_PER_DEGREE = 6_371_008.8 * math.pi / 180.0


@dataclass(frozen=True)
class LocalFrame:
    """Metres east (x) and north (y) of (lon0, lat0)."""

    lon0: float
    lat0: float

    @classmethod
    def around(cls, bounds: tuple[float, float, float, float]) -> LocalFrame:
        min_x, min_y, max_x, max_y = bounds
        return cls((min_x + max_x) / 2.0, (min_y + max_y) / 2.0)

    @property
    def kx(self) -> float:
        return _M_PER_DEGREE * max(math.cos(math.radians(self.lat0)), 1e-3)

    def to_local(self, lon: FloatArray, lat: FloatArray) -> FloatArray:
        return np.column_stack([(lon - self.lon0) * self.kx, (lat - self.lat0) * _M_PER_DEGREE])

    def to_lonlat(self, xy: FloatArray) -> FloatArray:
        """(n, 2) local metres to (n, 2) lon/lat; the signature shapely.transform expects."""
        return np.column_stack(
            [xy[:, 0] / self.kx + self.lon0, xy[:, 1] / _M_PER_DEGREE + self.lat0]
        )

    def from_lonlat(self, lonlat: FloatArray) -> FloatArray:
        """(n, 2) lon/lat to (n, 2) local metres, for shapely.transform."""
        return self.to_local(lonlat[:, 0], lonlat[:, 1])
