"""Conversion between WGS-84 and GCJ-02, the obfuscated datum used by AMap and other Chinese maps.

The forward formula (WGS-84 -> GCJ-02) is the widely published reverse-engineered one; it is only
applied inside a rough bounding box of China, as the official implementations do. There is no
closed-form inverse, so ``gcj02_to_wgs84`` solves ``wgs84_to_gcj02(w) == g`` by fixed-point
iteration. The offset changes by at most a few parts per thousand per degree, so every iteration
gains two to three decimal digits.

Determinism matters more than speed here: shared vertices of adjacent fences must stay shared
after conversion. Every conversion therefore runs a fixed number of iterations per point (never
"until the whole array has converged"), so a point's result depends only on that point.
"""

from __future__ import annotations

import math
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = [
    "gcj02_to_wgs84",
    "gcj02_to_wgs84_array",
    "geometry_gcj02_to_wgs84",
    "out_of_china",
    "wgs84_to_gcj02",
    "wgs84_to_gcj02_array",
]

# Krasovsky 1940 ellipsoid, as used by the published formula.
_A = 6378245.0
_EE = 0.00669342162296594323

# Each iteration shrinks the error by a factor of about 100-1000 and the initial error is about
# 5e-3 degrees (a few hundred metres); 8 iterations reach the float64 floor with a wide margin.
_INVERSE_ITERATIONS = 8

FloatArray = npt.NDArray[np.float64]
G = TypeVar("G", bound=BaseGeometry)


def out_of_china(lon: float, lat: float) -> bool:
    """True when the point lies outside the box in which GCJ-02 offsets are applied."""
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _offset(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 minus WGS-84 at the WGS-84 point (lon, lat), in degrees."""
    x = lon - 105.0
    y = lat - 35.0
    sin_6x = 20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    d_lat += sin_6x * 2.0 / 3.0
    d_lat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    d_lat += (
        (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    )
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    d_lon += sin_6x * 2.0 / 3.0
    d_lon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    d_lon += (
        (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    )
    rad_lat = lat / 180.0 * math.pi
    magic = 1.0 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return d_lon, d_lat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """Convert a WGS-84 point to GCJ-02; points outside China are returned unchanged."""
    if out_of_china(lon, lat):
        return lon, lat
    d_lon, d_lat = _offset(lon, lat)
    return lon + d_lon, lat + d_lat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """Convert a GCJ-02 point to WGS-84 (round-trip error far below 1e-7 degrees)."""
    if out_of_china(lon, lat):
        return lon, lat
    w_lon, w_lat = lon, lat
    for _ in range(_INVERSE_ITERATIONS):
        d_lon, d_lat = _offset(w_lon, w_lat)
        # Fixed point of w = g - offset(w), i.e. w + offset(w) == g.
        w_lon, w_lat = lon - d_lon, lat - d_lat
    return w_lon, w_lat


def _offset_array(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Vectorised ``_offset``; same formula, term for term."""
    x = lon - 105.0
    y = lat - 35.0
    sin_6x = 20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    d_lat += sin_6x * 2.0 / 3.0
    d_lat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    d_lat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    d_lon += sin_6x * 2.0 / 3.0
    d_lon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    d_lon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return d_lon, d_lat


def _in_china_array(lon: FloatArray, lat: FloatArray) -> npt.NDArray[np.bool_]:
    return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def wgs84_to_gcj02_array(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised ``wgs84_to_gcj02`` for arrays of equal shape."""
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    d_lon, d_lat = _offset_array(lon_a, lat_a)
    inside = _in_china_array(lon_a, lat_a)
    return np.where(inside, lon_a + d_lon, lon_a), np.where(inside, lat_a + d_lat, lat_a)


def gcj02_to_wgs84_array(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised ``gcj02_to_wgs84`` for arrays of equal shape."""
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    w_lon, w_lat = lon_a, lat_a
    for _ in range(_INVERSE_ITERATIONS):
        d_lon, d_lat = _offset_array(w_lon, w_lat)
        w_lon, w_lat = lon_a - d_lon, lat_a - d_lat
    inside = _in_china_array(lon_a, lat_a)
    return np.where(inside, w_lon, lon_a), np.where(inside, w_lat, lat_a)


def _transform_coords(coords: FloatArray) -> FloatArray:
    lon, lat = gcj02_to_wgs84_array(coords[:, 0], coords[:, 1])
    return np.column_stack([lon, lat])


def geometry_gcj02_to_wgs84(geom: G) -> G:
    """Convert every vertex of a shapely geometry (any type) from GCJ-02 to WGS-84.

    Each vertex is converted independently and deterministically, so vertices that are equal in
    the input (e.g. the shared border of two county fences) are equal in the output and adjacent
    polygons keep tiling without gaps or overlaps.
    """
    result: G = shapely.transform(geom, _transform_coords)
    return result
