"""Correcting an area's details: who may, and what it leaves behind."""

from __future__ import annotations

import pytest
from django.test import Client

from wangge.audit.models import AuditRecord
from wangge.core.errors import DomainError, NotFound
from wangge.territory.models import Area
from wangge.territory.services import area_update

SHANGZHEN = "611022109000"
BAODING = "611022109223"


def test_town_dispatcher_renames_a_village_through_the_page(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user_named("shangzhen_dispatcher"))
    r = c.post(f"/areas/{BAODING}/edit/", {"name": "保定村(测试)", "ur_code": "220"})
    assert r.status_code == 302
    assert Area.objects.get(code=BAODING).name == "保定村(测试)"
    rec = AuditRecord.objects.filter(action="area.update", object_id=BAODING).get()
    assert rec.changes == {"name": ["保定村", "保定村(测试)"]}
    page = c.get(f"/areas/{BAODING}/").content.decode()
    assert "修改名称或城乡分类" in page


def test_dispatcher_may_not_rename_the_town_itself(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    dispatcher = user_named("shangzhen_dispatcher")
    with pytest.raises(DomainError) as e:
        area_update(actor=dispatcher, area=Area.objects.get(code=SHANGZHEN), name="商州镇")
    assert e.value.code == "forbidden"
    c = Client()
    c.force_login(dispatcher)
    assert "修改名称或城乡分类" not in c.get(f"/areas/{SHANGZHEN}/").content.decode()
    r = c.post(f"/areas/{SHANGZHEN}/edit/", {"name": "商州镇"})
    assert r.status_code == 403
    assert Area.objects.get(code=SHANGZHEN).name == "商镇"


def test_grid_worker_can_look_but_not_edit(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    worker = user_named(f"wg{BAODING}001")
    grid = Area.objects.get(code=f"{BAODING}001")
    with pytest.raises(DomainError) as e:
        area_update(actor=worker, area=grid, name="x")
    assert e.value.code == "forbidden"


def test_editing_outside_reach_is_not_found(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    dispatcher = user_named("shangzhen_dispatcher")
    other = Area.objects.get(code="611022001004")
    with pytest.raises(NotFound):
        area_update(actor=dispatcher, area=other, name="x")
    c = Client()
    c.force_login(dispatcher)
    assert c.post("/areas/611022001004/edit/", {"name": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"name": "  "}, "area.name"),
        ({"name": "长" * 65}, "area.name"),
        ({"ur_code": "999"}, "area.ur_code"),
    ],
)
def test_bad_input_changes_nothing(db: None, user_named, fields, code) -> None:  # type: ignore[no-untyped-def]
    dispatcher = user_named("shangzhen_dispatcher")
    before = AuditRecord.objects.count()
    with pytest.raises(DomainError) as e:
        area_update(actor=dispatcher, area=Area.objects.get(code=BAODING), **fields)
    assert e.value.code == code
    assert Area.objects.get(code=BAODING).name == "保定村"
    assert AuditRecord.objects.count() == before


def test_bad_input_on_the_page_shows_a_chinese_message(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user_named("shangzhen_dispatcher"))
    r = c.post(f"/areas/{BAODING}/edit/", {"name": ""})
    assert r.status_code == 400
    assert "名称不能为空" in r.content.decode()
