"""Readable numbers without gaps: a sequence per county and year, kept in a counter table.

Requests (``dispatch.RequestCounter``) and disputes (``disputes.DisputeCounter``) each have a
table of the same shape — ``county_code``, ``year``, ``last`` — and number through here.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, connection, models, transaction

from wangge.core.errors import DomainError


def next_seq(counter: type[models.Model], county_code: str, year: int, code: str) -> int:
    """The next sequence number of a county's year, inside the caller's transaction: the
    counter row's lock makes concurrent callers queue until the caller commits, so numbers never
    repeat or skip; call it as late as possible. One UPDATE … RETURNING (PostgreSQL; SQLite ≥
    3.35), not an update and a read: every round trip under the lock is paid by every caller of
    the county. ``code`` names the error if the row cannot be had."""
    quote = connection.ops.quote_name
    table, last = quote(counter._meta.db_table), quote("last")
    sql = (
        f"UPDATE {table} SET {last} = {last} + 1 "  # noqa: S608 - names from the model
        f"WHERE {quote('county_code')} = %s AND {quote('year')} = %s RETURNING {last}"
    )
    for _ in range(2):
        with connection.cursor() as cursor:
            cursor.execute(sql, [county_code, year])
            row = cursor.fetchone()
        if row is not None:
            return int(row[0])
        try:
            with transaction.atomic():
                counter._default_manager.create(county_code=county_code, year=year, last=0)
        except IntegrityError:
            pass  # someone else opened the year first: update theirs
    raise DomainError(code, "编号分配失败,请重试")


def issue_in_order(
    counter: type[models.Model], county_code: str, years: Iterable[int]
) -> list[int]:
    """Sequence numbers for items of the given years, in order, after any the counter has issued,
    and the counter moved past them (bulk loads such as the demo's history)."""
    manager = counter._default_manager
    last = dict(manager.filter(county_code=county_code).values_list("year", "last"))
    seqs = []
    for year in years:
        last[year] = last.get(year, 0) + 1
        seqs.append(last[year])
    for year, seq in last.items():
        manager.update_or_create(county_code=county_code, year=year, defaults={"last": seq})
    return seqs
