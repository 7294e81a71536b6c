from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from wangge.accounts.models import User
from wangge.core.errors import DomainError
from wangge.territory.activation import generation_activate
from wangge.territory.comparison import Comparison, compare
from wangge.territory.generation_selectors import village_get_for
from wangge.territory.generations import (
    barriers_from_geojson,
    generation_compute,
    generation_submit,
)
from wangge.territory.models import GenerationOrigin, GridGeneration


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Partition a village's households into grids. Dry: prints the quality report and who "
        "would move, and writes nothing, unless --commit, which makes the generation and "
        "activates it at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--village", required=True, help="12-digit village/community code")
        parser.add_argument("--min", type=int, required=True, dest="minimum")
        parser.add_argument("--max", type=int, required=True, dest="maximum")
        parser.add_argument("--measure", choices=["households", "persons"], default="households")
        parser.add_argument(
            "--fresh", action="store_true", help="draw from scratch, not from the current grids"
        )
        parser.add_argument(
            "--barriers", type=Path, help="GeoJSON file of lines no grid may straddle"
        )
        parser.add_argument("--actor", default="admin", help="the acting user (default admin)")
        parser.add_argument("--commit", action="store_true", help="make and activate it")

    def handle(self, *args: Any, **o: Any) -> None:
        actor = User.objects.filter(username=o["actor"], is_active=True).first()
        if actor is None:
            raise CommandError(f"用户不存在:{o['actor']}")
        barriers = _read_barriers(o["barriers"]) if o["barriers"] else []
        try:
            village = village_get_for(actor, o["village"])
            if not o["commit"]:
                self._dry(actor, village, barriers, o)
                return
            generation = _compute(actor, village, barriers, o)
            self._print(generation, compare(generation))
            generation = generation_submit(actor=actor, generation=generation)
            done = generation_activate(actor=actor, generation=generation)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"已启用方案 {generation.pk}:新建网格 {len(done.created)} 个"
                f"({done.created[0]}–{done.created[-1][-3:]}),"
                f"停用原网格 {len(done.deactivated)} 个,"
                f"{done.households} 户归入新网格,其中 {done.moved} 户换了网格;"
                f"网格单位转移 {done.units_moved} 个、新建 {done.units_created} 个,"
                f"网格员岗位转移 {done.roles_moved} 个;"
                f"A/B 岗、未结案矛盾纠纷、未完成任务和派单规则随网格接续 "
                f"{done.generation.outcome.get('others_moved', 0)} 条。"
            )
        )

    def _dry(self, actor: Any, village: Any, barriers: list[Any], o: dict[str, Any]) -> None:
        try:
            with transaction.atomic():
                generation = _compute(actor, village, barriers, o)
                self._print(generation, compare(generation))
                raise _DryRun
        except _DryRun:
            pass
        self.stdout.write(
            self.style.WARNING("试运行:未写入数据库。加上 --commit 才会保存并启用这个方案。")
        )

    def _print(self, g: GridGeneration, cmp: Comparison) -> None:
        r, unit, w = g.report, g.unit_label, self.stdout.write
        village = cmp.village
        w(
            f"{village.name}({village.code}):"
            f"现有网格 {len(cmp.old_grids)} 个,住户 {cmp.households} 户"
        )
        w(
            f"规模:每格 {g.minimum}–{g.maximum} {unit},"
            f"{'从头划分' if g.fresh else '以现有网格为基础'},阻隔线 {len(g.barriers)} 条"
        )
        kept = "" if r["kept_share"] is None else f";留在原网格 {r['kept_share']:.1%}"
        w(
            f"新网格 {r['grids']} 个:"
            f"最小 {r['smallest']:g}、中位 {r['median']:g}、最大 {r['largest']:g} {unit};"
            f"规模达标 {r['in_bounds_share']:.0%};不连片 {r['noncontiguous']} 个;"
            f"紧凑度 {r['compactness_m']:.0f} 米{kept}"
        )
        for issue in r["issues"]:
            w(f"  需核查:{issue['message']}")
        w(f"需换网格:{len(cmp.moved)} 户({cmp.moved_share:.1%})")
        w(f"  {'新网格':<15} {'户数':>4} {'人数':>4}  {'接续':<4} {'迁入':>4}  住户来自")
        for n in cmp.new_grids:
            came = ",".join(f"{c[-3:]}:{k}" for c, k in n.came_from)
            w(
                f"  {n.code:<18} {n.households:>4} {n.persons:>4}  "
                f"{(n.continues or '新增')[-3:]:<4} {n.moved_in:>4}  {came}"
            )
        w(f"  {'现有网格':<14} {'户数':>4}  {'接续为':<4} {'留下':>4} {'迁出':>4}")
        for o in cmp.old_grids:
            goes = o.goes_to[-3:] if o.goes_to else "撤销"
            w(f"  {o.code:<18} {o.households:>4}  {goes:<6} {o.staying:>4} {o.leaving:>4}")


def _compute(actor: Any, village: Any, barriers: list[Any], o: dict[str, Any]) -> Any:
    """The draft the options ask for (kept by --commit, rolled back by a dry run)."""
    return generation_compute(
        actor=actor,
        village=village,
        minimum=o["minimum"],
        maximum=o["maximum"],
        measure=o["measure"],
        fresh=o["fresh"],
        barriers=barriers,
        origin=GenerationOrigin.COMMAND,
    )


def _read_barriers(path: Path) -> list[Any]:
    """Lines from a GeoJSON file: a FeatureCollection, a Feature, a geometry, or a list."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"无法读取阻隔线文件 {path}:{exc}") from exc
    return barriers_from_geojson(data)
