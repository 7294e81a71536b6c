"""Who does what, and how late: the plans a request's life follows, drawn
at random with the odds of a typical county (a town's quality and a
department's pace make them better or worse), and ``live``, which runs one.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from wangge.accounts.models import UnitKind
from wangge.demo.history import topics as words
from wangge.demo.history.life import (
    DEPARTMENT,
    DISPATCHED,
    GRID,
    SUBMITTED,
    TOWN,
    VILLAGE,
    Life,
    Stop,
)
from wangge.demo.history.world import Spec, UnitRef, World

_SECOND = dt.timedelta(seconds=1)
# How often a holder of each kind lets the sign limit pass (a typical town).
_LATE_TO_SIGN: dict[str, float] = {GRID: 0.04, VILLAGE: 0.05, TOWN: 0.04, DEPARTMENT: 0.05}
# Departments slower (or faster) than most to sign and finish.
_PACE = {"zhujian": 1.4, "renshe": 1.3, "ziran": 1.3, "jiaotong": 1.2, "yingji": 0.5}


def _pick(rng: random.Random, options: tuple[str, ...], **fmt: Any) -> str:
    return rng.choice(options).format(**fmt) if fmt else rng.choice(options)


def live(world: World, spec: Spec, rng: random.Random) -> Life:
    """The request's life from intake until now."""
    life = Life(world, spec, rng)
    life.submit()
    try:
        if spec.copy_of is not None:
            life.merge(life.soon(life.sign_due), spec.copy_of)
        elif spec.script is not None:
            spec.script(life, rng)
        else:
            _ordinary(life, rng)
    except Stop:
        pass
    life.finish_sweep()
    return life


def _pace(life: Life) -> float:
    q = life.w.q(life.s.place)
    return q * _PACE.get(life.unit.slug, 1.0)


def _ordinary(life: Life, rng: random.Random) -> None:
    s, q = life.s, life.w.q(life.s.place)
    if life.unit.kind == GRID and rng.random() < 0.84 - 0.06 * (q - 1):
        # Settled on the spot: at once when the worker found it on patrol.
        if s.channel == "grid_worker":
            t = s.created + dt.timedelta(minutes=rng.randint(5, 50))
        else:
            t = life.soon(life.sign_due)
        life.self_handle(t, _pick(rng, s.topic.results, n=rng.randint(2, 6)))
        life.check(life.last + dt.timedelta(minutes=rng.randint(10, 70)), True,
                   rng.choice(words.CHECK_PASSED))  # fmt: skip
        _rate(life, rng)
        return
    if s.topic.whistle and rng.random() < 0.3:
        _whistle(life, rng)
    _get_signed(life, rng)
    if s.topic.hard and rng.random() < 0.035 * q**0.5:
        life.long_term(
            life.within(life.finish_due or life.after_days(2, 5)), rng.choice(words.PLANS)
        )
        return
    if life.unit.kind == DEPARTMENT and not life.assists and rng.random() < 0.015:
        life.transfer(life.soon(life.finish_due), life.s.place.town,
                      rng.choice(words.TRANSFER_REASONS))  # fmt: skip
        _get_signed(life, rng)
    _finish(life, rng)
    _rate(life, rng)


def _get_signed(life: Life, rng: random.Random) -> None:
    """Until someone signs: lateness (escalation), returns, the town's
    dispatching, the command centre sending it back."""
    hops = 0
    returned = False
    while life.state in (SUBMITTED, DISPATCHED):
        unit = life.unit
        late = _LATE_TO_SIGN.get(unit.kind, 0.0)
        if not life.assists and rng.random() < late * _pace(life) * (0.15 if hops else 1):
            hops += 1
            life.late_to_sign()
            continue
        hops += 1
        t = life.soon(life.sign_due)
        if unit.kind == UnitKind.COMMAND_CENTRE:
            origin = life.responsible or life.s.routed
            life.dispatch(t, unit, origin, "请立即签收办理")
            continue
        if (
            unit.kind == TOWN
            and life.state == SUBMITTED
            and rng.random() < (0.7 if returned else 0.35)
        ):
            target = life.s.place.village
            if returned and rng.random() < 0.3:
                target = _other_department(life) or target
            life.dispatch(t, unit, target, rng.choice(words.DISPATCH_NOTES))
            continue
        if unit.kind in (VILLAGE, DEPARTMENT) and not returned and not life.assists:
            p = 0.03 if unit.kind == VILLAGE else 0.06
            if rng.random() < p * life.w.q(life.s.place) ** 0.5:
                returned = True
                roads = life.s.topic.code.startswith("03")
                life.ret(t, words.ROAD_RETURN if roads else rng.choice(words.RETURN_REASONS))
                continue
        life.sign(t)
        if life.assists:
            _helpers(life, rng)


