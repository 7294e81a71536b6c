"""The second half of an import: write what ``prepare`` handed over, inside
the importer's transaction.

New people are inserted in bulk; people already on file (same blind index
of the ID number) are updated in bulk, and a different household closes
their old membership and opens a new one — a recorded move. Primary keys
are allocated here, so related rows are written without reading anything
back. Households already on file that gained or lost members are
recoloured at the end.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from wangge.core.bulk import IdAllocator, existing_keys, insert_rows
from wangge.registry.colouring import recolour_households
from wangge.registry.importing.prepare import (
    HOUSEHOLD_COLUMNS,
    PERSON_COLUMNS,
    ColourFix,
    HouseholdNumbers,
    PersonBatch,
)
from wangge.registry.importing.validate import ID_INDEX, PHONE_ENC, ImportReport, RowError
from wangge.registry.models import Household, Membership, Person, PersonTag

MEMBERSHIP_COLUMNS = ("person_id", "household_id", "relation", "kind", "moved_in", "moved_out")
# What a re-import refreshes on a person on file, by position in the row.
_UPDATED = [
    (c, 1 + PERSON_COLUMNS.index(c))
    for c in (
        "name",
        "name_initials",
        "ethnicity",
        "education",
        "occupation",
        "political_status",
        "health_note",
        "ability_note",
        "is_away",
        "area_path",
        "county_code",
        "updated_at",
    )
]
_PHONE = [(c, 1 + PERSON_COLUMNS.index(c)) for c in ("phone_enc", "phone_index", "phone_masked")]


class Writer:
    def __init__(
        self,
        report: ImportReport,
        *,
        today: dt.date,
        people_on_file: bool,
        households_on_file: bool,
        exclusive: bool = False,
    ) -> None:
        self.report = report
        self.today = today.isoformat()
        # On a first load nobody and no number can be on file: skip the look-ups.
        self.people_on_file = people_on_file
        self.households_on_file = households_on_file
        # ``exclusive``: a bulk load holds the tables; keys are counted here.
        self.person_ids = IdAllocator(Person, exclusive=exclusive)
        self.household_ids = IdAllocator(Household, exclusive=exclusive)
        self.new_household_ids: dict[str, int] = {}
        self.touched: set[int] = set()

    # -- people -----------------------------------------------------------

    def persons(self, batch: PersonBatch) -> None:
        """Write a batch: its new households, then its people, their
        memberships and tags (parents before children)."""
        if not self._free(batch.new_households):
            return
        rows = batch.household_rows
        self._allocate_households([r[0] for r in rows])
        ids = self.new_household_ids
        insert_rows(
            Household, ("id", *HOUSEHOLD_COLUMNS), [[ids[r[0]], *r] for r in rows], ready=True
        )
        self.report.households_new += len(rows)

        hids = [h if isinstance(h, int) else ids[h] for h in batch.household]
        self.touched.update(h for h in batch.household if isinstance(h, int))
        person = batch.person
        found = {}
        if self.people_on_file:
            found = existing_keys(Person, "id_index", [p[ID_INDEX] for p in person])
        new = [k for k, p in enumerate(person) if p[ID_INDEX] not in found]
        pids = self.person_ids.take(len(new))
        for pid, k in zip(pids, new, strict=True):
            person[k][0] = pid
        relation, kind, tags, today = batch.relation, batch.kind, batch.tags, self.today
        insert_rows(
            Person,
            ("id", *PERSON_COLUMNS),
            [person[k] for k in new] if found else person,
            ready=True,
        )
        insert_rows(
            Membership,
            MEMBERSHIP_COLUMNS,
            [
                (pid, hids[k], relation[k], kind[k], today, None)
                for pid, k in zip(pids, new, strict=True)
            ],
            ready=True,
        )
        insert_rows(
            PersonTag,
            ("person_id", "code"),
            [(pid, code) for pid, k in zip(pids, new, strict=True) for code in tags[k]],
            ready=True,
        )
        self.report.persons_new += len(new)
        if found:
            old = [(k, found[p[ID_INDEX]]) for k, p in enumerate(person) if p[ID_INDEX] in found]
            self._update(batch, hids, old)
            self.report.persons_updated += len(old)

    def _allocate_households(self, keys: list[int | str]) -> None:
        ids = self.new_household_ids
        fresh = list(dict.fromkeys(h for h in keys if isinstance(h, str) and h not in ids))
        ids.update(zip(fresh, self.household_ids.take(len(fresh)), strict=True))

    def _update(self, batch: PersonBatch, hids: list[int], old: list[tuple[int, int]]) -> None:
        """People on file: refresh their details (and phone, when the file
        gives one); the file's household becomes their one current household."""
        with connection.cursor() as cur:
            sets = ", ".join(f'"{c}" = %s' for c, _ in _UPDATED)
            cur.executemany(
                f'UPDATE "{Person._meta.db_table}" SET {sets} WHERE "id" = %s',  # noqa: S608
                [(*(batch.person[k][i] for _, i in _UPDATED), pk) for k, pk in old],
            )
            with_phone = [(k, pk) for k, pk in old if batch.person[k][PHONE_ENC]]
            sets = ", ".join(f'"{c}" = %s' for c, _ in _PHONE)
            cur.executemany(
                f'UPDATE "{Person._meta.db_table}" SET {sets} WHERE "id" = %s',  # noqa: S608
                [(*(batch.person[k][i] for _, i in _PHONE), pk) for k, pk in with_phone],
            )
        pks = [pk for _, pk in old]
        current: dict[int, list[tuple[int, int]]] = {}
        for mid, pid, hid in Membership.objects.filter(
            person_id__in=pks, moved_out__isnull=True
        ).values_list("pk", "person_id", "household_id"):
            current.setdefault(pid, []).append((mid, hid))
        close: list[int] = []
        keep: list[tuple[str, str, int]] = []
        opened: list[tuple[Any, ...]] = []
        for k, pk in old:
            target = hids[k]
            relation, kind = batch.relation[k], batch.kind[k]
            mine = current.get(pk, [])
            for mid, hid in mine:
                if hid == target:
                    keep.append((relation, kind, mid))
                else:
                    close.append(mid)
                    self.touched.add(hid)
            if all(hid != target for _, hid in mine):
                opened.append((pk, target, relation, kind, self.today, None))
                self.report.moves += 1
        # Close first: a person has at most one current registered household.
        Membership.objects.filter(pk__in=close).update(moved_out=self.today)
        with connection.cursor() as cur:
            cur.executemany(
                f'UPDATE "{Membership._meta.db_table}" SET "relation" = %s, "kind" = %s'  # noqa: S608
                ' WHERE "id" = %s',
                keep,
            )
        insert_rows(Membership, MEMBERSHIP_COLUMNS, opened, ready=True)
        PersonTag.objects.filter(person_id__in=pks).delete()
        insert_rows(
            PersonTag,
            ("person_id", "code"),
            [(pk, code) for k, pk in old for code in batch.tags[k]],
            ready=True,
        )

    # -- households -------------------------------------------------------

    def _free(self, numbers: list[tuple[str, int]]) -> bool:
        """Whether new household numbers are free everywhere, also outside
        the importer's area (which they could not see); each taken one is
        an error on its row."""
        if not self.households_on_file:
            return True
        taken = existing_keys(Household, "number", [n for n, _ in numbers])
        for number, row in numbers:
            if number in taken:
                self.report.add_error(RowError(row, "户编号", number, "户编号已被其他区域使用"))
        return not taken

    def household_numbers(self, batch: HouseholdNumbers) -> None:
        self._free(batch.numbers)

    def colour_fix(self, batch: ColourFix) -> None:
        ids = self.new_household_ids
        with connection.cursor() as cur:
            cur.executemany(
                f'UPDATE "{Household._meta.db_table}" SET "colour" = %s, "colour_reasons" = %s,'  # noqa: S608
                ' "colour_rules" = %s, "colour_public_reasons" = %s WHERE "id" = %s',
                [(*rest, ids[number]) for number, *rest in batch.rows],
            )

    def finish(self, today: dt.date) -> None:
        """Move the id sequences past what was used; recolour households on
        file whose members changed."""
        self.person_ids.close()
        self.household_ids.close()
        recolour_households(sorted(self.touched), today=today)
