"""Who is told what when a request moves: the one place that turns steps
into messages (``wangge.notify``). Called inside the step's transaction, so
a step and its messages commit together or not at all.

Residents hear of what they can act on or wait for: taken in, handled
(rate it), closed, redone, merged, put on the long-term list. Requesters of
merged copies hear of the main request's outcome too. Units hear of work
arriving, urging, supervision, failed checks, redo, extension decisions.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from wangge.accounts.models import Unit, UnitKind
from wangge.dispatch.models import Request, State
from wangge.dispatch.routing import unit_over
from wangge.gridwork.cover import on_duty
from wangge.notify.models import Audience, Message
from wangge.notify.services import message_to_resident, message_to_unit, messages_store


def when(at: dt.datetime | None) -> str:
    return timezone.localtime(at).strftime("%m月%d日 %H:%M") if at else "—"


def _residents(request: Request, body: str, kind: str) -> None:
    message_to_resident(
        phone_enc=request.contact_phone_enc,
        phone_index=request.contact_phone_index,
        body=body,
        kind=kind,
        request=request,
    )


def _outcome(request: Request, outcome: str, kind: str) -> None:
    """An outcome goes to the requester and to the requesters of the
    copies merged into this request."""
    _residents(request, f"您的诉求 {request.number} {outcome}", kind)
    for copy in Request.objects.filter(duplicate_of=request, state=State.MERGED).exclude(
        contact_phone_index=""
    ):
        _residents(copy, f"您的诉求 {copy.number}(与 {request.number} 合并办理){outcome}", kind)


def _person(unit: Unit) -> int | None:
    """Whom of a unit a message is for: a grid's worker on duty now (A, or
    B while A is away: ``gridwork.cover``); for other units, everyone."""
    return on_duty(unit.area_id).user_id if unit.kind == UnitKind.GRID else None


def _unit(unit: Unit | None, request: Request, body: str, kind: str) -> None:
    if unit is not None:
        message_to_unit(unit, body, kind=kind, request=request, user_id=_person(unit))


def _grid_unit(request: Request) -> Unit | None:
    return Unit.objects.filter(kind=UnitKind.GRID, area=request.grid, is_active=True).first()


def submitted(request: Request) -> None:
    """A new request: the requester gets its number, the unit the work."""
    told = [
        Message(
            audience=Audience.STAFF,
            unit=request.unit,
            user_id=request.assignee_id,
            request=request,
            kind="arrived",
            body=_arrival_text(request, "新诉求"),
        )
    ]
    if request.contact_phone_index:
        told.append(
            Message(
                audience=Audience.RESIDENT,
                phone_enc=request.contact_phone_enc,
                phone_index=request.contact_phone_index,
                request=request,
                kind="submitted",
                body=f"您的诉求已受理,编号 {request.number}。"
                "凭编号和手机号可在居民端查询办理进度。",
            )
        )
    messages_store(told)


def _arrival_text(request: Request, what: str) -> str:
    return (
        f"{what} {request.number}({request.category.name}):{request.description[:40]}。"
        f"请于 {when(request.sign_due)} 前签收。"
    )


def _arrived(request: Request, what: str) -> None:
    _unit(request.unit, request, _arrival_text(request, what), "arrived")


def after_step(request: Request, action: str, note: str) -> None:
    """Messages for one step just taken (``request`` as it is now)."""
    n = request.number
    if action in ("dispatch", "return", "escalate", "transfer"):
        _arrived(request, {"escalate": "上报诉求", "return": "退回诉求"}.get(action, "派来诉求"))
    elif action == "urge":
        _unit(request.unit, request, f"诉求 {n} {note}。请尽快办理。", "urge")
    elif action == "supervise":
        _unit(request.unit, request, f"诉求 {n} 被督办:{note}", "supervise")
    elif action in ("finish", "self_handle"):
        _outcome(request, f"已办理:{request.result[:80]}。请在居民端评价是否满意。", "finished")
        if action == "finish":
            _unit(_grid_unit(request), request, f"诉求 {n} 已办结,请到现场核查。", "check")
    elif action == "check_failed":
        _unit(request.unit, request, f"诉求 {n} 现场核查未通过:{note}。请继续办理。", "check")
    elif action == "extension_ask":
        town = unit_over(request.area_path, UnitKind.TOWN_OFFICE)
        _unit(town, request, f"诉求 {n} {request.unit.name}{note},请审批。", "extension")
    elif action in ("extension_approve", "extension_refuse"):
        _unit(request.unit, request, f"诉求 {n}:{note}。办结时限 {when(request.finish_due)}。",
              "extension")  # fmt: skip
    elif action in ("callback", "rate") and request.state == State.CLOSED:
        _outcome(request, "已办结,感谢您的评价。", "closed")
    elif action == "redo":
        _unit(request.unit, request,
              f"诉求 {n} 群众评价不满意({note}),请重新办理,办结时限 {when(request.finish_due)}。",
              "redo")  # fmt: skip
        _residents(request, f"您的诉求 {n} 将重新办理,我们会尽快给您答复。", "redo")
    elif action == "merge" and request.duplicate_of is not None:
        main = request.duplicate_of
        _residents(
            request,
            f"您的诉求 {n} 与 {main.number} 为同一事项,已合并办理,办理结果将一并告知您。",
            "merged",
        )
    elif action == "long_term":
        _residents(request, f"您的诉求 {n} 已纳入长期跟踪办理:{request.plan[:80]}", "long_term")


def whistled(request: Request, helpers: list[Unit]) -> None:
    _arrived(request, "镇街吹哨,由你单位牵头办理诉求")
    for unit in helpers:
        _unit(
            unit,
            request,
            f"镇街吹哨:你单位协办诉求 {request.number}({request.category.name}),"
            f"请于 {when(request.sign_due)} 前报到。",
            "whistle",
        )


def helper_urged(request: Request, unit: Unit) -> None:
    _unit(unit, request, f"诉求 {request.number} 协办报到已超时,请尽快报到。", "urge")


def late(request: Request, step: str, label: str, due: dt.datetime) -> Unit | None:
    """A step after signing ran out of time: tell whoever owes it, once per
    deadline. Returns the unit told, or None if already told (or nobody)."""
    if step == "check":
        unit = _grid_unit(request)
    elif step == "callback":
        unit = unit_over(request.area_path, UnitKind.TOWN_OFFICE)
    else:
        unit = request.unit
    if unit is None:
        return None
    made = message_to_unit(
        unit,
        f"诉求 {request.number} {label}已超时(时限 {when(due)}),请尽快办理。",
        kind="urge",
        request=request,
        once_key=f"late:{request.pk}:{step}:{due.isoformat()}",
        user_id=_person(unit),
    )
    return unit if made is not None else None


def warn(request: Request, step: str, due: dt.datetime) -> bool:
    """A deadline is near: tell the holder, once per deadline."""
    what = "签收" if step == "sign" else "办结"
    made = message_to_unit(
        request.unit,
        f"诉求 {request.number} 将于 {when(due)} 到{what}时限,请抓紧办理。",
        kind="warn",
        request=request,
        once_key=f"warn:{request.pk}:{step}:{due.isoformat()}",
        user_id=_person(request.unit),
    )
    return made is not None
