"""One table from action names to the work-flow steps, for the pages and
the API alike: the data comes from a form or a JSON body."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from wangge.core.errors import DomainError
from wangge.dispatch import flow, whistle
from wangge.dispatch.duplicates import request_merge
from wangge.dispatch.models import Request
from wangge.dispatch.selectors import request_get_for


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _list(data: Mapping[str, Any], key: str) -> list[str]:
    """A form's repeated field, or a JSON list, or a comma-separated string."""
    getlist = getattr(data, "getlist", None)
    value = getlist(key) if getlist is not None else data.get(key, [])
    if isinstance(value, str):
        value = value.split(",")
    return [str(v) for v in value]


def _yes(value: Any) -> bool:
    return value in (True, 1, "1", "true", "yes")


Step = Callable[[Any, Request, Mapping[str, Any]], Request]

ACTIONS: dict[str, Step] = {
    "sign": lambda u, r, d: flow.request_sign(actor=u, request=r),
    "return": lambda u, r, d: flow.request_return(actor=u, request=r, reason=d.get("reason", "")),
    "dispatch": lambda u, r, d: flow.request_dispatch(
        actor=u, request=r, unit_code=d.get("unit", ""), note=d.get("note", "")
    ),
    "whistle": lambda u, r, d: whistle.request_whistle(
        actor=u,
        request=r,
        lead=d.get("lead", ""),
        helpers=_list(d, "helpers"),
        note=d.get("note", ""),
    ),
    "report_in": lambda u, r, d: whistle.request_report_in(
        actor=u, request=r, note=d.get("note", "")
    ),
    "assist_done": lambda u, r, d: whistle.request_assist_done(
        actor=u, request=r, note=d.get("note", "")
    ),
    "transfer": lambda u, r, d: flow.request_transfer(
        actor=u, request=r, unit_code=d.get("unit", ""), reason=d.get("reason", "")
    ),
    "contact": lambda u, r, d: flow.request_contact(actor=u, request=r, note=d.get("note", "")),
    "self_handle": lambda u, r, d: flow.request_self_handle(
        actor=u, request=r, result=d.get("result", "")
    ),
    "finish": lambda u, r, d: flow.request_finish(actor=u, request=r, result=d.get("result", "")),
    "extension_ask": lambda u, r, d: flow.request_extension_ask(
        actor=u, request=r, days=_int(d.get("days")), reason=d.get("reason", "")
    ),
    "extension_decide": lambda u, r, d: flow.request_extension_decide(
        actor=u, request=r, approve=_yes(d.get("approve")), note=d.get("note", "")
    ),
    "check": lambda u, r, d: flow.request_check(
        actor=u, request=r, passed=_yes(d.get("passed")), note=d.get("note", "")
    ),
    "callback": lambda u, r, d: flow.request_callback(
        actor=u,
        request=r,
        solved=_yes(d.get("solved")),
        rating=_int(d.get("rating")),
        note=d.get("note", ""),
    ),
    "long_term": lambda u, r, d: flow.request_long_term(actor=u, request=r, plan=d.get("plan", "")),
    "supervise": lambda u, r, d: flow.request_supervise(actor=u, request=r, note=d.get("note", "")),
    "merge": lambda u, r, d: request_merge(
        actor=u, request=r, into=request_get_for(u, str(d.get("into", "")))
    ),
}


def perform(action: str, actor: Any, request: Request, data: Mapping[str, Any]) -> Request:
    """Take one step. ``data["version"]``, when given, is the version the
    caller saw: if the request has moved on since, the step is refused."""
    step = ACTIONS.get(action)
    if step is None:
        raise DomainError("request.action", "未知操作")
    if "version" in data:
        request.version = _int(data.get("version"), request.version)
    return step(actor, request, data)
