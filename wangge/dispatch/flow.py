"""The steps of a request after intake: dispatch, sign, return, self-handle,
finish. Each is allowed only to the unit that holds the matter (or, for
dispatch, the town office or command centre over its place), only from the
states it makes sense in, and is recorded on the timeline.

Concurrency: a step is one conditional UPDATE on the request's ``version``
and state. Two people acting on the same request at once — exactly one
wins; the other is told the request has just changed.

First-responder duty (首问负责): when a matter is sent on, the unit that
had it stays ``responsible`` until the new one signs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wangge.accounts.models import Unit, UnitKind
from wangge.accounts.selectors import units_for
from wangge.core.errors import DomainError
from wangge.dispatch import notices
from wangge.dispatch.models import Assist, AssistRole, Extension, Request, RequestEvent, State
from wangge.dispatch.routing import unit_over
from wangge.gridwork.cover import on_duty
from wangge.timelimits.services import limits_for, work_clock

_CONFLICT = "该诉求刚被他人处理,状态已变化,请刷新后再试"


def _due(request: Request, step: str, start: dt.datetime) -> dt.datetime | None:
    profile = request.category.profile_id or "standard"
    return work_clock().deadline(start, limits_for(profile, request.urgency)[step])


def _require_holder(actor: Any, request: Request) -> Unit:
    if request.unit_id not in units_for(actor):
        raise DomainError("forbidden", "只有当前承办单位可以执行此操作")
    return request.unit


def _step(
    request: Request,
    *,
    actor: Any,
    acting: Unit | None,
    expected: set[str],
    action: str,
    note: str,
    to_state: str,
    rated: tuple[int, bool] | None = None,
    **changes: Any,
) -> Request:
    """Move the request one step, if it is still in an expected state at the
    version the caller read; record it (with the rating given, if any);
    return it fresh."""
    if request.state not in expected:
        raise DomainError(
            "request.state", f"诉求当前为“{State(request.state).label}”,不能执行此操作"
        )
    if isinstance(changes.get("unit"), Unit):
        # Sent to another unit: the worker on duty, if it is a grid.
        duty = on_duty(changes["unit"].area_id) if changes["unit"].kind == UnitKind.GRID else None
        changes["assignee_id"] = duty.user_id if duty is not None else None
        note += duty.describe() if duty is not None else ""
    with transaction.atomic():
        moved = Request.objects.filter(
            pk=request.pk, version=request.version, state__in=expected
        ).update(state=to_state, version=F("version") + 1, updated_at=timezone.now(), **changes)
        if not moved:
            raise DomainError("request.conflict", _CONFLICT)
        RequestEvent.objects.create(
            request=request,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            unit=acting,
            action=action,
            note=note,
            state_after=to_state,
            rating=rated[0] if rated else None,
            solved=rated[1] if rated else None,
        )
        request.refresh_from_db()
        notices.after_step(request, action, note)
    return request


def _over_place(actor: Any, request: Request) -> Unit | None:
    """The actor's town office or command centre whose area holds the place."""
    for unit in Unit.objects.filter(
        pk__in=units_for(actor), kind__in=[UnitKind.TOWN_OFFICE, UnitKind.COMMAND_CENTRE]
    ).select_related("area"):
        if request.area_path.startswith(unit.area.path):
            return unit
    return None


def request_dispatch(*, actor: Any, request: Request, unit_code: str, note: str = "") -> Request:
    """Send the matter to a unit (定向派单): by the unit holding it, or by the
    town office or command centre over its place."""
    acting = _over_place(actor, request)
    if acting is None:
        acting = _require_holder(actor, request)
    target = Unit.objects.filter(code=unit_code, is_active=True).first()
    if target is None:
        raise DomainError("request.unit", "承办单位不存在")
    if target.pk == request.unit_id:
        raise DomainError("request.unit", "已在该单位,无需重复派单")
    now = timezone.now()
    return _step(
        request,
        actor=actor,
        acting=acting,
        expected={State.SUBMITTED, State.DISPATCHED},
        action="dispatch",
        note=f"派往{target.name}" + (f":{note.strip()}" if note.strip() else ""),
        to_state=State.DISPATCHED,
        unit=target,
        responsible=request.responsible or request.unit,
        sign_due=_due(request, "sign", now),
    )


