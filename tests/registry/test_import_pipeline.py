"""The import's machinery: the same result in one process or three, a
household split across batches rated on all its members, a failing stage
loads nothing, the bulk-load path rebuilds every index, and household
numbers taken elsewhere are reported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from wangge.demo.people_file import HEADERS, sample_rows, write_csv
from wangge.registry.importing import engine
from wangge.registry.importing.engine import people_import
from wangge.registry.models import Household, Person
from wangge.territory.models import Area

COL = {h: i for i, h in enumerate(HEADERS)}


def _grids(prefix: str = "611022109") -> list[str]:
    return list(
        Area.objects.filter(level="grid", code__startswith=prefix).values_list("code", flat=True)
    )


def _snapshot(numbers: set[str]) -> tuple[Any, ...]:
    households = sorted(
        Household.objects.filter(number__in=numbers).values_list(
            "number", "colour", "colour_reasons", "address_masked", "area_path"
        )
    )
    people = sorted(
        Person.objects.filter(memberships__household__number__in=numbers).values_list(
            "id_masked",
            "phone_masked",
            "name",
            "name_initials",
            "birth_date",
            "gender",
            "area_path",
            "memberships__household__number",
            "memberships__relation",
        )
    )
    return households, people


def test_one_process_or_three_load_the_same(db: None, user_named, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dispatcher = user_named("shangzhen_dispatcher")
    rows = list(sample_rows(700, _grids(), seed="same", region="612505"))
    path = write_csv(tmp_path / "same.csv", rows)
    numbers = {r[0] for r in rows}
    snapshots = []
    for parallel in (False, True):
        with transaction.atomic():
            report = people_import(
                actor=dispatcher, path=path, commit=True, chunk_size=97, parallel=parallel
            )
            assert report.committed, report.errors[:3]
            assert report.persons_new == 700
            assert report.households_new == len(numbers)
            snapshots.append(_snapshot(numbers))
            transaction.set_rollback(True)
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0][1]) == 700


@pytest.mark.parametrize("parallel", [False, True])
def test_household_split_across_batches_is_rated_on_all_members(
    db: None,
    user_named,
    tmp_path: Path,
    parallel: bool,  # type: ignore[no-untyped-def]
) -> None:
    rows = list(sample_rows(40, _grids(), seed=f"split{parallel}", region="612506"))
    for r in rows:
        r[COL["标签"]] = ""
    # The first household gets one more member far down the file, in a later
    # batch, who is in extreme hardship: the household must end up red.
    late = list(rows[-1])
    late[COL["户编号"]], late[COL["网格编码"]] = rows[0][COL["户编号"]], rows[0][COL["网格编码"]]
    late[COL["标签"]] = "特困供养人员"
    rows[-1] = late
    path = write_csv(tmp_path / "split.csv", rows)
    report = people_import(
        actor=user_named("shangzhen_dispatcher"),
        path=path,
        commit=True,
        chunk_size=5,
        parallel=parallel,
    )
    assert report.committed, report.errors[:3]
    household = Household.objects.get(number=rows[0][COL["户编号"]])
    assert household.colour == "red"
    assert any("特困" in r for r in household.colour_reasons)


@pytest.mark.parametrize("parallel", [False, True])
def test_a_failing_stage_loads_nothing(
    db: None,
    user_named,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    parallel: bool,  # type: ignore[no-untyped-def]
) -> None:
    from wangge.registry.importing.validate import Validator

    real = Validator.row

    def breaks_at_row_150(self: Validator, n: int, raw: list[str]) -> None:
        if n == 150:
            raise ValueError("disk read error")
        real(self, n, raw)

    monkeypatch.setattr(Validator, "row", breaks_at_row_150)
    rows = list(sample_rows(300, _grids(), seed="fail", region="612507"))
    before = (Person.objects.count(), Household.objects.count())
    with pytest.raises((ValueError, RuntimeError), match="disk read error"):
        people_import(
            actor=user_named("shangzhen_dispatcher"),
            path=write_csv(tmp_path / "fail.csv", rows),
            commit=True,
            chunk_size=50,
            parallel=parallel,
        )
    assert (Person.objects.count(), Household.objects.count()) == before


def _index_definitions() -> set[str]:
    tables = ("registry_person", "registry_membership", "registry_persontag", "registry_household")
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                " AND tbl_name IN (%s, %s, %s, %s)",
                tables,
            )
            return {r[0] for r in cur.fetchall()}
        cur.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename IN (%s, %s, %s, %s)"
            " UNION ALL SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid::regclass::text IN (%s, %s, %s, %s)",
            [*tables, *tables],
        )
        return {r[0] for r in cur.fetchall()}


def test_bulk_load_rebuilds_every_index(
    db: None,
    user_named,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setattr(engine, "BULK_LOAD_MIN_ROWS", 0)
    monkeypatch.setattr(engine, "_BYTES_PER_ROW", {".csv": 0.0001})  # "a huge file"
    before = _index_definitions()
    rows = list(sample_rows(300, _grids(), seed="bulk", region="612508"))
    report = people_import(
        actor=user_named("shangzhen_dispatcher"),
        path=write_csv(tmp_path / "bulk.csv", rows),
        commit=True,
        chunk_size=64,
    )
    assert report.committed, report.errors[:3]
    assert report.bulk_load
    assert _index_definitions() == before
    # The rebuilt indexes answer: reach and initials searches find the people.
    grid_path = Area.objects.get(code=rows[0][COL["网格编码"]]).path
    assert Person.objects.filter(area_path__prefix=grid_path).count() >= 1


def test_bulk_load_that_fails_keeps_the_indexes(
    db: None,
    user_named,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setattr(engine, "BULK_LOAD_MIN_ROWS", 0)
    monkeypatch.setattr(engine, "_BYTES_PER_ROW", {".csv": 0.0001})
    before = _index_definitions()
    rows = list(sample_rows(100, _grids(), seed="bulkbad", region="612509"))
    rows[90][COL["身份证号"]] = "123"
    report = people_import(
        actor=user_named("shangzhen_dispatcher"),
        path=write_csv(tmp_path / "bulkbad.csv", rows),
        commit=True,
        chunk_size=20,
    )
    assert not report.committed
    assert [e.row for e in report.errors] == [92]
    assert _index_definitions() == before


@pytest.mark.parametrize("commit", [False, True])
def test_household_number_taken_outside_reach_is_an_error(
    db: None,
    user_named,
    tmp_path: Path,
    commit: bool,  # type: ignore[no-untyped-def]
) -> None:
    elsewhere = Household.objects.filter(area_path__prefix="611000000000/611022000000/611022001")
    taken = elsewhere.values_list("number", flat=True).first()
    assert taken is not None
    rows = list(sample_rows(12, _grids(), seed=f"taken{commit}", region="612510"))
    first = rows[0][COL["户编号"]]
    for r in rows:
        if r[COL["户编号"]] == first:
            r[COL["户编号"]] = taken
    before = Person.objects.count()
    report = people_import(
        actor=user_named("shangzhen_dispatcher"),
        path=write_csv(tmp_path / "taken.csv", rows),
        commit=commit,
    )
    assert not report.committed
    assert [(e.row, e.reason) for e in report.errors] == [(2, "户编号已被其他区域使用")]
    assert Person.objects.count() == before
