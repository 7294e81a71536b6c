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
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from django.db import DatabaseError, connection, models
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
    # The driver's own cursor and connection: Django's wrappers would, in
    # DEBUG, keep a record of every statement with its parameters.
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            raw = cur.cursor
            with raw.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in converted:
                    copy.write_row(row)
                    count += 1
        return count
    connection.ensure_connection()
    marks = ", ".join("?" for _ in columns)
    sql = f'INSERT INTO "{table}" ({cols}) VALUES ({marks})'  # noqa: S608 - names from the model
    cursor = connection.connection.executemany(sql, converted)
    return int(cursor.rowcount)


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
    mark = "?" if connection.vendor == "sqlite" else "%s"
    with connection.cursor() as wrapper:
        cur = wrapper.cursor  # the driver's: no DEBUG record of 5,000 parameters
        for i in range(0, len(values), 5000):
            part = values[i : i + 5000]
            marks = ", ".join([mark] * len(part))
            cur.execute(
                f'SELECT "{column}", "{pk}" FROM "{table}" WHERE "{column}" IN ({marks})',  # noqa: S608
                list(part),
            )
            found.update(cur.fetchall())
    return found


class IdAllocator:
    """Hands out primary keys for rows that will be inserted later in the
    same transaction (so related rows can point at them first; foreign keys
    are checked at commit on both databases).

    ``exclusive``: the caller's transaction holds an exclusive lock on the
    table (a bulk load that dropped its indexes), so on PostgreSQL too keys
    are counted here instead of drawn from the sequence one by one; call
    ``close()`` to move the sequence past them."""

    def __init__(self, model: type[models.Model], *, exclusive: bool = False) -> None:
        self.model = model
        self.local = exclusive or connection.vendor != "postgresql"
        self._next: int | None = None

    def take(self, n: int) -> list[int]:
        if not self.local:
            return allocate_ids(self.model, n)
        if self._next is None:
            self._next = self._first()
        ids = list(range(self._next, self._next + n))
        self._next += n
        return ids

    def _first(self) -> int:
        table, pk = self.model._meta.db_table, self.model._meta.pk.column
        with connection.cursor() as cur:
            cur.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')  # noqa: S608 - names from the model
            top = int(cur.fetchone()[0])
            if connection.vendor == "postgresql":
                cur.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
                sequence = cur.fetchone()[0]
                cur.execute(f"SELECT last_value FROM {sequence}")  # noqa: S608 - from the catalogue
                top = max(top, int(cur.fetchone()[0]))
        return top + 1

    def close(self) -> None:
        if connection.vendor == "postgresql" and self.local and self._next is not None:
            table, pk = self.model._meta.db_table, self.model._meta.pk.column
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s)", [table, pk, self._next - 1]
                )


@contextmanager
def secondary_indexes_deferred(
    models_: Sequence[type[models.Model]], *, unique: bool = False
) -> Iterator[None]:
    """For a load that at least doubles these tables: drop their secondary
    indexes and, on PostgreSQL, their foreign keys, then rebuild them when
    the block ends — inside the caller's transaction, so a failed load
    rolls the drop back too.

    Building an index once by sorting costs a fraction of keeping it up to
    date row by row, and PostgreSQL's deferred foreign-key checks fire a
    trigger per row at commit; re-adding the constraint checks all rows in
    one join instead. Unique indexes stay unless ``unique`` — for tables
    that start empty, where nothing needs looking up during the load (on
    SQLite only those made by CREATE UNIQUE INDEX can go). Primary keys
    always stay. The definitions are read from the database, so the
    migrations stay the only place they are declared. Write parent rows
    before their children (see the SQLite note in the code).

    On SQLite, readers keep their snapshot (WAL) and see nothing of this.
    On PostgreSQL the tables are locked against readers until commit: use
    it for first loads, not on a busy table (see docs/decisions/0007)."""
    tables = [m._meta.db_table for m in models_]
    constraints: list[tuple[str, str, str]] = []  # (table, name, definition), re-added in order
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
                " JOIN pg_class i ON i.oid = x.indexrelid"
                " WHERE x.indrelid = ANY(%s::regclass[]) AND NOT x.indisprimary"
                " AND (%s OR NOT x.indisunique)"
                " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
                [tables, unique],
            )
            indexes = cur.fetchall()
            cur.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
                " FROM pg_constraint WHERE conrelid = ANY(%s::regclass[])"
                " AND (contype = 'f' OR (%s AND contype = 'u'))"
                " ORDER BY contype DESC",  # unique ('u') before foreign keys ('f')
                [tables, unique],
            )
            constraints = cur.fetchall()
            # Index builds sort in memory up to this much (the default 64 MB
            # spills a two-million-row sort to disk).
            cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for table, name, _definition in reversed(constraints):
                cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        else:
            marks = ", ".join(["%s"] * len(tables))
            cur.execute(
                "SELECT name, sql FROM sqlite_master"  # noqa: S608 - placeholders only
                " WHERE type = 'index' AND sql IS NOT NULL"
                " AND (%s OR sql NOT LIKE 'CREATE UNIQUE%%')"
                f" AND tbl_name IN ({marks})",
                [unique, *tables],
            )
            # SQLite's foreign keys are part of the tables and stay. The
            # caller must write parents before children: while a deferred
            # violation is pending, each parent row inserted looks for its
            # children, and without their indexes every insert would scan.
            indexes = cur.fetchall()
        for name, _definition in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA threads = 2")  # index sorts on both cores
        for _name, definition in indexes:
            cur.execute(definition)
        for table, name, definition in constraints:
            cur.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA threads = 0")


def wal_checkpoint() -> None:
    """After a bulk write on SQLite: copy the write-ahead log back into the
    database file now, in the worker that did the load, rather than in
    whichever request commits next (the import turns automatic
    checkpoints off while it runs). PASSIVE: readers and writers go on.
    Maintenance only: inside a transaction it waits for a later commit, and
    a failure is logged, never raised."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    try:
        with connection.cursor() as cur:
            cur.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except DatabaseError:
        logging.getLogger(__name__).warning("WAL checkpoint skipped", exc_info=True)
