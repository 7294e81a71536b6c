"""POST requests: a client's form becomes a real request — numbered,
placed, routed, with a token — and bad input is refused in the spec's
error form, changing nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.open311.conftest import BASE, GRID, KEY, json_body, point_in, spec_error, xml_root
from wangge.dispatch.models import Channel, Request, State
from wangge.open311.models import ApiKey, Token


def test_post_json_files_a_routed_request_with_a_token(client, post) -> None:  # type: ignore[no-untyped-def]
    r = post(
        "json",
        **{"attribute[urgency]": "urgent", "media_url": "https://example.org/p/1.jpg"},
        account_id="acct-7",
        email="wang@example.org",
    )
    assert r.status_code == 200, r.content.decode()
    [answer] = json_body(r)
    made = Request.objects.select_related("unit", "grid").get(number=answer["service_request_id"])
    assert made.channel == Channel.API
    assert made.state == State.SUBMITTED
    assert made.grid.code == GRID
    assert made.unit is not None
    assert made.urgency == "urgent"
    assert made.contact_name == "王小明"
    assert made.contact_phone_masked == "139****5678"
    assert not made.anonymous
    assert made.description.endswith("\n附件:https://example.org/p/1.jpg")
    assert made.events.get().action == "submit"
    assert answer["account_id"] == "acct-7"
    assert made.unit.name in answer["service_notice"]
    assert Token.objects.get(token=answer["token"]).request == made

    looked_up = json_body(client.get(f"{BASE}/tokens/{answer['token']}.json"))
    assert looked_up == [{"service_request_id": made.number, "token": answer["token"]}]


def test_post_xml_and_anonymous_without_name_or_phone(client, post) -> None:  # type: ignore[no-untyped-def]
    r = post("xml", first_name=None, last_name=None, phone=None)
    assert r.status_code == 200, r.content.decode()
    root = xml_root(r)
    assert root.tag == "service_requests"
    [item] = root
    assert item.tag == "request"
    number = item.findtext("service_request_id")
    token = item.findtext("token")
    assert item.find("account_id") is not None
    made = Request.objects.get(number=number)
    assert made.anonymous
    assert (made.contact_name, made.contact_phone_masked) == ("", "")
    assert made.channel == Channel.API

    tokens = xml_root(client.get(f"{BASE}/tokens/{token}.xml"))
    assert tokens.tag == "service_requests"
    assert tokens.findtext("request/service_request_id") == number
    assert tokens.findtext("request/token") == token


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_token_is_404(client, fmt: str) -> None:  # type: ignore[no-untyped-def]
    spec_error(client.get(f"{BASE}/tokens/nope.{fmt}"), fmt, 404)


def test_a_retry_with_the_same_idempotency_key_returns_the_first(post, key) -> None:  # type: ignore[no-untyped-def]
    before = Request.objects.count()
    first = json_body(post(headers={"Idempotency-Key": "client-retry-1"}))[0]
    again = json_body(post(headers={"Idempotency-Key": "client-retry-1"}))[0]
    assert again == first
    assert Request.objects.count() == before + 1
    assert Token.objects.filter(request__number=first["service_request_id"]).count() == 1
    # Another client's same key is its own: keys are scoped to the client.
    from wangge.open311.services import api_key_create

    api_key_create(name="另一个客户端", county_code="611022", raw="other-key")
    other = json_body(post(api_key="other-key", headers={"Idempotency-Key": "client-retry-1"}))[0]
    assert other["service_request_id"] != first["service_request_id"]


def _outside_county() -> dict[str, str]:
    lon, lat = point_in("611002001001")  # a village of 商州区, not this key's county
    return {"lat": str(lat), "long": str(lon)}


BAD: list[tuple[dict[str, Any], int, str]] = [
    ({"api_key": None}, 403, "api_key"),
    ({"api_key": "wrong"}, 403, "api_key"),
    ({"service_code": None}, 400, "service_code"),
    ({"service_code": "999999"}, 404, "service_code"),
    ({"service_code": "2101"}, 404, "service_code"),  # an inner node
    ({"lat": None, "long": None}, 400, "lat"),
    ({"lat": None, "long": None, "address_string": "商镇保定村"}, 400, "只按经纬度"),
    ({"lat": None, "long": None, "address_id": GRID}, 400, "只按经纬度"),
    ({"lat": "北纬"}, 400, "lat"),
    ({"lat": "39.9", "long": "116.4"}, 400, "不在本系统管辖"),  # Beijing
    ({"phone": "12345"}, 400, "格式不正确"),
    ({"description": "太脏"}, 400, "至少 5 个字"),
    ({"attribute[urgency]": "emergency"}, 400, "紧急程度"),
    ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
    ({"jurisdiction_id": "110101"}, 404, "jurisdiction_id"),
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("change", "status", "says"), BAD)
def test_bad_posts_are_refused_and_change_nothing(  # type: ignore[no-untyped-def]
    post, fmt: str, change: dict[str, Any], status: int, says: str
) -> None:
    before = (Request.objects.count(), Token.objects.count())
    assert says in spec_error(post(fmt, **change), fmt, status)
    assert (Request.objects.count(), Token.objects.count()) == before


def test_an_inactive_key_and_a_place_outside_its_county_are_403(post, key) -> None:  # type: ignore[no-untyped-def]
    before = Request.objects.count()
    assert "所属县区" in spec_error(post(**_outside_county()), "json", 403)
    ApiKey.objects.filter(pk=key.pk).update(is_active=False)
    assert "api_key" in spec_error(post(), "json", 403)
    assert Request.objects.count() == before


def test_api_key_in_the_form_only_never_from_a_session(client, post, user_named) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user_named("shangzhen_dispatcher"))
    spec_error(post(api_key=None), "json", 403)


def test_clients_post_without_a_csrf_token(key) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    lon, lat = point_in(GRID)
    r = strict.post(
        f"{BASE}/requests.json",
        {
            "api_key": KEY,
            "service_code": "210101",
            "lat": str(lat),
            "long": str(lon),
            "description": "路边垃圾堆了好几天没人清理",
        },
    )
    assert r.status_code == 200, r.content.decode()
