"""``field__prefix="6110/611022/"``: an indexed "starts with".

Django's ``startswith`` is ``LIKE 'p%'``. PostgreSQL serves that from a
``varchar_pattern_ops`` index (which the registry declares for its paths
and pinyin initials), but SQLite never uses an index for LIKE: its LIKE is
case-insensitive and our indexes are not. On a full county that turns
every reach filter and initials search into a scan. So on SQLite the same
condition is written as the range ``p <= field < p'``, where ``p'`` is ``p``
with its last character raised by one — every string starting with ``p``
lies in it and no other does (binary collation).
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Lookup


def successor(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@CharField.register_lookup
class Prefix(Lookup):
    lookup_name = "prefix"
    prepare_rhs = False

    def _parts(self, compiler: Any, connection: Any) -> tuple[str, list[Any], str]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        value = str(self.rhs)
        return lhs, list(lhs_params), value

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params, value = self._parts(compiler, connection)
        if not value:
            return "1 = 1", []
        return f"{lhs} LIKE %s", [*params, _escape_like(value) + "%"]

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params, value = self._parts(compiler, connection)
        if not value:
            return "1 = 1", []
        return f"({lhs} >= %s AND {lhs} < %s)", [*params, value, *params, successor(value)]
