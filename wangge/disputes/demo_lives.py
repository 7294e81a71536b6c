"""Lives of demo disputes: plain Python, no database. Each dispute is drawn
from its own seeded random stream — its type by a county's usual mix and
season (wages before the Spring Festival, family quarrels around it, land
at ploughing and harvest), its risk, how far up the ladder it went, how it
ended and the follow-up visits after — and stops at "now": recent ones are
still being mediated, a few follow-ups are late. The timeline written is
what the services would have written (``wangge.disputes.services``)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from wangge.disputes.ladder import FOLLOW_UP_DAYS
from wangge.disputes.models import LADDER, DisputeType, Level, Outcome, Risk, State
from wangge.timelimits.clock import BEIJING

SEED = "wangge-demo-disputes-v1"

# type: (weight, {month: weight} for the busy months, else 1)
TYPES: dict[str, tuple[int, dict[int, float]]] = {
    "neighbour": (30, {6: 1.4, 7: 1.5, 8: 1.3}),
    "family": (20, {1: 1.8, 2: 2.0, 10: 1.3}),
    "land": (18, {3: 1.8, 4: 1.8, 9: 1.5, 10: 1.6}),
    "labour": (10, {12: 2.5, 1: 3.0, 2: 1.5}),
    "debt": (10, {12: 1.6, 1: 1.8}),
    "property": (3, {}),
    "expropriation": (4, {5: 1.3, 6: 1.3}),
    "other": (5, {}),
}
RISK = {
    "labour": (45, 40, 15),
    "expropriation": (35, 40, 25),
    "land": (50, 35, 15),
}
DEFAULT_RISK = (65, 27, 8)  # low, medium, high
# Chance of going up one more level, by risk.
UP = {"low": (0.1, 0.15), "medium": (0.3, 0.25), "high": (0.65, 0.55)}
# Days from found to outcome, by risk.
DAYS = {"low": (1, 10), "medium": (4, 30), "high": (10, 60)}

WHAT = {
    "neighbour": [
        "宅前排水沟堵塞,雨水倒灌邻家",
        "鸡鸭进地啃食庄稼",
        "房檐滴水落到邻家院内",
        "共用通道堆放柴草杂物",
        "新建房屋遮挡邻家采光",
        "院边树木遮挡、落叶堵沟",
        "家犬咬伤邻居",
    ],
    "family": [
        "兄弟间赡养老人费用分担",
        "夫妻感情不和,一方要求离婚",
        "兄弟分家析产",
        "老人去世后宅基地继承",
        "离婚后子女抚养费给付",
    ],
    "land": [
        "承包地界址不清",
        "山林权属争议",
        "退耕还林补贴分配",
        "坟地占用他人耕地",
        "宅基地界址",
    ],
    "labour": ["在外务工工资被拖欠", "工地包工头拖欠工资", "务工受伤后工伤赔偿"],
    "debt": ["个人借款到期未还", "合伙养殖分红", "收购农产品货款未结"],
    "property": ["物业费收取与服务质量", "小区停车位使用", "电梯维修费用分摊"],
    "expropriation": ["道路拓宽占地补偿", "移民搬迁安置房分配", "房屋拆迁补偿标准"],
    "other": ["网购商品退换", "诊所就医费用", "农用车刮擦赔偿"],
}
EMPLOYERS = ["建筑劳务有限公司", "建材有限公司", "矿业有限公司", "农业开发有限公司"]
PROPERTY_FIRMS = ["物业服务有限公司", "物业管理有限公司"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许"
SESSION = {
    "grid": "网格员上门了解情况,分别做双方思想工作",
    "village": "村调委会召集双方及见证人在村委会调解",
    "town": "镇司法所会同村调委会现场查看后组织调解",
}
OUTCOME_NOTE = {
    Outcome.SETTLED: "双方达成一致,当场和解",
    Outcome.PARTIAL: "赔偿问题已谈妥,其余问题引导当事人通过法律途径解决",
    Outcome.UNSETTLED: "经多次调解分歧仍大,已告知当事人诉讼途径,落实稳控措施",
    Outcome.LITIGATION: "当事人已向人民法院起诉,网格员跟踪稳控",
    Outcome.ARBITRATION: "已引导当事人向县劳动人事争议仲裁委员会申请仲裁",
    Outcome.REFERRED: "已移交有关部门依法处理",
}


@dataclass
class Place:
    grid_id: int
    path: str
    county: str
    village: str  # its name
    worker: tuple[int | None, str]  # the grid worker (user id, name)
    secretary: tuple[int | None, str]
    town: tuple[int | None, str]
    urban: bool = False


@dataclass
class PartySpec:
    side: str
    kind: str
    name: str
    person_id: int | None = None
    household_id: int | None = None
    phone: str = ""


@dataclass
class StepSpec:
    at: dt.datetime
    action: str
    level: str
    note: str
    actor: int | None
    state_after: str
    held_at: dt.datetime | None = None
    mediators: str = ""
    result: str = ""


@dataclass
class FollowUpSpec:
    due_on: dt.date
    done_at: dt.datetime | None = None
    done_by: int | None = None
    result: str = ""
    note: str = ""
    cancelled: bool = False


@dataclass
class Life:
    place: Place
    type: str
    risk: str
    summary: str
    found_via: str
    found_on: dt.date
    created: dt.datetime
    parties: list[PartySpec]
    level: str = "grid"
    state: str = State.OPEN
    outcome: str = ""
    outcome_note: str = ""
    concluded_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    events: list[StepSpec] = field(default_factory=list)
    agreement: tuple[str, dt.date, dt.datetime] | None = None
    follow_ups: list[FollowUpSpec] = field(default_factory=list)

    @property
    def last(self) -> dt.datetime:
        return self.events[-1].at


def pick_type(rng: random.Random, *, urban: bool) -> str:
    """A type by the usual mix; property disputes only where there are
    estates (communities)."""
    names = [n for n in TYPES if urban or n != "property"]
    return rng.choices(names, weights=[TYPES[n][0] for n in names])[0]


def pick_day(rng: random.Random, kind: str, today: dt.date) -> dt.date:
    """A day of the last year, by the type's season (rejection sampling)."""
    busy = TYPES[kind][1]
    top = max([1.0, *busy.values()])
    while True:
        day = today - dt.timedelta(days=rng.randint(1, 365))
        if rng.random() * top <= busy.get(day.month, 1.0):
            return day


