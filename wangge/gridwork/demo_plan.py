"""Plain-Python drawing of a year of field work for one grid (no Django):
the days each household is visited, the grid's patrols and what was found
on them. ``demo_history`` loads the county, calls these per grid and writes
the rows in bulk.

Days are ``date.toordinal()`` numbers and times minutes after local
midnight, so a year of a county is drawn without building a datetime per
row. Every draw comes from the grid's own ``random.Random``: the same grid
gives the same year for the same "today".
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

# How a household's visits fall due: the colour's interval; most visits a
# little early, some late (more in towns that do worse, ``quality`` > 1).
LATE_BASE = 0.07  # share of visits made late in a typical town
LATE_CAP = 0.35
PATROLS_PER_WEEK = 2.6  # a typical worker's patrols: two or three a week
POINT_EVERY_MIN = 10  # one trail point per ten minutes of patrol
HANDLED_PER_PATROL = 0.2  # things handled on the spot, per patrol


def late_share(quality: float) -> float:
    return min(LATE_CAP, LATE_BASE * quality)


def visit_days(rng: random.Random, interval: int, first: int, last: int, late: float) -> list[int]:
    """The days a household is visited between ``first`` and ``last``
    (ordinals, inclusive): the first within one interval of ``first``, each
    next one a few days before it falls due, or (share ``late``) after it
    — so a household whose late visit has not come yet is overdue now."""
    days = []
    draw = rng.random
    early, overdue = interval // 6 + 1, max(1, interval // 2)
    day = first + int(draw() * interval)
    while day <= last:
        days.append(day)
        if draw() < late:
            day += interval + 1 + int(draw() * overdue)
        else:
            day += interval - int(draw() * early)
    return days


def office_minute(rng: random.Random) -> int:
    """A time of day for field work: 8:30–11:30 or 14:00–17:30."""
    r = rng.random()
    if r < 0.45:
        return 510 + int(r / 0.45 * 180)
    return 840 + int((r - 0.45) / 0.55 * 210)


@dataclass
class PatrolPlan:
    day: int
    start: int  # minutes after local midnight
    minutes: int
    anchors: list[int] = field(default_factory=list)  # request ids found on it, in order


def patrol_plan(
    rng: random.Random,
    first: int,
    last: int,
    quality: float,
    anchored: dict[int, list[tuple[int, int]]],
) -> list[PatrolPlan]:
    """The grid's patrols: a few a week (fewer in towns that do worse, and
    a few workers who patrol little), weekdays more than Sundays. A day with
    a matter the worker reported during working hours (``anchored``: day →
    [(minute, request id)]) has a patrol around it."""
    per_week = PATROLS_PER_WEEK / math.sqrt(quality) * rng.uniform(0.7, 1.25)
    if rng.random() < 0.08:
        per_week *= 0.4  # the odd worker who hardly patrols
    weekday_p = min(0.95, per_week / 6.4)
    draw = rng.random
    out = []
    for day in range(first, last + 1):
        found = anchored.get(day)
        if found:
            found.sort()
            start = max(480, found[0][0] - 10 - rng.randrange(40))
            end = max(found[-1][0] + 15 + rng.randrange(45), start + 40)
            out.append(PatrolPlan(day, start, end - start, [rid for _m, rid in found]))
            continue
        p = weekday_p * (0.4 if day % 7 == 0 else 1.0)  # ordinal % 7 == 0: Sunday
        if draw() < p:
            minutes = 40 + int(draw() * 80)
            start = office_minute(rng)
            out.append(PatrolPlan(day, min(start, 1080 - minutes), minutes))
    return out


def tour(rng: random.Random, pool: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """The grid's pool of positions (all inside it) in walking order: from
    one of them, each next the nearest not yet taken. Drawn once per grid;
    each patrol walks a stretch of it."""
    if not pool:
        return []
    left = list(pool)
    here = left.pop(int(rng.random() * len(left)))
    out = [here]
    while left:
        i = min(range(len(left)), key=lambda k: _d2(here, left[k]))
        here = left.pop(i)
        out.append(here)
    return out


def stretch(path: Sequence[tuple[float, float]], start: int, n: int) -> list[int]:
    """Indexes of ``n`` positions along ``path`` from ``start``, turning
    back at either end (a long patrol walks back the way it came)."""
    size = len(path)
    if size == 1:
        return [0] * n
    period = 2 * (size - 1)
    out = []
    for k in range(start, start + n):
        m = k % period
        out.append(m if m < size else period - m)
    return out


def _d2(a: tuple[float, float], b: tuple[float, float]) -> float:
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between (lon, lat) points, as the patrol
    service measures it."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


# --- words ---------------------------------------------------------------------------------

VISIT_NOTES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "red": (
        ("老人身体状况平稳,叮嘱按时服药", ("care",)),
        ("帮助代办医保报销材料,下周送回", ("care", "tasks")),
        ("询问生活需求,家中米面油充足", ("care",)),
        ("检查用电、燃气安全,提醒注意防寒防滑", ("care", "hazards")),
        ("子女电话联系不上,已告知村委会跟进", ("care", "know_grid")),
        ("陪同到村卫生室测量血压", ("care",)),
    ),
    "yellow": (
        ("了解家庭近况,生活能自理", ("know_grid", "care")),
        ("宣传惠民政策,登记就业需求", ("policy", "care")),
        ("核对家庭成员信息,无变化", ("know_grid",)),
        ("提醒防范电信诈骗", ("policy",)),
        ("询问低保、养老金发放情况", ("care",)),
    ),
    "green": (
        ("家庭情况正常,无新增诉求", ("know_grid",)),
        ("核对家庭成员信息,无变化", ("know_grid",)),
        ("宣传防诈骗知识和森林防火", ("policy",)),
        ("征求对村里工作的意见建议", ("policy", "know_grid")),
    ),
}

PATROL_NOTES = (
    "巡查村道及河道沿线,未见异常",
    "巡查村组主干道、学校周边",
    "巡查沿河护栏、地质灾害隐患点",
    "巡查集市及周边交通秩序",
    "",
    "",
)

HANDLED: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("路边柴草堆放占道", "现场劝说户主挪开,已清理", ("hazards", "patrol")),
    ("村民因倒垃圾发生口角", "现场劝解,双方各让一步", ("disputes",)),
    ("水渠被树枝杂物堵塞", "叫上两位村民一起清掏,已畅通", ("hazards",)),
    ("独居老人家中电线老化", "联系电工上门更换插座", ("care", "hazards")),
    ("公告栏张贴小广告", "现场清除", ("violations",)),
    ("路灯白天未关", "通知村电工调整开关时间", ("patrol",)),
    ("河边有儿童玩水", "劝离并告知家长注意看管", ("patrol", "hazards")),
    ("村道积水", "疏通路边排水口", ("hazards",)),
    ("农户焚烧秸秆", "现场劝止,宣传禁烧规定", ("violations", "policy")),
    ("外来人员推销保健品", "核实身份,提醒老人谨防上当", ("patrol", "policy")),
)
