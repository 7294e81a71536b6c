"""What an import does before the database: neither function here touches it.

1. ``produce`` reads and validates the file and yields messages: batches
   of clean rows (``RawBatch``), progress, and at the end colour
   corrections, the numbers of households never written, and ``Done``.
2. ``seal`` encrypts, blind-indexes and masks one batch's ID numbers,
   phones and addresses (``Secrets`` → ``Sealed``); ``fill`` puts the
   results into the batch's rows (→ ``PersonBatch``).

The engine runs them in one process for small files. For large ones the
reader and the sealer are two child processes: the reader sends each
batch's rows to the parent (the writer) and only its secrets to the
sealer, which sends the sealed values on to the parent — so no row crosses
a pipe twice, and reading, encrypting and writing overlap on two cores.
Messages are named tuples of plain values so they cross a pipe with
``marshal`` (several times faster than pickle, and it cannot run code).
"""

from __future__ import annotations

import json
import marshal
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from wangge.registry import colour as engine
from wangge.registry import pii
from wangge.registry.importing.columns import Column
from wangge.registry.importing.validate import (
    ID_ENC,
    ID_INDEX,
    ID_MASKED,
    PHONE_ENC,
    PHONE_INDEX,
    PHONE_MASKED,
    Context,
    ImportReport,
    NewHousehold,
    RowError,
    Validator,
)
from wangge.registry.keys import keyring

# Column orders of the rows handed to the writer (database column names),
# after the primary key, which the writer allocates.
PERSON_COLUMNS = (
    "name",
    "name_initials",
    "id_enc",
    "id_index",
    "id_masked",
    "id_converted_from_15",
    "gender",
    "birth_date",
    "ethnicity",
    "phone_enc",
    "phone_index",
    "phone_masked",
    "education",
    "occupation",
    "political_status",
    "health_note",
    "ability_note",
    "is_away",
    "area_path",
    "county_code",
    "created_at",
    "updated_at",
)
HOUSEHOLD_COLUMNS = (
    "number",
    "grid_id",
    "area_path",
    "county_code",
    "building_id",
    "address_enc",
    "address_masked",
    "lon",
    "lat",
    "household_type",
    "colour",
    "colour_reasons",
    "colour_rules",
    "colour_public_reasons",
    "colour_override",
    "colour_override_reason",
    "colour_override_until",
    "colour_updated_at",
    "last_visit_on",
    "is_active",
    "created_at",
    "updated_at",
)
_ADDRESS_ENC, _ADDRESS_MASKED = 5, 6  # in a household row (without id)


class RawBatch(NamedTuple):
    """Clean rows before sealing: person and household rows with empty
    slots for the protected values."""

    person: list[list[Any]]  # [None, *PERSON_COLUMNS], crypto slots empty
    household: list[int | str]  # pk on file, or a new household's number
    relation: list[str]
    kind: list[str]
    tags: list[tuple[str, ...]]
    new_households: list[tuple[str, int]]  # (number, row) first met in this batch
    household_rows: list[list[Any]]  # HOUSEHOLD_COLUMNS, address slots empty


class Secrets(NamedTuple):
    """A batch's values to protect, in row order (empty phones included)."""

    id_numbers: list[str]
    phones: list[str]
    addresses: list[str]  # of the batch's new households


class Sealed(NamedTuple):
    """A batch's protected values; the phone lists skip rows without one."""

    id_enc: list[str]
    id_index: list[str]
    id_masked: list[str]
    phone_enc: list[str]
    phone_index: list[str]
    phone_masked: list[str]
    address_enc: list[str]
    address_masked: list[str]


class PersonBatch(NamedTuple):
    """Clean rows, sealed, with the new households they are the first
    members of. The writer writes those households first, so no row ever
    points at one not yet written (SQLite then has no pending foreign-key
    violation to look for on every insert)."""

    person: list[list[Any]]  # [None (id), *PERSON_COLUMNS]
    household: list[int | str]
    relation: list[str]
    kind: list[str]
    tags: list[tuple[str, ...]]
    new_households: list[tuple[str, int]]
    household_rows: list[list[Any]]  # HOUSEHOLD_COLUMNS


