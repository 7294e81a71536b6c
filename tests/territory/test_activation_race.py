"""Two people activate two generations of one village at the same moment, each on their own
connection, committing for real: exactly one wins, the other is told and writes nothing.

Real commits are needed to race (a test transaction would hide each side from the other), so
this test leaves its village (商镇东峰村, which no other test uses) switched to the winner.
"""

from __future__ import annotations

import threading
from typing import Any

from wangge.core.errors import DomainError
from wangge.territory.activation import generation_activate
from wangge.territory.generations import generation_compute, generation_submit
from wangge.territory.models import Area, GenerationOrigin, GenerationState, GridGeneration

VILLAGE = "611022109219"  # 商镇东峰村
TOWN = "shangzhen_dispatcher"


def test_two_activations_at_once_exactly_one_wins(
    django_db_setup: Any, django_db_blocker: Any
) -> None:
    from django.db import connections

    from wangge.accounts.models import User
    from wangge.registry.models import Household

    with django_db_blocker.unblock():
        town = User.objects.get(username=TOWN)
        village = Area.objects.get(code=VILLAGE)
        before = sorted(
            Area.objects.filter(
                level="grid", is_active=True, path__startswith=village.path
            ).values_list("code", flat=True)
        )
        drafts = [
            generation_compute(actor=town, village=village, minimum=lo, maximum=hi)
            for lo, hi in ((40, 50), (30, 40))
        ]
        ids = [generation_submit(actor=town, generation=g).pk for g in drafts]
        households = Household.objects.filter(is_active=True, area_path__startswith=village.path)
        count = households.count()

    start = threading.Barrier(2)
    won: list[int] = []
    lost: list[str] = []
    errors: list[BaseException] = []

    def activate(pk: int) -> None:
        try:
            with django_db_blocker.unblock():
                me = User.objects.get(username=TOWN)
                generation = GridGeneration.objects.get(pk=pk)
                start.wait(timeout=30)
                try:
                    generation_activate(actor=me, generation=generation)
                    won.append(pk)
                except DomainError as exc:
                    lost.append(exc.code)
        except BaseException as exc:  # collected and re-raised below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=activate, args=(pk,)) for pk in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert len(won) == 1, (won, lost)
    assert lost in (["grid.state"], ["grid.stale"])

    with django_db_blocker.unblock():
        winner = GridGeneration.objects.get(pk=won[0])
        loser = GridGeneration.objects.get(pk=next(pk for pk in ids if pk != won[0]))
        assert winner.state == GenerationState.ACTIVE
        assert loser.state in (GenerationState.DISCARDED, GenerationState.SUBMITTED)
        active = GridGeneration.objects.filter(village=village, state=GenerationState.ACTIVE)
        assert list(active.values_list("pk", flat=True)) == [winner.pk]
        assert (
            GridGeneration.objects.get(village=village, origin=GenerationOrigin.DEMO).state
            == GenerationState.SUPERSEDED
        )
        now = sorted(
            Area.objects.filter(
                level="grid", is_active=True, path__startswith=village.path
            ).values_list("code", flat=True)
        )
        assert now == sorted(g["code"] for g in winner.grids)
        assert not set(now) & set(before)
        assert not Area.objects.filter(generation=loser).exists()
        assert households.count() == count
        assert set(households.values_list("grid__code", flat=True)) <= set(now)
        connections.close_all()
