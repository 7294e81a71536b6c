"""GET requests and one request: what a reader sees without a key (what
came in through Open311) and with one (its county), each filter, both
formats, never any contact data."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.open311.conftest import BASE, GRID, KEY, assert_schema, json_body, spec_error, xml_root
from wangge.dispatch.models import Channel, Request, State
from wangge.dispatch.services import request_intake


@pytest.fixture
def filed(post) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Three requests through Open311 (one closed, one of another service,
    one ten days old) and one from the resident portal, with contact."""
    numbers = [
        json_body(post(service_code=code, description=text))[0]["service_request_id"]
        for code, text in [
            ("210101", "路边垃圾堆了好几天没人清理,电话13800001111"),
            ("210101", "垃圾桶满了没人倒"),
            ("130101", "村里手机信号很差,打不通电话"),
        ]
    ]
    closed, fresh, old = numbers
    Request.objects.filter(number=closed).update(
        state=State.CLOSED, result="已清运完毕", closed_at=timezone.now()
    )
    Request.objects.filter(number=old).update(created_at=timezone.now() - timedelta(days=10))
    portal = request_intake(
        actor=None,
        channel=Channel.PORTAL,
        category_code="210101",
        description="小区门口路灯不亮好几天了",
        grid_code=GRID,
        contact_name="李四",
        contact_phone="13700002222",
    )
    return {"closed": closed, "fresh": fresh, "old": old, "portal": portal.number}


def _ids(response: Any) -> list[str]:
    body = json_body(response)
    assert_schema(body, "requests.json")
    return [row["service_request_id"] for row in body]


def test_without_a_key_only_what_came_through_open311(client, filed) -> None:  # type: ignore[no-untyped-def]
    ids = _ids(client.get(f"{BASE}/requests.json"))
    assert {filed["closed"], filed["fresh"], filed["old"]} <= set(ids)
    assert filed["portal"] not in ids
    assert all(Request.objects.get(number=n).channel == Channel.API for n in ids)
    # Newest first.
    created = [Request.objects.get(number=n).created_at for n in ids]
    assert created == sorted(created, reverse=True)


def test_with_a_key_all_of_its_county(client, filed) -> None:  # type: ignore[no-untyped-def]
    ids = _ids(client.get(f"{BASE}/requests.json", {"api_key": KEY}))
    assert filed["portal"] in ids
    assert {Request.objects.get(number=n).county_code for n in ids} == {"611022"}
    spec_error(client.get(f"{BASE}/requests.json", {"api_key": "wrong"}), "json", 403)


def test_rows_carry_the_spec_fields_and_no_contact(client, filed) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"{BASE}/requests.json", {"api_key": KEY})
    text = r.content.decode()
    for secret in ("13912345678", "139****5678", "王小明", "13700002222", "李四", "13800001111"):
        assert secret not in text
    rows = {row["service_request_id"]: row for row in json_body(r)}
    closed = rows[filed["closed"]]
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "已办结:已清运完毕"
    assert closed["service_notice"] == ""
    assert "138****1111" in closed["description"]  # a phone typed in the text is masked
    fresh = rows[filed["fresh"]]
    made = Request.objects.select_related("unit", "category").get(number=filed["fresh"])
    assert fresh["status"] == "open"
    assert fresh["status_notes"] == "待受理:已提交"
    assert fresh["service_code"] == "210101"
    assert fresh["service_name"] == made.category.name
    assert fresh["agency_responsible"] == made.unit.name
    assert fresh["address_id"] == GRID
    assert fresh["address"].startswith("商镇 ")
    assert fresh["address"].endswith(made.grid.name)
    assert fresh["lat"] == pytest.approx(made.lat)
    assert fresh["long"] == pytest.approx(made.lon)
    assert fresh["expected_datetime"] is not None  # the sign deadline
    assert (fresh["zipcode"], fresh["media_url"]) == ("", "")


