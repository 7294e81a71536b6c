"""Background tasks of the registry: each looks up ids and calls a service."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task(retries=0)
def run_import_job(job_id: int) -> None:
    from wangge.registry.importing.jobs import import_job_run

    import_job_run(job_id)