def request_sign(*, actor: Any, request: Request) -> Request:
    """The unit holding the matter takes it on (签收): it is now theirs."""
    unit = _require_holder(actor, request)
    now = timezone.now()
    with transaction.atomic():
        # For a whistled matter, the lead's signing is its report-in too.
        Assist.objects.filter(
            request=request, unit=unit, role=AssistRole.LEAD, signed_at__isnull=True
        ).update(signed_at=now)
        return _step(
            request,
            actor=actor,
            acting=unit,
            expected={State.SUBMITTED, State.DISPATCHED},
            action="sign",
            note=f"{unit.name}签收",
            to_state=State.SIGNED,
            responsible=None,
            signed_at=now,
            finish_due=_due(request, "finish", request.created_at),
            # Someone must call the requester back within the contact limit
            # (nobody to call for an anonymous request, or one already called).
            contact_due=_due(request, "contact", now) if _callable(request) else None,
        )


def request_return(*, actor: Any, request: Request, reason: str) -> Request:
    """Not ours (退回): back to the town office of the place, with a reason,
    before the limit for signing runs out. The unit that had it before
    stays responsible."""
    unit = _require_holder(actor, request)
    reason = reason.strip()
    if len(reason) < 4:
        raise DomainError("request.reason", "请写明退回理由")
    if request.sign_due is not None and timezone.now() > request.sign_due:
        raise DomainError("request.return_late", "已超过签收时限,不能退回;请签收后办理,或申请转办")
    office = unit_over(request.area_path, UnitKind.TOWN_OFFICE)
    if office is None or office.pk == unit.pk:
        raise DomainError("request.return", "镇街办不能退回,请改派或申请上级协调")
    return _step(
        request,
        actor=actor,
        acting=unit,
        expected={State.SUBMITTED, State.DISPATCHED},
        action="return",
        note=f"退回{office.name}:{reason}",
        to_state=State.SUBMITTED,
        unit=office,
        responsible=request.responsible or unit,
        sign_due=_due(request, "sign", timezone.now()),
    )


def _callable(request: Request) -> bool:
    return not request.anonymous and bool(request.contact_phone_index) and not request.contacted_at


def request_contact(*, actor: Any, request: Request, note: str) -> Request:
    """首次联系: the unit handling the matter has talked to the requester
    (what was said, what happens next). Once; stops the contact clock."""
    unit = _require_holder(actor, request)
    if request.contacted_at is not None:
        raise DomainError("request.contact", "已记录过首次联系")
    if request.anonymous or not request.contact_phone_index:
        raise DomainError("request.contact", "匿名诉求没有联系方式")
    note = note.strip()
    if len(note) < 4:
        raise DomainError("request.note", "请写明联系情况")
    return _step(
        request,
        actor=actor,
        acting=unit,
        expected={State.SIGNED, State.EXTENSION_PENDING},
        action="contact",
        note=f"已联系诉求人:{note[:500]}",
        to_state=request.state,
        contacted_at=timezone.now(),
    )


def request_transfer(*, actor: Any, request: Request, unit_code: str, reason: str) -> Request:
    """转办: after signing, the holder finds the matter belongs elsewhere and
    passes it on with a reason. It stays responsible until the new unit
    signs; the finish limit still counts from the matter's arrival."""
    unit = _require_holder(actor, request)
    reason = reason.strip()
    if len(reason) < 4:
        raise DomainError("request.reason", "请写明转办理由")
    target = Unit.objects.filter(code=unit_code, is_active=True).first()
    if target is None:
        raise DomainError("request.unit", "承办单位不存在")
    if target.pk == unit.pk:
        raise DomainError("request.unit", "不能转给本单位")
    with transaction.atomic():
        # A whistled matter's lead hands the lead role on with it.
        lead = Assist.objects.filter(request=request, unit=unit, role=AssistRole.LEAD)
        if lead.exists():
            lead.delete()
            Assist.objects.update_or_create(
                request=request,
                unit=target,
                defaults={"role": AssistRole.LEAD, "signed_at": None, "done_at": None},
            )
        return _step(
            request,
            actor=actor,
            acting=unit,
            expected={State.SIGNED},
            action="transfer",
            note=f"转办{target.name}:{reason}",
            to_state=State.DISPATCHED,
            unit=target,
            responsible=unit,
            sign_due=_due(request, "sign", timezone.now()),
            signed_at=None,
        )