def _at(day: dt.date, rng: random.Random, start: int = 8, end: int = 18) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(rng.randint(start, end - 1), rng.randint(0, 59)))
    return local.replace(tzinfo=BEIJING).astimezone(dt.UTC)


def _daytime(at: dt.datetime) -> dt.datetime:
    """The moment squeezed into office hours of its day (00:00–24:00 onto
    08:00–20:00 Beijing): people mediate and record by day. Monotonic, so
    the order of a timeline is kept."""
    local = at.astimezone(BEIJING)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    squeezed = midnight + dt.timedelta(hours=8) + (local - midnight) / 2
    return squeezed.astimezone(dt.UTC)


def _outsider(rng: random.Random, kind: str, village: str) -> PartySpec:
    phone = f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"
    if kind == "labour":
        name = f"{rng.choice(SURNAMES)}氏{rng.choice(EMPLOYERS)}"
        return PartySpec("b", "organisation", f"丹凤县{name}"[:32], phone=phone)
    if kind == "property":
        return PartySpec(
            "b", "organisation", f"丹凤县{village[:2]}{rng.choice(PROPERTY_FIRMS)}", phone=phone
        )
    return PartySpec(
        "b", "person", rng.choice(SURNAMES) + rng.choice("军强平华明林峰勇"), phone=phone
    )


def live(
    rng: random.Random,
    place: Place,
    kind: str,
    found_on: dt.date,
    people: list[tuple[int, int, str]],  # (household, person, name) drawn for it
    now: dt.datetime,
) -> Life:
    """One dispute, lived up to ``now``."""
    risk = rng.choices(["low", "medium", "high"], weights=RISK.get(kind, DEFAULT_RISK))[0]
    what = rng.choice(WHAT[kind])
    a = people[0]
    parties = [PartySpec("a", "person", a[2], a[1], a[0])]
    if kind in ("labour", "property") or len(people) < 2 or (kind == "debt" and rng.random() < 0.4):
        parties.append(_outsider(rng, kind, place.village))
    else:
        b = people[1]
        parties.append(PartySpec("b", "person", b[2], b[1], b[0]))
    summary = f"{a[2]}与{parties[1].name}因{what}发生纠纷"[:100]
    via = rng.choices(["visit", "patrol", "report", "other"], weights=[45, 20, 30, 5])[0]
    created = _daytime(_at(found_on, rng) + dt.timedelta(hours=rng.randint(0, 20)))
    created = min(created, now - dt.timedelta(minutes=5))
    life = Life(place, kind, risk, summary, via, found_on, created, parties)
    worker = place.worker
    life.events.append(
        StepSpec(created, "register", "grid", f"登记{_label(kind)},{_risk(risk)}:{summary}",
                 worker[0], State.OPEN)
    )  # fmt: skip
    span = rng.randint(*DAYS[risk])
    end = _daytime(created + dt.timedelta(days=span, hours=rng.randint(1, 6)))
    # Squeezing into office hours can pull a late-afternoon moment back before
    # ``created``: every step comes after the registration it follows.
    end = max(end, created + dt.timedelta(hours=1))
    levels = ["grid"]
    for chance in UP[risk]:  # one level at a time: the town only after the village
        if rng.random() >= chance:
            break
        levels.append(LADDER[len(levels)])
    moments = sorted(
        max(
            created + dt.timedelta(minutes=20),
            _daytime(created + (end - created) * rng.uniform(0.05, 0.95)),
        )
        for _ in range(2 * len(levels))
    )
    for i, level in enumerate(levels):
        if i:
            # Reported up soon after the session that failed, before the next one.
            before, after = moments[2 * i - 2], moments[2 * i - 1]
            at = before + min(dt.timedelta(minutes=40), (after - before) / 2)
            if at > now:
                return life
            reason = "双方分歧较大,网格调解未果" if i == 1 else "涉及权属认定,需司法所介入"
            note = f"由{_level(levels[i - 1])}上报{_level(level)}:{reason}"
            life.level = level
            life.events.append(
                StepSpec(at, "escalate", level, note, _actor(place, levels[i - 1]), State.OPEN)
            )
        at = moments[2 * i]
        if at > now:
            return life
        last = i == len(levels) - 1
        result = "agreed" if last and rng.random() < 0.85 else rng.choice(["failed", "partly"])
        life.events.append(
            StepSpec(at, "mediate", level, SESSION[level], _actor(place, level), State.OPEN,
                     held_at=at - dt.timedelta(hours=2), mediators=_mediators(place, level),
                     result=result)
        )  # fmt: skip
    if end > now:
        return life
    outcome = _outcome(rng, kind, risk)
    actor = _actor(place, life.level)
    if outcome in (Outcome.SETTLED, Outcome.PARTIAL) and rng.random() < 0.8:
        text = f"甲乙双方就{what}自愿达成如下协议:一、……;二、……。本协议自双方签字之日起生效。"
        signed = end - min(dt.timedelta(minutes=30), (end - life.last) / 2)
        life.agreement = (text, signed.astimezone(BEIJING).date(), signed)
        life.events.append(
            StepSpec(signed, "agreement", life.level,
                     f"签订调解协议({signed.astimezone(BEIJING):%Y-%m-%d}):{text[:60]}", actor,
                     State.OPEN)
        )  # fmt: skip
    note = OUTCOME_NOTE[Outcome(outcome)]
    life.state, life.outcome, life.outcome_note, life.concluded_at = (
        State.FOLLOW_UP, outcome, note, end
    )  # fmt: skip
    life.events.append(
        StepSpec(end, "conclude", life.level, f"{Outcome(outcome).label}:{note}", actor,
                 State.FOLLOW_UP)
    )  # fmt: skip
    _follow_ups(rng, life, now)
    return life


