"""Discovery, the service list and service definitions, in JSON and XML,
valid by the spec's schemas; unknown jurisdictions and services are 404s."""

from __future__ import annotations

import pytest

from tests.open311.conftest import BASE, assert_schema, json_body, spec_error, xml_root
from wangge.categories.models import Category


def test_discovery_json(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"{BASE}/discovery.json")
    assert r.status_code == 200
    body = json_body(r)
    assert body["changeset"]
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["formats"] == ["application/json", "text/xml"]
    assert endpoint["type"] == "production"


def test_discovery_xml(client) -> None:  # type: ignore[no-untyped-def]
    root = xml_root(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert root.findtext("contact")
    assert root.findtext("key_service")
    [endpoint] = root.find("endpoints")  # type: ignore[union-attr]
    assert endpoint.tag == "endpoint"
    assert endpoint.findtext("url") == "http://testserver/open311/v2/"
    assert [f.text for f in endpoint.iterfind("formats/format")] == [
        "application/json",
        "text/xml",
    ]


def test_services_json_lists_the_active_leaves(client) -> None:  # type: ignore[no-untyped-def]
    body = json_body(client.get(f"{BASE}/services.json"))
    assert_schema(body, "services.json")
    by_code = {s["service_code"]: s for s in body}
    leaves = Category.objects.filter(is_active=True, children__isnull=True)
    assert set(by_code) == set(leaves.values_list("code", flat=True))
    leaf = Category.objects.select_related("parent__parent").get(code="210101")
    second, first = leaf.parent, leaf.parent.parent  # type: ignore[union-attr]
    assert by_code["210101"] == {
        "service_code": "210101",
        "service_name": leaf.name,
        "description": f"{first.name} / {second.name} / {leaf.name}",  # type: ignore[union-attr]
        "metadata": True,
        "type": "realtime",
        "keywords": f"{first.name},{second.name}",  # type: ignore[union-attr]
        "group": first.name,  # type: ignore[union-attr]
    }
    assert "2101" not in by_code  # inner nodes are not services
    assert "21" not in by_code


def test_a_switched_off_branch_lists_none_of_its_leaves(client) -> None:  # type: ignore[no-untyped-def]
    Category.objects.filter(code="2101").update(is_active=False)
    codes = {s["service_code"] for s in json_body(client.get(f"{BASE}/services.json"))}
    assert not any(c.startswith("2101") for c in codes)
    assert client.get(f"{BASE}/services/210101.json").status_code == 404


def test_services_xml(client) -> None:  # type: ignore[no-untyped-def]
    root = xml_root(client.get(f"{BASE}/services.xml", {"jurisdiction_id": "611022"}))
    assert root.tag == "services"
    services = list(root)
    assert services
    assert {s.tag for s in services} == {"service"}
    one = next(s for s in services if s.findtext("service_code") == "210101")
    assert one.findtext("metadata") == "true"
    assert one.findtext("type") == "realtime"
    assert one.findtext("group") == Category.objects.get(code="21").name  # Chinese intact


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_jurisdiction_is_404(client, fmt: str) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "110101"})
    assert "110101" in spec_error(r, fmt, 404)
    # A county of the city with no grids takes no requests here either.
    assert client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "611002"}).status_code == 404


def test_service_definition_json(client) -> None:  # type: ignore[no-untyped-def]
    body = json_body(client.get(f"{BASE}/services/210101.json"))
    assert_schema(body, "service-definition.json")
    assert body["service_code"] == "210101"
    [urgency] = body["attributes"]
    assert urgency["code"] == "urgency"
    assert urgency["datatype"] == "singlevaluelist"
    assert urgency["required"] is False
    assert urgency["order"] == 1
    assert urgency["values"] == [
        {"key": "urgent", "name": "紧急"},
        {"key": "normal", "name": "一般"},
        {"key": "complex", "name": "复杂"},
    ]


def test_service_definition_xml(client) -> None:  # type: ignore[no-untyped-def]
    root = xml_root(client.get(f"{BASE}/services/210101.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "210101"
    [attribute] = root.find("attributes")  # type: ignore[union-attr]
    assert attribute.tag == "attribute"
    assert attribute.findtext("variable") == "true"
    assert attribute.findtext("required") == "false"
    assert [
        (v.findtext("key"), v.findtext("name")) for v in attribute.iterfind("values/value")
    ] == [
        ("urgent", "紧急"),
        ("normal", "一般"),
        ("complex", "复杂"),
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_definition_is_404(client, fmt: str) -> None:  # type: ignore[no-untyped-def]
    assert "999999" in spec_error(client.get(f"{BASE}/services/999999.{fmt}"), fmt, 404)
    # An inner node of the tree is not a service.
    spec_error(client.get(f"{BASE}/services/2101.{fmt}"), fmt, 404)