def test_filters(client, filed) -> None:  # type: ignore[no-untyped-def]
    def ids(**params: str) -> set[str]:
        return set(_ids(client.get(f"{BASE}/requests.json", {"api_key": KEY, **params})))

    two = f"{filed['closed']},{filed['portal']}"
    assert ids(service_request_id=two) == {filed["closed"], filed["portal"]}
    by_code = ids(service_code="130101")
    assert filed["old"] in by_code
    assert not by_code & {filed["closed"], filed["fresh"], filed["portal"]}
    assert filed["closed"] in ids(status="closed")
    assert not ids(status="closed") & {filed["fresh"], filed["old"], filed["portal"]}
    assert filed["closed"] not in ids(status="open")
    assert {filed["closed"], filed["fresh"]} <= ids(status="open,closed")
    week_ago = (timezone.now() - timedelta(days=7)).isoformat()
    assert filed["old"] not in ids(start_date=week_ago)
    assert filed["fresh"] in ids(start_date=week_ago)
    assert ids(end_date=week_ago) & set(filed.values()) == {filed["old"]}
    twelve_days_ago = timezone.now() - timedelta(days=12)
    span = ids(
        start_date=twelve_days_ago.strftime("%Y-%m-%dT%H:%M:%SZ"),
        end_date=(twelve_days_ago + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    assert span & set(filed.values()) == {filed["old"]}


def test_the_default_window_is_90_days(client, filed) -> None:  # type: ignore[no-untyped-def]
    Request.objects.filter(number=filed["old"]).update(
        created_at=timezone.now() - timedelta(days=100)
    )
    assert filed["old"] not in _ids(client.get(f"{BASE}/requests.json"))
    # Asked by its id, it is found: the id overrides the other filters.
    assert _ids(client.get(f"{BASE}/requests.json", {"service_request_id": filed["old"]})) == [
        filed["old"]
    ]


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"status": "pending"}, "status"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2025-01-01T00:00:00Z"}, "晚于"),
        ({"start_date": "2025-01-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "90 天"),
        ({"jurisdiction_id": "110101"}, "jurisdiction_id"),
    ],
)
def test_bad_filters_are_400_or_404(client, params: dict[str, str], says: str) -> None:  # type: ignore[no-untyped-def]
    status = 404 if "jurisdiction_id" in params else 400
    for fmt in ("json", "xml"):
        assert says in spec_error(client.get(f"{BASE}/requests.{fmt}", params), fmt, status)


def test_requests_xml(client, filed) -> None:  # type: ignore[no-untyped-def]
    root = xml_root(client.get(f"{BASE}/requests.xml", {"status": "closed"}))
    assert root.tag == "service_requests"
    rows = {r.findtext("service_request_id"): r for r in root}
    assert {r.tag for r in root} == {"request"}
    closed = rows[filed["closed"]]
    assert closed.findtext("status") == "closed"
    assert closed.findtext("status_notes") == "已办结:已清运完毕"
    assert closed.findtext("address_id") == GRID
    assert float(closed.findtext("lat") or "nan") > 30
    assert closed.find("media_url") is not None
    assert "13912345678" not in (closed.findtext("description") or "")


def test_one_request_json_and_xml(client, filed) -> None:  # type: ignore[no-untyped-def]
    body = json_body(client.get(f"{BASE}/requests/{filed['fresh']}.json"))
    assert_schema(body, "requests.json")
    assert_schema(body[0], "request.json")
    assert [row["service_request_id"] for row in body] == [filed["fresh"]]
    root = xml_root(client.get(f"{BASE}/requests/{filed['fresh']}.xml"))
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root] == [filed["fresh"]]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_one_unknown_or_unseen_request_is_404(client, filed, fmt: str) -> None:  # type: ignore[no-untyped-def]
    spec_error(client.get(f"{BASE}/requests/611022-2026-999999.{fmt}"), fmt, 404)
    # The portal's request exists, but not for a reader without a key.
    spec_error(client.get(f"{BASE}/requests/{filed['portal']}.{fmt}"), fmt, 404)
    with_key = client.get(f"{BASE}/requests/{filed['portal']}.{fmt}", {"api_key": KEY})
    assert with_key.status_code == 200
