"""Import people and households from a county's file: validated row by row,
all or nothing.

One pass over the file, inside one transaction, in three stages:
``prepare.produce`` reads and validates, ``prepare.protect`` encrypts and
masks, ``writer`` writes. For a large file each stage runs in its own
process, joined by pipes, so the work spreads over a two-core server; the
parent keeps the database connection and the transaction. At the end, any
error rolls everything back — nothing is half-loaded — and the report lists
every bad row (row, column, masked value, reason in Chinese). See
docs/decisions/0007.
"""

from __future__ import annotations

import gc
import marshal
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.audit.services import audit_record
from wangge.core.bulk import db_datetime, secondary_indexes_deferred
from wangge.core.errors import DomainError
from wangge.registry.colouring import compiled_rules
from wangge.registry.importing.columns import match_headers
from wangge.registry.importing.prepare import (
    ColourFix,
    Done,
    HouseholdNumbers,
    Message,
    PersonBatch,
    Progress,
    RawBatch,
    Sealed,
    Secrets,
    Wire,
    fill,
    from_wire,
    produce,
    seal,
    sealed_inline,
    to_wire,
)
from wangge.registry.importing.reader import read_rows
from wangge.registry.importing.validate import Context, ImportReport, RowError
from wangge.registry.importing.writer import Writer
from wangge.registry.models import Household, Membership, Person, PersonTag
from wangge.territory.models import Area

__all__ = ["ImportReport", "RowError", "people_import"]

# Files above this size are prepared in a second process (below it, the
# fork costs more than it saves).
FORK_ABOVE_BYTES = 1_000_000
# Rough bytes per row of a county's export, to judge the size of a load
# before reading it.
_BYTES_PER_ROW = {".csv": 120, ".xlsx": 45, ".xlsm": 45}
# A load of at least this many rows that also at least doubles the person
# table rebuilds the secondary indexes afterwards instead of maintaining
# them row by row (``secondary_indexes_deferred``).
BULK_LOAD_MIN_ROWS = 100_000


class _Rollback(Exception):
    pass


def people_import(
    *,
    actor: Any,
    path: Path,
    commit: bool = False,
    chunk_size: int = 20_000,
    progress: Callable[[int], None] | None = None,
    parallel: bool | None = None,
) -> ImportReport:
    """Validate (and with ``commit``, load) a population file. Returns the
    report; with any error, nothing is written. ``parallel`` forces (or
    forbids) the second process; by default it is used for large files."""
    reach = reach_for(actor)
    if not reach.has(Capability.PERSON_IMPORT):
        raise DomainError("forbidden", "您没有导入人口信息的权限")
    rows = read_rows(path)
    headers = next(rows, None)
    if headers is None:
        raise DomainError("import.empty", "文件是空的")
    mapping, missing = match_headers(headers)
    if missing:
        raise DomainError("import.columns", f"缺少必填列:{'、'.join(missing)}")
    if parallel is None:
        parallel = path.stat().st_size > FORK_ABOVE_BYTES
    with _sqlite_tuned_for_loading(), _conflicts_reported():
        return _import(
            actor, reach, path, rows, mapping, len(headers), commit, chunk_size, progress, parallel
        )


