from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wangge.audit.services import audit_verify


class Command(BaseCommand):
    help = "Verify the audit log's SM3 hash chain and name the first broken record."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify()
        if not report.ok:
            raise CommandError(
                f"审计链校验失败:第 {report.first_broken_seq} 条记录 — {report.problem}"
                f"(此前 {report.checked} 条完好)"
            )
        self.stdout.write(self.style.SUCCESS(f"审计链完好:共 {report.checked} 条记录"))