def request_self_handle(*, actor: Any, request: Request, result: str) -> Request:
    """The grid settles a small matter itself (自处置), on the spot."""
    unit = _require_holder(actor, request)
    if unit.kind != UnitKind.GRID:
        raise DomainError("request.self_handle", "只有网格可以就地自处置")
    result = _result(result)
    now = timezone.now()
    return _step(
        request,
        actor=actor,
        acting=unit,
        expected={State.SUBMITTED, State.DISPATCHED},
        action="self_handle",
        note=result,
        to_state=State.FINISHED,
        responsible=None,
        signed_at=now,
        finished_at=now,
        result=result,
        check_due=_due(request, "check", now),
    )


def request_finish(*, actor: Any, request: Request, result: str) -> Request:
    """The unit reports the result (办结); next, the on-site check."""
    unit = _require_holder(actor, request)
    result = _result(result)
    now = timezone.now()
    return _step(
        request,
        actor=actor,
        acting=unit,
        expected={State.SIGNED},
        action="finish",
        note=result,
        to_state=State.FINISHED,
        finished_at=now,
        result=result,
        check_due=_due(request, "check", now),
    )


def _result(text: str) -> str:
    text = text.strip()
    if len(text) < 5:
        raise DomainError("request.result", "请写明办理结果(至少 5 个字)")
    return text[:2000]


def request_check(*, actor: Any, request: Request, passed: bool, note: str) -> Request:
    """The grid worker checks on site (核查) what the unit reported done.
    Not done after all: back to the unit, to go on handling it."""
    grid_unit = Unit.objects.filter(kind=UnitKind.GRID, area=request.grid, is_active=True).first()
    if grid_unit is None or grid_unit.pk not in units_for(actor):
        raise DomainError("forbidden", "由该网格的网格员现场核查")
    note = note.strip()
    if not passed and len(note) < 4:
        raise DomainError("request.note", "核查未通过,请写明现场情况")
    if passed:
        return _step(
            request,
            actor=actor,
            acting=grid_unit,
            expected={State.FINISHED},
            action="check",
            note=note or "现场核查属实",
            to_state=State.CHECKED,
            checked_at=timezone.now(),
            callback_due=_due(request, "callback", timezone.now()),
        )
    return _step(
        request,
        actor=actor,
        acting=grid_unit,
        expected={State.FINISHED},
        action="check_failed",
        note=note,
        to_state=State.SIGNED,
        finished_at=None,
    )


RATINGS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}


def request_callback(
    *, actor: Any, request: Request, solved: bool, rating: int, note: str = ""
) -> Request:
    """Call back (回访): the resident says whether it is solved and how
    satisfied they are (see ``rated_outcome``)."""
    if rating not in RATINGS:
        raise DomainError("request.rating", "满意度应为 1(非常不满意)到 5(非常满意)")
    caller = _over_place(actor, request)
    if caller is None:
        raise DomainError("forbidden", "由镇街或指挥中心回访")
    text = f"{'已解决' if solved else '未解决'},{RATINGS[rating]}" + (
        f":{note.strip()}" if note.strip() else ""
    )
    return rated_outcome(
        request, actor=actor, acting=caller, expected={State.CHECKED}, action="callback",
        solved=solved, rating=rating, note=text,
    )  # fmt: skip


def rated_outcome(
    request: Request,
    *,
    actor: Any,
    acting: Unit | None,
    expected: set[str],
    action: str,
    solved: bool,
    rating: int,
    note: str,
) -> Request:
    """What a rating does, whoever gives it (a call back, or the resident in
    the portal): solved and at least 基本满意 closes the matter; otherwise it
    is done again (重办) by the same unit, with a fresh limit."""
    now = timezone.now()
    if solved and rating >= 3:
        return _step(
            request, actor=actor, acting=acting, expected=expected, action=action, note=note,
            to_state=State.CLOSED, solved=True, rating=rating, closed_at=now,
            rated=(rating, solved),
        )  # fmt: skip
    return _step(
        request, actor=actor, acting=acting, expected=expected, action="redo", note=note,
        to_state=State.SIGNED, solved=solved, rating=rating, redo_count=F("redo_count") + 1,
        finished_at=None, checked_at=None, finish_due=_due(request, "finish", now),
        rated=(rating, solved),
    )  # fmt: skip


