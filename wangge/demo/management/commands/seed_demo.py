from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from wangge.demo.seed import DEMO_PASSWORD, POPULATIONS, SCALES, demo_seed


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Create the demo (丹凤县 in full; --scale city: all of Shangluo). "
        "Dry: shows what it would do and rolls back, unless --commit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=SCALES, default="county")
        parser.add_argument(
            "--population",
            choices=POPULATIONS,
            default="full",
            help="households and people: the whole demo county, a sample (2 towns), or none",
        )
        parser.add_argument("--commit", action="store_true", help="write to the database")

    def handle(self, *args: Any, scale: str, population: str, commit: bool, **options: Any) -> None:
        started = time.monotonic()
        try:
            with transaction.atomic():
                ctx = demo_seed(
                    scale=scale, data_dir=settings.WANGGE_DATA_DIR, population=population
                )
                if not commit:
                    raise _DryRun
        except _DryRun:
            pass
        elapsed = time.monotonic() - started
        for line in ctx.lines:
            self.stdout.write(line)
        if not commit:
            self.stdout.write(self.style.WARNING("试运行:未写入数据库。加上 --commit 才会写入。"))
            return
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪(用时 {elapsed:.1f} 秒)"))
        self.stdout.write("")
        self.stdout.write(f"演示账号(密码均为 {DEMO_PASSWORD},仅限演示数据):")
        width = max(len(a.username) for a in ctx.accounts)
        for a in ctx.accounts:
            self.stdout.write(f"  {a.username:<{width}}  {a.role}  {a.area}  {a.name}")
        self.stdout.write(
            "  其余账号规则:镇街调度员 <镇名拼音>_dispatcher;司法所 <镇名拼音>_sifa;"
            "村(社区)书记 sj<12位村代码>;"
            "片长 pz<片区代码>;网格员 wg<15位网格代码>;部门 <县拼音>_<部门>(如 danfeng_zhujian)"
        )
