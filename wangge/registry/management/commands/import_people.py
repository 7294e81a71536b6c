from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.accounts.models import User
from wangge.core.bulk import wal_checkpoint
from wangge.core.errors import DomainError
from wangge.registry.importing.engine import people_import
from wangge.registry.importing.report import errors_xlsx


class Command(BaseCommand):
    help = (
        "Import people and households from a CSV or XLSX file. Dry (validate and report) "
        "unless --commit; with any bad row nothing is loaded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--commit", action="store_true", help="load into the database")
        parser.add_argument("--actor", default="admin", help="the importing user (default admin)")
        parser.add_argument("--errors", type=Path, help="write the error report (XLSX) here")

    def handle(
        self, *args: Any, file: Path, commit: bool, actor: str, errors: Path | None, **options: Any
    ) -> None:
        if not file.exists():
            raise CommandError(f"文件不存在:{file}")
        user = User.objects.filter(username=actor, is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在:{actor}")
        started = time.monotonic()

        def progress(rows: int) -> None:
            sys.stderr.write(f"\r已处理 {rows:,} 行")
            sys.stderr.flush()

        try:
            report = people_import(actor=user, path=file, commit=commit, progress=progress)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        sys.stderr.write("\n")
        elapsed = time.monotonic() - started
        self.stdout.write(f"共 {report.rows:,} 行,用时 {elapsed:.1f} 秒")
        if not report.ok:
            for e in report.errors[:50]:
                self.stdout.write(f"  第 {e.row} 行 [{e.column}] {e.value}:{e.reason}")
            if errors:
                errors.write_bytes(errors_xlsx(report))
                self.stdout.write(f"错误报告已保存:{errors}")
            raise CommandError(f"发现 {report.error_count} 处错误,未导入任何数据")
        if not commit:
            self.stdout.write(self.style.WARNING("校验通过(试运行,未写入)。加上 --commit 导入。"))
            return
        wal_checkpoint()
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入:新建 {report.households_new:,} 户、{report.persons_new:,} 人,"
                f"更新 {report.persons_updated:,} 人,迁移 {report.moves:,} 人"
            )
        )
