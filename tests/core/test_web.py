"""Health, API schema and docs, error shapes, the Chinese interface."""

from __future__ import annotations

from django.test import Client

from wangge.demo.seed import DEMO_PASSWORD


def test_healthz_answers_when_database_is_up(db: None) -> None:
    r = Client().get("/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_openapi_schema_and_docs(db: None) -> None:
    c = Client()
    c.post("/login/", {"username": "admin", "password": DEMO_PASSWORD})
    schema = c.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for p in ("/api/areas/", "/api/areas/{code}/", "/api/auth/token/", "/api/locate/"):
        assert p in paths
    docs = c.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    # The docs page's assets are served locally, not from a CDN.
    assert b"cdn.jsdelivr" not in docs.content


def test_api_errors_have_stable_codes(db: None) -> None:
    c = Client()
    r = c.get("/api/areas/")
    assert r.status_code == 401
    assert r.json()["code"] == "not_authenticated"
    c.force_login(
        __import__("wangge.accounts.models", fromlist=["User"]).User.objects.get(username="admin")
    )
    bad = c.get("/api/areas/?level=planet")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"


def test_pages_speak_chinese(db: None) -> None:
    page = Client().get("/login/")
    html = page.content.decode()
    assert 'lang="zh-Hans"' in html
    assert "登录" in html
    assert "用户名" in html


def test_about_page_credits_the_data(db: None) -> None:
    html = Client().get("/about/").content.decode()
    assert "Vonng/adcode" in html
    assert "CC BY 4.0" in html
