"""Fast bulk writes for imports and the demo: plain rows into one table,
bypassing model instances.

Django's ``bulk_create`` builds a model instance and prepares every value
through its field for each row, which dominates the time of a million-row
import. Here rows are tuples in a known column order, converted once per
type, and written with ``executemany`` on SQLite and ``COPY`` on
PostgreSQL. Callers own validation: what reaches here is already clean.
Primary keys are allocated up front (``allocate_ids``) so related rows can
be written in the same pass without reading anything back.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from django.db import connection, models
from django.utils import timezone


@lru_cache(maxsize=8)  # a load stamps thousands of rows with the same "now"
def _sqlite_datetime(value: Any) -> Any:
    if value is None:
        return None
    if timezone.is_aware(value):
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(" ")


def _date(value: Any) -> Any:
    return None if value is None else value.isoformat()


def _json(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False)


def _bool(value: Any) -> Any:
    return None if value is None else int(value)


def _converters(
    model: type[models.Model], columns: Sequence[str], vendor: str
) -> list[tuple[int, Callable[[Any], Any]]]:
    """Per column, the conversion its field needs on this database (most need
    none). Done once per call instead of type tests on every value."""
    by_column = {f.column: f for f in model._meta.concrete_fields}
    out: list[tuple[int, Callable[[Any], Any]]] = []
    for i, col in enumerate(columns):
        field = by_column[col]
        if isinstance(field, models.JSONField):
            out.append((i, _json))
        elif vendor == "sqlite" and isinstance(field, models.DateTimeField):
            out.append((i, _sqlite_datetime))
        elif vendor == "sqlite" and isinstance(field, models.DateField):
            out.append((i, _date))
        elif vendor == "sqlite" and isinstance(field, models.BooleanField):
            out.append((i, _bool))
    return out


def _convert(
    rows: Iterable[Sequence[Any]], convs: list[tuple[int, Callable[[Any], Any]]]
) -> Iterator[Sequence[Any]]:
    if not convs:
        yield from rows
        return
    for row in rows:
        values = list(row)
        for i, conv in convs:
            values[i] = conv(values[i])
        yield values


def allocate_ids(model: type[models.Model], n: int) -> list[int]:
    """Reserve ``n`` primary keys for rows about to be inserted.

    PostgreSQL: drawn from the table's sequence, so concurrent writers never
    collide. SQLite: the next ``n`` after the current maximum; safe because
    the caller's transaction already holds SQLite's single write lock (every
    transaction here begins IMMEDIATE)."""
    if n <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, n],
            )
            return [r[0] for r in cur.fetchall()]
        cur.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')  # noqa: S608 - names from the model
        start = cur.fetchone()[0] + 1
        return list(range(start, start + n))


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    ready: bool = False,
) -> int:
    """Insert rows (tuples in ``columns`` order, database column names) into
    the model's table inside the caller's transaction. Returns the count.

    ``ready=True``: the caller already gives database-ready values (dates as
    ISO text, datetimes as naive-UTC ISO text, JSON as text, booleans as
    bool), valid on both databases, and no per-value conversion is done."""
    table = model._meta.db_table
    cols = ", ".join(f'"{c}"' for c in columns)
    converted = rows if ready else _convert(rows, _converters(model, columns, connection.vendor))
    count = 0
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            raw = cur.cursor  # the psycopg cursor, for COPY
            with raw.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in converted:
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join("%s" for _ in columns)
        sql = f'INSERT INTO "{table}" ({cols}) VALUES ({marks})'  # noqa: S608 - names from the model
        batch: list[Sequence[Any]] = []
        for row in converted:
            batch.append(row)
            if len(batch) >= 5000:
                cur.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cur.executemany(sql, batch)
            count += len(batch)
    return count


def db_datetime(value: dt.datetime) -> str:
    """A datetime as text both databases store correctly (naive UTC: Django
    keeps SQLite in UTC and sets PostgreSQL sessions to UTC)."""
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


def existing_keys(model: type[models.Model], column: str, values: Sequence[str]) -> dict[str, int]:
    """``{value: pk}`` for the values already present in ``column`` — raw SQL,
    since building a 20,000-item IN through the ORM costs more than running
    it."""
    table = model._meta.db_table
    pk = model._meta.pk.column
    found: dict[str, int] = {}
    with connection.cursor() as cur:
        for i in range(0, len(values), 5000):
            part = values[i : i + 5000]
            marks = ", ".join(["%s"] * len(part))
            cur.execute(
                f'SELECT "{column}", "{pk}" FROM "{table}" WHERE "{column}" IN ({marks})',  # noqa: S608
                list(part),
            )
            found.update(cur.fetchall())
    return found


class IdAllocator:
    """Hands out primary keys for rows that will be inserted later in the
    same transaction (so related rows can point at them first; foreign keys
    are checked at commit on both databases)."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self._next: int | None = None

    def take(self, n: int) -> list[int]:
        if connection.vendor == "postgresql":
            return allocate_ids(self.model, n)
        if self._next is None:
            ids = allocate_ids(self.model, n)
            self._next = (ids[-1] + 1) if ids else None
            return ids
        ids = list(range(self._next, self._next + n))
        self._next += n
        return ids
