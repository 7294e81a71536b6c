"""The task pages: giving a task with its preview, progress per town and
village, a grid worker's tasks and completing a grid's share."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from wangge.tasks.models import Task, TaskGrid

TOWN = "611022109000"
VILLAGE = "611022109223"
GRID = "611022109223001"


def _client(user_named, name: str) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user_named(name))
    return c


def test_give_a_task_see_progress_and_complete_a_grid(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    town = _client(user_named, "shangzhen_dispatcher")
    form = town.get("/tasks/new/").content.decode()
    assert "保定村" in form
    preview = town.post("/tasks/preview/", {"areas": [VILLAGE], "tag": "elderly_alone"})
    assert "个网格" in preview.content.decode()
    assert "对象" in preview.content.decode()
    due = (timezone.localdate() + dt.timedelta(days=4)).isoformat()
    made = town.post(
        "/tasks/new/",
        {
            "title": "入冬前排查取暖安全",
            "due_on": due,
            "areas": [TOWN],
            "description": "检查煤炉烟道",
        },
    )
    assert made.status_code == 302, made.content.decode()[:300]
    task = Task.objects.latest("pk")
    page = town.get(made.url).content.decode()
    assert "入冬前排查取暖安全" in page
    assert "保定村" in page  # one town: by village

    worker = _client(user_named, "wg" + GRID)
    mine = worker.get("/tasks/").content.decode()
    assert "入冬前排查取暖安全" in mine
    row = TaskGrid.objects.get(task=task, grid__code=GRID)
    done = worker.post(f"/tasks/rows/{row.pk}/done/", {"note": "已检查 12 户烟道"}, follow=True)
    assert "已标记完成" in done.content.decode()
    village = town.get(f"/tasks/{task.pk}/", {"area": VILLAGE}).content.decode()
    assert "网格" in village
    row.refresh_from_db()
    assert row.state == "done"


def test_a_bad_task_form_keeps_what_was_typed(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    town = _client(user_named, "shangzhen_dispatcher")
    before = Task.objects.count()
    back = town.post("/tasks/new/", {"title": "入冬走访", "due_on": "明天", "areas": [VILLAGE]})
    assert back.status_code == 200
    html = back.content.decode()
    assert "请填写完成期限" in html
    assert 'value="入冬走访"' in html
    assert Task.objects.count() == before


def test_the_task_list_for_the_county(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    c = _client(user_named, "danfeng_command")
    page = c.get("/tasks/").content.decode()
    assert 'id="new"' in page
    refused = _client(user_named, "danfeng_zhujian").get("/tasks/new/")
    assert refused.status_code == 403
    assert "没有交办任务的权限" in refused.content.decode()
