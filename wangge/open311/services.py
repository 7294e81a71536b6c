"""Writes through the Open311 door: API keys, and a request filed by a client.

A client's form is turned into one ``request_intake`` call, so a request
from Open311 is numbered, placed, routed and timed like any other; this
module only adds what the spec asks on top (keys, tokens, lat/long).
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from wangge.core.errors import DomainError
from wangge.dispatch.models import Channel, Request
from wangge.dispatch.services import request_intake
from wangge.open311.models import ApiKey, Token
from wangge.open311.selectors import jurisdiction_check, service_get
from wangge.territory.locate import point_locate
from wangge.timelimits.models import Urgency

# Recording every use would make every read a write; a minute is precise
# enough to tell a live client from a dead one.
LAST_USED_PRECISION = timedelta(minutes=1)
_URL = URLValidator(schemes=["http", "https"])


def key_digest(raw: str) -> str:
    # A plain hash suffices: keys are 32 random bytes, not guessable
    # passwords, so a slow hash would only slow down every call.
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_key_issue(key: ApiKey, raw: str | None = None) -> str:
    """Give ``key`` (saved or not) a new secret and return it: the only
    moment the raw key exists. The caller saves ``key``."""
    raw = raw or secrets.token_urlsafe(32)
    key.digest = key_digest(raw)
    return raw


def api_key_create(
    *, name: str, county_code: str, raw: str | None = None, user: Any = None
) -> tuple[ApiKey, str]:
    jurisdiction_check(county_code)
    key = ApiKey(name=name, county_code=county_code, user=user)
    raw = api_key_issue(key, raw)
    key.save()
    return key, raw


def api_key_check(raw: str) -> ApiKey | None:
    """The active key ``raw`` is, or None; notes that it was used."""
    if not raw:
        return None
    key = ApiKey.objects.filter(digest=key_digest(raw), is_active=True).first()
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def _coordinate(form: Mapping[str, str], name: str, limit: float) -> float:
    try:
        value = float(form[name])
    except ValueError:
        raise DomainError("open311.location", f"{name} 应为数字(WGS-84 经纬度)") from None
    if not math.isfinite(value) or abs(value) > limit:
        raise DomainError("open311.location", f"{name} 超出范围")
    return value


def _lon_lat(form: Mapping[str, str]) -> tuple[float, float]:
    if not form.get("lat") or not form.get("long"):
        if form.get("address_string") or form.get("address_id"):
            raise DomainError(
                "open311.location",
                "本服务器只按经纬度定位:请提供 lat 和 long(WGS-84),"
                "不支持只用 address_string 或 address_id",
            )
        raise DomainError("open311.location", "缺少位置:请提供 lat 和 long(WGS-84)")
    return _coordinate(form, "long", 180), _coordinate(form, "lat", 90)


def _description(form: Mapping[str, str]) -> str:
    text = form.get("description", "").strip()
    media = form.get("media_url", "").strip()
    if media:
        try:
            _URL(media)
        except ValidationError:
            raise DomainError("open311.media_url", "media_url 应为 http 或 https 网址") from None
        # Photos are not stored yet: keep the link where staff will see it.
        text = f"{text}\n附件:{media}" if text else f"附件:{media}"
    return text


def _scoped(key: ApiKey, idempotency_key: str) -> str:
    # Intake's idempotency keys are global: scope a client's to that client,
    # so two clients choosing the same key never see each other's request.
    if not idempotency_key:
        return ""
    return "o311-" + hashlib.sha256(f"{key.pk}:{idempotency_key}".encode()).hexdigest()[:40]


def open311_request_submit(
    *, key: ApiKey, form: Mapping[str, str], idempotency_key: str = ""
) -> tuple[Request, Token]:
    """File a request from a client's POST form (field names as in the
    spec) and give it a token. Bad input raises ``DomainError`` and writes
    nothing; a retry with the same ``idempotency_key`` returns the first
    request and its token."""
    code = form.get("service_code", "").strip()
    if not code:
        raise DomainError("open311.service_code", "缺少 service_code")
    service_get(code)
    lon, lat = _lon_lat(form)
    found = point_locate(lon, lat)
    # The locator's county code is the 12-digit division code.
    if found is not None and found.county_code[:6] != key.county_code:
        raise DomainError("forbidden", f"该位置不在此 API 密钥所属县区({key.county_code})内")
    name = (form.get("last_name", "").strip() + form.get("first_name", "").strip())[:32]
    phone = form.get("phone", "").strip()
    with transaction.atomic():
        request = request_intake(
            actor=key.user,
            channel=Channel.API,
            category_code=code,
            description=_description(form),
            urgency=form.get("attribute[urgency]", "").strip() or Urgency.NORMAL,
            lon=lon,
            lat=lat,
            contact_name=name,
            contact_phone=phone,
            anonymous=not (name or phone),
            idempotency_key=_scoped(key, idempotency_key),
        )
        token = Token.objects.filter(request=request).order_by("pk").first()
        if token is None:
            token = Token.objects.create(
                token=secrets.token_urlsafe(24), request=request, api_key=key
            )
    return request, token
