"""The demo county as every test sees it: 商镇保定村's first grid, its A
post worker and its B post worker (the A of the village's second grid),
with the town's dispatcher and the village's secretary over them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone

GRID = "611022109223001"
GRID_B = "611022109223002"  # the B worker's own grid
A = "wg611022109223001"
B = "wg611022109223002"
TOWN = "shangzhen_dispatcher"
SECRETARY = "sj611022109223"
OTHER_TOWN = "longjuzhaijiedao_dispatcher"


@pytest.fixture
def worker_of(db: None) -> Any:
    from wangge.gridwork.models import GridWorker

    def get(username: str) -> GridWorker:
        return GridWorker.objects.select_related("user").get(user__username=username)

    return get


@pytest.fixture
def away(db: None, user_named: Any, worker_of: Any) -> Any:
    """Put a worker on leave from a minute ago for ``hours``."""
    from wangge.gridwork.posts import leave_record

    def go(username: str = A, hours: float = 48, kind: str = "leave") -> Any:
        now = timezone.now()
        return leave_record(
            actor=user_named(TOWN),
            worker=worker_of(username),
            kind=kind,
            starts_at=now - dt.timedelta(minutes=1),
            ends_at=now + dt.timedelta(hours=hours),
            reason="家中有事",
        )

    return go


def new_id() -> str:
    return str(uuid.uuid4())


def now_iso(minutes: float = 0) -> str:
    return (timezone.now() + dt.timedelta(minutes=minutes)).isoformat()


def propose(user: Any, household: Any, changes: Any, seen: str | None = None) -> Any:
    """A household change sent from the phone (one sync operation), as if
    the phone saw the household as it is now (or as ``seen``); the answer."""
    from wangge.gridwork.changes import household_state
    from wangge.gridwork.sync import sync_apply

    op = {
        "id": new_id(),
        "op": "household_change",
        "household": household.number,
        "at": now_iso(-5),
        "seen_state": seen if seen is not None else household_state(household),
        "changes": changes,
    }
    return sync_apply(actor=user, ops=[op])[0]