class ColourFix(NamedTuple):
    """Households written before all their members were read, whose colour
    changed since: (number, colour, reasons, rule codes, public reasons),
    the lists as JSON."""

    rows: list[tuple[str, str, str, str, str]]


class HouseholdNumbers(NamedTuple):
    """New households never written (a dry run, or a load stopped by an
    error), for the check that their numbers are not taken elsewhere."""

    numbers: list[tuple[str, int]]


class Progress(NamedTuple):
    rows: int


class Done(NamedTuple):
    rows: int
    error_count: int
    errors: list[tuple[int, str, str, str]]

    @classmethod
    def of(cls, report: ImportReport) -> Done:
        errors = [(e.row, e.column, e.value, e.reason) for e in report.errors]
        return cls(report.rows, report.error_count, errors)

    def report(self) -> ImportReport:
        r = ImportReport(rows=self.rows)
        r.errors = [RowError(*e) for e in self.errors]
        r.error_count = self.error_count
        return r


Message = RawBatch | PersonBatch | ColourFix | HouseholdNumbers | Progress | Done
Wire = Message | Secrets | Sealed
_KINDS: tuple[type[Any], ...] = (
    RawBatch,
    PersonBatch,
    ColourFix,
    HouseholdNumbers,
    Progress,
    Done,
    Secrets,
    Sealed,
)


def to_wire(message: Wire) -> bytes:
    return marshal.dumps((_KINDS.index(type(message)), tuple(message)))


def from_wire(data: bytes) -> Wire:
    kind, fields = marshal.loads(data)  # noqa: S302 - our own stage's bytes, through a private pipe
    result: Wire = _KINDS[kind](*fields)
    return result


# -- stage 1 ---------------------------------------------------------------


def produce(
    ctx: Context,
    rows: Iterable[list[str]],
    mapping: dict[int, Column],
    width: int,
    *,
    commit: bool,
    now: str,
    chunk_size: int,
) -> Iterator[Message | Secrets]:
    """Validate ``rows`` (the header already read); while no row has failed
    and ``commit`` is set, yield the clean rows in batches, each after
    its ``Secrets``."""
    v = Validator(ctx, mapping, width, collect=commit, now=now)
    report = v.report
    for n, raw in enumerate(rows, start=2):
        if not any(raw):
            continue
        v.row(n, raw)
        if len(v.chunk) >= chunk_size:
            yield from _raw_batch(v, now)
        if report.rows % 10000 == 0:
            yield Progress(report.rows)
    if commit and report.ok:
        if len(v.chunk):
            yield from _raw_batch(v, now)
        yield ColourFix(_colour_fixes(v.new_households, ctx))
    unwritten = [(h.number, h.row) for h in v.new_households if h.rating is None]
    for i in range(0, len(unwritten), chunk_size):
        yield HouseholdNumbers(unwritten[i : i + chunk_size])
    yield Progress(report.rows)
    yield Done.of(report)


def _raw_batch(v: Validator, now: str) -> Iterator[RawBatch | Secrets]:
    """A batch's secrets, then its rows: the sealer can start on the first
    while the second is sent to the writer."""
    c = v.take()
    households = _first_seen(v, c.household)
    yield Secrets(c.id_numbers, c.phones, [h.address for h in households])
    yield RawBatch(
        c.person,
        c.household,
        c.relation,
        c.kind,
        c.tags,
        [(h.number, h.row) for h in households],
        [_household_row(h, now) for h in households],
    )


def _first_seen(v: Validator, keys: list[int | str]) -> list[NewHousehold]:
    """The new households whose first members are in the batch, rated on
    the members read so far — usually all of them: a county's export lists
    a household's people together. The rest are corrected by ColourFix."""
    out = []
    for key in keys:
        if isinstance(key, str):
            h = v.households[key]
            if isinstance(h, NewHousehold) and h.rating is None:
                h.rating = _rate(h, v.ctx)
                h.rated_members = len(h.members)
                out.append(h)
    return out


