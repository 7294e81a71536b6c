"""Importing through the page: upload, background job (run inline in
tests), status, error report download; a job is its sender's only."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from wangge.demo.people_file import HEADERS, sample_rows, write_csv
from wangge.registry.models import ImportJob, Person
from wangge.territory.models import Area


def _upload(tmp_path: Path, rows: list[list[str]]) -> SimpleUploadedFile:
    path = write_csv(tmp_path / "people.csv", rows)
    return SimpleUploadedFile("人员名单.csv", path.read_bytes(), content_type="text/csv")


def _grids() -> list[str]:
    return list(
        Area.objects.filter(level="grid", code__startswith="611022109").values_list(
            "code", flat=True
        )
    )


def test_upload_check_then_commit(db: None, user_named, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    c = Client()
    c.force_login(user_named("shangzhen_dispatcher"))
    assert "数据导入" in c.get("/").content.decode()
    rows = list(sample_rows(40, _grids(), seed="page", region="612504"))
    before = Person.objects.count()
    r = c.post("/imports/", {"file": _upload(tmp_path, rows), "mode": "check"})
    assert r.status_code == 302
    job = ImportJob.objects.latest("pk")
    assert job.status == "done"
    assert job.message == "校验通过(未导入)"
    assert Person.objects.count() == before
    r = c.post("/imports/", {"file": _upload(tmp_path, rows), "mode": "commit"})
    job = ImportJob.objects.latest("pk")
    assert job.status == "done"
    assert job.summary["persons_new"] == 40
    assert Person.objects.count() == before + 40
    page = c.get(r["Location"]).content.decode()
    assert "导入完成" in page


def test_bad_file_gives_an_error_report(db: None, user_named, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    c = Client()
    c.force_login(user_named("shangzhen_dispatcher"))
    rows = list(sample_rows(10, _grids(), seed="bad", region="612505"))
    rows[4][HEADERS.index("身份证号")] = "61250419800101001"  # 17 digits
    c.post("/imports/", {"file": _upload(tmp_path, rows), "mode": "commit"})
    job = ImportJob.objects.latest("pk")
    assert job.status == "rejected"
    assert "1 处错误" in job.message
    report = c.get(f"/imports/{job.pk}/errors.xlsx")
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active  # type: ignore[attr-defined]
    assert sheet is not None
    assert sheet.cell(2, 1).value == 6  # the header is row 1, the 5th person row 6
    # Someone else cannot see the job or its report.
    other = Client()
    other.force_login(user_named("admin"))
    assert other.get(f"/imports/{job.pk}/").status_code == 200  # the whole-tree admin can
    other.force_login(user_named("danfeng_admin"))
    assert other.get(f"/imports/{job.pk}/").status_code == 404
    assert other.get(f"/imports/{job.pk}/errors.xlsx").status_code == 404


def test_wrong_file_type_and_no_permission(db: None, user_named, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    c = Client()
    c.force_login(user_named("shangzhen_dispatcher"))
    r = c.post("/imports/", {"file": SimpleUploadedFile("x.pdf", b"%PDF"), "mode": "check"})
    assert r.status_code == 400
    assert "只支持 CSV 或 XLSX" in r.content.decode()
    worker = Client()
    worker.force_login(user_named("wg611022109223001"))
    assert worker.get("/imports/").status_code == 404
    assert worker.get("/imports/template.xlsx").status_code == 404
