"""Background tasks of the registry: each looks up ids and calls a service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task(retries=0)
def run_import_job(job_id: int) -> None:
    from wangge.registry.importing.jobs import import_job_run

    import_job_run(job_id)


@db_periodic_task(crontab(hour="2", minute="30"))
def nightly_recolour() -> None:
    """Every night at 02:30: colours follow the calendar (visits fall due,
    overrides expire) even when no data changed."""
    from wangge.registry.colouring import households_recolour

    households_recolour()
