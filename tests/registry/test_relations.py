"""Correcting the members' relations to the head (registry.relations): all at once, so the
household always has exactly one head; handing the headship over while the old head stays;
refusals change nothing; audited; the household page's form does the same."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.registry.test_moves_heads import SECRETARY, WORKER, _current, _household_with_head
from wangge.audit.models import AuditRecord
from wangge.core.errors import DomainError
from wangge.registry.relations import household_relations_set


def test_the_headship_passes_to_a_son_while_the_father_stays(db: None, user_named: Any) -> None:
    h, head, others = _household_with_head()
    son = others[0]
    household_relations_set(
        actor=user_named(SECRETARY),
        household=h,
        relations={head.person_id: "父母", son.person_id: "户主"},
        reason="老人年迈,户主交给儿子",
    )
    now = {m.person_id: m.relation for m in _current(h)}
    assert now[head.person_id] == "父母"
    assert now[son.person_id] == "户主"
    assert list(now.values()).count("户主") == 1
    record = AuditRecord.objects.filter(action="household.relations").latest("pk")
    assert record.changes["head_changed"] is True
    assert record.changes["relations"][son.person.name] == [son.relation, "户主"]


@pytest.mark.parametrize(
    "make",
    [
        lambda head, son: {son.person_id: "户主"},  # two heads
        lambda head, son: {head.person_id: "父母"},  # none
        lambda head, son: {son.person_id: "表亲"},  # not a relation the registry knows
        lambda head, son: {10**9: "子女"},  # not a member
    ],
)
def test_a_household_never_ends_with_other_than_one_head(
    db: None, user_named: Any, make: Any
) -> None:
    h, head, others = _household_with_head()
    before = {m.person_id: m.relation for m in _current(h)}
    with pytest.raises(DomainError):
        household_relations_set(
            actor=user_named(SECRETARY), household=h, relations=make(head, others[0])
        )
    assert {m.person_id: m.relation for m in _current(h)} == before
    assert not AuditRecord.objects.filter(action="household.relations").exists()


def test_only_those_who_keep_the_registry_may_correct_it(db: None, user_named: Any) -> None:
    h, _head, others = _household_with_head()
    with pytest.raises(DomainError) as e:  # the grid worker proposes changes, never edits
        household_relations_set(
            actor=user_named(WORKER), household=h, relations={others[0].person_id: "其他"}
        )
    assert e.value.code == "forbidden"


def test_the_household_page_corrects_them(db: None, user_named: Any) -> None:
    h, head, others = _household_with_head()
    c = Client()
    c.force_login(user_named(SECRETARY))
    page = c.get(f"/households/{h.number}/").content.decode()
    assert "核对与户主关系" in page
    r = c.post(
        f"/households/{h.number}/relations/",
        {f"relation_{others[0].person_id}": "其他", f"relation_{head.person_id}": "户主"},
        follow=True,
    )
    assert "已更新成员关系" in r.content.decode()
    assert {m.person_id: m.relation for m in _current(h)}[others[0].person_id] == "其他"
    r = c.post(
        f"/households/{h.number}/relations/", {f"relation_{head.person_id}": "配偶"}, follow=True
    )
    assert "本户须有且只有一位户主" in r.content.decode()
    worker = Client()
    worker.force_login(user_named(WORKER))
    assert "核对与户主关系" not in worker.get(f"/households/{h.number}/").content.decode()
