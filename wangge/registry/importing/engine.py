"""Import people and households from a county's file: validated row by row,
all or nothing.

One pass over the file, inside one transaction. Every row is validated
(ID number checksum and birth date, phone, grid within the importer's
reach, household consistency, duplicates within the file, known tags);
while no row has failed, clean rows are written in chunks. At the end, any
error rolls the whole transaction back — nothing is half-loaded — and the
report lists every bad row (row, column, masked value, reason in Chinese).

A person already on file (matched by the blind index of their ID number) is
updated; if their household changed, the old membership is closed and the
new one opened, which records the move. New households are written at the
end, once all their members are known, so their colour is computed once
from complete facts.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.audit.services import audit_record
from wangge.core.bulk import IdAllocator, db_datetime, existing_keys, insert_rows
from wangge.core.errors import DomainError
from wangge.registry import colour as engine
from wangge.registry import pii
from wangge.registry.colouring import compiled_rules, recolour_households
from wangge.registry.idnumber import IdNumberError, age_on, parse_id_number
from wangge.registry.importing.columns import KIND_BY_LABEL, Column, match_headers
from wangge.registry.importing.reader import read_rows
from wangge.registry.keys import keyring
from wangge.registry.models import PARTY_STATUSES, Household, Membership, Person, PersonTag
from wangge.registry.phone import PhoneError, parse_phone
from wangge.registry.services import name_initials
from wangge.registry.tags import LABEL_TO_CODE
from wangge.territory.models import Area

MAX_LISTED_ERRORS = 5000
_TAG_SPLIT = re.compile(r"[、,，;；\s]+")
_MASKED_COLUMNS = {
    "id_number": pii.mask_id_number,
    "phone": pii.mask_phone,
    "address": pii.mask_address,
}


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    value: str  # masked where personal
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    households_new: int = 0
    persons_new: int = 0
    persons_updated: int = 0
    moves: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0


@dataclass
class _Clean:
    row: int
    household: str
    grid: tuple[int, str, str]  # pk, path, county
    name: str
    id_number: str
    birth_date: dt.date
    gender: str
    converted: bool
    relation: str
    kind: str
    phone: str
    attrs: dict[str, Any]
    is_away: bool
    tags: list[str]


@dataclass
class _NewHousehold:
    id: int
    number: str
    grid: tuple[int, str, str]
    address: str
    lon: float | None
    lat: float | None
    row: int = 0
    members: list[engine.PersonFacts] = field(default_factory=list)


class _Rollback(Exception):
    pass


@dataclass(frozen=True)
class Protected:
    """The protected forms of one chunk's ID numbers and phones, in order."""

    id_index: list[str]
    id_enc: list[str]
    id_masked: list[str]
    phone_enc: list[str]
    phone_index: list[str]
    phone_masked: list[str]


def protect(ids: list[str], phones: list[str]) -> Protected:
    """Encrypt, index and mask a chunk. Pure and picklable in and out, so it
    can run in a second process while the first validates and writes (the
    cryptography is half the cost of an import)."""
    ring = keyring()
    with_phone = [k for k, p in enumerate(phones) if p]
    values = [phones[k] for k in with_phone]
    ph_enc = [""] * len(phones)
    ph_idx = [""] * len(phones)
    ph_mask = [""] * len(phones)
    for k, token, idx in zip(
        with_phone,
        pii.encrypt_many(ring, values),
        pii.blind_index_many(ring, "phone", values),
        strict=True,
    ):
        ph_enc[k], ph_idx[k], ph_mask[k] = token, idx, pii.mask_phone(phones[k])
    return Protected(
        id_index=pii.blind_index_many(ring, "id", ids),
        id_enc=pii.encrypt_many(ring, ids),
        id_masked=[pii.mask_id_number(i) for i in ids],
        phone_enc=ph_enc,
        phone_index=ph_idx,
        phone_masked=ph_mask,
    )


