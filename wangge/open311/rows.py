"""A request as the spec's row: what an outside client may read of it.

Anyone may read these rows (the spec's GET is public), so they hold what
the resident portal shows a stranger, not what staff see: no contact, no
staff notes (the timeline speaks in the portal's public wording), and
phone and ID numbers typed into the text masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone

from wangge.dispatch.models import Request, State
from wangge.dispatch.portal import PUBLIC_STEPS
from wangge.open311.models import Token
from wangge.open311.selectors import CLOSED, area_names
from wangge.registry import pii

# The first two codes of a path are the city and the county: the address
# starts at the town, as Chinese addresses are written (general first).
ADDRESS_FROM = 2
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def w3(moment: datetime | None) -> str | None:
    """The spec's date-time: ISO 8601 with the offset, in local time."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def masked(text: str) -> str:
    text = _ID_NUMBER.sub(lambda m: pii.mask_id_number(m[0]), text)
    return _MOBILE.sub(lambda m: pii.mask_phone(m[0]), text)


def status_of(r: Request) -> str:
    return "closed" if r.state in CLOSED else "open"


def status_notes(r: Request) -> str:
    """The state, then the result the unit gave or else the last public
    step (the events must be prefetched)."""
    label = State(r.state).label
    if r.result:
        return f"{label}:{masked(r.result)}"
    steps = [PUBLIC_STEPS[e.action] for e in r.events.all() if e.action in PUBLIC_STEPS]
    return f"{label}:{steps[-1]}" if steps else str(label)


def service_notice(r: Request) -> str:
    if r.state in CLOSED:
        return ""
    notice = f"已转{r.unit.name}办理"
    if r.finish_due:
        return f"{notice},办结时限 {timezone.localtime(r.finish_due):%Y-%m-%d %H:%M}"
    if r.sign_due:
        return f"{notice},签收时限 {timezone.localtime(r.sign_due):%Y-%m-%d %H:%M}"
    return notice


def _address(path: str, names: dict[str, str]) -> str:
    codes = path.strip("/").split("/")[ADDRESS_FROM:]
    return " ".join(names.get(code, code) for code in codes)


def request_rows(requests: Iterable[Request]) -> list[dict[str, Any]]:
    requests = list(requests)
    names = area_names([r.area_path for r in requests])
    return [
        {
            "service_request_id": r.number,
            "status": status_of(r),
            "status_notes": status_notes(r),
            "service_name": r.category.name,
            "service_code": r.category.code,
            "description": masked(r.description),
            "agency_responsible": r.unit.name,
            "service_notice": service_notice(r),
            "requested_datetime": w3(r.created_at),
            "updated_datetime": w3(
                r.closed_at if status_of(r) == "closed" and r.closed_at else r.updated_at
            ),
            "expected_datetime": w3(r.finish_due or r.sign_due),
            "address": _address(r.area_path, names),
            "address_id": r.area_path.strip("/").split("/")[-1],
            "zipcode": "",
            "lat": r.lat,
            "long": r.lon,
            "media_url": "",
        }
        for r in requests
    ]


def submitted_row(r: Request, token: Token, account_id: str) -> dict[str, Any]:
    return {
        "service_request_id": r.number,
        "token": token.token,
        "service_notice": service_notice(r),
        "account_id": account_id,
    }


def token_row(token: Token) -> dict[str, Any]:
    return {"service_request_id": token.request.number, "token": token.token}
