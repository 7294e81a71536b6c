"""SQL the field work figures need on both databases: the month of a date
or a timestamp as ``YYYY-MM`` (Django's own truncations run as Python
functions on SQLite, row by row), and patrol coverage, which groups twice
(per grid, then per group) and so is written out.

Local days: Beijing has kept UTC+8 all year since 1991, so SQLite shifts
the stored UTC text by eight hours; PostgreSQL converts with the zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import CharField, Func

from wangge.core.lookups import _escape_like as escape_like
from wangge.core.lookups import successor

_SQLITE_SHIFT = "'+8 hours'"


def _pg() -> bool:
    return connection.vendor == "postgresql"


class Month(Func):
    """``YYYY-MM`` of a date column."""

    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM')")


class LocalMonth(Func):
    """``YYYY-MM`` of a timestamp column, in Beijing time."""

    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = f"strftime('%%%%Y-%%%%m', %(expressions)s, {_SQLITE_SHIFT})"
        return self.as_sql(compiler, connection, template=template)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = f"to_char(%(expressions)s AT TIME ZONE '{settings.TIME_ZONE}', 'YYYY-MM')"
        return self.as_sql(compiler, connection, template=template)


def group_key(by: str, path_col: str, date_col: str) -> str:
    """The SQL of a row's group: its town's or village's path (12-digit
    codes: each level adds 13 characters), its grid's, or the month of a
    date column."""
    if by == "month":
        if _pg():
            return f"to_char({date_col}, 'YYYY-MM')"
        return f"substr({date_col}, 1, 7)"
    if by == "grid":
        return path_col
    if by == "all":
        return "'all'"
    length = {"county": 26, "town": 39, "village": 52}[by]
    return f"substr({path_col}, 1, {length})"


def scope_sql(col: str, paths: Sequence[str]) -> tuple[str, list[Any]]:
    """``col`` under one of the paths, as SQL and parameters — the same
    test as the ``__prefix`` lookup (a range on SQLite, so its index
    serves it; LIKE on PostgreSQL, served by the pattern index)."""
    if "" in paths:
        return "1 = 1", []
    if not paths:
        return "1 = 0", []
    if _pg():
        parts = [f"{col} LIKE %s"] * len(paths)
        params: list[Any] = [escape_like(p) + "%" for p in paths]
    else:
        parts = [f"({col} >= %s AND {col} < %s)"] * len(paths)
        params = [x for p in paths for x in (p, successor(p))]
    return "(" + " OR ".join(parts) + ")", params


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def patrol_coverage(
    paths: Sequence[str],
    since: dt.date,
    until: dt.date,
    by: str,
    per_week: int,
    days: dict[str, int],
) -> list[tuple[str, int, int, int]]:
    """(key, patrols, grid-days with a patrol, grids that met the
    standard) per grid (``by`` town, village or grid: the caller adds grids
    up), per month, or for all (``by`` "all"). A grid meets the standard
    when its patrols reach ``per_week`` for every seven days of the period
    — of the month, by month: ``days`` gives each month's days in the
    period; otherwise ``days`` has the period's under ""."""
    where, params = scope_sql("p.area_path", paths)
    if by == "month":
        key = group_key("month", "p.area_path", "p.started_on")
        span = "CASE k " + " ".join("WHEN %s THEN %s" for _ in days) + " ELSE 0 END"
        span_args: list[Any] = [x for m, n in days.items() for x in (m, n)]
    else:
        # Per grid in the index's order (no sort); "all" folds them.
        key = "p.area_path"
        span, span_args = "%s", [days.get("", 0)]
    outer = "'all'" if by == "all" else "k"
    inner = f"{key}, p.area_path" if by == "month" else "p.area_path"
    met = f"SUM(CASE WHEN n * 7 >= %s * {span} THEN 1 ELSE 0 END)"
    sql = f"""
        WITH g AS (
            SELECT {key} AS k, COUNT(*) AS n, COUNT(DISTINCT p.started_on) AS dd
            FROM gridwork_patrol p
            WHERE {where} AND p.started_on >= %s AND p.started_on <= %s
            GROUP BY {inner}
        )
        SELECT {outer} AS kk, SUM(n), SUM(dd), {met} FROM g GROUP BY kk
    """  # noqa: S608 - only generated SQL, values are parameters
    args = [*params, since, until, per_week, *span_args]
    return [(k, int(n), int(dd), int(m)) for k, n, dd, m in _rows(sql, args)]