def _other_department(life: Life) -> UnitRef | None:
    """After a return: a department the matter's topic also concerns."""
    others = [u for u in life.w.departments.values() if u.id != life.s.routed.id]
    return next((u for u in others if u.slug in life.s.topic.whistle), None)


def _whistle(life: Life, rng: random.Random) -> None:
    deps = life.w.departments
    units = [deps[x] for x in life.s.topic.whistle if x in deps]
    if not units:
        return
    lead, helpers = units[0], [*units[1:3], life.s.place.village]
    life.whistle(life.soon(life.sign_due), lead, helpers, rng.choice(words.WHISTLE_NOTES))


def _helpers(life: Life, rng: random.Random) -> None:
    """Whistled helpers report in (a few late, urged) and do their part."""
    for a in life.assists:
        if a.role != "help" or a.signed_at is not None:
            continue
        if rng.random() < 0.08 * life.w.q(life.s.place):
            life.wait(life._sweep_at(a.sign_due) + _SECOND)  # the sweep urges it
            life.report_in(life.after_days(0, 1), a, rng.choice(words.REPORT_IN_NOTES))
        else:
            t = life.soon(a.sign_due)
            life.report_in(t, a, rng.choice(words.REPORT_IN_NOTES))


def _finish(life: Life, rng: random.Random) -> None:
    s, q = life.s, life.w.q(life.s.place)
    limit = life.w.limits[(s.profile, s.urgency)]["finish"]
    roomy = life.finish_due is not None and life.finish_due - life.last > dt.timedelta(days=2)
    if limit.unit == "days" and limit.amount >= 5 and roomy and rng.random() < 0.035:
        assert life.finish_due is not None
        life.ask_extension(life.within(life.finish_due, 1.0), rng.choice((3, 5, 5, 7, 10)),
                           rng.choice(words.EXTENSION_REASONS))  # fmt: skip
        life.decide_extension(life.after_days(0, 2), rng.random() < 0.85)
    late = rng.random() < 0.05 * _pace(life)
    for a in life.assists:
        if a.role == "help" and a.signed_at is not None and a.done_at is None:
            life.assist_done(life.after_days(0, 2, 1.5), a, rng.choice(words.ASSIST_NOTES))
    result = _pick(rng, s.topic.results, n=rng.randint(2, 6))
    _finish_once(life, rng, result, late)
    while rng.random() < 0.02 * q:
        life.check(life.after_days(0, 2, 1.5), False, rng.choice(words.CHECK_FAILED))
        _finish_once(life, rng, result, False)
    life.check(life.after_days(0, 2, 1.5), True, rng.choice(words.CHECK_PASSED))


def _finish_once(life: Life, rng: random.Random, result: str, late: bool) -> None:
    due = life.finish_due
    if late or due is None or due <= life.last:
        _finish_late(life, rng, result)
    else:
        life.finish(_on_time(life, due), result)


def _on_time(life: Life, due: dt.datetime) -> dt.datetime:
    if life.s.profile == "emergency" or life.s.urgency == "urgent":
        return life.soon(due, (0.1, 0.9))
    return life.within(due)


def _finish_late(life: Life, rng: random.Random, result: str) -> None:
    if life.finish_due is not None:
        life.wait(life._sweep_at(life.finish_due) + _SECOND)  # the sweep urges
    if rng.random() < 0.35:
        life.supervise(life.after_days(0, 1), rng.choice(words.SUPERVISE))
    life.finish(life.after_days(0, 5, 1.3), result)


def _rate(life: Life, rng: random.Random) -> None:
    """Call back, or the resident rates in the portal; unsatisfied: redone;
    unsatisfied twice: the long-term list."""
    s, q = life.s, life.w.q(life.s.place)
    for attempt in range(2):
        resident = s.channel == "portal" and bool(s.phone) and rng.random() < 0.4
        t = life.after_days(0, 2) if resident else life.after_days(0, 3, 1.2)
        unhappy = rng.random() < (0.035 * q if attempt == 0 else min(0.6, 0.25 * q))
        if unhappy:
            solved = rng.random() < 0.3
            rating = rng.choice((1, 2)) if solved else rng.choice((1, 2, 2, 3, 3))
            life.rate(t, solved, rating, rng.choice(words.COMPLAINTS), resident=resident)
            if attempt >= 1:
                life.long_term(life.after_days(0, 3), rng.choice(words.PLANS))
                return
            _finish(life, rng)
            continue
        r = rng.random()
        five = max(0.35, 0.7 - 0.1 * (q - 1))
        rating = 5 if r < five else 4 if r < five + 0.24 else 3
        life.rate(t, True, rating, rng.choice(words.PRAISE), resident=resident)
        return
