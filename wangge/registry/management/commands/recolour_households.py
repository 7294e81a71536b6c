from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from wangge.audit.services import audit_record
from wangge.registry.colouring import recolour_households
from wangge.registry.models import Household
from wangge.territory.models import Area


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Recompute every household's colour from its data and the current rules (run nightly, "
        "and after changing the rules). Dry unless --commit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", help="area code: only households under it (default: all)")
        parser.add_argument("--commit", action="store_true")

    def handle(self, *args: Any, area: str | None, commit: bool, **options: Any) -> None:
        qs = Household.objects.filter(is_active=True)
        if area:
            found = Area.objects.filter(code=area).values_list("path", flat=True).first()
            if found is None:
                raise CommandError(f"区域不存在:{area}")
            qs = qs.filter(area_path__prefix=found)
        ids = list(qs.order_by("pk").values_list("pk", flat=True))
        started = time.monotonic()
        changed = 0
        try:
            with transaction.atomic():
                changed = recolour_households(ids)
                if not commit:
                    raise _DryRun
                audit_record(
                    actor=None,
                    action="household.recolour",
                    object_type="registry",
                    object_id=area or "all",
                    changes={"households": len(ids), "changed": changed},
                )
        except _DryRun:
            pass
        self.stdout.write(
            f"共 {len(ids):,} 户,颜色变化 {changed:,} 户(用时 {time.monotonic() - started:.1f} 秒)"
        )
        if not commit:
            self.stdout.write(self.style.WARNING("试运行:未写入。加上 --commit 才会保存。"))