def _rate(h: NewHousehold, ctx: Context) -> engine.Rating:
    facts = engine.HouseholdFacts(
        members=h.members,
        household_type="family",
        open_disputes=0,
        open_requests=0,
        days_since_last_visit=None,
        tags=frozenset(),
    )
    return engine.evaluate(ctx.rules, facts, today=ctx.today)


_json_memo: dict[tuple[str, ...], str] = {}


def _json(items: list[str]) -> str:
    """JSON text of the few distinct reason lists a load produces, made once."""
    key = tuple(items)
    text = _json_memo.get(key)
    if text is None:
        text = json.dumps(items, ensure_ascii=False)
        if len(_json_memo) < 10_000:
            _json_memo[key] = text
    return text


def _household_row(h: NewHousehold, now: str) -> list[Any]:
    r = h.rating
    assert r is not None
    return [
        h.number,
        h.grid[0],
        h.grid[1],
        h.grid[2],
        None,
        None,  # address_enc, by protect
        None,  # address_masked, by protect
        h.lon,
        h.lat,
        "family",
        r.colour,
        _json(r.reasons),
        _json(r.rule_codes),
        _json(r.public_reasons),
        "",
        "",
        None,
        now,
        None,
        True,
        now,
        now,
    ]


def _colour_fixes(
    households: list[NewHousehold], ctx: Context
) -> list[tuple[str, str, str, str, str]]:
    fixes: list[tuple[str, str, str, str, str]] = []
    for h in households:
        if h.rating is None or len(h.members) == h.rated_members:
            continue
        r = _rate(h, ctx)
        old = h.rating
        if (r.colour, r.reasons, r.public_reasons) != (old.colour, old.reasons, old.public_reasons):
            fixes.append(
                (h.number, r.colour, _json(r.reasons), _json(r.rule_codes), _json(r.public_reasons))
            )
    return fixes


# -- sealing ---------------------------------------------------------------


def seal(secrets: Secrets) -> Sealed:
    """Encrypt, blind-index and mask one batch's personal data."""
    ring = keyring()
    ids, addresses = secrets.id_numbers, secrets.addresses
    phones = [p for p in secrets.phones if p]
    mask_id, mask_phone, mask_address = pii.mask_id_number, pii.mask_phone, pii.mask_address
    return Sealed(
        pii.encrypt_many(ring, ids),
        pii.blind_index_many(ring, "id", ids),
        [mask_id(i) for i in ids],
        pii.encrypt_many(ring, phones),
        pii.blind_index_many(ring, "phone", phones),
        [mask_phone(p) for p in phones],
        pii.encrypt_many(ring, addresses),
        [mask_address(a) for a in addresses],
    )


def fill(batch: RawBatch, sealed: Sealed) -> PersonBatch:
    """Put a batch's sealed values into their slots."""
    for row, enc, idx, masked in zip(
        batch.person, sealed.id_enc, sealed.id_index, sealed.id_masked, strict=True
    ):
        row[ID_ENC], row[ID_INDEX], row[ID_MASKED] = enc, idx, masked
    with_phone = [row for row in batch.person if row[PHONE_ENC] is None]
    for row, enc, idx, masked in zip(
        with_phone, sealed.phone_enc, sealed.phone_index, sealed.phone_masked, strict=True
    ):
        row[PHONE_ENC], row[PHONE_INDEX], row[PHONE_MASKED] = enc, idx, masked
    for row, enc, masked in zip(
        batch.household_rows, sealed.address_enc, sealed.address_masked, strict=True
    ):
        row[_ADDRESS_ENC], row[_ADDRESS_MASKED] = enc, masked
    return PersonBatch(
        batch.person,
        batch.household,
        batch.relation,
        batch.kind,
        batch.tags,
        batch.new_households,
        batch.household_rows,
    )


def sealed_inline(messages: Iterable[Message | Secrets]) -> Iterator[Message]:
    """``produce``'s messages with each batch sealed, in this process."""
    sealed: Sealed | None = None
    for message in messages:
        if isinstance(message, Secrets):
            sealed = seal(message)
        elif isinstance(message, RawBatch):
            assert sealed is not None
            yield fill(message, sealed)
            sealed = None
        else:
            yield message
