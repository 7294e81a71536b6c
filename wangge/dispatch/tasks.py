"""Background tasks of dispatch."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/5"))
def deadline_sweep() -> None:
    """Every five minutes: urge and escalate what is overdue."""
    from wangge.dispatch.sweep import sweep

    sweep()