class _Importer:
    def __init__(self, actor: Any, commit: bool, chunk_size: int) -> None:
        self.actor = actor
        self.commit = commit
        self.chunk_size = chunk_size
        self.report = ImportReport()
        self.today = timezone.localdate()
        self.ring = keyring()
        reach = reach_for(actor)
        if not reach.has(Capability.PERSON_IMPORT):
            raise DomainError("forbidden", "您没有导入人口信息的权限")
        grids = Area.objects.filter(
            reach.filter("path", Capability.PERSON_IMPORT), level="grid", is_active=True
        ).values_list("code", "pk", "path", "county_code")
        self.grids = {code: (pk, path, county) for code, pk, path, county in grids}
        # Households already on file in the importer's area, by number (one
        # query, instead of one per household in the file).
        self.on_file = {
            number: (pk, path)
            for number, pk, path in Household.objects.filter(
                reach.filter("area_path", Capability.PERSON_IMPORT)
            ).values_list("number", "pk", "area_path")
        }
        self.seen_ids: dict[str, int] = {}
        self.households: dict[str, _NewHousehold | tuple[int, tuple[int, str, str]]] = {}
        self.new_households: list[_NewHousehold] = []
        self.touched_existing: set[int] = set()
        self.household_ids = IdAllocator(Household)
        self.person_ids = IdAllocator(Person)

    # -- validation -------------------------------------------------------

    def error(self, row: int, col: Column | str, value: str, reason: str) -> None:
        key = col.key if isinstance(col, Column) else col
        header = col.header if isinstance(col, Column) else col
        masker = _MASKED_COLUMNS.get(key)
        shown = masker(value) if masker else value[:30]
        self.report.error_count += 1
        if len(self.report.errors) < MAX_LISTED_ERRORS:
            self.report.errors.append(RowError(row, header, shown, reason))

    def validate(self, row: int, values: dict[str, str], cols: dict[str, Column]) -> _Clean | None:
        before = self.report.error_count
        number = values.get("household", "")
        if not number or len(number) > 24:
            self.error(row, cols["household"], number, "户编号不能为空,且不超过 24 位")
        grid = self.grids.get(values.get("grid", ""))
        if grid is None:
            self.error(
                row, cols["grid"], values.get("grid", ""), "网格编码不存在或不在您的管辖范围内"
            )
        name = values.get("name", "")
        if not name or len(name) > 32:
            self.error(row, cols["name"], name, "姓名不能为空,且不超过 32 个字")
        info = None
        raw_id = values.get("id_number", "")
        try:
            info = parse_id_number(raw_id, today=self.today)
        except IdNumberError as exc:
            self.error(row, cols["id_number"], raw_id, exc.message)
        if info is not None:
            first = self.seen_ids.setdefault(info.number, row)
            if first != row:
                self.error(row, cols["id_number"], raw_id, f"身份证号与第 {first} 行重复")
        phone = ""
        if values.get("phone"):
            try:
                phone = parse_phone(values["phone"])
            except PhoneError as exc:
                self.error(row, cols["phone"], values["phone"], exc.message)
        kind = KIND_BY_LABEL.get(values.get("kind", ""))
        if kind is None:
            self.error(row, cols["kind"], values.get("kind", ""), "居住类型应为 户籍、常住 或 流动")
        tags: list[str] = []
        for label in _TAG_SPLIT.split(values.get("tags", "")):
            if not label:
                continue
            code = LABEL_TO_CODE.get(label)
            if code is None:
                self.error(row, cols["tags"], label, f"未知标签“{label}”")
            elif code not in tags:
                tags.append(code)
        away = values.get("is_away", "")
        if away not in ("", "是", "否", "1", "0"):
            self.error(row, cols["is_away"], away, "外出务工应填 是 或 否")
        if grid is not None and number and len(number) <= 24:
            # The household is registered even when this person's row is bad,
            # so the next rows of the household are judged on their own.
            self._household(row, number, grid, values, cols)
        if self.report.error_count > before or grid is None or info is None:
            return None
        return _Clean(
            row=row,
            household=number,
            grid=grid,
            name=name,
            id_number=info.number,
            birth_date=info.birth_date,
            gender=info.gender,
            converted=info.converted_from_15,
            relation=values.get("relation") or "户主",
            kind=kind or "registered",
            phone=phone,
            attrs={
                k: values.get(k, "")[:100]
                for k in (
                    "ethnicity",
                    "education",
                    "occupation",
                    "political_status",
                    "health_note",
                    "ability_note",
                )
            },
            is_away=away in ("是", "1"),
            tags=tags,
        )

    def _household(
        self,
        row: int,
        number: str,
        grid: tuple[int, str, str],
        values: dict[str, str],
        cols: dict[str, Column],
    ) -> None:
        known = self.households.get(number)
        if known is not None:
            known_grid = known.grid if isinstance(known, _NewHousehold) else known[1]
            if known_grid[0] != grid[0]:
                self.error(row, cols["grid"], values.get("grid", ""), "同一户的网格编码不一致")
            return
        existing = self.on_file.get(number)
        if existing is not None:
            self.households[number] = (existing[0], grid)
            return
        address = values.get("address", "")
        if not address:
            self.error(row, cols.get("address") or "地址", "", "该户第一行须填写地址")
            return
        lon, lat = _position(values.get("lon", ""), values.get("lat", ""))
        if (values.get("lon") or values.get("lat")) and lon is None:
            self.error(
                row, "经度/纬度", f"{values.get('lon')},{values.get('lat')}", "经纬度格式不正确"
            )
            return
        h = _NewHousehold(0, number, grid, address, lon, lat, row=row)
        self.households[number] = h
        self.new_households.append(h)

    # -- writing ----------------------------------------------------------

    def write(self, chunk: list[_Clean], protected: Protected) -> None:
        index = protected.id_index
        existing = existing_keys(Person, "id_index", index)
        new_at = [k for k, i in enumerate(index) if i not in existing]
        old = [(chunk[k], existing[i]) for k, i in enumerate(index) if i in existing]
        new = [(chunk[k], index[k]) for k in new_at]
        enc = [protected.id_enc[k] for k in new_at]
        now = db_datetime(timezone.now())
        today = self.today.isoformat()
        pids = self.person_ids.take(len(new))
        rows = []
        for k, pid, (c, idx), token in zip(new_at, pids, new, enc, strict=True):
            _household_id, path, county = self._household_ref(c)
            rows.append(
                (
                    pid,
                    c.name,
                    name_initials(c.name),
                    token,
                    idx,
                    protected.id_masked[k],
                    c.converted,
                    c.gender,
                    c.birth_date.isoformat(),
                    c.attrs["ethnicity"],
                    protected.phone_enc[k],
                    protected.phone_index[k],
                    protected.phone_masked[k],
                    c.attrs["education"],
                    c.attrs["occupation"],
                    c.attrs["political_status"],
                    c.attrs["health_note"],
                    c.attrs["ability_note"],
                    c.is_away,
                    path,
                    county,
                    now,
                    now,
                )
            )
            self._facts(c)
        insert_rows(Person, PERSON_COLUMNS, rows, ready=True)
        insert_rows(
            Membership,
            MEMBERSHIP_COLUMNS,
            (
                (pid, self._household_ref(c)[0], c.relation, c.kind, today, None)
                for pid, (c, _i) in zip(pids, new, strict=True)
            ),
            ready=True,
        )
        insert_rows(
            PersonTag,
            ("person_id", "code"),
            ((pid, code) for pid, (c, _i) in zip(pids, new, strict=True) for code in c.tags),
            ready=True,
        )
        for c, pk in old:
            self._update(c, pk)
        self.report.persons_new += len(new)
        self.report.persons_updated += len(old)

    def _household_ref(self, c: _Clean) -> tuple[int, str, str]:
        h = self.households[c.household]
        if isinstance(h, _NewHousehold):
            if not h.id:
                h.id = self.household_ids.take(1)[0]
            return h.id, h.grid[1], h.grid[2]
        self.touched_existing.add(h[0])
        return h[0], h[1][1], h[1][2]

    def _facts(self, c: _Clean) -> None:
        h = self.households[c.household]
        if isinstance(h, _NewHousehold):
            h.members.append(
                engine.PersonFacts(
                    age=age_on(c.birth_date, self.today),
                    gender=c.gender,
                    tags=frozenset(c.tags),
                    is_party_member=c.attrs["political_status"] in PARTY_STATUSES,
                    residence=c.kind,
                    is_away=c.is_away,
                )
            )

    def _update(self, c: _Clean, pk: int) -> None:
        """A person already on file: refresh their details; a new household
        means a move, recorded by closing the old membership."""
        household_id, path, county = self._household_ref(c)
        Person.objects.filter(pk=pk).update(
            name=c.name,
            name_initials=name_initials(c.name),
            is_away=c.is_away,
            area_path=path,
            county_code=county,
            **c.attrs,
        )
        current = Membership.objects.filter(person_id=pk, moved_out__isnull=True)
        old_households = set(current.values_list("household_id", flat=True))
        if household_id not in old_households:
            current.update(moved_out=self.today)
            self.touched_existing |= old_households
            Membership.objects.create(
                person_id=pk,
                household_id=household_id,
                relation=c.relation,
                kind=c.kind,
                moved_in=self.today,
            )
            self.report.moves += 1
        PersonTag.objects.filter(person_id=pk).delete()
        PersonTag.objects.bulk_create([PersonTag(person_id=pk, code=t) for t in c.tags])
        self._facts(c)

    def check_numbers_free(self) -> None:
        """A new household number must not be in use anywhere, including
        outside the importer's area (which they could not see)."""
        numbers = [h.number for h in self.new_households]
        by_number = {h.number: h for h in self.new_households}
        for i in range(0, len(numbers), 1000):
            for taken in Household.objects.filter(number__in=numbers[i : i + 1000]).values_list(
                "number", flat=True
            ):
                self.error(by_number[taken].row, "户编号", taken, "户编号已被其他区域使用")

    def finish(self) -> None:
        """Write the new households with their colours, recolour the
        existing ones that gained or lost members."""
        rules = compiled_rules().rules
        now = db_datetime(timezone.now())
        new = self.new_households
        as_json = _JsonMemo()
        enc = pii.encrypt_many(self.ring, [h.address for h in new])
        rows = []
        for h, token in zip(new, enc, strict=True):
            facts = engine.HouseholdFacts(
                members=h.members,
                household_type="family",
                open_disputes=0,
                open_requests=0,
                days_since_last_visit=None,
                tags=frozenset(),
            )
            r = engine.evaluate(rules, facts, today=self.today)
            rows.append(
                (
                    h.id,
                    h.number,
                    h.grid[0],
                    h.grid[1],
                    h.grid[2],
                    None,
                    token,
                    pii.mask_address(h.address),
                    h.lon,
                    h.lat,
                    "family",
                    r.colour,
                    as_json(r.reasons),
                    as_json(r.rule_codes),
                    as_json(r.public_reasons),
                    "",
                    "",
                    None,
                    now,
                    None,
                    True,
                    now,
                    now,
                )
            )
        insert_rows(Household, HOUSEHOLD_COLUMNS, rows, ready=True)
        self.report.households_new = len(new)
        recolour_households(sorted(self.touched_existing), today=self.today)


