"""Open311 fixtures: a client key for the demo county, points inside real
grids, a form poster, and the public JSON Schemas of the spec's answers
(copied into ``schemas/`` so the tests need nothing outside the checkout)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7
from shapely.geometry import shape

BASE = "/open311/v2"
GRID = "611022109223001"  # 商镇 (a grid of the demo county)
KEY = "test-open311-key"
SCHEMAS = Path(__file__).parent / "schemas"
_SCHEMA_FILES = (
    "services.json",
    "service.json",
    "service-definition.json",
    "requests.json",
    "request.json",
)
_REGISTRY: Registry[Any] = Registry().with_resources(
    (name, Resource.from_contents(json.loads((SCHEMAS / name).read_text()), DRAFT7))
    for name in _SCHEMA_FILES
)


def assert_schema(instance: Any, name: str) -> None:
    """``instance`` is valid by the spec's schema ``name``; its date-times
    carry an offset (the schemas' formats are not checked by jsonschema
    without extra packages, so that part is checked here)."""
    schema = json.loads((SCHEMAS / name).read_text())
    Draft7Validator(schema, registry=_REGISTRY).validate(instance)
    for row in instance if isinstance(instance, list) else [instance]:
        for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
            if row.get(field):
                assert datetime.fromisoformat(row[field]).tzinfo is not None


def xml_root(response: Any) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - our own server's answer


def json_body(response: Any) -> Any:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def spec_error(response: Any, fmt: str, status: int) -> str:
    """The answer is the spec's error form with ``status``; its description."""
    assert response.status_code == status, response.content.decode()
    if fmt == "json":
        [only] = json_body(response)
        assert only["code"] == status
        return str(only["description"])
    root = xml_root(response)
    assert root.tag == "errors"
    [only] = list(root)
    assert only.tag == "error"
    assert only.findtext("code") == str(status)
    return only.findtext("description") or ""


def point_in(code: str) -> tuple[float, float]:
    """A (lon, lat) inside the area ``code``."""
    from wangge.territory.models import Area

    p = shape(Area.objects.get(code=code).geometry).representative_point()
    return p.x, p.y


@pytest.fixture(autouse=True)
def _seeded(db: None) -> None:
    """Every method reads the seeded county (services, grids, requests)."""


@pytest.fixture
def key(db: None) -> Any:
    from wangge.open311.services import api_key_create

    made, _ = api_key_create(name="测试客户端", county_code="611022", raw=KEY)
    return made


@pytest.fixture
def post(client: Client, key: Any) -> Callable[..., Any]:
    """POST requests.{fmt} with a valid form; fields override or, as None,
    leave out a field."""
    lon, lat = point_in(GRID)

    def send(fmt: str = "json", headers: dict[str, str] | None = None, **fields: Any) -> Any:
        form = {
            "api_key": KEY,
            "service_code": "210101",
            "lat": f"{lat:.7f}",
            "long": f"{lon:.7f}",
            "description": "路边垃圾堆了好几天没人清理",
            "first_name": "小明",
            "last_name": "王",
            "phone": "13912345678",
            **fields,
        }
        form = {k: v for k, v in form.items() if v is not None}
        return client.post(f"{BASE}/requests.{fmt}", form, headers=headers or {})

    return send
