"""One request's life, step by step as the real flow takes it
(``wangge.dispatch.flow``, ``whistle``, ``sweep``, ``duplicates``): the same
actions, states, notes, acting units and deadlines, in time order, up to
"now" — what is still to happen then has not happened, so recent matters
stay open in whatever state they have reached.

Each step method mirrors one service and changes the same fields; the
deadline sweep (escalate an unsigned matter one level up, urge an unfinished
one once per deadline, urge a late helper once) runs between steps from the
stored deadlines, as the worker does every five minutes.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from wangge.accounts.models import UnitKind
from wangge.demo.history.world import Spec, UnitRef, World
from wangge.dispatch.flow import RATINGS
from wangge.dispatch.models import Channel, State
from wangge.timelimits.clock import BEIJING

SWEEP_EVERY = 300  # seconds: the worker's deadline sweep runs every five minutes
_SECOND = dt.timedelta(seconds=1)
SUBMITTED, DISPATCHED, SIGNED = State.SUBMITTED, State.DISPATCHED, State.SIGNED
GRID, VILLAGE, TOWN = UnitKind.GRID, UnitKind.VILLAGE_COMMITTEE, UnitKind.TOWN_OFFICE
DEPARTMENT = UnitKind.DEPARTMENT


class Stop(Exception):
    """The next step would come after "now": the life ends here, for now."""


Event = tuple[dt.datetime, int | None, int | None, str, str, str, int | None, bool | None]


@dataclass
class AssistRow:
    unit: UnitRef
    role: str
    sign_due: dt.datetime
    created: dt.datetime
    signed_at: dt.datetime | None = None
    urged_at: dt.datetime | None = None
    done_at: dt.datetime | None = None
    note: str = ""


@dataclass
class ExtensionRow:
    unit: UnitRef
    days: int
    reason: str
    asked_by: int | None
    asked_at: dt.datetime
    decided_at: dt.datetime | None = None
    approved: bool | None = None
    decision_note: str = ""


class Life:
    """The request's fields as the services leave them, and its timeline."""

    def __init__(self, world: World, spec: Spec, rng: random.Random) -> None:
        self.w, self.s, self.rng = world, spec, rng
        self.state: str = SUBMITTED
        self.unit = spec.routed
        self.responsible: UnitRef | None = None
        self.sign_due: dt.datetime | None = None
        self.finish_due: dt.datetime | None = None
        self.urged_for: dt.datetime | None = None
        self.signed_at: dt.datetime | None = None
        self.finished_at: dt.datetime | None = None
        self.result = ""
        self.checked_at: dt.datetime | None = None
        self.solved: bool | None = None
        self.rating: int | None = None
        self.redo_count = 0
        self.closed_at: dt.datetime | None = None
        self.plan = ""
        self.version = 0
        self.duplicate_of: Spec | None = None
        self.events: list[Event] = []
        self.assists: list[AssistRow] = []
        self.extensions: list[ExtensionRow] = []
        self.last = spec.created
        # The sweep runs on the five-minute mark and takes a few seconds to
        # reach this request.
        self.lag = rng.randint(2, 40)

    # -- time ----------------------------------------------------------

    def _record(
        self, at: dt.datetime, actor: int | None, unit: UnitRef | None, action: str, note: str,
        rated: tuple[int, bool] | None = None,
    ) -> None:  # fmt: skip
        rating, solved = rated if rated else (None, None)
        self.events.append(
            (at, actor, unit.id if unit else None, action, note, self.state, rating, solved)
        )
        self.last = at

    def at(self, t: dt.datetime) -> dt.datetime:
        """The moment for the next step (after the last one, after anything
        the sweep did meanwhile); ``Stop`` if that is after "now"."""
        t = max(t, self.last + _SECOND)
        self.sweep(t)
        t = max(t, self.last + _SECOND)
        if t > self.w.now:
            raise Stop
        return t

    def _sweep_at(self, due: dt.datetime) -> dt.datetime:
        """When the sweep first finds ``due`` passed (and the last step done)."""
        base = int(max(due, self.last).timestamp()) // SWEEP_EVERY * SWEEP_EVERY
        return dt.datetime.fromtimestamp(base + SWEEP_EVERY + self.lag, BEIJING)

    def wait(self, until: dt.datetime) -> None:
        """Let time pass (the sweep acts meanwhile); ``Stop`` past "now"."""
        if until > self.w.now:
            raise Stop
        self.sweep(until)

    def sweep(self, until: dt.datetime) -> None:
        """What the deadline sweep does before ``until``: urge a matter not
        finished in time (once per deadline), urge whistled helpers late to
        report in (once), escalate a matter not signed in time."""
        limit = min(until, self.w.now)
        while True:
            if (
                self.state in (SUBMITTED, DISPATCHED)
                and self.sign_due is not None
                and self.urged_for != self.sign_due
            ):
                t = self._sweep_at(self.sign_due)
                if t >= limit:
                    break
                up = self.one_level_up()
                if up is None:
                    self._step_urge(t, f"签收超时,系统催办{self.unit.name}", self.sign_due)
                else:
                    self._escalate(t, up)
                continue
            if (
                self.state == SIGNED
                and self.finish_due is not None
                and self.urged_for != self.finish_due
            ):
                t = self._sweep_at(self.finish_due)
                if t >= limit:
                    break
                self._step_urge(t, f"办结超时,系统催办{self.unit.name}", self.finish_due)
                continue
            break
        if self.state in (DISPATCHED, SIGNED, State.EXTENSION_PENDING):
            for a in self.assists:
                if a.role == "help" and a.signed_at is None and a.urged_at is None:
                    t = self._sweep_at(a.sign_due)
                    if t < limit:
                        a.urged_at = t
                        self._record(t, None, a.unit, "urge", f"{a.unit.name}报到超时,系统催办")

    def finish_sweep(self) -> None:
        self.sweep(self.w.now)

    def due(self, start: dt.datetime, step: str) -> dt.datetime:
        return self.w.due(start, self.s.profile, self.s.urgency, step)

    def soon(
        self, deadline: dt.datetime | None, share: tuple[float, float] = (0.05, 0.85)
    ) -> dt.datetime:
        """A moment before ``deadline``: in office hours for ordinary
        matters, at once (any hour) for emergencies."""
        start = self.last
        if deadline is None or deadline <= start:
            return start + dt.timedelta(minutes=self.rng.randint(5, 90))
        u = self.rng.uniform(*share)
        if self.s.profile == "emergency" or self.s.urgency == "urgent":
            room = min(deadline - start, dt.timedelta(minutes=90))
            return start + room * u
        clock = self.w.clock
        work = clock.elapsed(start, deadline, "hours")
        if work < 120:
            return start + (deadline - start) * u
        return clock.advance(start, work * u, "hours")

    def within(self, deadline: dt.datetime, skew: float = 1.6) -> dt.datetime:
        """An office moment between the last step and ``deadline``."""
        t = self.w.workdays.moment(self.last, deadline, self.rng, skew)
        return t if t is not None else self.last + (deadline - self.last) / 2

    def after_days(self, lo: int, hi: int, skew: float = 1.0) -> dt.datetime:
        """An office moment within ``lo``..``hi`` working days from the last
        step (and not in the same breath: someone else takes it up)."""
        wd = self.w.workdays
        start = self.last + dt.timedelta(minutes=self.rng.randint(8, 50))
        if lo:
            day = wd.shift(start.astimezone(BEIJING).date(), lo)
            start = max(start, dt.datetime.combine(day, dt.time(), BEIJING))
        end_day = wd.shift(self.last.astimezone(BEIJING).date(), max(hi, 1))
        end = dt.datetime.combine(end_day + dt.timedelta(days=1), dt.time(), BEIJING)
        t = wd.moment(start, end, self.rng, skew)
        return t if t is not None else start + dt.timedelta(hours=2)

    # -- who -----------------------------------------------------------

    def over(self) -> UnitRef:
        """Who calls back and puts on the long-term list: the county command
        centre for hotline matters, else the town."""
        return self.w.command if self.s.channel == "hotline" else self.s.place.town

    def above_holder(self) -> UnitRef:
        """Who decides the holder's extension and supervises it: the command
        centre over departments and towns, the town over the rest."""
        if self.unit.kind in (DEPARTMENT, TOWN):
            return self.w.command
        return self.s.place.town

    def one_level_up(self) -> UnitRef | None:
        kind = self.unit.kind
        if kind == GRID:
            return self.s.place.village
        if kind == VILLAGE:
            return self.s.place.town
        if kind in (TOWN, DEPARTMENT):
            return self.w.command
        return None

    # -- the steps (one per service) -----------------------------------

    def _move(self, t: dt.datetime, actor: int | None, acting: UnitRef | None, action: str,
              note: str, state: str, rated: tuple[int, bool] | None = None) -> None:  # fmt: skip
        self.state = str(state)  # the plain value: drivers may write an enum by its name
        self.version += 1
        self._record(t, actor, acting, action, note, rated)

    def submit(self) -> None:
        s = self.s
        self.sign_due = self.due(s.created, "sign")
        self._record(s.created, s.created_by, s.routed, "submit",
                     f"经{Channel(s.channel).label}提交,派往{s.routed.name}")  # fmt: skip

    def _escalate(self, t: dt.datetime, up: UnitRef) -> None:
        note = f"{self.unit.name}签收超时,系统催办并上报{up.name}"
        self.responsible = self.responsible or self.unit
        self.unit = up
        self.sign_due = self.due(t, "sign")
        self._move(t, None, None, "escalate", note, DISPATCHED)

    def _step_urge(self, t: dt.datetime, note: str, deadline: dt.datetime) -> None:
        self.urged_for = deadline
        self._move(t, None, None, "urge", note, self.state)

    def late_to_sign(self) -> None:
        """The holder lets the sign limit pass: the sweep escalates."""
        assert self.sign_due is not None
        self.wait(self._sweep_at(self.sign_due) + _SECOND)

    def dispatch(self, t: dt.datetime, by: UnitRef, target: UnitRef, note: str = "") -> None:
        t = self.at(t)
        self.responsible = self.responsible or self.unit
        self.unit = target
        self.sign_due = self.due(t, "sign")
        self._move(t, by.user, by, "dispatch", f"派往{target.name}" + (f":{note}" if note else ""),
                   DISPATCHED)  # fmt: skip

    def sign(self, t: dt.datetime) -> None:
        t = self.at(t)
        for a in self.assists:
            if a.unit.id == self.unit.id and a.role == "lead" and a.signed_at is None:
                a.signed_at = t
        self.responsible = None
        self.signed_at = t
        self.finish_due = self.due(self.s.created, "finish")
        self._move(t, self.unit.user, self.unit, "sign", f"{self.unit.name}签收", SIGNED)

    def ret(self, t: dt.datetime, reason: str) -> None:
        t = self.at(t)
        holder, office = self.unit, self.s.place.town
        self.responsible = self.responsible or holder
        self.unit = office
        self.sign_due = self.due(t, "sign")
        self._move(t, holder.user, holder, "return", f"退回{office.name}:{reason}", SUBMITTED)

    def transfer(self, t: dt.datetime, target: UnitRef, reason: str) -> None:
        t = self.at(t)
        holder = self.unit
        for a in self.assists:
            if a.unit.id == holder.id and a.role == "lead":
                self.assists.remove(a)
                self.assists.append(AssistRow(target, "lead", a.sign_due, t))
                break
        self.unit = target
        self.responsible = holder
        self.sign_due = self.due(t, "sign")
        self.signed_at = None
        self._move(t, holder.user, holder, "transfer", f"转办{target.name}:{reason}", DISPATCHED)

    def self_handle(self, t: dt.datetime, result: str) -> None:
        t = self.at(t)
        self.responsible = None
        self.signed_at = self.finished_at = t
        self.result = result
        self._move(t, self.unit.user, self.unit, "self_handle", result, State.FINISHED)

    def whistle(self, t: dt.datetime, lead: UnitRef, helpers: list[UnitRef], note: str) -> None:
        t = self.at(t)
        by = self.s.place.town
        names = f"牵头:{lead.name}" + (
            f";协办:{'、'.join(u.name for u in helpers)}" if helpers else ""
        )
        self.responsible = self.responsible or self.unit
        self.unit = lead
        self.sign_due = self.due(t, "sign")
        self.signed_at = None
        self.assists = [a for a in self.assists if a.signed_at is not None]
        for u, role in [(lead, "lead")] + [(h, "help") for h in helpers]:
            self.assists = [a for a in self.assists if a.unit.id != u.id]
            self.assists.append(AssistRow(u, role, self.sign_due, t))
        self._move(t, by.user, by, "whistle", f"吹哨 {names}" + (f"。{note}" if note else ""),
                   DISPATCHED)  # fmt: skip

    def report_in(self, t: dt.datetime, a: AssistRow, note: str = "") -> None:
        t = self.at(t)
        a.signed_at = t
        self._record(t, a.unit.user, a.unit, "report_in",
                     f"{a.unit.name}报到" + (f":{note}" if note else ""))  # fmt: skip

    def assist_done(self, t: dt.datetime, a: AssistRow, note: str) -> None:
        t = self.at(t)
        a.done_at, a.note = t, note
        self._record(t, a.unit.user, a.unit, "assist_done", f"{a.unit.name}协办:{note}")

    def finish(self, t: dt.datetime, result: str) -> None:
        t = self.at(t)
        self.finished_at, self.result = t, result
        self._move(t, self.unit.user, self.unit, "finish", result, State.FINISHED)

    def check(self, t: dt.datetime, passed: bool, note: str) -> None:
        t = self.at(t)
        grid = self.s.place.grid
        if passed:
            self.checked_at = t
            self._move(t, grid.user, grid, "check", note, State.CHECKED)
        else:
            self.finished_at = None
            self._move(t, grid.user, grid, "check_failed", note, SIGNED)

    def rate(self, t: dt.datetime, solved: bool, rating: int, note: str, *, resident: bool) -> None:
        """A call back by the office over the place, or the resident's own
        rating in the portal (``rated_outcome``)."""
        t = self.at(t)
        by = None if resident else self.over()
        text = f"{'已解决' if solved else '未解决'},{RATINGS[rating]}"
        if resident:
            text = "居民评价:" + text + (f"。{note}" if note else "")
        else:
            text += f":{note}" if note else ""
        action = "rate" if resident else "callback"
        self.solved, self.rating = solved, rating
        if solved and rating >= 3:
            self.closed_at = t
            self._move(t, by.user if by else None, by, action, text, State.CLOSED, (rating, solved))
            return
        self.redo_count += 1
        self.finished_at = self.checked_at = None
        self.finish_due = self.due(t, "finish")
        self._move(t, by.user if by else None, by, "redo", text, SIGNED, (rating, solved))

    def long_term(self, t: dt.datetime, plan: str) -> None:
        t = self.at(t)
        by = self.over()
        self.plan = plan
        self._move(t, by.user, by, "long_term", plan, State.LONG_TERM)

    def ask_extension(self, t: dt.datetime, days: int, reason: str) -> None:
        t = self.at(t)
        self.finish_due = None
        self.extensions.append(ExtensionRow(self.unit, days, reason, self.unit.user, t))
        self._move(t, self.unit.user, self.unit, "extension_ask",
                   f"申请延期 {days} 个工作日:{reason}", State.EXTENSION_PENDING)  # fmt: skip

    def decide_extension(self, t: dt.datetime, approve: bool) -> None:
        t = self.at(t)
        ext = self.extensions[-1]
        ext.decided_at, ext.approved = t, approve
        by = self.above_holder()
        limit = self.w.limits[(self.s.profile, self.s.urgency)]["finish"]
        clock = self.w.clock
        due = clock.deadline(
            self.s.created, limit, [(e.asked_at, e.decided_at) for e in self.extensions]
        )
        granted = sum(e.days for e in self.extensions if e.approved)
        if due is not None and granted:
            due = clock.advance(due, granted * 86400, "days")
        self.finish_due = due
        note = f"同意延期 {ext.days} 个工作日" if approve else "不同意延期"
        self._move(t, by.user, by, "extension_approve" if approve else "extension_refuse",
                   note, SIGNED)  # fmt: skip

    def supervise(self, t: dt.datetime, note: str) -> None:
        t = self.at(t)
        by = self.above_holder()
        self._move(t, by.user, by, "supervise", note, self.state)

    def merge(self, t: dt.datetime, into: Spec) -> None:
        t = self.at(t)
        by = self.s.place.town
        self.duplicate_of = into
        self.closed_at = t
        self._move(t, by.user, by, "merge", f"与 {into.number} 为同一事项,合并办理", State.MERGED)
