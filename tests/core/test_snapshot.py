"""A per-process snapshot: built once, kept for its age, forgotten on a
write, and never used inside a transaction."""

from __future__ import annotations

from django.db import transaction

from wangge.core.snapshot import Snapshot


def _counting() -> tuple[Snapshot[int], list[int]]:
    builds: list[int] = []

    def build() -> int:
        builds.append(1)
        return len(builds)

    return Snapshot(build, max_age=60), builds


def test_built_once_then_kept_until_forgotten() -> None:
    snap, builds = _counting()
    assert (snap.get(), snap.get()) == (1, 1)
    snap.forget()
    assert snap.get() == 2
    snap.max_age = 0
    assert snap.get() == 3  # too old: built again
    assert len(builds) == 3


def test_not_used_inside_a_transaction(db: None) -> None:
    snap, builds = _counting()
    with transaction.atomic():
        assert snap.get() is None
    assert builds == []


def test_a_write_in_this_process_forgets_it(db: None) -> None:
    import datetime as dt

    from django.db.models.signals import post_delete, post_save

    from wangge.timelimits.models import CalendarDay

    snap, _builds = _counting()
    snap.watch(CalendarDay)
    try:
        snap._value = 41  # built before the write
        day = CalendarDay.objects.create(date=dt.date(2031, 1, 2), is_workday=False)
        assert snap._value is None
        snap._value = 42
        day.delete()
        assert snap._value is None
    finally:
        post_save.disconnect(snap.forget, sender=CalendarDay)
        post_delete.disconnect(snap.forget, sender=CalendarDay)
