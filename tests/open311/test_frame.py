"""What every method shares: formats, methods, unknown paths; and the keys
behind them — stored as digests only, checked, issued by the admin and
the demo."""

from __future__ import annotations

import hashlib
import re

import pytest

from tests.open311.conftest import BASE, spec_error
from wangge.demo.seed import DEMO_PASSWORD
from wangge.open311.models import ApiKey
from wangge.open311.services import api_key_check, api_key_create


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("put", "requests", "GET, POST"),
        ("delete", "requests", "GET, POST"),
        ("post", "services", "GET"),
        ("post", "discovery", "GET"),
        ("post", "services/210101", "GET"),
        ("post", "requests/611022-2026-000001", "GET"),
        ("post", "tokens/abc", "GET"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_wrong_method_is_405(client, method: str, path: str, allow: str, fmt: str) -> None:  # type: ignore[no-untyped-def]
    r = getattr(client, method)(f"{BASE}/{path}.{fmt}")
    spec_error(r, fmt, 405)
    assert r["Allow"] == allow


@pytest.mark.parametrize("path", ["services.csv", "requests.html", "tokens/abc.yaml", "services"])
def test_an_unknown_format_or_path_is_a_json_404(client, path: str) -> None:  # type: ignore[no-untyped-def]
    spec_error(client.get(f"{BASE}/{path}"), "json", 404)


def test_keys_are_stored_as_digests_and_checked(db: None) -> None:
    made, raw = api_key_create(name="客户端甲", county_code="611022")
    assert len(raw) >= 40
    stored = ApiKey.objects.get(pk=made.pk)
    assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {str(v) for v in ApiKey.objects.filter(pk=made.pk).values().get().values()}
    assert stored.last_used_at is None
    assert api_key_check(raw) == made
    assert ApiKey.objects.get(pk=made.pk).last_used_at is not None
    assert api_key_check(raw + "x") is None
    assert api_key_check("") is None
    ApiKey.objects.filter(pk=made.pk).update(is_active=False)
    assert api_key_check(raw) is None


def test_a_key_is_only_for_a_county_that_takes_requests(db: None) -> None:
    from wangge.core.errors import DomainError

    with pytest.raises(DomainError):
        api_key_create(name="无网格的县", county_code="611002")


def test_the_demo_key_works(db: None) -> None:
    key = api_key_check("demo-open311-key")
    assert key is not None
    assert (key.name, key.county_code) == ("演示客户端", "611022")


def test_the_admin_shows_a_new_key_once_and_never_again(client, key) -> None:  # type: ignore[no-untyped-def]
    client.login(username="admin", password=DEMO_PASSWORD)
    r = client.post(
        "/admin/open311/apikey/add/",
        {"name": "市民 App", "county_code": "611022", "is_active": "on"},
        follow=True,
    )
    assert r.status_code == 200
    shown = re.search(r"只显示这一次,请立即交给对方\):([A-Za-z0-9_-]+)", r.content.decode())
    assert shown is not None
    made = api_key_check(shown[1])
    assert made is not None
    assert made.name == "市民 App"
    listing = client.get("/admin/open311/apikey/").content.decode()
    assert "市民 App" in listing
    assert made.digest not in listing
    page = client.get(f"/admin/open311/apikey/{made.pk}/change/").content.decode()
    assert made.digest not in page
    assert shown[1] not in page
    bad = client.post("/admin/open311/apikey/add/", {"name": "错", "county_code": "110101"})
    assert bad.status_code == 200  # the form again, with the error
    assert not ApiKey.objects.filter(name="错").exists()