def request_long_term(*, actor: Any, request: Request, plan: str) -> Request:
    """A matter that cannot be solved soon goes on the long-term list (挂账)
    with a plan, decided by the town office or command centre."""
    acting = _over_place(actor, request)
    if acting is None:
        raise DomainError("forbidden", "由镇街或指挥中心决定挂账")
    plan = plan.strip()
    if len(plan) < 10:
        raise DomainError("request.plan", "请写明化解计划(至少 10 个字)")
    return _step(
        request,
        actor=actor,
        acting=acting,
        expected={State.SUBMITTED, State.DISPATCHED, State.SIGNED},
        action="long_term",
        note=plan,
        to_state=State.LONG_TERM,
        plan=plan,
    )


MAX_EXTENSION_DAYS = 30


def _finish_due(request: Request) -> dt.datetime | None:
    """The finish deadline from the stored facts: the limit from arrival,
    the clock stopped during every extension request, plus the days granted."""
    profile = request.category.profile_id or "standard"
    limit = limits_for(profile, request.urgency)["finish"]
    clock = work_clock()
    extensions = list(request.extensions.all())
    pauses = [(e.asked_at, e.decided_at) for e in extensions]
    due = clock.deadline(request.created_at, limit, pauses)
    granted = sum(e.days for e in extensions if e.approved)
    if due is None or not granted:
        return due
    return clock.advance(due, granted * 86400, "days")


def request_extension_ask(*, actor: Any, request: Request, days: int, reason: str) -> Request:
    """The unit asks for more time (延期申请); the clock stops meanwhile."""
    unit = _require_holder(actor, request)
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise DomainError("request.days", f"延期天数应为 1 到 {MAX_EXTENSION_DAYS} 个工作日")
    reason = reason.strip()
    if len(reason) < 5:
        raise DomainError("request.reason", "请写明延期理由")
    now = timezone.now()
    with transaction.atomic():
        moved = _step(
            request,
            actor=actor,
            acting=unit,
            expected={State.SIGNED},
            action="extension_ask",
            note=f"申请延期 {days} 个工作日:{reason}",
            to_state=State.EXTENSION_PENDING,
            finish_due=None,
        )
        Extension.objects.create(
            request=request,
            unit=unit,
            days=days,
            reason=reason,
            asked_by=actor if getattr(actor, "is_authenticated", False) else None,
            asked_at=now,
        )
    return moved


def request_extension_decide(
    *, actor: Any, request: Request, approve: bool, note: str = ""
) -> Request:
    """The town office or command centre over the place approves or refuses;
    the clock runs again, with the granted days added."""
    acting = _over_place(actor, request)
    if acting is None:
        raise DomainError("forbidden", "由镇街或指挥中心审批延期")
    pending = request.extensions.filter(decided_at__isnull=True).first()
    if pending is None or request.state != State.EXTENSION_PENDING:
        raise DomainError("request.state", "没有待审批的延期申请")
    with transaction.atomic():
        Extension.objects.filter(pk=pending.pk, decided_at__isnull=True).update(
            decided_at=timezone.now(), approved=approve, decision_note=note.strip()
        )
        return _step(
            request,
            actor=actor,
            acting=acting,
            expected={State.EXTENSION_PENDING},
            action="extension_approve" if approve else "extension_refuse",
            note=(f"同意延期 {pending.days} 个工作日" if approve else "不同意延期")
            + (f":{note.strip()}" if note.strip() else ""),
            to_state=State.SIGNED,
            finish_due=_finish_due(request),
        )


def request_supervise(*, actor: Any, request: Request, note: str) -> Request:
    """督办: the town office or command centre presses the holder, on record."""
    acting = _over_place(actor, request)
    if acting is None:
        raise DomainError("forbidden", "由镇街或指挥中心督办")
    note = note.strip()
    if len(note) < 4:
        raise DomainError("request.note", "请写明督办意见")
    open_states: set[str] = {
        State.SUBMITTED,
        State.DISPATCHED,
        State.SIGNED,
        State.EXTENSION_PENDING,
        State.LONG_TERM,
    }
    return _step(
        request,
        actor=actor,
        acting=acting,
        expected=open_states,
        action="supervise",
        note=note,
        to_state=request.state,
    )
