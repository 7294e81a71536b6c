from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from wangge.registry.colouring import households_recolour
from wangge.territory.models import Area


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Recompute every household's colour from its data and the current rules (the "
        "background worker does it nightly; run it after changing the rules). Dry unless --commit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", help="area code: only households under it (default: all)")
        parser.add_argument("--commit", action="store_true")

    def handle(self, *args: Any, area: str | None, commit: bool, **options: Any) -> None:
        path = None
        if area:
            path = Area.objects.filter(code=area).values_list("path", flat=True).first()
            if path is None:
                raise CommandError(f"区域不存在:{area}")
        started = time.monotonic()
        try:
            with transaction.atomic():
                total, changed = households_recolour(area_path=path)
                if not commit:
                    raise _DryRun((total, changed))
        except _DryRun as dry:
            total, changed = dry.args[0]
        self.stdout.write(
            f"共 {total:,} 户,颜色变化 {changed:,} 户(用时 {time.monotonic() - started:.1f} 秒)"
        )
        if not commit:
            self.stdout.write(self.style.WARNING("试运行:未写入。加上 --commit 才会保存。"))
