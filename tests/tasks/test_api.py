"""Tasks through the REST API: preview, give, progress, my tasks, done."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework.test import APIClient

TOWN = "611022109000"
GRID = "611022109223001"


def _client(user_named, name: str) -> APIClient:  # type: ignore[no-untyped-def]
    c = APIClient()
    c.force_authenticate(user_named(name))
    return c


def test_preview_give_progress_and_done(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    town = _client(user_named, "shangzhen_dispatcher")
    preview = town.post("/api/tasks/preview/", {"areas": [TOWN]}, format="json")
    assert preview.status_code == 200, preview.content
    counts = preview.json()
    assert counts["towns"] == 1
    assert counts["grids"] > 50
    assert counts["by_household"] is False
    due = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    made = town.post(
        "/api/tasks/",
        {"title": "防汛物资清点", "due_on": due, "areas": [TOWN], "description": "清点各网格沙袋"},
        format="json",
    )
    assert made.status_code == 201, made.content
    task = made.json()
    assert task["grid_count"] == counts["grids"]

    worker = _client(user_named, "wg" + GRID)
    mine = worker.get("/api/tasks/mine/").json()
    row = next(r for r in mine if r["task"] == task["id"])
    assert row["grid"] == GRID
    done = worker.post(
        f"/api/task-rows/{row['id']}/done/", {"note": "已清点沙袋 200 袋"}, format="json"
    )
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "done"
    again = worker.post(f"/api/task-rows/{row['id']}/done/", {"note": "再次"}, format="json")
    assert again.status_code == 409

    progress = town.get(f"/api/tasks/{task['id']}/progress/", {"by": "village"}).json()
    assert progress["total"]["grids_done"] == 1
    assert sum(line["grids"] for line in progress["lines"]) == task["grid_count"]
    assert any(line["grids_done"] == 1 for line in progress["lines"])

    other = _client(user_named, "danfeng_zhujian")
    assert other.get(f"/api/tasks/{task['id']}/").status_code == 404


def test_bad_task_is_refused(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    town = _client(user_named, "shangzhen_dispatcher")
    bad = town.post(
        "/api/tasks/",
        {"title": "走访", "due_on": timezone.localdate().isoformat(), "areas": [TOWN]},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "task.title"
