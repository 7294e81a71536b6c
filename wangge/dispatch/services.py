"""Intake: a request comes in from any channel, gets its number and its
place, is routed to the unit that must act, and starts its timeline."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from wangge.accounts.models import Unit, UnitKind
from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.core.errors import DomainError, NotFound
from wangge.core.insert import insert_new
from wangge.core.numbering import next_seq
from wangge.dispatch import notices
from wangge.dispatch.models import Channel, Request, RequestCounter, RequestEvent, State, Urgency
from wangge.dispatch.reference import category_active, grid_active
from wangge.dispatch.routing import route, village_committee_of
from wangge.gridwork.cover import OnDuty, on_duty
from wangge.registry import pii
from wangge.registry.keys import keyring
from wangge.registry.models import Household
from wangge.registry.phone import PhoneError, parse_phone
from wangge.territory.locate import point_locate
from wangge.territory.models import Area
from wangge.timelimits.services import limits_for, work_clock

MAX_DESCRIPTION = 2000


def _place(
    actor: Any, lon: float | None, lat: float | None, grid_code: str, household_number: str
) -> tuple[Area, Household | None]:
    if household_number:
        household = Household.objects.select_related("grid").filter(number=household_number).first()
        if household is None or not reach_for(actor).allows(
            Capability.PERSON_VIEW, household.area_path
        ):
            raise NotFound("户")
        return household.grid, household
    if lon is not None and lat is not None:
        found = point_locate(lon, lat)
        if found is None or found.grid_code is None:
            raise DomainError("request.location", "该位置不在本系统管辖的网格内")
        return grid_active(found.grid_code) or Area.objects.get(code=found.grid_code), None
    if grid_code:
        grid = grid_active(grid_code)
        if grid is None:
            raise DomainError("request.location", "网格编码不存在")
        return grid, None
    raise DomainError("request.location", "请在地图上标出位置,或选择所在网格")


def request_intake(
    *,
    actor: Any,
    channel: str,
    category_code: str,
    description: str,
    urgency: str = Urgency.NORMAL,
    lon: float | None = None,
    lat: float | None = None,
    grid_code: str = "",
    household_number: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    anonymous: bool = False,
    idempotency_key: str = "",
) -> Request:
    """Take in a request. With an ``idempotency_key`` a retried submission
    returns the request the first one made, never a second one, marked
    ``replayed`` — also when the retry ran at the same time as the first."""
    if idempotency_key:
        if len(idempotency_key) > 64:
            raise DomainError("request.idempotency_key", "幂等键不超过 64 个字符")
        first = _first_with_key(idempotency_key)
        if first is not None:
            return first
    if channel not in Channel.values:
        raise DomainError("request.channel", "渠道无效")
    if urgency not in Urgency.values:
        raise DomainError("request.urgency", "紧急程度应为 紧急、一般 或 复杂")
    description = description.strip()
    if len(description) < 5:
        raise DomainError("request.description", "请把诉求写清楚(至少 5 个字)")
    if len(description) > MAX_DESCRIPTION:
        raise DomainError("request.description", f"诉求内容不超过 {MAX_DESCRIPTION} 字")
    category = category_active(category_code)
    if category is None:
        raise DomainError("request.category", "请选择诉求分类")
    grid, household = _place(actor, lon, lat, grid_code, household_number)
    phone = ""
    if not anonymous and contact_phone:
        try:
            phone = parse_phone(contact_phone)
        except PhoneError as exc:
            raise DomainError("request.phone", exc.message) from None
    unit, duty = _on_duty(route(category, grid), grid)
    ring = keyring()
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    # Everything but the number is worked out before the counter row is
    # locked: from that lock to the commit, other intakes of the county wait.
    request = Request(
        county_code=grid.county_code,
        year=timezone.localdate(now).year,
        channel=channel,
        category=category,
        urgency=urgency,
        description=description,
        lon=lon,
        lat=lat,
        grid=grid,
        area_path=grid.path,
        household=household,
        anonymous=anonymous,
        contact_name="" if anonymous else contact_name.strip()[:32],
        contact_phone_enc=pii.encrypt(ring, phone) if phone else "",
        contact_phone_index=pii.blind_index(ring, "phone", phone) if phone else "",
        contact_phone_masked=pii.mask_phone(phone),
        state=State.SUBMITTED,
        unit=unit,
        assignee_id=duty.user_id if duty is not None else None,
        sign_due=work_clock().deadline(
            now, limits_for(category.profile_id or "standard", urgency)["sign"]
        ),
        idempotency_key=idempotency_key or None,
        created_by=user,
    )
    submitted = RequestEvent(
        actor=user,
        unit=unit,
        action="submit",
        note=f"经{Channel(channel).label}提交,派往{unit.name}{duty.describe() if duty else ''}",
        state_after=State.SUBMITTED,
    )
    try:
        with transaction.atomic():
            request.seq = next_seq(
                RequestCounter, request.county_code, request.year, "request.number"
            )
            request.number = f"{request.county_code}-{request.year}-{request.seq:06d}"
            insert_new([request])
            submitted.request = request
            insert_new([submitted])
            notices.submitted(request)
    except IntegrityError:
        # The same key, submitted twice at once: the other one won.
        if idempotency_key:
            first = _first_with_key(idempotency_key)
            if first is not None:
                return first
        raise
    _timeline_known(request, [submitted])
    return request


def _on_duty(unit: Unit, grid: Area) -> tuple[Unit, OnDuty | None]:
    """A matter routed to a grid names the grid worker on duty there (A, or
    B while A is away: ``gridwork.cover``); if both are away, the village
    committee takes it, as it takes what a grid cannot."""
    if unit.kind != UnitKind.GRID:
        return unit, None
    duty = on_duty(unit.area_id)
    if duty.uncovered:
        village = village_committee_of(grid)
        if village is not None:
            return village, duty
    return unit, duty


def _timeline_known(request: Request, events: list[RequestEvent]) -> None:
    """Hand a new request over with its timeline, as ``prefetch_related``
    leaves it, so showing the request asks the database nothing more."""
    timeline = request.events.all()
    timeline._result_cache = events
    timeline._prefetch_done = True  # type: ignore[attr-defined]
    request._prefetched_objects_cache = {"events": timeline}  # type: ignore[attr-defined]


def _first_with_key(idempotency_key: str) -> Request | None:
    # Asked of every keyed submission and nearly always "none": the id first
    # (half the cost of a whole row), the row only for a retry.
    pk = (
        Request.objects.filter(idempotency_key=idempotency_key).values_list("pk", flat=True).first()
    )
    if pk is None:
        return None
    first = Request.objects.select_related("category", "grid", "unit").get(pk=pk)
    first.replayed = True
    return first
