"""``field__prefix``: the same rows as ``startswith``, and served by an index
on SQLite too (where LIKE never is)."""

from __future__ import annotations

import pytest
from django.db import connection

from wangge.core.lookups import successor
from wangge.registry.models import Person
from wangge.territory.models import Area


def test_successor_bounds_every_string_with_the_prefix() -> None:
    assert successor("6110/") == "61100"
    assert "6110/999" < successor("6110/") <= "61100"
    assert successor("zs") == "zt"


@pytest.mark.parametrize(
    "prefix", ["611000000000/611022000000/611022109000/", "611000000000/", "6110", "x%_\\"]
)
def test_prefix_finds_what_startswith_finds(db: None, prefix: str) -> None:
    by_prefix = set(Area.objects.filter(path__prefix=prefix).values_list("pk", flat=True))
    by_like = set(Area.objects.filter(path__startswith=prefix).values_list("pk", flat=True))
    assert by_prefix == by_like
    if prefix.startswith("6110"):
        assert by_prefix


def test_prefix_on_person_initials(db: None) -> None:
    someone = Person.objects.exclude(name_initials="").first()
    assert someone is not None
    start = someone.name_initials[:2]
    found = set(Person.objects.filter(name_initials__prefix=start).values_list("pk", flat=True))
    like = set(Person.objects.filter(name_initials__startswith=start).values_list("pk", flat=True))
    assert someone.pk in found
    assert found == like


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
def test_sqlite_searches_the_index_for_a_prefix(db: None) -> None:
    sql, params = (
        Person.objects.filter(area_path__prefix="611000000000/611022000000/")
        .values("pk")
        .query.sql_with_params()
    )
    with connection.cursor() as cur:
        cur.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(r[-1]) for r in cur.fetchall())
    assert "SEARCH" in plan
    assert "registry_person_reach" in plan
