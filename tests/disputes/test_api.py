"""Disputes through the REST API: register with parties (personal data
masked in every answer), the ledger's filters, one dispute with its
timeline, steps with the version seen (409 when late), "not found" for
outsiders."""

from __future__ import annotations

from rest_framework.test import APIClient

from tests.disputes.conftest import GRID, WORKER, household_with_member


def _client(user_named, name: str) -> APIClient:  # type: ignore[no-untyped-def]
    c = APIClient()
    c.force_authenticate(user_named(name))
    return c


def test_register_list_detail_and_steps(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    household, name = household_with_member(GRID)
    worker = _client(user_named, WORKER)
    body = {
        "grid": GRID,
        "type": "land",
        "risk": "medium",
        "summary": "两户因承包地界址发生争执",
        "found_via": "patrol",
        "parties": [
            {"name": name, "household": household.number, "side": "a"},
            {
                "name": "外地承包人",
                "side": "b",
                "phone": "13800001234",
                "id_number": "11010519491231002X",
            },
        ],
    }
    made = worker.post("/api/disputes/", body, format="json")
    assert made.status_code == 201, made.content
    d = made.json()
    number = d["number"]
    assert [p["side"] for p in d["parties"]] == ["a", "b"]
    assert d["parties"][1]["phone_masked"] == "138****1234"
    assert d["parties"][1]["id_masked"].startswith("1101")
    assert "13800001234" not in made.content.decode()
    assert "11010519491231002X" not in made.content.decode()
    assert d["parties"][0]["household"] == household.number

    listed = worker.get("/api/disputes/", {"type": "land", "unresolved": "1"}).json()
    assert number in [x["number"] for x in listed["results"]]
    assert worker.get("/api/disputes/", {"type": "debt", "q": number}).json()["count"] == 0

    step = worker.post(
        f"/api/disputes/{number}/steps/",
        {
            "version": d["version"],
            "mediators": "网格员",
            "note": "实地查看界桩",
            "result": "partly",
        },
        format="json",
    )
    assert step.status_code == 201, step.content
    steps = worker.get(f"/api/disputes/{number}/steps/").json()
    assert [s["action"] for s in steps] == ["register", "mediate"]
    late = worker.post(
        f"/api/disputes/{number}/escalate/",
        {"version": d["version"], "reason": "界址需村里确认"},
        format="json",
    )
    assert late.status_code == 409
    assert late.json()["code"] == "conflict"
    up = worker.post(
        f"/api/disputes/{number}/escalate/",
        {"version": step.json()["version"], "reason": "界址需村里确认"},
        format="json",
    )
    assert up.status_code == 200, up.content
    assert up.json()["level"] == "village"
    # Now the village's: the grid worker is refused, with a reason.
    refused = worker.post(
        f"/api/disputes/{number}/conclude/",
        {"version": up.json()["version"], "outcome": "referred", "note": "移交国土所"},
        format="json",
    )
    assert refused.status_code == 403
    assert "村调委会" in refused.json()["message"]

    outsider = _client(user_named, "wg611022109223002")
    assert outsider.get(f"/api/disputes/{number}/").status_code == 404
    assert outsider.get("/api/disputes/", {"q": number}).json()["count"] == 0


def test_bad_registration_is_a_400_with_a_code(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    worker = _client(user_named, WORKER)
    bad = worker.post(
        "/api/disputes/",
        {
            "grid": GRID,
            "type": "neighbour",
            "risk": "low",
            "summary": "邻里纠纷",
            "found_via": "visit",
            "parties": [{"name": "张三", "phone": "999"}],
        },
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["code"].startswith("phone.")
    assert "第 1 名当事人" in bad.json()["message"]


def test_the_schema_documents_the_endpoints(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    c = _client(user_named, "admin")
    schema = c.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for p in (
        "/api/disputes/",
        "/api/disputes/{number}/",
        "/api/disputes/{number}/steps/",
        "/api/disputes/{number}/{action}/",
        "/api/tasks/",
        "/api/tasks/{task_id}/progress/",
        "/api/tasks/preview/",
        "/api/tasks/mine/",
        "/api/task-rows/{row_id}/done/",
    ):
        assert p in paths, p
