"""The flow through the REST API: intake with an idempotency key, the list,
one request with its timeline, steps with the version seen (409 when late),
and "not found" for outsiders."""

from __future__ import annotations

from rest_framework.test import APIClient

GRID = "611022109223001"


def _client(user_named, name: str) -> APIClient:  # type: ignore[no-untyped-def]
    c = APIClient()
    c.force_authenticate(user_named(name))
    return c


def test_intake_list_detail_and_steps(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    worker = _client(user_named, "wg" + GRID)
    body = {
        "channel": "grid_worker",
        "category": "130101",
        "description": "巡查发现村里手机信号很差",
        "grid": GRID,
        "contact_phone": "13900001111",
    }
    first = worker.post("/api/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == 201, first.content
    again = worker.post("/api/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert again.status_code == 200
    number = first.json()["number"]
    assert again.json()["number"] == number
    assert first.json()["contact_phone_masked"] == "139****1111"
    assert "13900001111" not in first.content.decode()

    town = _client(user_named, "shangzhen_dispatcher")
    listed = town.get("/api/requests/", {"state": "submitted"}).json()
    assert number in [r["number"] for r in listed["results"]]
    detail = town.get(f"/api/requests/{number}/").json()
    assert [e["action"] for e in detail["events"]] == ["submit"]
    assert first.json()["events"] == again.json()["events"] == detail["events"]
    version = detail["version"]

    sent = town.post(
        f"/api/requests/{number}/dispatch/",
        {"unit": "D-611022-zhujian", "version": version},
        format="json",
    )
    assert sent.status_code == 200, sent.content
    assert sent.json()["unit"] == "D-611022-zhujian"
    late = town.post(
        f"/api/requests/{number}/dispatch/",
        {"unit": "V-611022109223", "version": version},
        format="json",
    )
    assert late.status_code == 409
    assert late.json()["code"] == "request.conflict"

    dept = _client(user_named, "danfeng_zhujian")
    signed = dept.post(
        f"/api/requests/{number}/sign/", {"version": sent.json()["version"]}, format="json"
    )
    assert signed.status_code == 200
    assert signed.json()["state"] == "signed"
    bad = dept.post(f"/api/requests/{number}/fly/", {}, format="json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "request.action"


def test_bad_intake_and_outsiders(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    c = _client(user_named, "wg" + GRID)
    r = c.post("/api/requests/", {"category": "130101", "description": "短", "grid": GRID})
    assert r.status_code == 400
    assert r.json()["code"] == "request.description"
    ok = c.post(
        "/api/requests/",
        {"category": "130101", "description": "巡查发现村里手机信号很差", "grid": GRID},
    )
    number = ok.json()["number"]
    other = _client(user_named, "longjuzhaijiedao_dispatcher")
    assert other.get(f"/api/requests/{number}/").status_code == 404
    assert other.post(f"/api/requests/{number}/sign/", {}).status_code == 404
    assert APIClient().get("/api/requests/").status_code == 401


def test_whistle_through_the_api(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    worker = _client(user_named, "wg" + GRID)
    made = worker.post(
        "/api/requests/",
        {"category": "2101", "description": "桥头护栏被撞坏", "grid": GRID},
        format="json",
    ).json()
    town = _client(user_named, "shangzhen_dispatcher")
    answer = town.post(
        f"/api/requests/{made['number']}/whistle/",
        {
            "version": made["version"],
            "lead": "D-611022-zhujian",
            "helpers": ["D-611022-yingji", "D-611022-jiaotong"],
        },
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["unit"] == "D-611022-zhujian"
    helper = _client(user_named, "danfeng_yingji")
    assert helper.get(f"/api/requests/{made['number']}/").status_code == 200
    done = helper.post(f"/api/requests/{made['number']}/report_in/", {}, format="json")
    assert done.status_code == 200
    again = helper.post(f"/api/requests/{made['number']}/report_in/", {}, format="json")
    assert again.status_code == 400
    assert again.json()["message"] == "本单位已报到"