PERSON_COLUMNS = (
    "id",
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
    "id",
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
MEMBERSHIP_COLUMNS = ("person_id", "household_id", "relation", "kind", "moved_in", "moved_out")


class _JsonMemo:
    """JSON text of the few distinct reason lists a load produces, made once."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, ...], str] = {}

    def __call__(self, items: list[str]) -> str:
        key = tuple(items)
        text = self.seen.get(key)
        if text is None:
            text = self.seen[key] = json.dumps(items, ensure_ascii=False)
        return text


def _position(lon: str, lat: str) -> tuple[float | None, float | None]:
    try:
        x, y = float(lon), float(lat)
    except ValueError:
        return None, None
    if not (70 <= x <= 140 and 0 <= y <= 60):
        return None, None
    return x, y


def people_import(
    *,
    actor: Any,
    path: Path,
    commit: bool = False,
    chunk_size: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate (and with ``commit``, load) a population file. Returns the
    report; with any error, nothing is written."""
    imp = _Importer(actor, commit, chunk_size)
    rows = read_rows(path)
    headers = next(rows, None)
    if headers is None:
        raise DomainError("import.empty", "文件是空的")
    mapping, missing = match_headers(headers)
    if missing:
        raise DomainError("import.columns", f"缺少必填列:{'、'.join(missing)}")
    cols = {c.key: c for c in mapping.values()}
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            # A large page cache keeps the growing indexes in memory; the
            # default 2 MB makes every insert read index pages from disk.
            cur.execute("PRAGMA cache_size = -262144")
    try:
        with transaction.atomic():
            _run(imp, rows, mapping, cols, progress)
            if not imp.report.ok or not commit:
                raise _Rollback
            audit_record(
                actor=actor,
                action="person.import",
                object_type="registry.import",
                object_label=path.name[:200],
                changes={
                    "rows": imp.report.rows,
                    "households_new": imp.report.households_new,
                    "persons_new": imp.report.persons_new,
                    "persons_updated": imp.report.persons_updated,
                    "moves": imp.report.moves,
                },
            )
            imp.report.committed = True
    except _Rollback:
        pass
    return imp.report


def _run(
    imp: _Importer,
    rows: Iterable[list[str]],
    mapping: dict[int, Column],
    cols: dict[str, Column],
    progress: Callable[[int], None] | None,
) -> None:
    """Validate row by row; hand each full chunk to the helper process for
    its cryptography and write the previous chunk meanwhile."""
    pipeline = _Pipeline(imp)
    chunk: list[_Clean] = []
    keys = [(i, col.key) for i, col in mapping.items()]
    for n, raw in enumerate(rows, start=2):
        if not any(raw):
            continue
        imp.report.rows += 1
        width = len(raw)
        values = {key: (raw[i] if i < width else "") for i, key in keys}
        clean = imp.validate(n, values, cols)
        if clean is not None and imp.commit and imp.report.ok:
            chunk.append(clean)
            if len(chunk) >= imp.chunk_size:
                pipeline.push(chunk)
                chunk = []
        if progress is not None and imp.report.rows % 10000 == 0:
            progress(imp.report.rows)
    imp.check_numbers_free()
    if imp.commit and imp.report.ok:
        if chunk:
            pipeline.push(chunk)
        pipeline.drain()
        imp.finish()
    pipeline.close()
    if progress is not None:
        progress(imp.report.rows)


class _Pipeline:
    """One chunk in flight in a forked helper process, so encryption of
    chunk k+1 overlaps validation and writing of chunk k. Small imports
    (a single chunk) never start the helper."""

    def __init__(self, imp: _Importer) -> None:
        self.imp = imp
        self.pool: Any = None
        self.pending: tuple[list[_Clean], Any] | None = None

    def push(self, chunk: list[_Clean]) -> None:
        args = ([c.id_number for c in chunk], [c.phone for c in chunk])
        if self.pending is None and self.pool is None:
            # First chunk: keep it; if a second comes, the helper starts.
            self.pending = (chunk, None)
            self._first_args = args
            return
        if self.pool is None:
            import multiprocessing

            self.pool = multiprocessing.get_context("fork").Pool(1)
        job = self.pool.apply_async(protect, args)
        self._settle()
        self.pending = (chunk, job)

    def _settle(self) -> None:
        if self.pending is None:
            return
        chunk, job = self.pending
        protected = protect(*self._first_args) if job is None else job.get()
        if self.imp.report.ok:
            self.imp.write(chunk, protected)
        self.pending = None

    def drain(self) -> None:
        self._settle()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
