"""Open work for the demo logins the README and the seed print: the grid
worker of 保定村第1网格, 保定村's secretary, 商镇's dispatcher and the
county housing bureau each find a few matters waiting — fresh ones,
overdue ones (urged, supervised), a return, a whistle, an extension to
decide. Lived through the same steps as the rest of the history, at times
counted back from "now", so the deadlines hold whatever the day.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from wangge.demo.history import topics as words
from wangge.demo.history.life import Life
from wangge.demo.history.world import Place, Spec, World
from wangge.timelimits.clock import BEIJING

if TYPE_CHECKING:
    from wangge.demo.history.intake import Intake

BAODING = "611022109223"  # 商镇保定村, the showcase village


def _hold(life: Life, rng: random.Random) -> None:
    """Nothing yet: waiting to be signed (or settled) within its limit."""


def _signed(life: Life, rng: random.Random) -> None:
    life.sign(life.soon(life.sign_due))


def _overdue(life: Life, rng: random.Random) -> None:
    """Signed at once, then the finish limit passed: urged, then supervised."""
    _signed(life, rng)
    assert life.finish_due is not None
    life.wait(life._sweep_at(life.finish_due) + dt.timedelta(seconds=1))
    life.supervise(life.after_days(1, 1), rng.choice(words.SUPERVISE))


def office_before(world: World, t: dt.datetime, rng: random.Random) -> dt.datetime:
    """The latest office moment at or a little before ``t``: staff act in
    office hours, and the showcase must look right at any hour it is seeded."""
    wd = world.workdays
    local = t.astimezone(BEIJING)
    i = wd.on_or_after(local.date() + dt.timedelta(days=1)) - 1
    while i >= 0:
        day = wd.days[i]
        for a, b in reversed(wd.spans):
            start = dt.datetime.combine(day, a, BEIJING)
            end = min(dt.datetime.combine(day, b, BEIJING), local)
            if end - start > dt.timedelta(minutes=20):
                return end - dt.timedelta(minutes=rng.randint(1, 15))
        i -= 1
    return t


def _returned(life: Life, rng: random.Random) -> None:
    """The department says it is not theirs: back to the town to dispatch."""
    life.ret(life.s.created + dt.timedelta(minutes=rng.randint(10, 25)), words.ROAD_RETURN)


def _whistled(life: Life, rng: random.Random) -> None:
    """The town took it on, then whistled the housing bureau to lead, with
    the emergency bureau and the village helping; nobody has reported in yet."""
    _signed(life, rng)
    deps = life.w.departments
    life.whistle(
        office_before(life.w, life.w.now - dt.timedelta(minutes=40), rng),
        deps["zhujian"],
        [deps["yingji"], life.s.place.village],
        words.WHISTLE_NOTES[1],
    )


def _extension(life: Life, rng: random.Random) -> None:
    _signed(life, rng)
    t = office_before(life.w, life.w.now - dt.timedelta(hours=1), rng)
    life.ask_extension(t, 5, words.EXTENSION_REASONS[1])


def showcase_specs(world: World, places: Sequence[Place], intake: Intake) -> list[Spec]:
    by_code = {p.code: p for p in places}
    g1 = by_code.get(BAODING + "001")
    if g1 is None:
        return []
    g2 = by_code.get(BAODING + "002", g1)
    g3 = by_code.get(BAODING + "003", g1)
    now = world.now
    wd = world.workdays
    rng = random.Random(f"showcase:{BAODING}")
    today = wd.on_or_after(now.astimezone(BEIJING).date())

    def ago(workdays: int) -> dt.datetime:
        day = wd.days[today - workdays]
        return dt.datetime.combine(day, dt.time(9), BEIJING) + dt.timedelta(
            minutes=rng.randint(0, 480)
        )

    def minutes(m: int) -> dt.datetime:
        return now - dt.timedelta(minutes=m)

    plans: list[tuple[Place, str, str, dt.datetime, Callable[[Life, random.Random], None]]] = [
        (g1, "210101", "portal", minutes(35), _hold),  # the grid: settle it
        (g1, "310201", "hotline", minutes(50), _hold),
        (g1, "210402", "portal", ago(1), _signed),
        (g2, "310103", "walk_in", ago(12), _overdue),  # the village: late, urged
        (g2, "310202", "portal", minutes(40), _hold),
        (g3, "030102", "hotline", office_before(world, minutes(70), rng), _returned),  # the town
        (g3, "310302", "walk_in", ago(22), _overdue),
        (g1, "320501", "grid_worker", ago(2), _whistled),  # the bureau leads, village helps
        (g2, "010201", "portal", minutes(30), _hold),  # the bureau
        (g3, "010201", "hotline", ago(6), _overdue),
        (g1, "010302", "portal", ago(3), _extension),
    ]
    topics = {t.code: t for t in words.TOPICS}
    out = []
    for i, (place, code, channel, created, script) in enumerate(plans):
        spec = intake.make(place, topics[code], channel, created, "normal", f"showcase:{i}", rng)
        spec.script = script
        out.append(spec)
    return out
