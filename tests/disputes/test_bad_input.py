"""Bad input gets a clear Chinese message and changes nothing; two people
acting at once — one wins, the other is told the case has just changed."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.disputes.conftest import GRID, WORKER, register
from wangge.core.errors import DomainError, NotFound
from wangge.disputes.models import Dispute, DisputeCounter, DisputeEvent, Party
from wangge.disputes.parties import PartyIn
from wangge.disputes.services import (
    dispute_conclude,
    dispute_escalate,
    dispute_mediate,
    dispute_reassess,
)


def _counts() -> tuple[int, int, int, list[int]]:
    return (
        Dispute.objects.count(),
        Party.objects.count(),
        DisputeEvent.objects.count(),
        list(DisputeCounter.objects.values_list("last", flat=True)),
    )


@pytest.mark.parametrize(
    ("changes", "code", "words"),
    [
        ({"dispute_type": "fight"}, "dispute.type", "纠纷类型"),
        ({"risk": "extreme"}, "dispute.risk", "风险等级"),
        ({"summary": "吵"}, "dispute.summary", "纠纷简述"),
        ({"grid_code": "611022109223999"}, "not_found", "网格不存在"),
        ({"parties": []}, "dispute.parties", "至少填写一名当事人"),
        (
            {"parties": [PartyIn(name="张三"), PartyIn(name="李四", phone="12345")]},
            "phone.",
            "第 2 名当事人",
        ),
        (
            {"parties": [PartyIn(name="张三", id_number="610000199001011234")]},
            "id.",
            "第 1 名当事人",
        ),
        (
            {"parties": [PartyIn(name="某公司", kind="organisation", household_number="x")]},
            "dispute.party",
            "单位不能关联到户",
        ),
        ({"parties": [PartyIn(name="张三", household_number="000000")]}, "not_found", "户不存在"),
        ({"request_number": "611022-2026-999999"}, "not_found", "诉求不存在"),
    ],
)
def test_a_bad_registration_changes_nothing(db: None, worker, changes, code, words) -> None:  # type: ignore[no-untyped-def]
    before = _counts()
    with pytest.raises(DomainError) as e:
        register(worker, **changes)
    assert e.value.code.startswith(code)
    assert words in e.value.message
    assert _counts() == before


def test_bad_steps_change_nothing(db: None, worker) -> None:  # type: ignore[no-untyped-def]
    d = register(worker)
    before = (d.version, d.events.count())
    cases: list[tuple[Any, dict[str, Any], str]] = [
        (dispute_mediate, {"mediators": "", "note": "调解经过", "result": "agreed"}, "调解人员"),
        (dispute_mediate, {"mediators": "网格员", "note": "短", "result": "agreed"}, "调解经过"),
        (dispute_mediate, {"mediators": "网格员", "note": "调解经过", "result": "maybe"}, "结果"),
        (dispute_escalate, {"reason": "", "to_level": ""}, "上报理由"),
        (dispute_escalate, {"reason": "降级处理", "to_level": "grid"}, "更高层级"),
        (dispute_reassess, {"risk": "low", "reason": "没有变化"}, "没有变化"),
        (dispute_conclude, {"outcome": "won", "note": "结果"}, "化解结果"),
    ]
    for service, kwargs, words in cases:
        with pytest.raises(DomainError) as e:
            service(actor=worker, dispute=d, **kwargs)
        assert words in e.value.message, (service.__name__, e.value.message)
    d.refresh_from_db()
    assert (d.version, d.events.count()) == before


def test_a_stale_copy_is_refused(db: None, worker) -> None:  # type: ignore[no-untyped-def]
    d = register(worker)
    first, second = Dispute.objects.get(pk=d.pk), Dispute.objects.get(pk=d.pk)
    dispute_mediate(
        actor=worker, dispute=first, mediators="网格员", note="第一次调解", result="failed"
    )
    with pytest.raises(DomainError) as e:
        dispute_escalate(actor=worker, dispute=second, reason="另一个人同时上报")
    assert e.value.code == "conflict"
    assert "刚被他人处理" in e.value.message
    d.refresh_from_db()
    assert d.level == "grid"
    assert list(d.events.values_list("action", flat=True)) == ["register", "mediate"]


def test_two_steps_at_once_exactly_one_wins(django_db_setup, django_db_blocker) -> None:  # type: ignore[no-untyped-def]
    """Two people, each on their own connection and committing for real,
    take a step on the same case at the same moment: one is written, the
    other is told the case has just changed and writes nothing."""
    from django.db import connections

    from wangge.accounts.models import User

    with django_db_blocker.unblock():
        worker = User.objects.get(username=WORKER)
        d = register(worker)
    start = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def act(step: str) -> None:
        try:
            with django_db_blocker.unblock():
                mine = Dispute.objects.get(pk=d.pk)
                start.wait()
                if step == "escalate":
                    dispute_escalate(actor=worker, dispute=mine, reason="同时上报村调委会")
                else:
                    dispute_conclude(
                        actor=worker, dispute=mine, outcome="referred", note="同时移交"
                    )
                outcomes.append(step)
        except DomainError as exc:
            outcomes.append(exc.code)
        except BaseException as exc:  # re-raised below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(s,)) for s in ("escalate", "conclude")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with django_db_blocker.unblock():
        try:
            assert not errors, errors
            assert sorted(outcomes).count("conflict") == 1, outcomes
            actions = list(Dispute.objects.get(pk=d.pk).events.values_list("action", flat=True))
            assert len(actions) == 2
            assert actions[0] == "register"
        finally:
            Dispute.objects.filter(pk=d.pk).delete()  # committed for real: leave no trace
            from wangge.registry.colouring import recolour_households
            from wangge.registry.models import Household

            recolour_households(
                list(Household.objects.filter(grid__code=GRID).values_list("pk", flat=True))
            )
            # This test ran outside a test transaction: leave no session open
            # on the test database, or dropping it at the end fails.
            connections.close_all()


def test_outsiders_cannot_register_in_a_grid_they_do_not_reach(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    before = _counts()
    for name in ("danfeng_zhujian", "wg611022109223002"):  # a department; the next grid
        with pytest.raises(NotFound):
            register(user_named(name))
    assert _counts() == before