@contextmanager
def _sqlite_tuned_for_loading() -> Iterator[None]:
    """On SQLite, for this connection while the import runs: a large page
    cache, so the growing unique index stays in memory, and no automatic
    checkpoint at commit — the caller checkpoints afterwards
    (``core.bulk.wal_checkpoint``), in the worker rather than in the next
    request, and the commit is not slowed by copying the whole load twice."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        cache = int(cur.fetchone()[0])
        cur.execute("PRAGMA cache_size = -262144")
        cur.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {cache}")
            cur.execute("PRAGMA wal_autocheckpoint = 1000")


@contextmanager
def _conflicts_reported() -> Iterator[None]:
    try:
        yield
    except IntegrityError as exc:
        # Someone else wrote the same person or household number meanwhile.
        raise DomainError(
            "import.conflict", "导入期间有人同时录入了相同的人员或户编号,未导入任何数据,请重试"
        ) from exc


def _import(
    actor: Any,
    reach: Any,
    path: Path,
    rows: Iterator[list[str]],
    mapping: dict[int, Any],
    width: int,
    commit: bool,
    chunk_size: int,
    progress: Callable[[int], None] | None,
    parallel: bool,
) -> ImportReport:
    """The import's transaction: load, then commit with an audit record if
    every row was good and ``commit`` was asked, else roll back."""
    try:
        with transaction.atomic():
            report = _load(
                actor,
                reach,
                path,
                rows,
                mapping,
                width,
                commit,
                chunk_size,
                progress,
                parallel,
            )
            if not report.ok or not commit:
                raise _Rollback(report)
            audit_record(
                actor=actor,
                action="person.import",
                object_type="registry.import",
                object_label=path.name[:200],
                changes={
                    "rows": report.rows,
                    "households_new": report.households_new,
                    "persons_new": report.persons_new,
                    "persons_updated": report.persons_updated,
                    "moves": report.moves,
                },
            )
            report.committed = True
    except _Rollback as rollback:
        report = rollback.args[0]
    return report


def _load(
    actor: Any,
    reach: Any,
    path: Path,
    rows: Iterator[list[str]],
    mapping: dict[int, Any],
    width: int,
    commit: bool,
    chunk_size: int,
    progress: Callable[[int], None] | None,
    parallel: bool,
) -> ImportReport:
    today = timezone.localdate()
    ctx = Context(
        grids={
            code: (pk, p, county)
            for code, pk, p, county in Area.objects.filter(
                reach.filter("path", Capability.PERSON_IMPORT), level="grid", is_active=True
            ).values_list("code", "pk", "path", "county_code")
        },
        # Households already on file in the importer's area, by number.
        on_file=dict(
            Household.objects.filter(
                reach.filter("area_path", Capability.PERSON_IMPORT)
            ).values_list("number", "pk")
        ),
        today=today,
        rules=compiled_rules().rules,
    )
    people = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    households_on_file = Household.objects.exists()
    estimated = path.stat().st_size // _BYTES_PER_ROW.get(path.suffix.lower(), 120)
    bulk = commit and estimated >= max(BULK_LOAD_MIN_ROWS, people)
    # A first load into empty tables looks nothing up: unique indexes can be
    # rebuilt afterwards too (the file has no duplicates by then).
    first_load = bulk and not people and not households_on_file
    args = (ctx, rows, mapping, width)
    # Whole seconds: 7 bytes less on each of millions of rows.
    now = db_datetime(timezone.now().replace(microsecond=0))
    kwargs = {"commit": commit, "now": now, "chunk_size": chunk_size}
    messages = (
        _pipeline(args, kwargs) if parallel else sealed_inline(produce(*args, **kwargs))  # type: ignore[arg-type]
    )

    # The writer's report collects what only the database can tell (numbers
    # taken elsewhere); the validator's arrives with Done and is merged.
    mine = ImportReport(bulk_load=bulk)
    writer = Writer(
        mine,
        today=today,
        people_on_file=people > 0,
        households_on_file=households_on_file,
        exclusive=bulk,
    )
    tables = [Person, Membership, PersonTag, Household]
    report = ImportReport()
    deferred = secondary_indexes_deferred(tables, unique=first_load) if bulk else nullcontext()
    with _collector_paused(), deferred:
        for message in messages:
            if isinstance(message, PersonBatch):
                if mine.ok:
                    writer.persons(message)
            elif isinstance(message, ColourFix):
                if mine.ok:
                    writer.colour_fix(message)
            elif isinstance(message, HouseholdNumbers):
                writer.household_numbers(message)
            elif isinstance(message, Progress):
                if progress is not None:
                    progress(message.rows)
            elif isinstance(message, Done):
                report = message.report()
        if commit and report.ok and mine.ok:
            writer.finish(today)
    for error in mine.errors:
        report.add_error(error)
    report.error_count += mine.error_count - len(mine.errors)
    report.persons_new, report.persons_updated = mine.persons_new, mine.persons_updated
    report.moves, report.households_new = mine.moves, mine.households_new
    report.bulk_load = bulk
    report.errors.sort(key=lambda e: e.row)
    return report


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while batches of fresh rows stream
    through (each full collection would walk them all); back on after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _pipeline(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Iterator[Message]:
    """``sealed_inline(produce(...))`` spread over two forked processes:

        reader ──rows──────────────► parent (writes)
           └──secrets──► sealer ──sealed──┘

    Pipes bound how far a stage runs ahead. The children never touch the
    database connection they inherited and leave with os._exit, so the
    parent's transaction is undisturbed."""
    import multiprocessing

    mp = multiprocessing.get_context("fork")
    rows_out, rows_in = mp.Pipe(duplex=False)
    secrets_out, secrets_in = mp.Pipe(duplex=False)
    sealed_out, sealed_in = mp.Pipe(duplex=False)
    for end in (rows_in, secrets_in, sealed_in):
        _widen(end)
    reader = mp.Process(
        target=_read_stage,
        args=(rows_in, secrets_in, lambda: produce(*args, **kwargs)),
        kwargs={"unused": [rows_out, secrets_out, sealed_out, sealed_in]},
        name="wangge-import-read",
    )
    sealer = mp.Process(
        target=_seal_stage,
        args=(secrets_out, sealed_in),
        kwargs={"unused": [rows_out, rows_in, secrets_in, sealed_out]},
        name="wangge-import-seal",
    )
    reader.start()
    sealer.start()
    # Each pipe end now lives only where it is used, so a stage that dies
    # is seen as the end of its pipe.
    for end in (rows_in, secrets_in, secrets_out, sealed_in):
        end.close()
    try:
        while True:
            message = _receive(rows_out)
            if isinstance(message, RawBatch):
                sealed = _receive(sealed_out)
                assert isinstance(sealed, Sealed)
                yield fill(message, sealed)
            else:
                assert not isinstance(message, PersonBatch | Secrets | Sealed)
                yield message
                if isinstance(message, Done):
                    return
    finally:
        rows_out.close()
        sealed_out.close()
        for child in (reader, sealer):
            child.join(timeout=5)
            if child.is_alive():
                child.terminate()
                child.join()


