"""For every role, through the pages and the API: a user reaches exactly the
subtree of the area their role is held at, and an area outside it answers
exactly like an area that does not exist."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from wangge.accounts.models import RoleAssignment
from wangge.accounts.roles import Role
from wangge.demo.seed import DEMO_PASSWORD
from wangge.territory.models import Area

SHANGZHEN = "611022109000"
DANFENG = "611022000000"

# role → which demo assignment to take: (role, area code prefix)
CASES = [
    (Role.GRID_WORKER, "611022109"),
    (Role.ZONE_HEAD, "611022001"),
    (Role.VILLAGE_SECRETARY, "611022109"),
    (Role.TOWN_DISPATCHER, SHANGZHEN),
    (Role.JUDICIAL_OFFICER, SHANGZHEN),
    (Role.DEPARTMENT_STAFF, DANFENG),
    (Role.COMMAND_CENTRE, DANFENG),
    (Role.COMMAND_CENTRE, "611000000000"),
    (Role.ORGANISATION_STAFF, DANFENG),
    (Role.ADMINISTRATOR, DANFENG),
    (Role.ADMINISTRATOR, "611000000000"),
]
NOWHERE = "611022999999"  # a well-formed code no area has


def _assignment(role: str, prefix: str) -> RoleAssignment:
    return (
        RoleAssignment.objects.filter(role=role, area__code__startswith=prefix)
        .select_related("area", "user")
        .order_by("area__code")
        .first()
    )  # type: ignore[return-value]


def _outside(area: Area) -> list[Area]:
    """Areas just outside the grant: its parent and a sibling's subtree."""
    out: list[Area] = []
    if area.parent_id:
        out.append(Area.objects.get(pk=area.parent_id))
        sibling = (
            Area.objects.filter(parent_id=area.parent_id)
            .exclude(pk=area.pk)
            .order_by("code")
            .first()
        )
        if sibling:
            out.append(sibling)
            child = (
                Area.objects.filter(path__startswith=sibling.path).exclude(pk=sibling.pk).first()
            )
            if child:
                out.append(child)
    return out


def _strip_tokens(html: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())


def _all_codes(api: Client, headers: dict[str, str], level: str | None = None) -> list[str]:
    codes: list[str] = []
    url = "/api/areas/?page_size=1000" + (f"&level={level}" if level else "")
    while url:
        r = api.get(url, headers=headers)
        assert r.status_code == 200, r.content
        body = r.json()
        codes += [a["code"] for a in body["results"]]
        url = body["next"]
    return codes


@pytest.mark.parametrize(("role", "prefix"), CASES, ids=[f"{r}@{p}" for r, p in CASES])
def test_role_reaches_exactly_its_subtree(db: None, role: str, prefix: str) -> None:
    a = _assignment(role, prefix)
    assert a is not None, f"the demo has no {role} under {prefix}"
    area = a.area
    subtree = set(
        Area.objects.filter(path__startswith=area.path, is_active=True).values_list(
            "code", flat=True
        )
    )

    # API, with a token.
    api = Client()
    r = api.post("/api/auth/token/", {"username": a.user.username, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.content
    headers = {"Authorization": f"Token {r.json()['token']}"}
    listed = _all_codes(api, headers)
    assert set(listed) == subtree
    assert len(listed) == len(subtree)  # nothing twice
    for level in ("county", "town", "village", "grid"):
        r = api.get(f"/api/areas/?level={level}", headers=headers)
        assert (
            r.json()["count"]
            == Area.objects.filter(path__startswith=area.path, level=level, is_active=True).count()
        )
    assert api.get(f"/api/areas/{area.code}/", headers=headers).status_code == 200

    missing = api.get(f"/api/areas/{NOWHERE}/", headers=headers)
    assert missing.status_code == 404
    for other in _outside(area):
        for url in (f"/api/areas/{other.code}/", f"/api/areas/{other.code}/geojson/"):
            r = api.get(url, headers=headers)
            assert r.status_code == 404, url
            assert r.json() == missing.json()
        r = api.get(f"/api/areas/?parent={other.code}", headers=headers)
        assert {a["code"] for a in r.json()["results"]} <= subtree

    # Pages, with a session.
    web = Client()
    assert (
        web.post("/login/", {"username": a.user.username, "password": DEMO_PASSWORD}).status_code
        == 302
    )
    page = web.get(f"/areas/{area.code}/")
    assert page.status_code == 200
    assert area.name in page.content.decode()
    web_missing = web.get(f"/areas/{NOWHERE}/")
    assert web_missing.status_code == 404
    for other in _outside(area):
        for url in (f"/areas/{other.code}/", f"/areas/{other.code}/map.geojson"):
            r = web.get(url)
            assert r.status_code == 404, url
        r = web.get(f"/areas/{other.code}/")
        assert _strip_tokens(r.content) == _strip_tokens(web_missing.content)
    geo = web.get(f"/areas/{area.code}/map.geojson").json()
    assert {f["properties"]["code"] for f in geo["features"]} <= subtree


def test_every_role_is_covered_by_the_matrix() -> None:
    assert {r for r, _p in CASES} == set(Role.values)


def test_department_staff_reach_is_limited_to_their_categories(db: None) -> None:
    a = _assignment(Role.DEPARTMENT_STAFF, DANFENG)
    api = Client()
    api.force_login(a.user)
    me: dict[str, Any] = api.get("/api/me/").json()
    (grant,) = me["roles"]
    assert grant["role"] == "department_staff"
    assert grant["categories"] == sorted(a.unit.categories.values_list("code", flat=True))  # type: ignore[union-attr]
    assert grant["categories"]


def test_anonymous_reaches_nothing(db: None) -> None:
    c = Client()
    assert c.get("/api/areas/").status_code == 401
    r = c.get(f"/areas/{SHANGZHEN}/")
    assert r.status_code == 302
    assert "/login/" in r["Location"]
