"""Pages for importing population files."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.core.errors import DomainError, NotFound
from wangge.registry.importing.columns import COLUMNS
from wangge.registry.importing.jobs import (
    errors_path,
    import_job_create,
    import_job_get_for,
    import_job_list_for,
    import_job_rows_done,
)
from wangge.registry.importing.report import template_xlsx


def _require_import(request: HttpRequest) -> None:
    if not reach_for(request.user).has(Capability.PERSON_IMPORT):
        raise NotFound("页面")


@login_required
@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    _require_import(request)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "请选择要上传的文件"
        else:
            try:
                job = import_job_create(
                    actor=request.user, upload=upload, commit=request.POST.get("mode") == "commit"
                )
            except DomainError as exc:
                error = exc.message
            else:
                return redirect("import_detail", job_id=job.pk)
    return render(
        request,
        "registry/imports.html",
        {
            "jobs": import_job_list_for(request.user),
            "error": error,
            "columns": COLUMNS,
        },
        status=400 if error else 200,
    )


@login_required
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = import_job_get_for(request.user, job_id)
    partial = bool(request.headers.get("HX-Request"))  # htmx polling asks for the status only
    template = "registry/_import_status.html" if partial else "registry/import_detail.html"
    return render(request, template, {"job": job, "rows_done": import_job_rows_done(job)})


@login_required
def import_errors(request: HttpRequest, job_id: int) -> FileResponse:
    job = import_job_get_for(request.user, job_id)
    path = errors_path(job)
    if not path.exists():
        raise Http404
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"{job.file_name}-错误报告.xlsx"
    )


@login_required
def import_template(request: HttpRequest) -> FileResponse:
    _require_import(request)
    return FileResponse(
        io.BytesIO(template_xlsx()), as_attachment=True, filename="人口信息导入模板.xlsx"
    )
