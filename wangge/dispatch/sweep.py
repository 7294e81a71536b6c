"""The deadline sweep (run every few minutes by the background worker).

From stored timestamps only, so a restart, a stopped worker or two sweeps
at once lose or double nothing: a matter not signed in time is urged and
escalated one level up the ladder (grid → village → town → county command
centre; a department → the command centre), which starts a new limit; a
matter not finished in time is urged once per deadline; a whistled helper
that has not reported in is urged once. Each act is a step
on the request's timeline, taken only if nobody changed the request
meanwhile (``flow._step``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wangge.accounts.models import Unit, UnitKind
from wangge.core.errors import DomainError
from wangge.dispatch import notices
from wangge.dispatch.flow import _due, _step
from wangge.dispatch.models import Assist, AssistRole, Request, RequestEvent, State
from wangge.dispatch.routing import unit_over

_UP: dict[str, str] = {
    UnitKind.GRID: UnitKind.VILLAGE_COMMITTEE,
    UnitKind.VILLAGE_COMMITTEE: UnitKind.TOWN_OFFICE,
    UnitKind.TOWN_OFFICE: UnitKind.COMMAND_CENTRE,
    UnitKind.DEPARTMENT: UnitKind.COMMAND_CENTRE,
}


@dataclass
class SweepReport:
    escalated: int = 0
    urged: int = 0
    skipped: int = 0  # changed by someone while the sweep looked
    warned: int = 0


def one_level_up(request: Request) -> Unit | None:
    """The unit one step up the ladder from the holder, over the place."""
    kind = _UP.get(request.unit.kind)
    if kind is None:
        return None
    return unit_over(request.area_path, kind)


def sweep(now: dt.datetime | None = None) -> SweepReport:
    now = now or timezone.now()
    report = SweepReport()
    late_signing = Request.objects.filter(
        state__in=[State.SUBMITTED, State.DISPATCHED], sign_due__lt=now
    ).select_related("unit", "category")
    for r in late_signing:
        up = one_level_up(r)
        try:
            if up is None:
                if r.urged_for == r.sign_due:
                    continue
                _step(
                    r,
                    actor=None,
                    acting=None,
                    expected={r.state},
                    action="urge",
                    note=f"签收超时,系统催办{r.unit.name}",
                    to_state=r.state,
                    urged_for=r.sign_due,
                )
                report.urged += 1
                continue
            _step(
                r,
                actor=None,
                acting=None,
                expected={State.SUBMITTED, State.DISPATCHED},
                action="escalate",
                note=f"{r.unit.name}签收超时,系统催办并上报{up.name}",
                to_state=State.DISPATCHED,
                unit=up,
                responsible=r.responsible or r.unit,
                sign_due=_due(r, "sign", now),
            )
            report.escalated += 1
        except DomainError:
            report.skipped += 1
    late_finishing = Request.objects.filter(state=State.SIGNED, finish_due__lt=now).select_related(
        "unit"
    )
    for r in late_finishing:
        if r.urged_for == r.finish_due:
            continue
        try:
            _step(
                r,
                actor=None,
                acting=None,
                expected={State.SIGNED},
                action="urge",
                note=f"办结超时,系统催办{r.unit.name}",
                to_state=State.SIGNED,
                urged_for=r.finish_due,
            )
            report.urged += 1
        except DomainError:
            report.skipped += 1
    report.urged += _urge_helpers(now)
    report.urged += _urge_late_steps(now)
    report.warned = _warn(now)
    return report


# The steps after signing with their own clocks: who is late when each
# runs out. (Signing and finishing are handled above.)
_LATE_STEPS: tuple[tuple[str, str, list[str], tuple[str, ...]], ...] = (
    ("contact", "首次联系", [State.SIGNED, State.EXTENSION_PENDING], ("contacted_at",)),
    ("check", "现场核查", [State.FINISHED], ()),
    ("callback", "回访", [State.CHECKED], ()),
)


def _urge_late_steps(now: dt.datetime) -> int:
    """A late first contact urges the holder, a late check the grid, a late
    call back the town office — once per deadline (the message's once-key
    and the timeline line commit together)."""
    urged = 0
    for step, label, states, still in _LATE_STEPS:
        late = Request.objects.filter(
            state__in=states, **{f"{step}_due__lt": now}, **{f"{k}__isnull": True for k in still}
        ).select_related("unit", "grid")
        for r in late:
            due = getattr(r, f"{step}_due")
            with transaction.atomic():
                unit = notices.late(r, step, label, due)
                if unit is None:
                    continue
                RequestEvent.objects.create(
                    request=r,
                    unit=unit,
                    action="urge",
                    note=f"{label}超时,系统催办{unit.name}",
                    state_after=r.state,
                )
                urged += 1
    return urged


def warn_window(step: str) -> dt.timedelta:
    hours = {"sign": 2, "finish": 24, **getattr(settings, "WANGGE_WARN_BEFORE_HOURS", {})}
    return dt.timedelta(hours=hours[step])


def _warn(now: dt.datetime) -> int:
    """Tell the holder before a deadline: within the warning window of the
    step (``WANGGE_WARN_BEFORE_HOURS``, default 2 hours before signing, 24
    before finishing), but never earlier than the last quarter of the time
    since arrival — an emergency's short limit gets a short warning. Once
    per deadline (the message's once-key)."""
    warned = 0
    for step, states in (("sign", [State.SUBMITTED, State.DISPATCHED]), ("finish", [State.SIGNED])):
        field = f"{step}_due"
        near = Request.objects.filter(
            state__in=states, **{f"{field}__gt": now, f"{field}__lte": now + warn_window(step)}
        ).select_related("unit", "category")
        for r in near:
            due = getattr(r, field)
            if due - now > (due - r.created_at) / 4:
                continue
            with transaction.atomic():
                warned += notices.warn(r, step, due)
    return warned


def _urge_helpers(now: dt.datetime) -> int:
    """Whistled helpers that have not reported in by their limit are urged,
    once: the conditional update makes a second sweep a no-op."""
    urged = 0
    late = Assist.objects.filter(
        role=AssistRole.HELP,
        signed_at__isnull=True,
        urged_at__isnull=True,
        sign_due__lt=now,
        request__state__in=[State.DISPATCHED, State.SIGNED, State.EXTENSION_PENDING],
    ).select_related("unit", "request")
    for a in late:
        with transaction.atomic():
            if not Assist.objects.filter(pk=a.pk, urged_at__isnull=True).update(urged_at=now):
                continue
            RequestEvent.objects.create(
                request=a.request,
                unit=a.unit,
                action="urge",
                note=f"{a.unit.name}报到超时,系统催办",
                state_after=a.request.state,
            )
            notices.helper_urged(a.request, a.unit)
            urged += 1
    return urged
