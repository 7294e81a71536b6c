"""Insert a few new model instances in one statement, for a hot path.

``Model.save()`` and ``bulk_create`` compile their INSERT anew every time:
on intake (a request, its first event and two messages) that compiling was
a third of the server's CPU. Here the statement's text is made once per
(model, number of rows) and only the values are prepared per call, each
through its field exactly as Django does (``pre_save`` fills ``auto_now``
stamps, ``get_db_prep_save`` adapts to the database). No signals are sent:
use it only for models nothing listens to.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection, models


@cache
def _fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    pk = model._meta.pk
    return tuple(f for f in model._meta.concrete_fields if f is not pk)


@cache
def _sql(model: type[models.Model], rows: int, vendor: str) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in _fields(model))
    one = "(" + ", ".join(["%s"] * len(_fields(model))) + ")"
    pk = model._meta.pk
    assert pk is not None
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608 - names from the model
        f"VALUES {', '.join([one] * rows)} RETURNING {quote(pk.column)}"
    )


def insert_new(objs: Sequence[models.Model]) -> None:
    """INSERT ``objs`` (new instances of one model, primary key unset) and
    give each its primary key, as ``save(force_insert=True)`` would. Rows come
    back in the order sent (as Django's ``bulk_create`` relies on too)."""
    if not objs:
        return
    model = type(objs[0])
    fields = _fields(model)
    params: list[Any] = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="insert_new")  # type: ignore[attr-defined]
        params += [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(_sql(model, len(objs), connection.vendor), params)
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
