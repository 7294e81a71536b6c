"""What a task is given to: the active grids under the chosen areas (a
county, towns, villages, zones or grids), and — when the task names its
target households — the households there that carry a registry tag on a
current member (独居老人, 低保对象…) and/or have a colour. Areas are taken
only within the actor's ``task.assign`` reach; a sensitive tag (see
``wangge.registry.tags``) only by those cleared to see it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.core.errors import DomainError, NotFound
from wangge.registry.models import Colour, Household, Membership
from wangge.registry.tags import SENSITIVE_TAGS, TAGS
from wangge.territory.models import Area

MAX_AREAS = 500


@dataclass
class Selection:
    areas: list[Area]
    grids: list[tuple[int, str]]  # (grid id, path), in path order
    targets: dict[int, list[int]] | None = None  # grid id → household ids; None: by grid
    tag: str = ""
    colour: str = ""
    paths: list[str] = field(default_factory=list)

    @property
    def household_count(self) -> int:
        return sum(len(v) for v in (self.targets or {}).values())

    def summary(self) -> dict[str, Any]:
        """Counts for the preview: grids, households, villages and towns."""
        villages = {p.split("/")[3] for _id, p in self.grids}
        towns = {p.split("/")[2] for _id, p in self.grids}
        return {
            "grids": len(self.grids),
            "households": self.household_count,
            "villages": len(villages),
            "towns": len(towns),
            "by_household": self.targets is not None,
        }


def parse_codes(value: Any) -> list[str]:
    """Area codes from a form's repeated field, a JSON list, or text
    separated by commas, spaces or new lines; in order, once each."""
    getlist = getattr(value, "getlist", None)
    raw = getlist("areas") if getlist is not None else value
    if isinstance(raw, str):
        raw = [raw]
    out: list[str] = []
    for item in raw or []:
        for code in str(item).replace(",", " ").replace(",", " ").split():
            if code not in out:
                out.append(code)
    return out


def task_select(actor: Any, *, area_codes: list[str], tag: str = "", colour: str = "") -> Selection:
    codes = [c.strip() for c in area_codes if c.strip()]
    if not codes:
        raise DomainError("task.areas", "请选择交办范围(镇街、村社区或网格)")
    if len(codes) > MAX_AREAS:
        raise DomainError("task.areas", f"交办范围一次最多 {MAX_AREAS} 个区域")
    reach = reach_for(actor)
    found = {
        a.code: a for a in Area.objects.filter(code__in=codes, is_active=True).defer("geometry")
    }
    areas = []
    for code in codes:
        area = found.get(code)
        if area is None or not reach.allows(Capability.TASK_VIEW, area.path):
            raise NotFound(f"区域{code}")
        if not reach.allows(Capability.TASK_ASSIGN, area.path):
            raise DomainError("forbidden", f"您不能向{area.name}交办任务")
        areas.append(area)
    # An area inside another chosen one adds nothing.
    paths = sorted({a.path for a in areas})
    tops = [p for p in paths if not any(p != t and p.startswith(t) for t in paths)]
    under = Q(pk__in=[])
    for p in tops:
        under |= Q(path__prefix=p)
    grids = list(
        Area.objects.filter(under, level="grid", is_active=True)
        .order_by("path")
        .values_list("pk", "path")
    )
    if not grids:
        raise DomainError("task.empty", "所选范围内没有网格")
    selection = Selection(areas=areas, grids=grids, tag=tag, colour=colour, paths=tops)
    if tag or colour:
        _targets(actor, selection)
    return selection


def _targets(actor: Any, s: Selection) -> None:
    if s.tag and s.tag not in TAGS:
        raise DomainError("task.tag", "对象标签无效")
    if s.colour and s.colour not in Colour.values:
        raise DomainError("task.colour", "对象颜色无效")
    reach = reach_for(actor)
    if s.tag in SENSITIVE_TAGS and not all(
        reach.allows(Capability.PERSON_VIEW_SENSITIVE, p) for p in s.paths
    ):
        raise DomainError("forbidden", "您无权按特殊人群标签交办任务")
    under = Q(pk__in=[])
    for p in s.paths:
        under |= Q(area_path__prefix=p)
    households = Household.objects.filter(under, is_active=True)
    if s.colour:
        households = households.filter(colour=s.colour)
    if s.tag:
        tagged = Membership.objects.filter(moved_out__isnull=True, person__tags__code=s.tag)
        households = households.filter(pk__in=tagged.values("household_id"))
    wanted = {gid for gid, _p in s.grids}
    by_grid: dict[int, list[int]] = defaultdict(list)
    for hid, gid in households.order_by("pk").values_list("pk", "grid_id"):
        if gid in wanted:
            by_grid[gid].append(hid)
    s.grids = [(gid, p) for gid, p in s.grids if by_grid.get(gid)]
    s.targets = dict(by_grid)
    if not s.grids:
        raise DomainError("task.empty", "所选范围内没有符合条件的户")
