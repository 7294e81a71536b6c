"""The figures a county judges itself by (接诉即办考核), from the requests'
stored facts. Formulas (docs/decisions/0010-figures.md):

- 响应率 response rate: responded in time / due to respond. Responded in
  time = signed (or settled on the spot by the grid) with no escalation for
  lateness before; due = those responded plus those whose sign limit has
  passed without it.
- 解决率 resolution rate: ratings "solved" / ratings given.
- 满意率 satisfaction rate: ratings 基本满意 or better / ratings given.
  Every rating counts — the one that sent a matter back to be redone as
  well as the last — so a redo does not wash out the dissatisfaction.
- 综合得分 score: weighted sum of the three (default 30/35/35,
  ``WANGGE_SCORE_WEIGHTS``).
- 按时办结率: finished by the finish limit / finished (with a limit).
- 退回率: returned at least once / all. 重办率: redone at least once /
  rated at least once.
- 自处置占比: settled by the grid itself / all.
- 办结层级: of those finished, the share finished by a grid, a village
  committee, a town office, a county department.

A rate with nothing to count is None (shown as "—"), never 0 or 100 %.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Facts:
    """What the figures need of one request."""

    signed: bool  # signed, or settled on the spot
    escalated_before_sign: bool
    sign_overdue: bool  # not signed and the sign limit has passed
    finished: bool
    finished_on_time: bool | None  # None: no finish limit known
    finished_by: str  # unit kind of the unit that finished it ("" if not finished)
    # Every rating given, in order: (solved, satisfied = rating >= 3).
    ratings: tuple[tuple[bool, bool], ...]
    returned: bool
    redone: bool
    self_handled: bool


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Figures:
    count: int = 0
    response: float | None = None
    resolution: float | None = None
    satisfaction: float | None = None
    score: float | None = None
    on_time_finish: float | None = None
    returned: float | None = None
    redone: float | None = None
    self_handled: float | None = None
    finished_at_level: dict[str, float] = field(default_factory=dict)


def compute(facts: Iterable[Facts], weights: tuple[float, float, float] = (30, 35, 35)) -> Figures:
    rows = list(facts)
    n = len(rows)
    responded = sum(1 for f in rows if f.signed and not f.escalated_before_sign)
    due = sum(1 for f in rows if f.signed or f.sign_overdue)
    rated = [f for f in rows if f.ratings]
    ratings = [r for f in rated for r in f.ratings]
    finished = [f for f in rows if f.finished]
    timed = [f for f in finished if f.finished_on_time is not None]
    levels = Counter(f.finished_by for f in finished)
    out = Figures(
        count=n,
        response=_rate(responded, due),
        resolution=_rate(sum(solved for solved, _ in ratings), len(ratings)),
        satisfaction=_rate(sum(satisfied for _, satisfied in ratings), len(ratings)),
        on_time_finish=_rate(sum(bool(f.finished_on_time) for f in timed), len(timed)),
        returned=_rate(sum(f.returned for f in rows), n),
        redone=_rate(sum(f.redone for f in rated), len(rated)),
        self_handled=_rate(sum(f.self_handled for f in rows), n),
        finished_at_level={k: v / len(finished) for k, v in levels.items()} if finished else {},
    )
    parts = [p for p in (out.response, out.resolution, out.satisfaction) if p is not None]
    if len(parts) == 3:
        out.score = sum(w * p for w, p in zip(weights, parts, strict=True)) / sum(weights)
    return out


def parse_weights(text: str) -> tuple[float, float, float]:
    """``"30,35,35"`` → weights of response, resolution, satisfaction."""
    parts = [float(x) for x in text.split(",")]
    if len(parts) != 3 or any(p < 0 for p in parts) or not sum(parts):
        raise ValueError("three non-negative weights, not all zero, e.g. 30,35,35")
    return parts[0], parts[1], parts[2]


@dataclass
class _Flags:
    first_escalation: dt.datetime | None = None
    returned: bool = False
    self_handled: bool = False
    finished_by: str = ""
    ratings: list[tuple[bool, bool]] = field(default_factory=list)


GROUPINGS = {"county": "按县区", "town": "按镇街", "village": "按村社区", "unit": "按承办单位",
             "month": "按月份"}  # fmt: skip


def _head(path: str, depth: int) -> str:
    """The first ``depth`` codes of a path: the ancestor at that level."""
    return "/".join(path.split("/")[:depth]) + "/"


def month_of(when: dt.datetime) -> str:
    return f"{when:%Y-%m}"


def figures_for(
    user: object, *, since: dt.date, until: dt.date, by: str = "town"
) -> dict[str, Figures]:
    """Figures of the requests the user may see, submitted between the two
    dates, grouped ``by`` the place's county, town or village, the unit
    holding it, or the month; the whole under the key "合计".

    A year of a county is some 60,000 requests: the yes/no facts are worked
    out by the database (no datetime is turned into Python per row but the
    signing time), and the timeline is read in three narrow queries."""
    from django.conf import settings
    from django.db.models import BooleanField, Case, ExpressionWrapper, F, Min, Q, When
    from django.utils import timezone

    from wangge.dispatch.models import Request, RequestEvent, State
    from wangge.dispatch.selectors import _visible_q
    from wangge.territory.models import Area

    if by not in GROUPINGS:
        raise ValueError(by)
    now = timezone.now()
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(since, dt.time(), tz)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tz)
    chosen = Request.objects.filter(
        _visible_q(user), created_at__gte=start, created_at__lt=end
    ).exclude(state__in=[State.MERGED, State.REJECTED])

    def yes(q: Q) -> ExpressionWrapper:
        return ExpressionWrapper(q, output_field=BooleanField())

    rows = list(
        chosen.annotate(
            is_finished=yes(Q(finished_at__isnull=False)),
            sign_late=yes(Q(signed_at__isnull=True, sign_due__lt=now)),
            on_time=Case(
                When(Q(finished_at__isnull=True) | Q(finish_due__isnull=True), then=None),
                When(finished_at__lte=F("finish_due"), then=True),
                default=False,
                output_field=BooleanField(null=True),
            ),
        ).values_list(
            "pk", "area_path", "unit__name", "signed_at", "is_finished", "sign_late", "on_time",
            "rating", "solved", "redo_count", *(["created_at"] if by == "month" else []),
        )
    )  # fmt: skip
    flags = {r[0]: _Flags() for r in rows}
    events = RequestEvent.objects.filter(request__in=chosen.values("pk"))
    for rid, first in (
        events.filter(action="escalate").values("request_id").annotate(first=Min("at"))
    ).values_list("request_id", "first"):
        flags[rid].first_escalation = first
    for rid, action, kind, rating, solved in (
        events.filter(Q(action__in=["return", "self_handle", "finish"]) | Q(rating__isnull=False))
        .order_by("pk")
        .values_list("request_id", "action", "unit__kind", "rating", "solved")
    ):
        f = flags[rid]
        if rating is not None:
            f.ratings.append((bool(solved), rating >= 3))
        elif action == "return":
            f.returned = True
        else:
            f.self_handled = f.self_handled or action == "self_handle"
            f.finished_by = kind or ""
    # An area grouping names the place at that depth of its path; a
    # village's name is given with its town's, as names repeat across towns.
    depth = {"county": 2, "town": 3, "village": 4}.get(by, 0)
    names: dict[str, str] = {}
    if depth:
        levels = ["county", "town", "village"][: depth - 1]
        named = dict(Area.objects.filter(level__in=levels).values_list("path", "name"))
        names = {p: named[p] for p in named if p.count("/") == depth}
        if by == "village":
            names = {p: f"{named.get(_head(p, 3), '')}·{n}" for p, n in names.items()}
    groups: dict[str, list[Facts]] = {"合计": []}
    for (
        pk,
        path,
        unit,
        signed_at,
        finished,
        sign_late,
        on_time,
        rating,
        solved,
        redo,
        *month,
    ) in rows:
        f = flags[pk]
        escalated = f.first_escalation
        facts = Facts(
            signed=signed_at is not None,
            escalated_before_sign=bool(escalated and (not signed_at or escalated < signed_at)),
            sign_overdue=bool(sign_late),
            finished=bool(finished),
            finished_on_time=on_time,
            finished_by=f.finished_by if finished else "",
            # Rows from before ratings were kept per step: their last one.
            ratings=tuple(f.ratings)
            or (((bool(solved), rating >= 3),) if rating is not None else ()),
            returned=f.returned,
            redone=redo > 0,
            self_handled=f.self_handled,
        )
        if depth:
            key = names.get(_head(path, depth), "其他")
        elif by == "unit":
            key = unit
        else:
            key = month_of(timezone.localtime(month[0]))
        groups.setdefault(key, []).append(facts)
        groups["合计"].append(facts)
    weights = parse_weights(getattr(settings, "WANGGE_SCORE_WEIGHTS", "30,35,35"))
    return {k: compute(v, weights) for k, v in groups.items()}