def _widen(end: Any) -> None:
    """A 1 MB pipe buffer instead of 64 KB, where Linux allows it, so a
    stage can finish sending a batch and go on while the next one reads."""
    try:
        import fcntl

        fcntl.fcntl(end.fileno(), 1031, 1 << 20)  # F_SETPIPE_SZ
    except (ImportError, OSError):
        pass


def _receive(end: Any) -> Wire:
    try:
        data = end.recv_bytes()
    except EOFError:
        raise DomainError("import.failed", "导入进程意外退出,未导入任何数据") from None
    if data[:1] == b"F":  # a stage failed (else b"M", a message): re-raise here
        code, message, detail = marshal.loads(data[1:])  # noqa: S302 - our own child's bytes
        if detail:
            raise RuntimeError(f"import stage failed:\n{detail}")
        raise DomainError(code, message)
    return from_wire(data[1:])


def _failure(exc: BaseException) -> bytes:
    if isinstance(exc, DomainError):
        return b"F" + marshal.dumps((exc.code, exc.message, ""))
    return b"F" + marshal.dumps(("import.failed", "", traceback.format_exc()))


def _quiet_collector() -> None:
    """In a stage's process: no cyclic garbage collection. The stages make
    no reference cycles, and the reader holds millions of objects (every
    ID number seen, every household) that each full collection would walk
    again — a quarter of its time. ``freeze`` first, so what was inherited
    from the parent is not even counted."""
    gc.freeze()
    gc.disable()


def _read_stage(
    rows_in: Any, secrets_in: Any, make: Callable[[], Iterator[Wire]], *, unused: list[Any]
) -> None:
    """The reader's process: rows and everything else to the parent,
    secrets to the sealer."""
    _quiet_collector()
    for end in unused:
        end.close()
    try:
        for message in make():
            target = secrets_in if isinstance(message, Secrets) else rows_in
            target.send_bytes(b"M" + to_wire(message))
    except BaseException as exc:  # the parent fails the import with it
        rows_in.send_bytes(_failure(exc))
    finally:
        rows_in.close()
        secrets_in.close()


def _seal_stage(secrets_out: Any, sealed_in: Any, *, unused: list[Any]) -> None:
    """The sealer's process: seal each batch's secrets, in order, until the
    reader closes its end."""
    _quiet_collector()
    for end in unused:
        end.close()
    try:
        while True:
            try:
                data = secrets_out.recv_bytes()
            except EOFError:
                return
            secrets = from_wire(data[1:])
            assert isinstance(secrets, Secrets)
            sealed_in.send_bytes(b"M" + to_wire(seal(secrets)))
    except BaseException as exc:
        sealed_in.send_bytes(_failure(exc))
    finally:
        sealed_in.close()
