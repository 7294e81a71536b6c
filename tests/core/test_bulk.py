"""Bulk-load helpers: indexes dropped and rebuilt as they were (also the
unique ones for a first load), and keys counted locally that never collide
with the sequence afterwards."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from wangge.core.bulk import IdAllocator, secondary_indexes_deferred
from wangge.registry.models import Membership, Person, PersonTag

TABLES = ("registry_person", "registry_membership", "registry_persontag")


def _definitions() -> set[str]:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                " AND tbl_name IN (%s, %s, %s)",
                TABLES,
            )
        else:
            cur.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename IN (%s, %s, %s)"
                " UNION ALL SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid::regclass::text IN (%s, %s, %s)",
                [*TABLES, *TABLES],
            )
        return {r[0] for r in cur.fetchall()}


@pytest.mark.parametrize("unique", [False, True])
def test_indexes_are_dropped_inside_and_rebuilt_after(db: None, unique: bool) -> None:
    before = _definitions()
    with transaction.atomic():
        with secondary_indexes_deferred([Person, Membership, PersonTag], unique=unique):
            inside = _definitions()
            assert inside < before
            if unique and connection.vendor == "postgresql":
                assert not any("UNIQUE" in d and "id_index" in d for d in inside)
        assert _definitions() == before
        transaction.set_rollback(True)
    assert _definitions() == before


def test_a_failed_block_leaves_the_indexes(db: None) -> None:
    before = _definitions()
    tables = [Person, Membership, PersonTag]
    with (
        pytest.raises(RuntimeError),
        transaction.atomic(),
        secondary_indexes_deferred(tables, unique=True),
    ):
        raise RuntimeError("load failed")
    assert _definitions() == before


def test_exclusive_keys_start_past_everything_and_move_the_sequence(db: None) -> None:
    top = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = IdAllocator(Person, exclusive=True)
    taken = ids.take(3) + ids.take(2)
    assert taken == list(range(taken[0], taken[0] + 5))
    assert taken[0] > top
    ids.close()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT nextval(pg_get_serial_sequence('registry_person', 'id'))")
            assert cur.fetchone()[0] > taken[-1]
