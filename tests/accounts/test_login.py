"""Signing in: argon2 hashes, the same answer for unknown users and wrong
passwords, lockout after repeated failures, API tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from wangge.accounts.models import User
from wangge.accounts.services import login_attempt
from wangge.audit.models import AuditRecord
from wangge.core.errors import DomainError
from wangge.demo.seed import DEMO_PASSWORD


def test_passwords_are_hashed_with_argon2(user_named) -> None:  # type: ignore[no-untyped-def]
    assert user_named("admin").password.startswith("argon2")


def test_login_page_signs_in_and_audits(db: None) -> None:
    c = Client(REMOTE_ADDR="10.1.2.3")
    r = c.post("/login/", {"username": "shangzhen_dispatcher", "password": DEMO_PASSWORD})
    assert r.status_code == 302
    rec = AuditRecord.objects.filter(action="auth.login").order_by("-seq").first()
    assert rec is not None
    assert rec.actor_label == "shangzhen_dispatcher"
    assert rec.address == "10.1.2.3"
    assert c.get("/").status_code == 200


def test_unknown_user_and_wrong_password_look_the_same(db: None) -> None:
    c = Client()
    a = c.post("/login/", {"username": "nobody-here", "password": "x" * 12})
    b = c.post("/login/", {"username": "admin", "password": "wrong-password"})
    assert a.status_code == b.status_code == 400
    assert "用户名或密码错误" in a.content.decode()
    assert "用户名或密码错误" in b.content.decode()


@override_settings(WANGGE_LOGIN_MAX_FAILURES=3, WANGGE_LOGIN_LOCK_MINUTES=15)
def test_lockout_after_repeated_failures(db: None) -> None:
    for _ in range(2):
        with pytest.raises(DomainError) as e:
            login_attempt(username="danfeng_command", password="wrong")
        assert e.value.code == "login.invalid"
    with pytest.raises(DomainError) as e:
        login_attempt(username="danfeng_command", password="wrong")
    assert e.value.code == "login.locked"
    # Now even the right password is refused, on the page, the API and the admin.
    with pytest.raises(DomainError) as e:
        login_attempt(username="danfeng_command", password=DEMO_PASSWORD)
    assert e.value.code == "login.locked"
    page = Client().post("/login/", {"username": "danfeng_command", "password": DEMO_PASSWORD})
    assert "已锁定" in page.content.decode()
    api = Client().post(
        "/api/auth/token/", {"username": "danfeng_command", "password": DEMO_PASSWORD}
    )
    assert api.status_code == 423
    assert api.json()["code"] == "login.locked"
    assert AuditRecord.objects.filter(action="auth.login_refused_locked").exists()
    # After the lock expires the right password works and resets the count.
    User.objects.filter(username="danfeng_command").update(
        locked_until=timezone.now() - dt.timedelta(seconds=1)
    )
    user = login_attempt(username="danfeng_command", password=DEMO_PASSWORD)
    assert user.failed_logins == 0


def test_token_api(db: None) -> None:
    c = Client()
    r = c.post(
        "/api/auth/token/",
        {"username": "admin", "password": DEMO_PASSWORD},
        content_type="application/json",
    )
    assert r.status_code == 200
    token = r.json()["token"]
    me = c.get("/api/me/", headers={"Authorization": f"Token {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == "admin"
    bad = c.post("/api/auth/token/", {"username": "admin", "password": "nope"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "login.invalid"
    empty = c.post("/api/auth/token/", {})
    assert empty.status_code == 400
    assert empty.json()["code"] == "invalid"


def test_admin_site_obeys_the_same_rules(db: None) -> None:
    c = Client()
    r = c.post("/admin/login/", {"username": "admin", "password": DEMO_PASSWORD, "next": "/admin/"})
    assert r.status_code == 302
    assert c.get("/admin/").status_code == 200


def test_home_shows_my_roles_and_area(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user_named("sj611022109223"))
    html = c.get("/").content.decode()
    assert "村(社区)书记" in html
    assert "保定村" in html
    assert "保定村村民委员会" in html
    assert "611022109223" in html
