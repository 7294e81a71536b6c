"""The resident's side (民呼我应), without an account: report a matter, get
its number, follow it with number + phone, rate it when it is done.

A resident proves a request is theirs with the phone they gave (compared
through the blind index; the phone never appears in a URL). Wrong number or
wrong phone get the same answer, so the pair cannot be probed one half at
a time. What they see is the state and the public steps, not staff notes.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.db.models import Q

from wangge.core.errors import DomainError
from wangge.dispatch.flow import RATINGS, rated_outcome
from wangge.dispatch.models import Request, RequestPhoto, State
from wangge.registry import pii
from wangge.registry.keys import keyring
from wangge.registry.phone import PhoneError, parse_phone

_NOT_FOUND = "编号或手机号不正确"

# What a resident reads for each step on the timeline.
PUBLIC_STEPS = {
    "submit": "已提交",
    "dispatch": "已派至承办单位",
    "return": "重新派单中",
    "escalate": "已上报上级督办",
    "sign": "承办单位已签收",
    "contact": "承办单位已与您联系",
    "whistle": "镇街吹哨,多部门联合办理",
    "report_in": "协办单位已报到",
    "transfer": "已转至相关单位办理",
    "self_handle": "网格员已就地处理",
    "extension_ask": "承办单位申请延期",
    "extension_approve": "已同意延期",
    "extension_refuse": "未同意延期",
    "finish": "承办单位已办结",
    "check": "网格员已现场核查",
    "check_failed": "核查未通过,继续办理",
    "callback": "已回访评价",
    "redo": "不满意,重新办理",
    "long_term": "纳入长期跟踪",
    "rate": "您已评价",
    "merge": "与同一事项的其他诉求合并办理",
}


def request_for_resident(number: str, phone: str) -> Request:
    try:
        normal = parse_phone(phone)
    except PhoneError:
        raise DomainError("portal.not_found", _NOT_FOUND) from None
    found = (
        Request.objects.filter(
            number=number.strip(),
            contact_phone_index=pii.blind_index(keyring(), "phone", normal),
        )
        .select_related("category", "grid")
        .first()
    )
    if found is None:
        raise DomainError("portal.not_found", _NOT_FOUND)
    return found


def public_timeline(request: Request) -> list[tuple[Any, str]]:
    return [
        (e.at, PUBLIC_STEPS[e.action]) for e in request.events.all() if e.action in PUBLIC_STEPS
    ]


def request_rate_by_resident(
    *, number: str, phone: str, solved: bool, rating: int, note: str = ""
) -> Request:
    """The resident rates a finished matter themselves — the same outcome as
    a call back: solved and at least 基本满意 closes it, else it is redone."""
    r = request_for_resident(number, phone)
    if rating not in RATINGS:
        raise DomainError("request.rating", "请选择满意度")
    if r.state not in (State.FINISHED, State.CHECKED):
        raise DomainError("request.state", "办结后才能评价")
    text = f"居民评价:{'已解决' if solved else '未解决'},{RATINGS[rating]}" + (
        f"。{note.strip()[:200]}" if note.strip() else ""
    )
    return rated_outcome(
        r, actor=None, acting=None, expected={r.state}, action="rate",
        solved=solved, rating=rating, note=text,
    )  # fmt: skip


# A photo link lasts as long as a resident plausibly keeps the page open.
PHOTO_LINK_SECONDS = 3600
_PHOTO_SALT = "wangge.portal.photo"


def photos_for_resident(request: Request) -> list[RequestPhoto]:
    """What the requester may see: their own photos and the unit's photos of
    the result (of the request they follow, merged or not)."""
    main = request.duplicate_of or request
    return list(
        RequestPhoto.objects.filter(request__in={request.pk, main.pk}).filter(
            Q(event__action="submit", request=request)
            | Q(event__action__in=["finish", "self_handle"], request=main)
        )
    )


def photo_token(photo: RequestPhoto) -> str:
    return signing.TimestampSigner(salt=_PHOTO_SALT).sign(str(photo.pk))


def photo_from_token(token: str) -> int | None:
    try:
        value = signing.TimestampSigner(salt=_PHOTO_SALT).unsign(token, max_age=PHOTO_LINK_SECONDS)
    except signing.BadSignature:
        return None
    return int(value)
