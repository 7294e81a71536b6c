"""A per-process copy of reference data that administrators change rarely,
for hot paths that would otherwise ask the database the same things on
every request (intake: categories, grids, units, routing rules).

- Built on first use and kept for ``max_age`` seconds; then built again.
- Dropped at once when this process saves or deletes a row of one of its
  models, and again when that transaction commits (so a copy built in
  between, before the commit, is not kept).
- Never used inside a transaction: a caller there gets ``None`` and reads
  the database, so it sees its own writes, and nothing a transaction later
  rolls back can end up in the copy.

Other processes see a change within ``max_age`` seconds, as they see a
territory change in the point index (``wangge.territory.locate``). Writes
that send no signals (``QuerySet.update``, ``bulk_create``) also show
within ``max_age``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")


class Snapshot(Generic[T]):
    def __init__(self, build: Callable[[], T], *, max_age: float) -> None:
        self._build = build
        self.max_age = max_age
        self._value: T | None = None
        self._built_at = 0.0
        self._generation = 0  # bumped by forget: a build it overtook is not kept
        self._lock = threading.Lock()

    def get(self) -> T | None:
        """The copy, or ``None`` inside a transaction (read the database)."""
        if connection.in_atomic_block:
            return None
        value, now = self._value, time.monotonic()
        if value is not None and now - self._built_at < self.max_age:
            return value
        with self._lock:
            value = self._value
            if value is None or now - self._built_at >= self.max_age:
                generation = self._generation
                value = self._build()
                if generation == self._generation:
                    self._value, self._built_at = value, time.monotonic()
            return value

    def forget(self, **_signal: Any) -> None:
        self._forget_now()
        if connection.in_atomic_block:
            transaction.on_commit(self._forget_now)

    def _forget_now(self) -> None:
        self._generation += 1
        self._value = None

    def watch(self, *watched: type[models.Model], m2m: Iterable[Any] = ()) -> None:
        """Forget the copy when a row of these models (or of these
        many-to-many ``through`` tables) is saved or deleted in this process.
        Call from an ``AppConfig.ready``."""
        for model in watched:
            post_save.connect(self.forget, sender=model, weak=False)
            post_delete.connect(self.forget, sender=model, weak=False)
        for through in m2m:
            m2m_changed.connect(self.forget, sender=through, weak=False)
