"""How requests come in: for each grid, how many, on which days (the
seasons, fewer at weekends and holidays), about what, by which channel, at
what hour, in whose words, from whom — the intake half of a request, before
its life."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from wangge.demo.history import topics as words
from wangge.demo.history.world import Place, Spec, UnitRef, World
from wangge.demo.people import demo_name
from wangge.timelimits.clock import BEIJING

SEED = "wangge-demo-requests"
_CHANNEL_MIX = {
    "field": {"portal": 22, "grid_worker": 58, "hotline": 12, "walk_in": 3, "api": 1},
    "personal": {"portal": 30, "grid_worker": 20, "hotline": 34, "walk_in": 14, "api": 2},
    "public": {"portal": 36, "grid_worker": 22, "hotline": 32, "walk_in": 6, "api": 3},
}
# (from, to) in minutes of the day, by channel; a weight per window.
_HOURS = {
    "grid_worker": ((510, 720, 4), (840, 1080, 5), (1080, 1200, 1)),
    "walk_in": ((510, 720, 1), (840, 1080, 1)),
    "hotline": ((480, 1290, 1),),
    "portal": ((390, 1410, 1),),
    "device": ((0, 1440, 1),),
    "api": ((480, 1260, 1),),
}


def bisect_pick(cumulative: Sequence[float], rng: random.Random) -> int:
    return min(bisect.bisect_right(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)


def cumulative(weights: Iterable[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


@dataclass
class _Mix:
    """Where requests fall in the year and what they are about, for one
    kind of place (villages or communities)."""

    days: list[dt.date]
    day_cum: list[float]
    topic_cum: dict[int, list[float]]  # month → cumulative topic weights


def _mix(
    urban: bool, days: list[dt.date], workday: dict[dt.date, bool], today_share: float
) -> _Mix:
    weights = [
        t.weight * (0.15 if t.where == ("rural" if urban else "urban") else 1.0)
        for t in words.TOPICS
    ]
    by_month = {
        m: [w * words.SEASONS[t.season][m - 1] for w, t in zip(weights, words.TOPICS, strict=True)]
        for m in range(1, 13)
    }
    month_total = {m: sum(v) for m, v in by_month.items()}
    day_w = [month_total[d.month] * (1.0 if workday[d] else 0.55) for d in days]
    day_w[-1] *= today_share
    return _Mix(days, cumulative(day_w), {m: cumulative(v) for m, v in by_month.items()})


def _created(day: dt.date, channel: str, urgent: bool, rng: random.Random) -> dt.datetime:
    windows = _HOURS["device" if urgent and channel in ("portal", "hotline") else channel]
    a, b, _w = windows[bisect_pick(cumulative(w[2] for w in windows), rng)]
    minute = rng.uniform(a, b)
    return dt.datetime.combine(day, dt.time(), BEIJING) + dt.timedelta(minutes=minute)


def _estate(village_code: str, rng: random.Random) -> str:
    h = int(village_code[-6:])
    pick = (h + rng.randrange(3) * 7) % len(words.ESTATE_WORDS)
    return words.ESTATE_WORDS[pick] + words.ESTATE_KINDS[(h + pick) % len(words.ESTATE_KINDS)]


class Intake:
    """Draws the requests of each grid (intake only; their lives come later)."""

    def __init__(
        self,
        world: World,
        route: Callable[[str, Place], UnitRef],
        categories: dict[str, tuple[int, str]],
        households: dict[int, list[tuple[int, float | None, float | None]]],
    ) -> None:
        self.world, self.route = world, route
        self.categories, self.households = categories, households
        now = world.now.astimezone(BEIJING)
        first = (now - dt.timedelta(days=364)).date()
        days = [first + dt.timedelta(days=i) for i in range(365)]
        cal = world.clock.calendar
        workday = {d: cal.is_workday(d) for d in days}
        midnight = dt.datetime.combine(now.date(), dt.time(), BEIJING)
        share = (now - midnight).total_seconds() / 86400
        self.mixes = {u: _mix(u, days, workday, share) for u in (False, True)}
        self.topics = [t for t in words.TOPICS if t.code in categories]

    def for_grid(self, place: Place, expected: float) -> list[Spec]:
        rng = random.Random(f"{SEED}:{place.code}")
        want = int(expected + rng.random())
        mix = self.mixes[place.urban]
        out: list[Spec] = []
        tries = 0
        while len(out) < want and tries < want * 3:
            tries += 1
            day = mix.days[bisect_pick(mix.day_cum, rng)]
            topic = words.TOPICS[bisect_pick(mix.topic_cum[day.month], rng)]
            if topic.code not in self.categories:
                continue
            spec = self._one(place, topic, day, len(out), rng)
            if spec is None:
                continue
            out.append(spec)
            if topic.copies and spec.channel != "device" and rng.random() < 0.1:
                copy = self._copy(spec, len(out), rng)
                if copy is not None and len(out) < want:
                    out.append(copy)
        return out

    def _one(
        self, place: Place, topic: words.Topic, day: dt.date, i: int, rng: random.Random
    ) -> Spec | None:
        profile = self.categories[topic.code][1]
        r = rng.random()
        if profile == "emergency":
            urgency = "urgent" if r < 0.6 else "normal"
        elif profile == "complex":
            urgency = "complex" if r < 0.35 else "normal"
        else:
            urgency = "urgent" if r < 0.03 else "complex" if r < 0.05 else "normal"
        mix = dict(_CHANNEL_MIX[topic.kind])
        if topic.device:
            mix["device"] = 25
        channels = list(mix)
        channel = channels[bisect_pick(cumulative(mix.values()), rng)]
        created = _created(day, channel, urgency == "urgent", rng)
        if created > self.world.now - dt.timedelta(minutes=2):
            return None
        return self.make(place, topic, channel, created, urgency, f"{place.code}:{i}", rng)

    def make(
        self,
        place: Place,
        topic: words.Topic,
        channel: str,
        created: dt.datetime,
        urgency: str,
        key: str,
        rng: random.Random,
    ) -> Spec:
        cat_id, profile = self.categories[topic.code]
        fmt = self._words(place, rng)
        body = rng.choice(topic.texts).format(**fmt)
        if channel == "device":
            text = topic.device.format(**fmt)
        else:
            text = rng.choice(words.WHO_SAYS[channel]) + body + "。" + rng.choice(words.CLOSERS)
        spec = Spec(
            place=place,
            topic=topic,
            category_id=cat_id,
            profile=profile,
            urgency=urgency,
            channel=channel,
            created=created,
            description=text,
            routed=self.route(topic.code, place),
        )
        self._who(spec, key, rng)
        return spec

    def _words(self, place: Place, rng: random.Random) -> dict[str, object]:
        village = place.village_name
        if place.urban:
            estate = village + _estate(place.code[:12], rng)
            where = estate
        else:
            estate = f"{village}移民搬迁安置小区"
            where = f"{village}{int(place.code[-3:])}组"
        return {
            "p": where,
            "v": village,
            "e": estate,
            "spot": rng.choice(words.SPOTS),
            "d": rng.choice(words.DURATIONS),
            "n": rng.randint(2, 6),
        }

    def _who(self, spec: Spec, key: str, rng: random.Random) -> None:
        """Who reported it, how to reach them, and where it is."""
        place, channel = spec.place, spec.channel
        spec.created_by = {
            "grid_worker": place.grid.user,
            "walk_in": place.village.user if rng.random() < 0.7 else place.town.user,
            "hotline": self.world.command.user,
        }.get(channel)
        homes = self.households.get(place.grid_id, [])
        personal = spec.topic.kind == "personal"
        if (
            homes
            and channel in ("grid_worker", "walk_in")
            and rng.random() < (0.6 if personal else 0.2)
        ):
            spec.household_id, spec.lon, spec.lat = rng.choice(homes)
        elif homes and rng.random() < {"portal": 0.6, "grid_worker": 0.9, "device": 1.0}.get(
            channel, 0
        ):
            _hid, spec.lon, spec.lat = rng.choice(homes)
        if channel == "device" or (channel == "grid_worker" and spec.topic.kind == "field"):
            return
        if rng.random() < {"portal": 0.1, "hotline": 0.07, "api": 0.05}.get(channel, 0):
            spec.anonymous = True
            return
        spec.contact_name = demo_name(f"{SEED}:{key}")
        spec.phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"

    def _copy(self, orig: Spec, i: int, rng: random.Random) -> Spec | None:
        """A neighbour reports the same matter (重复件); the town merges it."""
        created = orig.created + dt.timedelta(minutes=rng.randint(20, 1800))
        if created > self.world.now - dt.timedelta(minutes=2):
            return None
        body = orig.description
        for opener in words.WHO_SAYS[orig.channel]:
            if opener and body.startswith(opener):
                body = body[len(opener) :]
        spec = Spec(
            place=orig.place,
            topic=orig.topic,
            category_id=orig.category_id,
            profile=orig.profile,
            urgency=orig.urgency,
            channel=rng.choice(("portal", "hotline", "grid_worker")),
            created=created,
            description=rng.choice(words.COPY_OPENERS) + body,
            routed=orig.routed,
            copy_of=orig,
        )
        self._who(spec, f"{orig.place.code}:{i}", rng)
        return spec
