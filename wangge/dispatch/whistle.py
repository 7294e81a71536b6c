"""吹哨报到: the town (or the command centre) whistles one or more units to
a matter it cannot settle alone — a lead, who takes the matter over and
finishes it, and helpers, who each report in (报到) within their own limit
and record their part.

The lead's side is the ordinary flow (the request goes to the lead to
sign). A helper's side lives on its own ``Assist`` row: reporting in and
reporting its part done are conditional updates of that row plus a line on
the timeline, so helpers never bump the request's version under the lead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from wangge.accounts.models import Unit, UnitKind
from wangge.accounts.selectors import units_for
from wangge.core.errors import DomainError
from wangge.dispatch import notices
from wangge.dispatch.flow import _due, _over_place, _step
from wangge.dispatch.models import Assist, AssistRole, Request, RequestEvent, State

MAX_HELPERS = 6


def whistle_targets(request: Request) -> list[Unit]:
    """Who can be whistled to a matter: the county's departments, and the
    village committee and town office over the place."""
    parts = request.area_path.strip("/").split("/")
    town, village = "/".join(parts[:3]) + "/", "/".join(parts[:4]) + "/"
    return list(
        Unit.objects.filter(
            Q(kind=UnitKind.DEPARTMENT, area__code=parts[1])
            | Q(
                kind__in=[UnitKind.VILLAGE_COMMITTEE, UnitKind.TOWN_OFFICE],
                area__path__in=[town, village],
            ),
            is_active=True,
        ).order_by("kind", "code")
    )


def _codes(value: str | Iterable[str]) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return list(dict.fromkeys(c.strip() for c in items if c and c.strip()))


def request_whistle(
    *, actor: Any, request: Request, lead: str, helpers: str | Iterable[str] = (), note: str = ""
) -> Request:
    """Whistle: ``lead`` takes the matter over (it must sign it, as after a
    dispatch); each of ``helpers`` must report in within the signing limit.
    The unit that had the matter stays responsible until the lead signs."""
    acting = _over_place(actor, request)
    if acting is None:
        raise DomainError("forbidden", "由镇街或指挥中心吹哨")
    allowed = {u.code: u for u in whistle_targets(request)}
    lead_unit = allowed.get(lead.strip())
    if lead_unit is None:
        raise DomainError("request.lead", "请选择牵头单位(本县职能部门或属地村、镇)")
    helper_codes = [c for c in _codes(helpers) if c != lead_unit.code]
    unknown = [c for c in helper_codes if c not in allowed]
    if unknown:
        raise DomainError("request.helpers", f"协办单位不存在:{'、'.join(unknown)}")
    if len(helper_codes) > MAX_HELPERS:
        raise DomainError("request.helpers", f"协办单位不超过 {MAX_HELPERS} 个")
    helper_units = [allowed[c] for c in helper_codes]
    now = timezone.now()
    sign_due = _due(request, "sign", now)
    names = f"牵头:{lead_unit.name}" + (
        f";协办:{'、'.join(u.name for u in helper_units)}" if helper_units else ""
    )
    with transaction.atomic():
        moved = _step(
            request,
            actor=actor,
            acting=acting,
            expected={State.SUBMITTED, State.DISPATCHED, State.SIGNED},
            action="whistle",
            note=f"吹哨 {names}" + (f"。{note.strip()[:200]}" if note.strip() else ""),
            to_state=State.DISPATCHED,
            unit=lead_unit,
            responsible=request.responsible or request.unit,
            sign_due=sign_due,
            signed_at=None,
        )
        # A second whistle replaces the roles of the first; units that had
        # already reported in keep their record.
        Assist.objects.filter(request=request, signed_at__isnull=True).delete()
        for unit, role in [(lead_unit, AssistRole.LEAD)] + [
            (u, AssistRole.HELP) for u in helper_units
        ]:
            Assist.objects.update_or_create(
                request=request,
                unit=unit,
                defaults={"role": role, "sign_due": sign_due, "urged_at": None},
            )
        notices.whistled(moved, helper_units)
    return moved


def _my_assist(actor: Any, request: Request, *, signed: bool) -> Assist:
    """The actor's helper row on the request, at the right point: not yet
    reported in (``signed`` False), or reported in and not yet done."""
    mine = list(
        Assist.objects.filter(
            request=request, unit_id__in=units_for(actor), role=AssistRole.HELP
        ).select_related("unit")
    )
    if not mine:
        raise DomainError("forbidden", "只有被吹哨的协办单位可以报到和报告协办情况")
    if not signed:
        todo = [a for a in mine if a.signed_at is None]
        if not todo:
            raise DomainError("request.assist", "本单位已报到")
        return todo[0]
    todo = [a for a in mine if a.signed_at is not None and a.done_at is None]
    if not todo:
        if any(a.signed_at is None for a in mine):
            raise DomainError("request.assist", "请先报到,再报告协办情况")
        raise DomainError("request.assist", "本单位已报告协办情况")
    return todo[0]


def _record(request: Request, actor: Any, unit: Unit, action: str, note: str) -> None:
    RequestEvent.objects.create(
        request=request,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        unit=unit,
        action=action,
        note=note,
        state_after=request.state,
    )


_OPEN = {State.DISPATCHED, State.SIGNED, State.EXTENSION_PENDING, State.FINISHED}


def request_report_in(*, actor: Any, request: Request, note: str = "") -> Request:
    """A helper reports in (报到): it has taken on its part."""
    if request.state not in _OPEN:
        raise DomainError("request.state", "该诉求已办结或不在办理中")
    assist = _my_assist(actor, request, signed=False)
    with transaction.atomic():
        if not Assist.objects.filter(pk=assist.pk, signed_at__isnull=True).update(
            signed_at=timezone.now()
        ):
            raise DomainError("request.conflict", "本单位已报到")
        _record(
            request, actor, assist.unit, "report_in",
            f"{assist.unit.name}报到" + (f":{note.strip()[:200]}" if note.strip() else ""),
        )  # fmt: skip
    return request


def request_assist_done(*, actor: Any, request: Request, note: str) -> Request:
    """A helper records what it did (协办完成); the lead finishes the matter."""
    note = note.strip()
    if len(note) < 5:
        raise DomainError("request.note", "请写明协办情况(至少 5 个字)")
    if request.state not in _OPEN:
        raise DomainError("request.state", "该诉求已办结或不在办理中")
    assist = _my_assist(actor, request, signed=True)
    with transaction.atomic():
        if not Assist.objects.filter(pk=assist.pk, done_at__isnull=True).update(
            done_at=timezone.now(), note=note[:1000]
        ):
            raise DomainError("request.conflict", "本单位已报告协办情况")
        _record(request, actor, assist.unit, "assist_done", f"{assist.unit.name}协办:{note[:1000]}")
    return request
