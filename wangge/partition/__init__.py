"""Automatic grid partitioning (网格划分): balanced, compact, contiguous grids in each village.

A pure package: numpy, scipy and shapely, no Django (``tests/geo/test_no_django.py`` checks it),
so the Django side, the benchmark and scripts call the same code. The entry points are
``partition_village`` and ``partition_many``; docs/decisions/0013-partitioning.md explains the
algorithm, its guarantees and their limits.
"""

from wangge.partition.api import Village, partition_many, partition_village
from wangge.partition.model import NORMS, Grid, Households, Issue, Report, Result, Targets

__all__ = [
    "NORMS",
    "Grid",
    "Households",
    "Issue",
    "Report",
    "Result",
    "Targets",
    "Village",
    "partition_many",
    "partition_village",
]
