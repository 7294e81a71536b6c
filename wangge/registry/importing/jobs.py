"""Import jobs: an upload is saved, queued, run in the background, and its
outcome (counts, or the error report) kept for the person who sent it."""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.core.bulk import wal_checkpoint
from wangge.core.errors import DomainError, NotFound
from wangge.registry.importing.engine import people_import
from wangge.registry.importing.report import errors_xlsx
from wangge.registry.models import ImportJob

MAX_UPLOAD_BYTES = 300 * 1024 * 1024
logger = logging.getLogger(__name__)


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _progress_path(job: ImportJob) -> Path:
    return _folder() / f"{job.stored_as}.progress"


def errors_path(job: ImportJob) -> Path:
    return _folder() / f"{job.stored_as}.errors.xlsx"


def import_job_create(*, actor: Any, upload: UploadedFile, commit: bool) -> ImportJob:
    if not reach_for(actor).has(Capability.PERSON_IMPORT):
        raise DomainError("forbidden", "您没有导入人口信息的权限")
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise DomainError("import.format", "只支持 CSV 或 XLSX 文件")
    if (upload.size or 0) > MAX_UPLOAD_BYTES:
        raise DomainError("import.size", "文件过大(上限 300 MB),请拆分后分批导入")
    stored = f"{uuid.uuid4().hex}{suffix}"
    with (_folder() / stored).open("wb") as fh:
        for part in upload.chunks():
            fh.write(part)
    job = ImportJob.objects.create(
        actor=actor, file_name=name[:200], stored_as=stored, commit=commit
    )
    from wangge.registry.tasks import run_import_job

    run_import_job(job.pk)
    return job


def import_job_run(job_id: int) -> None:
    """The background part. Never raises: the outcome is on the job."""
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED:
        return  # a task delivered twice runs once
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    progress_file = _progress_path(job)

    def progress(rows: int) -> None:
        progress_file.write_text(json.dumps({"rows": rows}), encoding="utf-8")

    status, message, summary = ImportJob.Status.FAILED, "", {}
    try:
        report = people_import(
            actor=job.actor, path=_folder() / job.stored_as, commit=job.commit, progress=progress
        )
        summary = {
            "rows": report.rows,
            "households_new": report.households_new,
            "persons_new": report.persons_new,
            "persons_updated": report.persons_updated,
            "moves": report.moves,
            "errors": report.error_count,
        }
        if report.committed:
            wal_checkpoint()  # here, not in whichever request commits next
        if report.ok:
            status = ImportJob.Status.DONE
            message = "导入完成" if job.commit else "校验通过(未导入)"
        else:
            status = ImportJob.Status.REJECTED
            errors_path(job).write_bytes(errors_xlsx(report))
            message = f"发现 {report.error_count} 处错误,未导入任何数据"
    except DomainError as exc:
        message = exc.message
    except Exception as exc:  # the job must end in a state a person can read
        logger.exception("import job %s failed", job.pk)
        message = f"处理失败:{type(exc).__name__},请联系系统管理员查看日志"
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        message=message[:500],
        summary=summary,
        rows=summary.get("rows", 0),
        finished_at=timezone.now(),
    )
    progress_file.unlink(missing_ok=True)


def import_job_get_for(actor: Any, job_id: int) -> ImportJob:
    """A job is its sender's (administrators of the whole tree see all)."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or (job.actor_id != actor.pk and not actor.is_superuser):
        raise NotFound("导入任务")
    return job


def import_job_list_for(actor: Any) -> list[ImportJob]:
    qs = ImportJob.objects.all() if actor.is_superuser else ImportJob.objects.filter(actor=actor)
    return list(qs[:50])


def import_job_rows_done(job: ImportJob) -> int:
    try:
        return int(json.loads(_progress_path(job).read_text(encoding="utf-8"))["rows"])
    except (OSError, ValueError, KeyError):
        return job.rows
