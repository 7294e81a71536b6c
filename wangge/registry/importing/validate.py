"""Row-by-row validation of a population file.

Pure Python over what the importer read from the database beforehand (its
grids, the households already on file, the colour rules), so it can run in
a second process while the first one writes (see ``engine``). Every check
is here: ID number checksum and birth date, phone, grid within reach,
household consistency, duplicates within the file, known tags.

Written for two million rows a minute: one pass, columns picked by index,
no per-row dictionaries, caches for what repeats (pinyin initials, tag
lists, grid lookups).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from wangge.registry import colour as engine
from wangge.registry import pii
from wangge.registry.idnumber import IdNumberError, parse_id_number
from wangge.registry.importing.columns import COLUMNS, KIND_BY_LABEL, Column
from wangge.registry.models import PARTY_STATUSES
from wangge.registry.phone import PhoneError, parse_phone
from wangge.registry.services import name_initials
from wangge.registry.tags import LABEL_TO_CODE

MAX_LISTED_ERRORS = 5000
_TAG_SPLIT = re.compile(r"[、,，;；\s]+")
_MASKED_COLUMNS = {
    "id_number": pii.mask_id_number,
    "phone": pii.mask_phone,
    "address": pii.mask_address,
}
_NO_TAGS: frozenset[str] = frozenset()
_AWAY = {"": False, "否": False, "0": False, "是": True, "1": True}
_BY_KEY = {c.key: c for c in COLUMNS}
ATTRS = ("ethnicity", "education", "occupation", "political_status", "health_note", "ability_note")


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
    bulk_load: bool = False  # secondary indexes rebuilt after the load

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(error)


@dataclass(frozen=True)
class Context:
    """What validation needs from the database, read once by the importer."""

    grids: dict[str, tuple[int, str, str]]  # grid code -> (pk, path, county)
    on_file: dict[str, int]  # household number in reach -> pk
    today: dt.date
    rules: engine.CompiledRules


# A person's row as the writer inserts it: ("id", *PERSON_COLUMNS) of
# ``prepare``. The validator fills what it knows; the slots below are
# filled later — the id by the writer, the protected forms by ``protect``.
ID, ID_ENC, ID_INDEX, ID_MASKED, PHONE_ENC, PHONE_INDEX, PHONE_MASKED = 0, 3, 4, 5, 10, 11, 12
PERSON_WIDTH = 23


@dataclass
class Chunk:
    """Clean rows, column by column (appending to lists is the cheapest
    thing Python does per row)."""

    person: list[list[Any]] = field(default_factory=list)
    id_numbers: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    household: list[int | str] = field(default_factory=list)  # pk on file, or new number
    relation: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    tags: list[tuple[str, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.person)


@dataclass(slots=True)
class NewHousehold:
    number: str
    grid: tuple[int, str, str]
    address: str
    lon: float | None
    lat: float | None
    row: int
    members: list[engine.PersonFacts] = field(default_factory=list)
    rating: engine.Rating | None = None  # as first written
    rated_members: int = 0


class Validator:
    """Judges rows one at a time and remembers what later rows are checked
    against: ID numbers seen, households and their grids."""

    def __init__(
        self, ctx: Context, mapping: dict[int, Column], width: int, *, collect: bool, now: str
    ) -> None:
        self.ctx = ctx
        self.collect = collect  # keep clean rows (for loading) while no row has failed
        self.now = now
        self.chunk = Chunk()
        self.report = ImportReport()
        self.cols = {c.key: c for c in mapping.values()}
        # Each field's position in a row; an absent optional column reads
        # the empty cell appended after the row's last one.
        index = {c.key: i for i, c in mapping.items()}
        self.width = width
        self.pos = {c.key: index.get(c.key, width) for c in COLUMNS}
        self._fields = itemgetter(
            *(
                self.pos[k]
                for k in (
                    "household",
                    "grid",
                    "name",
                    "id_number",
                    "phone",
                    "kind",
                    "tags",
                    "is_away",
                    "relation",
                    *ATTRS,
                )
            )
        )
        self._age_today = (ctx.today.year, ctx.today.month, ctx.today.day)
        self.seen_ids: dict[str, int] = {}
        self.households: dict[str, NewHousehold | tuple[int, tuple[int, str, str]]] = {}
        self.new_households: list[NewHousehold] = []
        self._tags: dict[str, tuple[str, ...] | None] = {"": ()}

    def error(self, row: int, col: Column | str, value: str, reason: str) -> None:
        if isinstance(col, str):
            col = self.cols.get(col) or _BY_KEY.get(col) or Column(col, col)
        masker = _MASKED_COLUMNS.get(col.key)
        shown = masker(value) if masker else value[:30]
        self.report.add_error(RowError(row, col.header, shown, reason))

    def take(self) -> Chunk:
        chunk, self.chunk = self.chunk, Chunk()
        return chunk

    def row(self, n: int, raw: list[str]) -> None:
        """Validate one row (``n`` as the spreadsheet numbers it); a clean
        one joins ``chunk`` while collecting."""
        report = self.report
        report.rows += 1
        if len(raw) < self.width:
            raw = raw + [""] * (self.width - len(raw))
        raw.append("")  # what absent optional columns read
        before = report.error_count
        (
            number,
            grid_code,
            name,
            raw_id,
            phone,
            kind_label,
            tags_text,
            away_text,
            relation,
            ethnicity,
            education,
            occupation,
            political,
            health,
            ability,
        ) = self._fields(raw)

        if not number or len(number) > 24:
            self.error(n, "household", number, "户编号不能为空,且不超过 24 位")
            number = ""
        grid = self.ctx.grids.get(grid_code)
        if grid is None:
            self.error(n, "grid", grid_code, "网格编码不存在或不在您的管辖范围内")
        if not name or len(name) > 32:
            self.error(n, "name", name, "姓名不能为空,且不超过 32 个字")
        info = None
        try:
            info = parse_id_number(raw_id)
        except IdNumberError as exc:
            self.error(n, "id_number", raw_id, exc.message)
        if info is not None:
            first = self.seen_ids.setdefault(info.number, n)
            if first != n:
                self.error(n, "id_number", raw_id, f"身份证号与第 {first} 行重复")
        if phone:
            try:
                phone = parse_phone(phone)
            except PhoneError as exc:
                self.error(n, "phone", phone, exc.message)
        kind = KIND_BY_LABEL.get(kind_label)
        if kind is None:
            self.error(n, "kind", kind_label, "居住类型应为 户籍、常住 或 流动")
        tags = self._tags_of(n, tags_text) if tags_text else ()
        away = _AWAY.get(away_text)
        if away is None:
            self.error(n, "is_away", away_text, "外出务工应填 是 或 否")

        found: int | str | NewHousehold = number
        if grid is not None and number:
            # The household is registered even when this person's row is
            # bad, so the next rows of the household are judged on their own.
            found = self._household(n, number, grid, raw)
        if report.error_count > before or grid is None or info is None:
            return
        assert kind is not None
        assert tags is not None
        birth = info.birth_date
        household: int | str = number
        if isinstance(found, NewHousehold):
            y, m, d = self._age_today
            found.members.append(
                engine.PersonFacts(
                    y - birth.year - ((m, d) < (birth.month, birth.day)),
                    info.gender,
                    frozenset(tags) if tags else _NO_TAGS,
                    political in PARTY_STATUSES,
                    kind,
                    away is True,
                )
            )
        elif isinstance(found, int):
            household = found
        if not self.collect or report.error_count:
            return
        now = self.now
        c = self.chunk
        no_phone = None if phone else ""  # protect fills the phone's slots when there is one
        c.person.append(
            [
                None,
                name,
                name_initials(name),
                None,
                None,
                None,
                info.converted_from_15,
                info.gender,
                birth.isoformat(),
                ethnicity[:100],
                no_phone,
                no_phone,
                no_phone,
                education[:100],
                occupation[:100],
                political[:100],
                health[:100],
                ability[:100],
                away is True,
                grid[1],
                grid[2],
                now,
                now,
            ]
        )
        c.id_numbers.append(info.number)
        c.phones.append(phone)
        c.household.append(household)
        c.relation.append(relation or "户主")
        c.kind.append(kind)
        c.tags.append(tags)

    def _tags_of(self, n: int, text: str) -> tuple[str, ...] | None:
        """Tag codes of a cell; the few distinct cells of a file are parsed once."""
        known = self._tags.get(text)
        if known is not None or text in self._tags:
            if known is None:  # a cell with an unknown label: report it on this row too
                self._report_tags(n, text)
            return known
        codes: list[str] = []
        bad = False
        for label in _TAG_SPLIT.split(text):
            if not label:
                continue
            code = LABEL_TO_CODE.get(label)
            if code is None:
                bad = True
            elif code not in codes:
                codes.append(code)
        result = None if bad else tuple(codes)
        self._tags[text] = result
        if bad:
            self._report_tags(n, text)
        return result

    def _report_tags(self, n: int, text: str) -> None:
        for label in _TAG_SPLIT.split(text):
            if label and label not in LABEL_TO_CODE:
                self.error(n, "tags", label, f"未知标签“{label}”")

    def _household(
        self, n: int, number: str, grid: tuple[int, str, str], raw: list[str]
    ) -> int | str | NewHousehold:
        """The row's household: the pk of one on file, or the new one (its
        number when it could not be registered)."""
        known = self.households.get(number)
        if known is not None:
            known_grid = known.grid if isinstance(known, NewHousehold) else known[1]
            if known_grid[0] != grid[0]:
                self.error(n, "grid", raw[self.pos["grid"]], "同一户的网格编码不一致")
            return known if isinstance(known, NewHousehold) else known[0]
        existing = self.ctx.on_file.get(number)
        if existing is not None:
            self.households[number] = (existing, grid)
            return existing
        address = raw[self.pos["address"]]
        if not address:
            self.error(n, "address", "", "该户第一行须填写地址")
            return number
        lon_text, lat_text = raw[self.pos["lon"]], raw[self.pos["lat"]]
        lon, lat = _position(lon_text, lat_text)
        if (lon_text or lat_text) and lon is None:
            self.error(n, "经度/纬度", f"{lon_text},{lat_text}", "经纬度格式不正确")
            return number
        h = NewHousehold(number, grid, address, lon, lat, n)
        self.households[number] = h
        self.new_households.append(h)
        return h


def _position(lon: str, lat: str) -> tuple[float | None, float | None]:
    try:
        x, y = float(lon), float(lat)
    except ValueError:
        return None, None
    if not (70 <= x <= 140 and 0 <= y <= 60):
        return None, None
    return x, y