def _follow_ups(rng: random.Random, life: Life, now: dt.datetime) -> None:
    assert life.concluded_at is not None
    day = life.concluded_at.astimezone(BEIJING).date()
    visits = [FollowUpSpec(day + dt.timedelta(days=d)) for d in FOLLOW_UP_DAYS]
    life.follow_ups = visits
    worker = life.place.worker[0]
    for n, v in enumerate(visits):
        late = rng.random() < 0.1
        when = v.due_on + dt.timedelta(days=rng.randint(3, 12) if late else -rng.randint(0, 3))
        at = max(_at(max(when, day), rng), life.last + dt.timedelta(minutes=10))
        if at > now or (rng.random() < 0.01 and v.due_on < now.date()):
            return  # not yet, or left undone (late)
        relapse = n == 0 and rng.random() < 0.02
        v.done_at, v.done_by = at, worker
        v.result = "relapse" if relapse else "stable"
        v.note = "双方再次发生争执" if relapse else "回访双方,协议履行良好,关系缓和"
        if relapse:
            life.state, life.outcome, life.concluded_at = State.OPEN, "", None
            for other in visits[1:]:
                other.cancelled = True
            life.events.append(
                StepSpec(at, "follow_up", life.level, f"回访:矛盾反复,重新调解。{v.note}", worker,
                         State.OPEN)
            )  # fmt: skip
            return
        closing = n == len(visits) - 1
        if closing:
            life.state, life.closed_at = State.CLOSED, at
        life.events.append(
            StepSpec(at, "follow_up", life.level,
                     f"回访:情况稳定{',结案' if closing else ''}。{v.note}", worker,
                     State.CLOSED if closing else State.FOLLOW_UP)
        )  # fmt: skip


def _outcome(rng: random.Random, kind: str, risk: str) -> str:
    if kind == "labour" and rng.random() < 0.12:
        return Outcome.ARBITRATION
    settled = {"low": 0.93, "medium": 0.85, "high": 0.7}[risk]
    if rng.random() < settled:
        return Outcome.SETTLED
    return rng.choices(
        [Outcome.PARTIAL, Outcome.UNSETTLED, Outcome.LITIGATION, Outcome.REFERRED],
        weights=[40, 20, 30, 10],
    )[0]


def _actor(place: Place, level: str) -> int | None:
    return {"grid": place.worker, "village": place.secretary, "town": place.town}[level][0]


def _mediators(place: Place, level: str) -> str:
    if level == "grid":
        return f"网格员{place.worker[1]}"
    if level == "village":
        return f"村调委会主任{place.secretary[1]}、网格员{place.worker[1]}"
    return f"镇司法所{place.town[1]}、村调委会主任{place.secretary[1]}"


def _label(kind: str) -> str:
    return DisputeType(kind).label


def _risk(risk: str) -> str:
    return Risk(risk).label


def _level(level: str) -> str:
    return Level(level).label
